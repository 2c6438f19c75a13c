"""``Tensor``'s indexing and shape methods; each one calls the op of the same name in ``autograd.ops``.

>>> import autograd as ag
>>> x = ag.arange(6.0).reshape(2, 3)
>>> x.T.shape, x.unsqueeze(0).shape, x[1].tolist()
((3, 2), (1, 2, 3), [3.0, 4.0, 5.0])
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional, Sequence, Union

from autograd import ops as _ops  # NOTE: bound by a visible import; see tensor_methods.py

if TYPE_CHECKING:
    from autograd.ops.reduce import Axis
    from autograd.tensor import Tensor


class ShapeMethods:
    """Indexing, reshaping, transposing, splitting and tiling (``x[i]``, ``x.reshape``, ...)."""

    __slots__ = ()

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index)

    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape (``x.reshape(2, 3)`` or ``x.reshape((2, 3))``, -1 inferred)."""
        return _ops.reshape(self, *shape)

    def view(self, *shape: Any) -> Tensor:
        """PyTorch's name for ``reshape`` (here it always succeeds, copying if numpy must)."""
        return _ops.reshape(self, *shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge the axes ``start_dim`` .. ``end_dim`` (inclusive) into one."""
        return _ops.flatten(self, start_dim, end_dim)

    def transpose(self, *axes: Any) -> Tensor:
        """Reverse the axes, or permute them (``x.transpose(1, 0, 2)``); two axes swap them, as in PyTorch."""
        return _ops.transpose(self, *axes)

    def permute(self, *dims: Any) -> Tensor:
        """Reorder the axes: ``x.permute(2, 0, 1)``."""
        return _ops.permute(self, *dims)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes (``swapdims`` is the same)."""
        return _ops.swapaxes(self, axis1, axis2)

    swapdims = swapaxes

    @property
    def T(self) -> Tensor:
        """The tensor with its axes reversed (the transpose of a matrix)."""
        return _ops.transpose(self)

    def expand(self, *sizes: Any) -> Tensor:
        """Broadcast to ``sizes``, where -1 keeps an axis (PyTorch's ``expand``)."""
        return _ops.expand(self, *sizes)

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """Broadcast to ``shape`` (numpy's rules); the gradient is summed back."""
        return _ops.broadcast_to(self, shape)

    def squeeze(self, axis: Axis = None, *, dim: Axis = None) -> Tensor:
        """Drop the size-1 axes (all of them, or those of ``axis``/``dim``)."""
        return _ops.squeeze(self, axis, dim=dim)

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert a size-1 axis at position ``dim``."""
        return _ops.unsqueeze(self, dim)

    def split(self, split_size_or_sections: Union[int, Sequence[int]], axis: int = 0, *,
              dim: Optional[int] = None) -> List[Tensor]:
        """Pieces along ``axis``: of ``split_size`` elements each, or of the listed sizes (PyTorch's rule)."""
        return _ops.split(self, split_size_or_sections, axis, dim=dim)

    def chunk(self, chunks: int, axis: int = 0, *, dim: Optional[int] = None) -> List[Tensor]:
        """At most ``chunks`` pieces of equal size (the last may be smaller) along ``axis``."""
        return _ops.chunk(self, chunks, axis, dim=dim)

    def repeat(self, *sizes: Any) -> Tensor:
        """Tile the whole tensor ``sizes`` times along each axis (PyTorch's ``repeat``)."""
        return _ops.repeat(self, *sizes)

    def tile(self, reps: Any) -> Tensor:
        """Repeat the tensor ``reps`` times along each axis (numpy's ``tile``)."""
        return _ops.tile(self, reps)

    def flip(self, axis: Axis = None, *, dims: Axis = None) -> Tensor:
        """Reverse the order of the elements along ``axis`` (all axes when None)."""
        return _ops.flip(self, axis, dims=dims)
