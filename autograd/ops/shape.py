"""Shape ops: reshape, transpose, broadcast, concatenate, pad, flip (primitives) and the views built on them."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from autograd.axes import normalise_axes, normalise_axis
from autograd.function import Array, Function, Grads
from autograd.shape_args import check_reshape, int_sizes, size_args
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

def reshape(x: Tensor, *shape: Any) -> Tensor:
    """Give ``x`` a new shape with the same number of elements (-1 is inferred).

    >>> import autograd as ag
    >>> ag.reshape(ag.arange(6.0), (2, 3)).shape
    (2, 3)
    """
    shape = int_sizes(size_args(shape), "reshape")
    if shape and (min(shape) < -1 or shape.count(-1) > 1):
        check_reshape(x.shape, shape)  # NOTE: numpy would read -2 as -1: refused here, with a reason
    try:
        return Reshape.apply(x, shape=shape)
    except ValueError:
        check_reshape(x.shape, shape)  # NOTE: numpy found the counts differ: say so in PyTorch's words
        raise


view = reshape


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` into one.

    >>> import autograd as ag
    >>> ag.flatten(ag.zeros(2, 3, 4), 1).shape
    (2, 12)
    """
    s = normalise_axis(start_dim, x.ndim, "flatten", "start_dim")
    e = normalise_axis(end_dim, x.ndim, "flatten", "end_dim")
    if x.ndim == 0:
        return reshape(x, (1,))
    if s > e:
        raise RuntimeError(f"flatten(): start_dim {start_dim} comes after end_dim {end_dim} "
                           f"for a tensor of shape {x.shape}")
    return reshape(x, x.shape[:s] + (-1,) + x.shape[e + 1:])


def permute(x: Tensor, *dims: Any) -> Tensor:
    """Reorder the axes of ``x``.

    >>> import autograd as ag
    >>> ag.permute(ag.zeros(2, 3, 4), 2, 0, 1).shape
    (4, 2, 3)
    """
    dims = size_args(dims)
    if len(dims) != x.ndim:
        raise RuntimeError(f"permute(): got {len(dims)} dims {dims} for a {x.ndim}-D tensor of shape "
                           f"{x.shape}; give each of its axes once")
    axes = normalise_axes(dims, x.ndim, "permute")
    return Transpose.apply(x, axes=axes if x.ndim else ())


def transpose(x: Tensor, *axes: Any) -> Tensor:
    """Two ints: swap those two axes (PyTorch, any number of dimensions); no axes: reverse them
    (numpy); one tuple or three or more ints: apply that permutation (numpy).

    >>> import autograd as ag
    >>> ag.transpose(ag.zeros(2, 3, 4), 0, 2).shape
    (4, 3, 2)
    >>> ag.transpose(ag.zeros(2, 3), 0, 1).shape
    (3, 2)
    """
    if not axes:
        return Transpose.apply(x, axes=tuple(range(x.ndim))[::-1])
    if len(axes) == 2:
        return _swap(x, axes[0], axes[1], "transpose")
    return permute(x, *axes)


def _swap(x: Tensor, axis1: int, axis2: int, op: str) -> Tensor:
    a = normalise_axis(axis1, x.ndim, op, "dim0")
    b = normalise_axis(axis2, x.ndim, op, "dim1")
    perm = list(range(x.ndim))
    if x.ndim:
        perm[a], perm[b] = perm[b], perm[a]
    return Transpose.apply(x, axes=tuple(perm))


