"""Indexing: ``x[index]``, its adjoint scatter-add, and the out-of-place ``x[index] = v``."""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np

from autograd.function import Array, Function, Grads
from autograd.tensor import Tensor
from autograd.xp import _scatter_add


class GetItem(Function):
    """z = x[i];  dz/dx: the gradient scattered back to positions i (repeated indices accumulate)"""
    __slots__ = ()

    def forward(self, x: Array, index: Any, unique: Any = True) -> Array:
        self.save_for_backward(x.shape, index, unique)
        return x[index]

    def backward(self, g: Array) -> Grads:
        shape, index, unique = self.saved_tensors
        return (self.xp.scatter_add(shape, index, g, unique),)


class BasicGetItem(GetItem):
    """z = x[i] for ints, slices, None and Ellipsis: a view of x"""
    __slots__ = ()
    is_view = True


class ScatterAdd(Function):
    """z = zeros(s) with g added at i;  dz/dg = z-gradient read at i (the adjoint of indexing)"""
    __slots__ = ()

    def forward(self, g: Array, shape: Any, index: Any, unique: Any = False) -> Array:
        self.save_for_backward(index)
        return _scatter_add(shape, index, g, unique)

    def backward(self, gz: Array) -> Grads:
        return (gz[self.saved_tensors[0]],)


class SetItem(Function):
    """z = x with z[i] = v;  dz/dx = 1 outside i (0 inside),  dz/dv = the gradient read at i"""
    __slots__ = ()

    def forward(self, x: Array, v: Array, index: Any) -> Array:
        out = x.copy()
        out[index] = v
        keep = np.ones(x.shape, dtype=bool)
        keep[index] = False
        self.save_for_backward(keep, index)
        return out

    def backward(self, g: Array) -> Grads:
        keep, index = self.saved_tensors
        return self.xp.where(keep, g, 0), (g[index] if self.needs_input_grad[1] else None)


def normalize_index(index: Any, op: str = "index") -> Tuple[Any, bool, bool]:
    """Turn Tensors and lists in ``index`` into arrays; say whether it is basic and repeat-free."""
    items = index if isinstance(index, tuple) else (index,)
    basic, out, int_arrays = True, [], []
    for it in items:
        if isinstance(it, Tensor):
            it = it._data
        if isinstance(it, (list, np.ndarray)):
            it = np.asarray(it)
            if it.dtype == np.bool_:
                basic = False
            elif np.issubdtype(it.dtype, np.integer):
                basic = False
                int_arrays.append(it)
            else:
                raise IndexError(f"{op}: index arrays must be integer or boolean, got dtype {it.dtype}")
        elif isinstance(it, (float, np.floating)):
            raise IndexError(f"{op}: float index {it!r}; indices must be integers, slices, None, ... or arrays")
        out.append(it)
    # NOTE: two integer arrays together can repeat a position even if each is repeat-free,
    # so only a single integer array is examined (np.unique costs O(n log n) per call)
    unique = len(int_arrays) == 0
    if len(int_arrays) == 1:
        it = int_arrays[0]
        # NOTE: -1 and n-1 name the same position, but n is unknown here, so an
        # array mixing signs is treated as possibly repeating (accumulation is always right)
        unique = it.size <= 1 or (np.unique(it).size == it.size and not it.min() < 0 <= it.max())
    result = tuple(out) if isinstance(index, tuple) else out[0]
    return result, basic, unique


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]`` with numpy semantics (ints, slices, None, ..., negative steps, masks, arrays).

    >>> import autograd as ag
    >>> x = ag.arange(6.0).reshape(2, 3)
    >>> x[:, ::-1]
    tensor([[2., 1., 0.],
            [5., 4., 3.]])
    """
    idx, basic, unique = normalize_index(index, "getitem")
    try:
        if basic:
            return BasicGetItem.apply(x, index=idx, unique=True)
        return GetItem.apply(x, index=idx, unique=unique)
    except IndexError as e:
        raise IndexError(f"getitem: index {index!r} is invalid for a tensor of shape {x.shape}: {e}") from None


def scatter_add(shape: tuple, index: Any, g: Tensor, unique: bool = False) -> Tensor:
    """zeros(shape) with ``g`` added at ``index`` (repeated positions accumulate)."""
    return ScatterAdd.apply(g, shape=tuple(shape), index=index, unique=unique)


def setitem(x: Tensor, index: Any, value: Any) -> Tensor:
    """A copy of ``x`` with ``[index] = value``, recorded so gradients reach both."""
    idx, _, _ = normalize_index(index, "setitem")
    try:
        return SetItem.apply(x, value, index=idx)
    except (IndexError, ValueError) as e:
        raise type(e)(f"setitem: cannot assign a value of shape {np.shape(value)} to index "
                      f"{index!r} of a tensor of shape {x.shape}: {e}") from None
