"""Hypothesis strategies: draw test inputs the way the library's own gradient tests do.

They draw what makes gradient tests honest: shapes with 0-d and size-1 axes,
shapes that broadcast together, valid axes, index expressions of every kind,
values kept away from kinks and domain edges, and arrays whose memory layout
is not C-contiguous. ``autograd.check.op_case.check_op`` runs one drawn case.
This module needs ``hypothesis`` (a dev dependency), so ``import autograd``
does not import it; ``autograd.testing`` re-exports it with ``check_op``.

>>> from hypothesis import find
>>> find(shapes(min_dims=1), lambda s: s[0] > 1)[0] > 1
True
"""
from __future__ import annotations

from typing import Any, List, Sequence, Tuple

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

LAYOUTS = ("contiguous", "transposed", "sliced", "reversed")


# -- shapes and axes ----------------------------------------------------------------------

def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4) -> st.SearchStrategy:
    """Array shapes, 0-d and size-1 axes included.

    >>> from hypothesis import find
    >>> s = find(shapes(min_dims=2, max_dims=2), lambda s: s[0] > 2)
    >>> len(s), s[0] > 2
    (2, True)
    """
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(num_shapes: int = 2, min_dims: int = 0, max_dims: int = 3,
                         max_side: int = 4) -> st.SearchStrategy:
    """Tuples of ``num_shapes`` shapes that broadcast together (0-d, size-1 and missing axes).

    >>> from hypothesis import find
    >>> import numpy as np
    >>> a, b = find(broadcastable_shapes(), lambda p: len(p[0]) != len(p[1]))
    >>> len(np.broadcast_shapes(a, b)) == max(len(a), len(b))
    True
    """
    return hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=min_dims,
                                             max_dims=max_dims, min_side=1,
                                             max_side=max_side).map(lambda b: b.input_shapes)


@st.composite
def valid_axes(draw: Any, ndim: int, allow_none: bool = True, allow_tuple: bool = True) -> Any:
    """An ``axis`` argument valid for ``ndim`` dimensions: None, an int (negatives too) or a tuple.

    >>> from hypothesis import find
    >>> axes = find(valid_axes(3), lambda a: isinstance(a, tuple) and len(a) == 2)
    >>> all(-3 <= a < 3 for a in axes), len({a % 3 for a in axes})  # in range, no axis twice
    (True, 2)
    """
    kinds = (["none"] if allow_none or ndim == 0 else []) + (["int"] if ndim else [])
    if allow_tuple and ndim:
        kinds.append("tuple")
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    picked = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    signs = draw(st.lists(st.booleans(), min_size=len(picked), max_size=len(picked)))
    return tuple(a - ndim if neg else a for a, neg in zip(picked, signs))


# -- index expressions ---------------------------------------------------------------------

@st.composite
def index_expressions(draw: Any, shape: Tuple[int, ...]) -> Any:
    """A valid numpy index for ``shape``: basic (ints, slices with negative steps, None, ...),
    a boolean mask, an integer array with repeats and negatives, or arrays mixed with slices.

    >>> from hypothesis import find
    >>> i = find(index_expressions((3, 4)), lambda i: isinstance(i, tuple) and len(i) == 2 and
    ...          isinstance(i[0], np.ndarray) and i[0].dtype.kind == "i")
    >>> np.zeros((3, 4))[i].ndim <= 2                       # a valid index, as numpy reads it
    True
    """
    kinds = ["basic"]
    if len(shape) and all(shape):
        kinds += ["mask", "int_array", "mixed"]
    kind = draw(st.sampled_from(kinds))
    if kind == "basic":
        return draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))
    if kind == "mask":
        k = draw(st.integers(1, len(shape)))
        mask = draw(hnp.arrays(np.bool_, shape[:k]))
        return mask if k == len(shape) or draw(st.booleans()) else (mask, Ellipsis)
    axis = draw(st.integers(0, len(shape) - 1))
    m = shape[axis]
    ints = draw(hnp.arrays(np.int64, draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)),
                           elements=st.integers(-m, m - 1)))
    index: List[Any] = [slice(None)] * len(shape)
    index[axis] = ints
    if kind == "mixed" and len(shape) > 1:
        index[(axis + 1) % len(shape)] = slice(None, None, -1)
    elif kind == "mixed":
        index.insert(0, Ellipsis)
    return tuple(index[:axis + 1]) if kind == "int_array" else tuple(index)


