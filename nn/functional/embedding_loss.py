"""Losses for learning embeddings: pairwise distance, contrastive, triplet (with batch-hard
mining), cosine embedding, margin ranking and InfoNCE / NT-Xent."""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np

from autograd.ops import abs as _abs, cat, clip, matmul, maximum, minimum, relu, sqrt, where
from autograd.tensor import Tensor
from nn.functional.cross_entropy import check_reduction, cross_entropy
from nn.functional.loss import as_tensor, reduce


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The p-norm of ``x1 - x2 + eps`` along the last axis (``eps`` keeps the gradient finite at 0).

    >>> import autograd as ag, nn.functional as F
    >>> F.pairwise_distance(ag.tensor([[0.0, 0.0]]), ag.tensor([[3.0, 4.0]]), eps=0.0)
    tensor([5.])
    """
    if p <= 0:
        raise ValueError(f"pairwise_distance: p must be positive, got {p}")
    d = x1 - x2 + eps
    if p == 1:
        return _abs(d).sum(axis=-1, keepdims=keepdim)
    if p == 2:
        return norm_root((d * d).sum(axis=-1, keepdims=keepdim), 2.0)
    return norm_root((_abs(d) ** p).sum(axis=-1, keepdims=keepdim), p)


def norm_root(s: Tensor, p: float) -> Tensor:
    """``s ** (1/p)`` for a sum of |d|**p, with PyTorch's gradient 0 where the norm is 0.

    At 0 the root's derivative is infinite and the chain rule would give inf * 0 = nan; a norm
    at 0 has the subgradient 0, which PyTorch uses (a triplet whose positive equals its anchor).

    >>> import autograd as ag
    >>> s = ag.tensor([0.0, 4.0], requires_grad=True)
    >>> norm_root(s, 2.0).sum().backward()
    >>> s.grad
    tensor([0.0000, 0.2500])
    """
    # NOTE: the inner where keeps the root away from 0 so neither branch's gradient is nan
    positive = s.data > 0
    root = sqrt if p == 2 else (lambda t: t ** (1.0 / p))
    return where(positive, root(where(positive, s, 1.0)), 0.0)


def _label(fn: str, label: Any, n_shape: tuple) -> Tensor:
    t = as_tensor(label)
    if t.shape != n_shape:
        raise ValueError(f"{fn}: label of shape {t.shape} does not match the {n_shape} pairs")
    return t


def contrastive_loss(x1: Tensor, x2: Tensor, label: Any, margin: float = 1.0,
                     reduction: str = "mean") -> Tensor:
    """Hadsell, Chopra and LeCun's loss for pairs: label 1 (same) gives 0.5 d**2, label 0
    (different) gives 0.5 max(0, margin - d)**2, with d the Euclidean distance.

    >>> import autograd as ag, nn.functional as F
    >>> a, b = ag.tensor([[0.0, 0.0], [0.0, 0.0]]), ag.tensor([[0.6, 0.8], [0.3, 0.4]])
    >>> F.contrastive_loss(a, b, ag.tensor([1.0, 0.0]), margin=1.0, reduction="none")
    tensor([0.5000, 0.1250])
    """
    fn = "contrastive_loss"
    check_reduction(fn, reduction)
    if x1.shape != x2.shape:
        raise ValueError(f"{fn}: x1 of shape {x1.shape} and x2 of shape {x2.shape} differ")
    y = _label(fn, label, x1.shape[:-1])
    d = pairwise_distance(x1, x2)
    far = relu(margin - d)
    return reduce(0.5 * (y * d * d + (1 - y) * far * far), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                        reduction: str = "mean") -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0) with d the p-norm distance (PyTorch's definition).

    >>> import autograd as ag, nn.functional as F
    >>> a, p, n = ag.tensor([[0.0, 0.0]]), ag.tensor([[0.0, 1.0]]), ag.tensor([[0.0, 1.5]])
    >>> F.triplet_margin_loss(a, p, n, margin=1.0, eps=0.0)
    tensor(0.5000)
    """
    fn = "triplet_margin_loss"
    check_reduction(fn, reduction)
    if not anchor.shape == positive.shape == negative.shape:
        raise ValueError(f"{fn}: anchor {anchor.shape}, positive {positive.shape} and negative "
                         f"{negative.shape} must have the same shape")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    # NOTE: clip(min=0) passes the gradient at the kink (PyTorch's clamp_min); relu would not
    return reduce(clip(d_pos - d_neg + margin, min=0.0), reduction)


