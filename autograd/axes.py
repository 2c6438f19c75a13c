"""The one checked axis helper: every op that takes an axis (``dim``) normalises it here.

PyTorch's rules, which every op follows through these two functions:

- an axis is a Python or numpy integer (not a bool, not a float): anything else is a
  ``TypeError`` naming the op;
- it lies in ``-ndim .. ndim-1`` and negatives count from the end; outside that range it is
  an ``IndexError`` naming the op, the axis and the tensor's dimensions (never wrapped around);
- a 0-d tensor accepts axis ``0`` and ``-1`` (PyTorch treats it as having one dimension here);
- a list of axes must not repeat one (``RuntimeError``, as PyTorch raises).
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np

#: what ops accept as an axis argument: none, one integer, or several
Axis = Union[None, int, Sequence[int]]


def _check_int(axis: Any, op: str, name: str) -> int:
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}(): {name} must be an int, got {type(axis).__name__} {axis!r}")
    return int(axis)


def normalise_axis(axis: Any, ndim: int, op: str, name: str = "dim", extra: int = 0) -> int:
    """``axis`` as a position in ``0 .. ndim-1`` (0 for a 0-d tensor); raises if out of range.

    ``extra`` widens the range for ops that insert axes (1 for ``unsqueeze`` and ``stack``).

    >>> normalise_axis(-1, 3, "sum")
    2
    >>> normalise_axis(3, 3, "sum")
    Traceback (most recent call last):
    ...
    IndexError: sum(): dim 3 is out of range for a 3-D tensor (valid -3..2)
    """
    limit = max(ndim + extra, 1)  # NOTE: a 0-d tensor accepts 0 and -1, as in PyTorch
    if axis.__class__ is int and -limit <= axis < limit:
        return axis % limit  # NOTE: the common case first: one class test instead of the checks below
    a = _check_int(axis, op, name)
    if not -limit <= a < limit:
        raise IndexError(f"{op}(): {name} {a} is out of range for a {ndim}-D tensor "
                         f"(valid {-limit}..{limit - 1})")
    return a % limit


def normalise_axes(axes: Axis, ndim: int, op: str, name: str = "dim") -> Optional[Tuple[int, ...]]:
    """``axes`` (None, one int or a sequence of ints) as a tuple of distinct positions, in the
    order given; None stays None (meaning: every axis).

    >>> normalise_axes((0, -1), 3, "sum")
    (0, 2)
    >>> normalise_axes((1, -2), 3, "sum")
    Traceback (most recent call last):
    ...
    RuntimeError: sum(): dim 1 appears more than once in (1, -2)
    """
    if axes is None:
        return None
    if axes.__class__ is int:
        return (normalise_axis(axes, ndim, op, name),)
    if isinstance(axes, (list, tuple)):
        items: Sequence[Any] = axes
    elif isinstance(axes, np.ndarray) and axes.ndim == 1:
        items = axes.tolist()
    else:
        items = (axes,)
    out = tuple(normalise_axis(a, ndim, op, name) for a in items)
    if len(set(out)) != len(out):
        twice = next(a for a in out if out.count(a) > 1)
        raise RuntimeError(f"{op}(): {name} {twice} appears more than once in {tuple(items)}")
    return out