# -- values and layouts --------------------------------------------------------------------

@st.composite
def well_conditioned(draw: Any, shape: Tuple[int, ...], low: float = -2.0, high: float = 2.0,
                     avoid: Sequence[float] = (0.0,), margin: float = 0.05, distinct: bool = False,
                     dtype: Any = np.float64) -> np.ndarray:
    """Values in ``[low, high]`` at least ``margin`` away from each point of ``avoid`` (kinks such
    as relu's 0); with ``distinct=True`` also at least ``margin / 4`` apart (no max/min ties).

    >>> from hypothesis import find
    >>> x = find(well_conditioned((3,), avoid=(0.0,), margin=0.1), lambda x: True)
    >>> x.shape, bool(np.all(np.abs(x) >= 0.1))                  # 0 is kept at a distance
    ((3,), True)
    """
    n = int(np.prod(shape, dtype=np.int64))
    if distinct:
        # NOTE: one value per cell of a grid three times larger than needed, jittered inside its
        # cell, so values are spread apart without rejection sampling
        cells = 3 * max(n, 1)
        step = (high - low) / cells
        idx = draw(st.lists(st.integers(0, cells - 1), min_size=n, max_size=n, unique=True))
        jitter = draw(st.lists(st.floats(0.25, 0.75), min_size=n, max_size=n))
        vals = low + (np.asarray(idx, dtype=np.float64) + np.asarray(jitter)) * step
    else:
        vals = draw(hnp.arrays(np.float64, (n,), elements=st.floats(low, high, allow_nan=False,
                                                                     allow_infinity=False)))
    for k in avoid:
        near = np.abs(vals - k) < margin
        vals = np.where(near, vals + np.where(vals >= k, margin, -margin), vals)
    if distinct and n > 1:
        gaps = np.diff(np.sort(vals))
        assume(gaps.min() >= margin / 4)
    return vals.reshape(shape).astype(dtype)


def with_layout(a: np.ndarray, layout: str) -> np.ndarray:
    """The same values as ``a`` in another memory layout: 'contiguous', 'transposed' (a view of
    a transposed buffer), 'sliced' (every other element of a larger buffer) or 'reversed'
    (negative strides).

    >>> b = with_layout(np.arange(6.0).reshape(2, 3), "reversed")
    >>> b.strides[0] < 0, b.tolist()
    (True, [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    """
    a = np.asarray(a)
    if layout == "contiguous" or a.ndim == 0:
        return np.array(a, copy=True)  # NOTE: not ascontiguousarray, which turns 0-d into 1-d
    if layout == "transposed":
        return np.ascontiguousarray(a.T).T
    if layout == "sliced":
        big = np.zeros(tuple(2 * s for s in a.shape), dtype=a.dtype)
        view = big[tuple(slice(None, None, 2) for _ in a.shape)]
        view[...] = a
        return view
    if layout == "reversed":
        flipped = tuple(slice(None, None, -1) for _ in a.shape)
        return np.ascontiguousarray(a[flipped])[flipped]
    raise ValueError(f"with_layout: layout must be one of {LAYOUTS}, got {layout!r}")


@st.composite
def arrays(draw: Any, shape: Tuple[int, ...], layouts: Sequence[str] = LAYOUTS, **values: Any) -> np.ndarray:
    """``well_conditioned`` values (keyword arguments are passed to it) in a drawn memory layout.

    >>> from hypothesis import find
    >>> find(arrays((2, 3), layouts=("transposed",)), lambda a: True).flags.c_contiguous
    False
    """
    return with_layout(draw(well_conditioned(shape, **values)), draw(st.sampled_from(list(layouts))))
