"""``embedding`` (a lookup table of rows, gradient scatter-added) and ``one_hot``."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from autograd import Tensor


def index_array(who: str, input: Any, num_embeddings: int) -> np.ndarray:
    """``input`` as an integer numpy array, every entry checked to be in [0, num_embeddings)."""
    idx = np.asarray(input.numpy() if isinstance(input, Tensor) else input)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{who}: indices must be integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= num_embeddings):
        bad = idx[(idx < 0) | (idx >= num_embeddings)].flat[0]
        raise IndexError(f"{who}: index {bad} is out of range for {num_embeddings} embeddings "
                         f"(valid indices are 0..{num_embeddings - 1})")
    return idx


def _renorm_(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    # NOTE: like PyTorch, the referenced rows are rescaled in place (not recorded) so their
    # norm is at most max_norm; the lookup then reads the rescaled rows
    rows = np.unique(idx)
    w = weight.data
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        w[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(w.dtype)
        weight.data = w  # NOTE: counts the in-place write (a saved copy of weight is now stale)


def embedding(input: Any, weight: Tensor, padding_idx: Optional[int] = None,
              max_norm: Optional[float] = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` (num_embeddings, dim) picked by the integer ``input`` of any shape:
    the result has shape input.shape + (dim,). A row picked several times gets the sum of
    their gradients; the row ``padding_idx`` gets none. ``max_norm`` rescales each picked row
    (in place) to norm at most ``max_norm``.

    >>> import autograd as ag, nn.functional as F
    >>> w = ag.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], requires_grad=True)
    >>> F.embedding(ag.tensor([[2, 0, 2]]), w).shape
    (1, 3, 2)
    >>> F.embedding(ag.tensor([2, 0, 2]), w, padding_idx=0).sum().backward()
    >>> w.grad
    tensor([[0., 0.],
            [0., 0.],
            [2., 2.]])
    """
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: scale_grad_by_freq and sparse are not supported")
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ValueError(f"embedding: weight must be a 2-D Tensor (num_embeddings, embedding_dim), "
                         f"got {getattr(weight, 'shape', type(weight).__name__)}")
    idx = index_array("embedding", input, weight.shape[0])
    if max_norm is not None:
        _renorm_(weight, idx, max_norm, norm_type)
    out = weight[idx]
    if padding_idx is not None:
        # NOTE: same values, but at positions that read the padding row the gradient goes to a
        # detached copy, so that row gets exactly none
        keep = (idx != padding_idx % weight.shape[0])[..., None]
        out = ag.where(keep, out, weight.detach()[idx])
    return out


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """int64 one-hot codes: shape tensor.shape + (num_classes,), with num_classes = max + 1 if -1.

    >>> import autograd as ag, nn.functional as F
    >>> F.one_hot(ag.tensor([0, 2])).numpy().tolist()
    [[1, 0, 0], [0, 0, 1]]
    """
    idx = np.asarray(tensor.numpy() if isinstance(tensor, Tensor) else tensor)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot: indices must be integers, got dtype {idx.dtype}")
    if idx.size and idx.min() < 0:
        raise RuntimeError(f"one_hot: class values must be non-negative, got {idx.min()}")
    if num_classes == -1:
        if not idx.size:
            raise RuntimeError("one_hot: cannot infer num_classes from an empty tensor; pass num_classes")
        num_classes = int(idx.max()) + 1
    elif idx.size and idx.max() >= num_classes:
        raise RuntimeError(f"one_hot: class values must be smaller than num_classes={num_classes}, "
                           f"got {idx.max()}")
    return ag.tensor((idx[..., None] == np.arange(num_classes)).astype(np.int64))
