"""Joining and splitting along an axis: cat, stack (on the ``Cat`` primitive), split, chunk (views)."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Union

import numpy as np

from autograd.axes import normalise_axis
from autograd.ops.shape import Cat, unsqueeze
from autograd.shape_args import int_sizes, tensor_list
from autograd.tensor import Tensor


def cat(tensors: Sequence[Any], axis: int = 0, *, dim: Optional[int] = None) -> Tensor:
    """Join tensors along an existing axis.

    >>> import autograd as ag
    >>> ag.cat([ag.zeros(2, 3), ag.ones(1, 3)]).shape
    (3, 3)
    """
    axis = dim if dim is not None else axis
    tensors = tensor_list(tensors, "cat")
    shapes = [np.shape(t) for t in tensors]
    nd = len(shapes[0])
    if nd == 0:
        raise RuntimeError(f"cat(): 0-d tensors cannot be concatenated (shapes {shapes}); use stack")
    axis = normalise_axis(axis, nd, "cat")
    for s in shapes:
        if len(s) != nd or any(a != b for i, (a, b) in enumerate(zip(s, shapes[0])) if i != axis):
            raise RuntimeError(f"cat(): shapes {shapes} differ outside axis {axis}")
    return Cat.apply(*tensors, axis=axis)


concatenate = cat


def stack(tensors: Sequence[Any], axis: int = 0, *, dim: Optional[int] = None) -> Tensor:
    """Join same-shaped tensors along a new axis.

    >>> import autograd as ag
    >>> ag.stack([ag.zeros(3), ag.ones(3)]).shape
    (2, 3)
    """
    axis = dim if dim is not None else axis
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensor_list(tensors, "stack")]
    shapes = {t.shape for t in tensors}
    if len(shapes) != 1:
        raise RuntimeError(f"stack(): all tensors must have the same shape, got {sorted(shapes)}")
    axis = normalise_axis(axis, tensors[0].ndim, "stack", extra=1)
    return cat([unsqueeze(t, axis) for t in tensors], axis=axis)


def split(x: Tensor, split_size_or_sections: Union[int, Sequence[int]], axis: int = 0, *,
          dim: Optional[int] = None) -> List[Tensor]:
    """PyTorch's ``split``: pieces of ``split_size`` along ``axis`` (the last may be smaller),
    or of the given list of sizes.

    >>> import autograd as ag
    >>> [t.shape for t in ag.split(ag.zeros(5, 2), 2)]
    [(2, 2), (2, 2), (1, 2)]
    """
    axis = _split_axis(x, dim if dim is not None else axis, "split")
    n = x.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)) and not isinstance(split_size_or_sections, bool):
        size = int(split_size_or_sections)
        if size < 0 or (size == 0 and n):
            raise RuntimeError(f"split(): split_size must be positive (0 only for an empty axis), got "
                               f"{size} for axis {axis} of a tensor of shape {x.shape}")
        sizes = [min(size, n - s) for s in range(0, n, size)] if size else [0]
    else:
        if not isinstance(split_size_or_sections, (list, tuple)):
            raise TypeError(f"split(): split_size_or_sections must be an int or a list of ints, got "
                            f"{type(split_size_or_sections).__name__}")
        sizes = list(int_sizes(tuple(split_size_or_sections), "split"))
        if sum(sizes) != n or min(sizes, default=0) < 0:
            raise RuntimeError(f"split(): sizes {sizes} must be non-negative and add up to {n}, the "
                               f"length of axis {axis} of a tensor of shape {x.shape}")
    lead = (slice(None),) * axis
    out, start = [], 0
    for s in sizes:
        out.append(x[lead + (slice(start, start + s),)])
        start += s
    return out


def _split_axis(x: Tensor, axis: int, op: str) -> int:
    if x.ndim == 0:
        raise RuntimeError(f"{op}(): expects a tensor with at least one dimension, got a 0-d tensor")
    return normalise_axis(axis, x.ndim, op)


def chunk(x: Tensor, chunks: int, axis: int = 0, *, dim: Optional[int] = None) -> List[Tensor]:
    """Split into ``chunks`` pieces of (nearly) equal size, as PyTorch's ``chunk``."""
    axis = _split_axis(x, dim if dim is not None else axis, "chunk")
    if isinstance(chunks, (bool, np.bool_)) or not isinstance(chunks, (int, np.integer)):
        raise TypeError(f"chunk(): chunks must be an int, got {type(chunks).__name__} {chunks!r}")
    if chunks <= 0:
        raise RuntimeError(f"chunk(): chunks must be greater than 0, got {chunks} (tensor of shape {x.shape})")
    size = -(-x.shape[axis] // chunks)
    return split(x, max(size, 1), axis)
