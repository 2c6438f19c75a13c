"""Shape ops: reshape, transpose, broadcast, concatenate, pad, flip (primitives) and the views built on them."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from autograd.function import Array, Function, Grads
from autograd.tensor import Tensor


class Reshape(Function):
    """z = reshape(x, s);  dz/dx: reshape the gradient back to x's shape"""
    __slots__ = ()
    is_view = True

    def forward(self, x: Array, shape: Any) -> Array:
        self.save_for_backward(x.shape)
        return x.reshape(shape)

    def backward(self, g: Array) -> Grads:
        return (self.xp.reshape(g, self.saved_tensors[0]),)


class Transpose(Function):
    """z = transpose(x, axes);  dz/dx: transpose the gradient by the inverse permutation"""
    __slots__ = ()
    is_view = True

    def forward(self, x: Array, axes: Any) -> Array:
        self.save_for_backward(axes)
        return np.transpose(x, axes)

    def backward(self, g: Array) -> Grads:
        return (self.xp.transpose(g, tuple(np.argsort(self.saved_tensors[0]))),)


class BroadcastTo(Function):
    """z = broadcast_to(x, s);  dz/dx = 1 (the engine sums the gradient over the broadcast axes)"""
    __slots__ = ()
    is_view = True

    def forward(self, x: Array, shape: Any) -> Array:
        return np.broadcast_to(x, shape)

    def backward(self, g: Array) -> Grads:
        return (g,)


class Cat(Function):
    """z = concatenate(x1, x2, ..., axis);  dz/dxi: the slice of the gradient where xi sits"""
    __slots__ = ()

    def forward(self, *xs: Array, axis: Any = 0) -> Array:
        self.save_for_backward(axis, [x.shape[axis] for x in xs])
        return np.concatenate(xs, axis=axis)

    def backward(self, g: Array) -> Grads:
        axis, sizes = self.saved_tensors
        grads, start = [], 0
        lead = (slice(None),) * axis
        for n in sizes:
            grads.append(g[lead + (slice(start, start + n),)])
            start += n
        return tuple(grads)


class Pad(Function):
    """z = pad(x, width, value);  dz/dx: the gradient with the padding cut away"""
    __slots__ = ()

    def forward(self, x: Array, pad_width: Any, value: Any = 0.0) -> Array:
        self.save_for_backward(x.shape, pad_width)
        return np.pad(x, pad_width, mode="constant", constant_values=value)

    def backward(self, g: Array) -> Grads:
        shape, pad_width = self.saved_tensors
        return (g[tuple(slice(lo, lo + n) for (lo, _), n in zip(pad_width, shape))],)


class Flip(Function):
    """z = flip(x, axes);  dz/dx: flip the gradient along the same axes"""
    __slots__ = ()
    is_view = True

    def forward(self, x: Array, axis: Any) -> Array:
        self.save_for_backward(axis)
        return np.flip(x, axis)

    def backward(self, g: Array) -> Grads:
        return (self.xp.flip(g, self.saved_tensors[0]),)


# -- functions ----------------------------------------------------------------------------

def _shape_args(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def reshape(x: Tensor, *shape: Any) -> Tensor:
    """Give ``x`` a new shape with the same number of elements (-1 is inferred).

    >>> import autograd as ag
    >>> ag.reshape(ag.arange(6.0), (2, 3)).shape
    (2, 3)
    """
    shape = _shape_args(shape)
    try:
        return Reshape.apply(x, shape=shape)
    except ValueError:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                         f"into shape {shape}") from None


