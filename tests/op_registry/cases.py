"""Case strategies shared by the registry modules: each draws ``(args, kwargs)`` for one op.

Arrays come from ``autograd.testing.arrays`` (well-conditioned values in a drawn
memory layout), so every op is also checked on transposed, sliced and
negatively strided inputs.
"""
from __future__ import annotations

from typing import Any, Sequence, Tuple

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd.testing import arrays, broadcastable_shapes, shapes, valid_axes, with_layout

SPECS: list = []  # NOTE: helpers only; the registry collects nothing from this module


def any_shape(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4):
    return shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


@st.composite
def one_array(draw: Any, shape: Any = None, kwargs: Any = None, **values: Any) -> Tuple[list, dict]:
    """One array (shape drawn from ``shape``, any shape with 0-d by default) and fixed/drawn kwargs."""
    s = draw(shape if shape is not None else any_shape())
    kw = draw(kwargs) if isinstance(kwargs, st.SearchStrategy) else dict(kwargs or {})
    return [draw(arrays(s, **values))], kw


@st.composite
def broadcast_arrays(draw: Any, n: int = 2, values: Sequence[dict] = (), min_side: int = 1,
                     max_dims: int = 3) -> Tuple[list, dict]:
    """``n`` arrays whose shapes broadcast together; ``values[i]`` configures array ``i``."""
    shps = draw(broadcastable_shapes(num_shapes=n, max_dims=max_dims)) if min_side else draw(
        hnp.mutually_broadcastable_shapes(num_shapes=n, min_side=0, max_side=3).map(lambda b: b.input_shapes))
    vals = list(values) + [{}] * (n - len(values))
    return [draw(arrays(s, **v)) for s, v in zip(shps, vals)], {}


@st.composite
def separated_pair(draw: Any) -> Tuple[list, dict]:
    """Two broadcastable arrays with no element of one within a fixed gap of the other
    (no ties for maximum/minimum): x lives in even grid cells, y in odd ones."""
    sa, sb = draw(broadcastable_shapes())
    step = 0.25

    def grid(shape: tuple, parity: int) -> np.ndarray:
        n = int(np.prod(shape, dtype=np.int64))
        cells = draw(st.lists(st.integers(-6, 5), min_size=n, max_size=n))
        jit = draw(st.lists(st.floats(0.25, 0.75), min_size=n, max_size=n))
        vals = (2 * np.asarray(cells, dtype=np.float64) + parity + np.asarray(jit)) * step
        return with_layout(vals.reshape(shape), draw(st.sampled_from(["contiguous", "reversed", "transposed"])))

    return [grid(sa, 0), grid(sb, 1)], {}


@st.composite
def reduction(draw: Any, keepdims: bool = True, allow_tuple: bool = True, min_dims: int = 0,
              min_side: int = 1, extra: Any = None, **values: Any) -> Tuple[list, dict]:
    """An array, a valid ``axis`` (None, int or tuple) and ``keepdims``."""
    s = draw(any_shape(min_dims=min_dims, min_side=min_side))
    kw = {"axis": draw(valid_axes(len(s), allow_tuple=allow_tuple))}
    if keepdims:
        kw["keepdims"] = draw(st.booleans())
    if extra is not None:
        kw.update(draw(extra))
    return [draw(arrays(s, **values))], kw


@st.composite
def one_axis(draw: Any, min_dims: int = 1, **values: Any) -> Tuple[list, dict]:
    """An array with at least ``min_dims`` dimensions and one valid int ``axis``."""
    s = draw(any_shape(min_dims=min_dims))
    return [draw(arrays(s, **values))], {"axis": draw(st.integers(-len(s), len(s) - 1))}


@st.composite
def same_but_axis(draw: Any, n_max: int = 3, stack: bool = False) -> Tuple[list, dict]:
    """2..n_max arrays that agree except along ``axis`` (all equal for ``stack``)."""
    base = draw(any_shape(min_dims=0 if stack else 1))
    nd = len(base) + (1 if stack else 0)
    axis = draw(st.integers(-nd, nd - 1))
    k = draw(st.integers(1, n_max))
    out = []
    for _ in range(k):
        s = list(base)
        if not stack:
            s[axis] = draw(st.integers(1, 3))
        out.append(draw(arrays(tuple(s))))
    return out, {"axis": axis}


def int_positions(shape: tuple, index: Any) -> np.ndarray:
    """For each element of ``x[index]``, its flat position in x (the torch oracle's gather map)."""
    return np.arange(int(np.prod(shape, dtype=np.int64)), dtype=np.int64).reshape(shape)[index]
