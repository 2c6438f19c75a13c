"""Indexing: ``x[index]``, its adjoint scatter-add, and the out-of-place ``x[index] = v``."""
from __future__ import annotations

from typing import Any, List, Tuple

import numpy as np

from autograd.function import Array, Function, Grads
from autograd.tensor import Tensor
from autograd.xp import _scatter_add


class GetItem(Function):
    """z = x[i];  dz/dx: the gradient scattered back to positions i (repeated indices accumulate)"""
    __slots__ = ()

    def forward(self, x: Array, index: Any, unique: Any = True) -> Array:
        # NOTE: the index is a tuple (normalize_index), so the in-place check does not take its
        # arrays for values read from x: the backward reads no value of x, only where it was
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

    def forward(self, x: Array, v: Array, stages: Any) -> Array:
        out = x.copy()
        assign(out, stages, v)
        keep = np.ones(x.shape, dtype=bool)
        assign(keep, stages, False)
        self.save_for_backward(keep, stages)
        return out

    def backward(self, g: Array) -> Grads:
        keep, stages = self.saved_tensors
        gv = None
        if self.needs_input_grad[1]:
            gv = g
            for st in stages:
                gv = gv[st]
        return self.xp.where(keep, g, 0), gv


#: the classes of index entries read alike by numpy and PyTorch, whatever else the index holds
_BASIC = frozenset({int, slice, type(None), type(Ellipsis)})


def _is_int(it: Any) -> bool:
    return isinstance(it, (int, np.integer)) and not isinstance(it, (bool, np.bool_))


def _index_item(it: Any, op: str) -> Any:
    """One entry of an index, with Tensors, lists and tuples made arrays (copied: a later change
    to the caller's array must not change the recorded index) and 0-d integer arrays made ints."""
    if isinstance(it, Tensor):
        it = it._data
    if isinstance(it, np.ndarray):
        it = it.copy()
    elif isinstance(it, (list, tuple)):
        it = np.asarray(it)
        if it.size == 0:
            it = it.astype(np.intp)  # NOTE: an empty list picks nothing (numpy would call it float)
    elif isinstance(it, (float, np.floating)):
        raise IndexError(f"{op}: float index {it!r}; indices must be integers, slices, None, ... or arrays")
    else:
        return it
    kind = it.dtype.kind
    if kind == "b":
        return it
    if kind not in "iu":
        raise IndexError(f"{op}: index arrays must be integer or boolean, got dtype {it.dtype}")
    return int(it) if it.ndim == 0 else it  # NOTE: PyTorch reads a 0-d integer tensor as an int


def torch_stages(items: Tuple[Any, ...]) -> Tuple[Tuple[Any, ...], ...]:
    """PyTorch's rule as numpy indices applied one after the other (one, or two when integers
    and arrays are mixed).

    PyTorch selects with every integer first and then applies the arrays (and masks) to what
    is left, placing their dimensions where the arrays stand if they are next to each other
    and in front otherwise; numpy counts an integer as one more array, so ``x[0, :, [0, 2]]``
    on a (2, 3, 4) tensor is (3, 2) in PyTorch but (2, 3) in numpy. The first stage is the
    integers (with the slices, None and ... around them); the second, the arrays.

    >>> torch_stages((0, slice(None), np.array([0, 2])))
    ((0, slice(None, None, None), slice(None, None, None)), (slice(None, None, None), array([0, 2])))
    """
    has_array = any(isinstance(it, (np.ndarray, bool, np.bool_)) for it in items)
    if not (has_array and any(_is_int(it) for it in items)):
        return (items,)
    first: List[Any] = []
    second: List[Any] = []
    for it in items:
        if _is_int(it):
            first.append(it)                    # the axis is selected away
        elif isinstance(it, (bool, np.bool_)):
            second.append(it)                   # a scalar mask: no axis of x, one of the result
        elif isinstance(it, np.ndarray):
            first.extend([slice(None)] * (it.ndim if it.dtype == np.bool_ else 1))
            second.append(it)
        elif it is None:
            first.append(None)                  # the new axis is an ordinary one in stage two
            second.append(slice(None))
        elif it is Ellipsis:
            first.append(it)
            second.append(it)
        else:                                   # a slice: applied now, kept whole after
            first.append(it)
            second.append(slice(None))
    return tuple(first), tuple(second)


def _expand_ellipsis(items: Tuple[Any, ...], ndim: int) -> Tuple[Any, ...]:
    """``...`` as the slices it stands for. PyTorch places array dimensions by the axes between
    the arrays, so ``x[:, [0], ..., [0]]`` on a 3-D tensor has its arrays side by side (numpy
    counts any ``...`` as a separator)."""
    used = sum(it.ndim if isinstance(it, np.ndarray) and it.dtype == np.bool_ else 1
               for it in items if it is not None and it is not Ellipsis and not isinstance(it, (bool, np.bool_)))
    if used > ndim:
        return items  # NOTE: too many indices: numpy's IndexError says so
    at = next(i for i, it in enumerate(items) if it is Ellipsis)
    # NOTE: a second `...` stays, for numpy's IndexError
    return items[:at] + (slice(None),) * (ndim - used) + items[at + 1:]


