"""Cross-entropy and negative log-likelihood for class-index or class-probability targets.

Both reduce to one form: ``loss = -sum_c q_c * logp_c`` along the class axis,
where ``q`` says how much each class counts for each sample. For class-index
targets ``q`` is a constant array built from the targets (one-hot, times the
class weight, mixed with the uniform distribution by ``label_smoothing``, zero
on ``ignore_index`` rows); for probability targets it is the target tensor
itself (so gradients reach soft targets too).
"""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

import numpy as np

from autograd.function import Array, Function, Grads
from autograd.ops import where
from autograd.tensor import Tensor
from autograd.xp import NP


# NOTE: fused for stability and speed: log_softmax then a weighted sum would record four
# nodes; this one computes log-probabilities with the max shift (finite for logits of 1e4)
# and its gradient p * sum(q) - q directly. The saved max is only a shift that softmax is
# invariant to, so treating it as a constant keeps second derivatives exact.
# NOTE: the 'sum'/'mean' reduction is folded in (``scale``): a training loss is then one
# node instead of three (losses, their sum, the division by the denominator).
class SoftmaxCrossEntropy(Function):
    """l = -sum_c q_c log p_c, p = softmax(x) (times scale, summed over samples, if reduced);
    dl/dx = g (p sum_c q_c - q),  dl/dq = -g log p"""
    __slots__ = ()

    def forward(self, x: Array, q: Array, axis: Any, scale: Any = None) -> Array:
        m = np.max(x, axis=axis, keepdims=True)
        z = x - m
        logp = z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))
        # NOTE: logp is kept for a first-order backward, which then needs one exp instead of
        # recomputing the softmax; a differentiable backward recomputes it from x
        self.save_for_backward(x, q, m, axis, scale, logp)
        with np.errstate(invalid="ignore"):
            terms = q * logp
        if np.isnan(terms).any():
            # NOTE: a -inf logit (a masked class) has logp = -inf, and 0 * -inf = nan; a class
            # with q = 0 contributes nothing, as in PyTorch (a nan from nan logits stays nan)
            terms = np.where(q == 0, 0, terms)
        loss = np.sum(terms, axis=axis)
        if scale is None:
            # NOTE: an unbatched (C,) input sums to a numpy scalar, which out= cannot take
            return np.negative(loss, out=loss) if isinstance(loss, np.ndarray) else np.asarray(-loss)
        return np.asarray(np.add.reduce(loss, axis=None) * -scale)

    def backward(self, g: Array) -> Grads:
        x, q, m, axis, scale, logp = self.saved_tensors
        xp = self.xp
        need = self.needs_input_grad
        gk = xp.expand_dims(g, axis) if scale is None else g * scale
        if xp is NP:
            p = np.exp(logp)
        else:
            z = x - m
            e = xp.exp(z)
            s = xp.sum(e, axis=axis, keepdims=True)
            p = e / s
            logp = z - xp.log(s)
        gx = gq = None
        if need[0]:
            gx = gk * (p * xp.sum(q, axis=axis, keepdims=True) - q)
        if need[1]:
            gq = -gk * logp
        return gx, gq