view = reshape


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` into one.

    >>> import autograd as ag
    >>> ag.flatten(ag.zeros(2, 3, 4), 1).shape
    (2, 12)
    """
    if x.ndim == 0:
        return reshape(x, (1,))
    s, e = start_dim % x.ndim, end_dim % x.ndim
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for shape {x.shape}")
    return reshape(x, x.shape[:s] + (-1,) + x.shape[e + 1:])


def permute(x: Tensor, *dims: Any) -> Tensor:
    """Reorder the axes of ``x``.

    >>> import autograd as ag
    >>> ag.permute(ag.zeros(2, 3, 4), 2, 0, 1).shape
    (4, 2, 3)
    """
    dims = _shape_args(dims)
    if sorted(d % max(x.ndim, 1) for d in dims) != list(range(x.ndim)):
        raise ValueError(f"permute: {dims} is not a permutation of the {x.ndim} axes of shape {x.shape}")
    return Transpose.apply(x, axes=tuple(d % x.ndim for d in dims))


def transpose(x: Tensor, *axes: Any) -> Tensor:
    """No axes: reverse them (numpy); two ints: swap those two (PyTorch); a permutation: apply it.

    >>> import autograd as ag
    >>> ag.transpose(ag.zeros(2, 3, 4), 0, 2).shape
    (4, 3, 2)
    """
    if not axes:
        return Transpose.apply(x, axes=tuple(range(x.ndim))[::-1])
    if len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes) and x.ndim != 2:
        return swapaxes(x, axes[0], axes[1])
    return permute(x, *axes)


def swapaxes(x: Tensor, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes (``swapdims`` in PyTorch)."""
    nd = x.ndim
    for a in (axis1, axis2):
        if not -nd <= a < nd:
            raise ValueError(f"swapaxes: axis {a} is out of range for shape {x.shape}")
    perm = list(range(nd))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return Transpose.apply(x, axes=tuple(perm))


swapdims = swapaxes


def moveaxis(x: Tensor, source: int, destination: int) -> Tensor:
    """Move one axis to a new position (numpy's ``moveaxis``)."""
    perm = list(range(x.ndim))
    perm.insert(destination % x.ndim, perm.pop(source % x.ndim))
    return Transpose.apply(x, axes=tuple(perm))


def broadcast_to(x: Tensor, shape: Sequence[int]) -> Tensor:
    """Broadcast ``x`` to ``shape`` (a read-only view).

    >>> import autograd as ag
    >>> ag.broadcast_to(ag.tensor([1.0, 2.0]), (3, 2)).shape
    (3, 2)
    """
    shape = tuple(shape)
    try:
        np.broadcast_shapes(x.shape, shape)
        if np.broadcast_shapes(x.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"broadcast_to: a tensor of shape {x.shape} cannot be broadcast to {shape}") from None
    return BroadcastTo.apply(x, shape=shape)


def expand(x: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``expand``: broadcast to ``sizes``, where -1 keeps a dimension."""
    sizes = _shape_args(sizes)
    lead = len(sizes) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return broadcast_to(x, shape)


def squeeze(x: Tensor, axis: Any = None, *, dim: Any = None) -> Tensor:
    """Remove axes of size 1 (all of them, or those named).

    >>> import autograd as ag
    >>> ag.squeeze(ag.zeros(1, 3, 1)).shape
    (3,)
    """
    axis = dim if dim is not None else axis
    if axis is None:
        shape = tuple(s for s in x.shape if s != 1)
    else:
        axes = {a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis)}
        # NOTE: like PyTorch, naming an axis whose size is not 1 leaves it in place
        shape = tuple(s for i, s in enumerate(x.shape) if not (i in axes and s == 1))
    return Reshape.apply(x, shape=shape)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Insert an axis of size 1 at ``dim``.

    >>> import autograd as ag
    >>> ag.unsqueeze(ag.zeros(3), 0).shape
    (1, 3)
    """
    nd = x.ndim + 1
    if not -nd <= dim < nd:
        raise ValueError(f"unsqueeze: dim {dim} is out of range for shape {x.shape}")
    d = dim % nd
    return Reshape.apply(x, shape=x.shape[:d] + (1,) + x.shape[d:])


expand_dims = unsqueeze


def cat(tensors: Sequence[Any], axis: int = 0, *, dim: Optional[int] = None) -> Tensor:
    """Join tensors along an existing axis.

    >>> import autograd as ag
    >>> ag.cat([ag.zeros(2, 3), ag.ones(1, 3)]).shape
    (3, 3)
    """
    axis = dim if dim is not None else axis
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat: expected a non-empty list of tensors")
    shapes = [np.shape(t) for t in tensors]
    nd = len(shapes[0])
    if not -nd <= axis < max(nd, 1) or nd == 0:
        raise ValueError(f"cat: axis {axis} is out of range for shapes {shapes}")
    axis %= nd
    for s in shapes:
        if len(s) != nd or any(a != b for i, (a, b) in enumerate(zip(s, shapes[0])) if i != axis):
            raise ValueError(f"cat: shapes {shapes} differ outside axis {axis}")
    return Cat.apply(*tensors, axis=axis)


concatenate = cat


def stack(tensors: Sequence[Any], axis: int = 0, *, dim: Optional[int] = None) -> Tensor:
    """Join same-shaped tensors along a new axis.

    >>> import autograd as ag
    >>> ag.stack([ag.zeros(3), ag.ones(3)]).shape
    (2, 3)
    """
    axis = dim if dim is not None else axis
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: expected a non-empty list of tensors")
    shapes = {t.shape for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    return cat([unsqueeze(t, axis) for t in tensors], axis=axis)


def split(x: Tensor, split_size_or_sections: Union[int, Sequence[int]], axis: int = 0, *,
          dim: Optional[int] = None) -> List[Tensor]:
    """PyTorch's ``split``: pieces of ``split_size`` along ``axis`` (the last may be smaller),
    or of the given list of sizes.

    >>> import autograd as ag
    >>> [t.shape for t in ag.split(ag.zeros(5, 2), 2)]
    [(2, 2), (2, 2), (1, 2)]
    """
    axis = (dim if dim is not None else axis) % x.ndim
    n = x.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        if split_size_or_sections <= 0:
            raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
        sizes = [min(split_size_or_sections, n - s) for s in range(0, n, split_size_or_sections)]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} do not add up to {n}, the length of axis {axis} of {x.shape}")
    lead = (slice(None),) * axis
    out, start = [], 0
    for s in sizes:
        out.append(x[lead + (slice(start, start + s),)])
        start += s
    return out


def chunk(x: Tensor, chunks: int, axis: int = 0, *, dim: Optional[int] = None) -> List[Tensor]:
    """Split into ``chunks`` pieces of (nearly) equal size, as PyTorch's ``chunk``."""
    axis = (dim if dim is not None else axis) % x.ndim
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    size = -(-x.shape[axis] // chunks)
    return split(x, max(size, 1), axis)


def pad(x: Tensor, pad_width: Any, value: float = 0.0) -> Tensor:
    """Pad with a constant; ``pad_width`` as in ``np.pad`` (per axis ``(before, after)``).

    >>> import autograd as ag
    >>> ag.pad(ag.ones(2), (1, 2))
    tensor([0., 1., 1., 0., 0.])
    """
    width = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    if (width < 0).any():
        raise ValueError(f"pad: widths must be non-negative, got {pad_width}")
    return Pad.apply(x, pad_width=tuple(map(tuple, width.tolist())), value=value)


def tile(x: Tensor, reps: Any) -> Tensor:
    """Repeat the whole tensor ``reps`` times along each axis (numpy's ``tile``).

    >>> import autograd as ag
    >>> ag.tile(ag.tensor([1.0, 2.0]), 2)
    tensor([1., 2., 1., 2.])
    """
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    nd = max(len(reps), x.ndim)
    reps = (1,) * (nd - len(reps)) + reps
    shape = (1,) * (nd - x.ndim) + x.shape
    # NOTE: composed: insert an axis before each, broadcast it to the repeat count, merge
    y = reshape(x, tuple(v for s in shape for v in (1, s)))
    y = broadcast_to(y, tuple(v for r, s in zip(reps, shape) for v in (r, s)))
    return reshape(y, tuple(r * s for r, s in zip(reps, shape)))


def repeat(x: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``Tensor.repeat`` (the same as numpy's ``tile``)."""
    return tile(x, _shape_args(sizes))


def flip(x: Tensor, axis: Any = None, *, dims: Any = None) -> Tensor:
    """Reverse the order of elements along ``axis`` (all axes by default).

    >>> import autograd as ag
    >>> ag.flip(ag.tensor([1.0, 2.0, 3.0]))
    tensor([3., 2., 1.])
    """
    axis = dims if dims is not None else axis
    if axis is not None:
        axis = tuple(a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis))
    return Flip.apply(x, axis=axis)