def normalize_index(index: Any, op: str, ndim: int) -> Tuple[Tuple[Any, ...], bool, bool]:
    """``index`` into a tensor of ``ndim`` dimensions as PyTorch reads it: its stages
    (``torch_stages``), whether it is basic (a view), and whether it is repeat-free (so a
    scatter need not accumulate)."""
    items = index if isinstance(index, tuple) else (index,)
    if all(it.__class__ in _BASIC for it in items):
        return (items,), True, True  # NOTE: ints, slices, None, ...: numpy's rule is PyTorch's
    # NOTE: a tuple inside the index (``a[(0, 0),]``) is a sequence of positions, like a list
    items = tuple(_index_item(it, op) for it in items)
    if any(it is Ellipsis for it in items):
        items = _expand_ellipsis(items, ndim)
    basic, has_int, int_arrays = True, False, []
    for it in items:
        if it.__class__ is np.ndarray:
            basic = False
            if it.dtype.kind != "b":
                int_arrays.append(it)
        elif isinstance(it, (bool, np.bool_)):
            basic = False
        elif isinstance(it, (int, np.integer)):
            has_int = True
    # NOTE: two integer arrays together can repeat a position even if each is repeat-free,
    # so only a single integer array is examined (np.unique costs O(n log n) per call)
    unique = not int_arrays
    if len(int_arrays) == 1:
        it = int_arrays[0]
        # NOTE: -1 and n-1 name the same position, but n is unknown here, so an
        # array mixing signs is treated as possibly repeating (accumulation is always right)
        unique = it.size <= 1 or (np.unique(it).size == it.size and not it.min() < 0 <= it.max())
    return torch_stages(items) if has_int and not basic else (items,), basic, unique


def assign(data: np.ndarray, stages: Tuple[Any, ...], value: Any) -> None:
    """``data[index] = value`` in place, for an index given as its stages (``normalize_index``).

    >>> a = np.zeros((2, 3, 4)); assign(a, normalize_index((0, slice(None), [0, 2]), "setitem", 3)[0], np.ones((3, 2)))
    >>> int(a.sum())
    6
    """
    for st in stages[:-1]:
        data = data[st]  # NOTE: every stage but the last is basic: a view, so the write lands in data
    data[stages[-1]] = value


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]`` with PyTorch's rules: ints, slices, None, ..., negative steps, boolean masks,
    integer arrays (lists, tuples, Tensors). With integers and arrays mixed, the integers select
    first and the arrays index what is left (see ``torch_stages``); numpy's rule differs there.

    >>> import autograd as ag
    >>> x = ag.arange(6.0).reshape(2, 3)
    >>> x[:, ::-1]
    tensor([[2., 1., 0.],
            [5., 4., 3.]])
    >>> ag.zeros(2, 3, 4)[0, :, [0, 2]].shape
    (3, 2)
    """
    stages, basic, unique = normalize_index(index, "getitem", x.ndim)
    try:
        if basic:
            return BasicGetItem.apply(x, index=stages[0], unique=True)
        if len(stages) == 2:
            x = BasicGetItem.apply(x, index=stages[0], unique=True)
        return GetItem.apply(x, index=stages[-1], unique=unique)
    except IndexError as e:
        raise IndexError(f"getitem: index {index!r} is invalid for a tensor of shape {x.shape}: {e}") from None


def scatter_add(shape: tuple, index: Any, g: Tensor, unique: bool = False) -> Tensor:
    """zeros(shape) with ``g`` added at ``index`` (numpy's index rules; repeated positions accumulate).

    >>> import autograd as ag, numpy as np
    >>> ag.scatter_add((3,), np.array([0, 0, 2]), ag.ones(3))
    tensor([2., 0., 1.])
    """
    # NOTE: a tuple, as GetItem saves it: the index arrays are positions, not values of g
    index = index if isinstance(index, tuple) else (index,)
    return ScatterAdd.apply(g, shape=tuple(shape), index=index, unique=unique)


def setitem(x: Tensor, index: Any, value: Any) -> Tensor:
    """A copy of ``x`` with ``[index] = value`` (PyTorch's index rules), recorded so gradients reach both."""
    stages, _, _ = normalize_index(index, "setitem", x.ndim)
    try:
        return SetItem.apply(x, value, stages=stages)
    except (IndexError, ValueError) as e:
        raise type(e)(f"setitem: cannot assign a value of shape {np.shape(value)} to index "
                      f"{index!r} of a tensor of shape {x.shape}: {e}") from None