def check_reduction(fn: str, reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{fn}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _class_axis(fn: str, x: Tensor) -> int:
    if x.ndim == 0:
        raise ValueError(f"{fn}: input must have a class axis, got a 0-d tensor")
    return 0 if x.ndim == 1 else 1


def _raw(t: Any) -> np.ndarray:
    return t.data if isinstance(t, Tensor) else np.asarray(t)


def class_target_weights(fn: str, x: Tensor, target: Any, weight: Optional[Any], ignore_index: int,
                         label_smoothing: float) -> Tuple[np.ndarray, float]:
    """The constant ``q`` for class-index targets and the 'mean' denominator (sum of target weights)."""
    ax = _class_axis(fn, x)
    c = x.shape[ax]
    t = _raw(target)
    batch_shape = x.shape[:ax] + x.shape[ax + 1:]
    if t.dtype.kind not in "iu":
        raise TypeError(
            f"{fn}: class-index targets must be integers, got dtype {t.dtype} (shape {t.shape}); "
            f"for class probabilities pass a floating target of the input's shape {x.shape}"
        )
    if t.shape != batch_shape:
        raise ValueError(f"{fn}: target of shape {t.shape} does not fit input of shape {x.shape}; "
                         f"expected class indices of shape {batch_shape}")
    valid = t != ignore_index
    lo, hi = (int(t.min()), int(t.max())) if t.size else (0, -1)
    # NOTE: an ignore_index outside [min, max] means every target counts, without the
    # passes of an .all() and a masked copy
    every = not lo <= ignore_index <= hi or bool(valid.all())
    if not every:
        counted = t[valid]
        lo, hi = (int(counted.min()), int(counted.max())) if counted.size else (0, -1)
    if lo < 0 or hi >= c:
        raise IndexError(f"{fn}: target values must be class indices in [0, {c - 1}] "
                         f"(or ignore_index={ignore_index}), got values from {lo} to {hi}")
    w = None
    if weight is not None:
        w = _raw(weight)
        if w.shape != (c,):
            raise ValueError(f"{fn}: weight must have shape ({c},) (one per class), got {w.shape}")
    if every and w is None and not label_smoothing:
        # NOTE: the common case (every target counts, no class weights, no smoothing):
        # q is the one-hot matrix and the mean divides by the number of targets
        q, denom = (t[..., None] == np.arange(c)).astype(x.dtype), float(t.size)
    else:
        safe = np.where(valid, t, 0)
        onehot = (safe[..., None] == np.arange(c)).astype(x.dtype)
        wt = np.ones(t.shape, dtype=x.dtype) if w is None else w[safe].astype(x.dtype)
        wt = wt * valid
        q = onehot * ((1.0 - label_smoothing) * wt)[..., None]
        if label_smoothing:
            per_class = np.full(c, 1.0 / c, dtype=x.dtype) if w is None else w.astype(x.dtype) / c
            q = q + label_smoothing * valid[..., None] * per_class
        q, denom = q.astype(x.dtype, copy=False), float(wt.sum())
    return (q if ax == q.ndim - 1 else np.moveaxis(q, -1, ax)), denom


def _mean(total: Tensor, denom: float) -> Tensor:
    # NOTE: as PyTorch, a batch whose targets are all ignored gives a nan loss (not an error)
    # whose gradient is 0 (not nan), so an optimizer step leaves the weights as they were
    return total * (1.0 / denom) if denom else total * 0.0 + float("nan")


def _reduce(loss: Tensor, reduction: str, denom: float) -> Tensor:
    if reduction == "none":
        return loss
    total = loss.sum()
    return total if reduction == "sum" else _mean(total, denom)


def cross_entropy(input: Tensor, target: Any, weight: Optional[Any] = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy of logits ``input`` (C,), (N, C) or (N, C, d1, ...) against targets.

    ``target`` holds class indices (integers, the input's shape without the class axis)
    or class probabilities (floats, the input's shape). ``weight`` rescales each class;
    'mean' divides by the summed weights of the non-ignored targets (by the number of
    samples for probability targets), as PyTorch.

    >>> import autograd as ag, nn.functional as F
    >>> logits = ag.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> F.cross_entropy(logits, ag.tensor([0, 2]))
    tensor(0.6691)
    >>> F.cross_entropy(ag.tensor([[1e4, 0.0]]), ag.tensor([1]))
    tensor(10000.)
    """
    fn = "cross_entropy"
    check_reduction(fn, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{fn}: label_smoothing must be in [0, 1], got {label_smoothing}")
    ax = _class_axis(fn, input)
    c = input.shape[ax]
    t = _raw(target)
    q: Union[Tensor, np.ndarray]  # NOTE: a Tensor for probability targets, a constant array for classes
    if t.dtype.kind == "f" and t.shape == input.shape:
        q = target if isinstance(target, Tensor) else Tensor(t)
        if label_smoothing:
            q = q * (1.0 - label_smoothing) + label_smoothing / c
        if weight is not None:
            w = _raw(weight)
            if w.shape != (c,):
                raise ValueError(f"{fn}: weight must have shape ({c},) (one per class), got {w.shape}")
            q = q * w.astype(input.dtype).reshape((c,) + (1,) * (input.ndim - ax - 1))
        denom = float(input.size // c) if input.size else 0.0
    else:
        q, denom = class_target_weights(fn, input, target, weight, ignore_index, label_smoothing)
    if reduction == "none":
        return SoftmaxCrossEntropy.apply(input, q, axis=ax)
    if reduction == "mean" and not denom:
        # NOTE: as PyTorch, a 'mean' over no counted target is a nan loss with gradient 0
        return SoftmaxCrossEntropy.apply(input, q, axis=ax, scale=0.0) + float("nan")
    scale = 1.0 if reduction == "sum" else 1.0 / denom
    return SoftmaxCrossEntropy.apply(input, q, axis=ax, scale=scale)


def nll_loss(input: Tensor, target: Any, weight: Optional[Any] = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of log-probabilities ``input`` at the class-index ``target``.

    >>> import autograd as ag, nn.functional as F
    >>> logp = ag.log(ag.tensor([[0.5, 0.5], [0.1, 0.9]]))
    >>> F.nll_loss(logp, ag.tensor([0, 1]))
    tensor(0.3993)
    """
    fn = "nll_loss"
    check_reduction(fn, reduction)
    ax = _class_axis(fn, input)
    q, denom = class_target_weights(fn, input, target, weight, ignore_index, 0.0)
    # NOTE: only the target's entry counts: a -inf log-probability elsewhere must not make 0 * -inf
    picked = where(q != 0, input, 0.0) * q
    return _reduce(-picked.sum(axis=ax), reduction, denom)