def swapaxes(x: Tensor, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes (``swapdims`` in PyTorch).

    >>> import autograd as ag
    >>> ag.swapaxes(ag.zeros(2, 3, 4), 0, -1).shape
    (4, 3, 2)
    """
    return _swap(x, axis1, axis2, "swapaxes")


swapdims = swapaxes


def moveaxis(x: Tensor, source: int, destination: int) -> Tensor:
    """Move one axis to a new position (numpy's ``moveaxis``)."""
    src = normalise_axis(source, x.ndim, "moveaxis", "source")
    dst = normalise_axis(destination, x.ndim, "moveaxis", "destination")
    perm = list(range(x.ndim))
    if x.ndim:
        perm.insert(dst, perm.pop(src))
    return Transpose.apply(x, axes=tuple(perm))


def broadcast_to(x: Tensor, shape: Sequence[int]) -> Tensor:
    """Broadcast ``x`` to ``shape`` (a read-only view).

    >>> import autograd as ag
    >>> ag.broadcast_to(ag.tensor([1.0, 2.0]), (3, 2)).shape
    (3, 2)
    """
    shape = int_sizes(tuple(shape), "broadcast_to")
    lead = len(shape) - x.ndim
    if lead < 0 or any(n != s and n != 1 for n, s in zip(x.shape, shape[lead:])) or min(shape, default=0) < 0:
        raise RuntimeError(f"broadcast_to(): a tensor of shape {x.shape} cannot be broadcast to {shape}")
    return BroadcastTo.apply(x, shape=shape)


def expand(x: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``expand``: broadcast to ``sizes``, where -1 keeps a dimension."""
    sizes = int_sizes(size_args(sizes), "expand")
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise RuntimeError(f"expand(): {len(sizes)} sizes {sizes} for a tensor of shape {x.shape}: give "
                           f"at least one per dimension ({x.ndim})")
    if -1 in sizes[:lead]:
        raise RuntimeError(f"expand(): size -1 is not allowed in a new leading dimension, got {sizes} "
                           f"for a tensor of shape {x.shape}")
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    if any(s < 0 for s in shape) or any(n != s and n != 1 for n, s in zip(x.shape, shape[lead:])):
        raise RuntimeError(f"expand(): a tensor of shape {x.shape} cannot be expanded to {sizes}; "
                           "only size-1 dimensions grow")
    return BroadcastTo.apply(x, shape=shape)


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
        axes = set(normalise_axes(axis, x.ndim, "squeeze") or ())
        # NOTE: like PyTorch, naming an axis whose size is not 1 leaves it in place
        shape = tuple(s for i, s in enumerate(x.shape) if not (i in axes and s == 1))
    return Reshape.apply(x, shape=shape)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Insert an axis of size 1 at ``dim``.

    >>> import autograd as ag
    >>> ag.unsqueeze(ag.zeros(3), 0).shape
    (1, 3)
    """
    d = normalise_axis(dim, x.ndim, "unsqueeze", extra=1)
    return Reshape.apply(x, shape=x.shape[:d] + (1,) + x.shape[d:])


expand_dims = unsqueeze


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
    """PyTorch's ``Tensor.repeat``: numpy's ``tile``, but with at least one count per dimension.

    >>> import autograd as ag
    >>> ag.repeat(ag.zeros(2, 3), 2, 1).shape
    (4, 3)
    """
    reps = int_sizes(size_args(sizes), "repeat")
    if len(reps) < x.ndim:
        raise RuntimeError(f"repeat(): {len(reps)} repeat counts {reps} for a tensor of shape {x.shape}; "
                           f"give at least one per dimension ({x.ndim})")
    if min(reps, default=0) < 0:
        raise RuntimeError(f"repeat(): repeat counts must be non-negative, got {reps}")
    return tile(x, reps)


def flip(x: Tensor, axis: Any = None, *, dims: Any = None) -> Tensor:
    """Reverse the order of elements along ``axis`` (all axes by default).

    >>> import autograd as ag
    >>> ag.flip(ag.tensor([1.0, 2.0, 3.0]))
    tensor([3., 2., 1.])
    """
    axis = dims if dims is not None else axis
    if axis is not None:
        axis = normalise_axes(axis, x.ndim, "flip") if x.ndim else ()
    return Flip.apply(x, axis=axis)