def batch_hard_triplets(embeddings: Tensor, labels: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Batch-hard mining (Hermans et al., 2017): for each anchor with at least one positive and one
    negative, the farthest same-label sample and the closest other-label sample.

    Returns index arrays ``(anchors, positives, negatives)``; distances are Euclidean and computed
    without recording (mining picks indices; the loss is then differentiated as usual).

    >>> import autograd as ag, nn.functional as F
    >>> emb = ag.tensor([[0.0], [1.0], [3.0], [3.5]])
    >>> F.batch_hard_triplets(emb, [0, 0, 1, 1])
    (array([0, 1, 2, 3]), array([1, 0, 3, 2]), array([2, 2, 1, 1]))
    """
    e = embeddings.data if isinstance(embeddings, Tensor) else np.asarray(embeddings)
    y = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    if e.ndim != 2 or y.shape != (e.shape[0],):
        raise ValueError(f"batch_hard_triplets: expected embeddings (N, D) and labels (N,), got "
                         f"{e.shape} and {y.shape}")
    sq = (e * e).sum(1)
    dist = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * e @ e.T, 0))
    same = y[:, None] == y[None, :]
    not_self = ~np.eye(len(y), dtype=bool)
    pos_mask, neg_mask = same & not_self, ~same
    ok = pos_mask.any(1) & neg_mask.any(1)
    hardest_pos = np.where(pos_mask, dist, -np.inf).argmax(1)
    hardest_neg = np.where(neg_mask, dist, np.inf).argmin(1)
    anchors = np.flatnonzero(ok)
    return anchors, hardest_pos[anchors], hardest_neg[anchors]


def batch_hard_triplet_loss(embeddings: Tensor, labels: Any, margin: float = 1.0, p: float = 2.0,
                            eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Triplet margin loss over the batch-hard triplets of ``batch_hard_triplets``.

    >>> import autograd as ag, nn.functional as F
    >>> emb = ag.tensor([[0.0], [1.0], [3.0], [3.5]])
    >>> F.batch_hard_triplet_loss(emb, [0, 0, 1, 1], margin=2.0, eps=0.0)
    tensor(0.3750)
    """
    a, pos, neg = batch_hard_triplets(embeddings, labels)
    if len(a) == 0:
        raise ValueError("batch_hard_triplet_loss: no anchor has both a positive and a negative; "
                         "the batch needs at least two samples of some label and two labels")
    return triplet_margin_loss(embeddings[a], embeddings[pos], embeddings[neg], margin, p, eps,
                               reduction=reduction)


def cosine_embedding_loss(x1: Tensor, x2: Tensor, target: Any, margin: float = 0.0,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1.

    >>> import autograd as ag, nn.functional as F
    >>> F.cosine_embedding_loss(ag.tensor([[1.0, 0.0], [1.0, 0.0]]), ag.tensor([[1.0, 1.0], [1.0, 1.0]]),
    ...                         ag.tensor([1, -1]), reduction="none")
    tensor([0.2929, 0.7071])
    """
    fn = "cosine_embedding_loss"
    check_reduction(fn, reduction)
    if x1.shape != x2.shape:
        raise ValueError(f"{fn}: x1 of shape {x1.shape} and x2 of shape {x2.shape} differ")
    t = _label(fn, target, x1.shape[:-1]).data
    if not np.all((t == 1) | (t == -1)):
        raise ValueError(f"{fn}: target values must be 1 or -1, got {np.unique(t).tolist()}")
    # NOTE: the 1e-12 inside the norms is PyTorch's; it keeps zero vectors finite
    cos = (x1 * x2).sum(axis=-1) / sqrt(((x1 * x1).sum(axis=-1) + 1e-12) * ((x2 * x2).sum(axis=-1) + 1e-12))
    return reduce(where(t == 1, 1 - cos, clip(cos - margin, min=0.0)), reduction)


def margin_ranking_loss(x1: Tensor, x2: Tensor, target: Any, margin: float = 0.0,
                        reduction: str = "mean") -> Tensor:
    """max(0, -y (x1 - x2) + margin): y = 1 says x1 should rank higher, y = -1 that x2 should.

    >>> import autograd as ag, nn.functional as F
    >>> F.margin_ranking_loss(ag.tensor([1.0, 1.0]), ag.tensor([2.0, 0.0]), ag.tensor([1.0, 1.0]),
    ...                       margin=0.5, reduction="none")
    tensor([1.5000, 0.0000])
    """
    fn = "margin_ranking_loss"
    check_reduction(fn, reduction)
    if x1.shape != x2.shape:
        raise ValueError(f"{fn}: x1 of shape {x1.shape} and x2 of shape {x2.shape} differ")
    y = _label(fn, target, x1.shape)
    return reduce(clip(-y * (x1 - x2) + margin, min=0.0), reduction)


def info_nce_loss(z1: Tensor, z2: Tensor, temperature: float = 0.1, reduction: str = "mean") -> Tensor:
    """NT-Xent (SimCLR's InfoNCE): row i of ``z1`` and row i of ``z2`` are two views of one sample.

    The 2N embeddings are L2-normalised; each one's positive is its other view and the other
    2N - 2 are negatives; the loss is the cross-entropy of cosine similarities / ``temperature``,
    one term per embedding (2N terms).

    >>> import autograd as ag, nn.functional as F
    >>> z = ag.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> F.info_nce_loss(z, z, temperature=1.0)
    tensor(0.5514)
    """
    fn = "info_nce_loss"
    check_reduction(fn, reduction)
    if z1.ndim != 2 or z1.shape != z2.shape:
        raise ValueError(f"{fn}: expected two (N, D) tensors of the same shape, got {z1.shape} and {z2.shape}")
    if temperature <= 0:
        raise ValueError(f"{fn}: temperature must be positive, got {temperature}")
    n = z1.shape[0]
    z = cat([z1, z2], axis=0)
    # NOTE: dividing by max(norm, 1e-12) is F.normalize's rule; it keeps a zero row finite, and
    # norm_root gives the zero row PyTorch's gradient (0 through the norm) instead of nan
    z = z / maximum(norm_root((z * z).sum(axis=1, keepdims=True), 2.0), 1e-12)
    sim = matmul(z, z.T) * (1.0 / temperature)
    # NOTE: a large finite negative (not -inf) masks self-similarity: exp() gives exactly 0 and
    # 0 * (-inf) = nan cannot arise in the cross-entropy
    sim = where(np.eye(2 * n, dtype=bool), -1e9, sim)
    target = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
    return cross_entropy(sim, target, reduction=reduction)
