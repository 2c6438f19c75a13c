"""Regression and binary losses: mse, l1, huber, smooth_l1, binary cross-entropy (probabilities
and logits), KL divergence. Every one takes ``reduction`` in {'mean', 'sum', 'none'}.

NOTE: unlike PyTorch, which only warns, an input and target of different shapes are an
error here: (N, 1) against (N,) would silently broadcast to an (N, N) loss.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from autograd.function import Array, Function, Grads
from autograd.ops import abs as _abs, exp, log, softplus, where
from autograd.tensor import Tensor
from nn.functional.cross_entropy import check_reduction


def as_tensor(v: Any) -> Tensor:
    return v if isinstance(v, Tensor) else Tensor(np.asarray(v))


def check_same_shape(fn: str, input: Tensor, target: Tensor) -> None:
    if input.shape != target.shape:
        raise ValueError(f"{fn}: input of shape {input.shape} and target of shape {target.shape} "
                         "differ; give them the same shape (reshape one) to avoid silent broadcasting")


def reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _prepare(fn: str, input: Tensor, target: Any, reduction: str) -> Tensor:
    check_reduction(fn, reduction)
    target = as_tensor(target)
    check_same_shape(fn, input, target)
    return target


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Squared error (x - y)**2.

    >>> import autograd as ag, nn.functional as F
    >>> F.mse_loss(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 4.0]))
    tensor(2.5000)
    """
    d = input - _prepare("mse_loss", input, target, reduction)
    return reduce(d * d, reduction)


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Absolute error |x - y|.

    >>> import autograd as ag, nn.functional as F
    >>> F.l1_loss(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 4.0]), reduction="sum")
    tensor(3.)
    """
    return reduce(_abs(input - _prepare("l1_loss", input, target, reduction)), reduction)


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """0.5 d**2 where |d| < delta, else delta * (|d| - 0.5 delta), with d = x - y.

    >>> import autograd as ag, nn.functional as F
    >>> F.huber_loss(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]), reduction="none")
    tensor([0.1250, 2.5000])
    """
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    d = input - _prepare("huber_loss", input, target, reduction)
    ad = _abs(d)
    return reduce(where(ad.data < delta, 0.5 * d * d, delta * (ad - 0.5 * delta)), reduction)


def smooth_l1_loss(input: Tensor, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d**2 / beta where |d| < beta, else |d| - 0.5 beta (huber / beta; plain L1 when beta=0).

    >>> import autograd as ag, nn.functional as F
    >>> F.smooth_l1_loss(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]), reduction="none", beta=2.0)
    tensor([0.0625, 2.0000])
    """
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    d = input - _prepare("smooth_l1_loss", input, target, reduction)
    ad = _abs(d)
    if beta == 0:
        return reduce(ad, reduction)
    return reduce(where(ad.data < beta, (0.5 / beta) * d * d, ad - 0.5 * beta), reduction)


# NOTE: fused because the composed -(t log x + (1 - t) log(1 - x)) has 0 * inf = nan gradients
# when a float32 sigmoid saturates to exactly 0 or 1; like PyTorch, the logs are clamped at -100
# and the gradient's denominator at 1e-12, and every rule is written in xp from the inputs.
class BinaryCrossEntropy(Function):
    """l = -(t log x + (1 - t) log(1 - x));  dl/dx = (x - t) / (x (1 - x)),  dl/dt = log(1 - x) - log x"""
    __slots__ = ()

    def forward(self, x: Array, t: Array) -> Array:
        self.save_for_backward(x, t)
        with np.errstate(divide="ignore"):
            lx = np.maximum(np.log(x), -100)
            l1x = np.maximum(np.log1p(-x), -100)
        return -(t * lx + (1 - t) * l1x)

    def backward(self, g: Array) -> Grads:
        x, t = self.saved_tensors
        xp = self.xp
        need = self.needs_input_grad
        gx = gt = None
        if need[0]:
            gx = g * (x - t) / xp.maximum(x * (1 - x), 1e-12)
        if need[1]:
            with np.errstate(divide="ignore"):
                gt = g * (xp.maximum(xp.log(1 - x), -100) - xp.maximum(xp.log(x), -100))
        return gx, gt


def binary_cross_entropy(input: Tensor, target: Any, weight: Optional[Any] = None,
                         reduction: str = "mean") -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) for probabilities ``input`` in [0, 1] (logs clamped at -100).

    >>> import autograd as ag, nn.functional as F
    >>> F.binary_cross_entropy(ag.tensor([0.5, 0.9]), ag.tensor([1.0, 1.0]), reduction="none")
    tensor([0.6931, 0.1054])
    """
    target = _prepare("binary_cross_entropy", input, target, reduction)
    x = input.data
    if x.size and not (np.all(x >= 0) and np.all(x <= 1)):
        raise ValueError(
            f"binary_cross_entropy: input values must be probabilities in [0, 1], got values from "
            f"{np.nanmin(x):g} to {np.nanmax(x):g} (shape {input.shape}); for raw scores use "
            "binary_cross_entropy_with_logits")
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * as_tensor(weight)
    return reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Any, weight: Optional[Any] = None,
                                     reduction: str = "mean", pos_weight: Optional[Any] = None) -> Tensor:
    """BCE of sigmoid(``input``), computed stably as (1 - y) x + (1 + (pw - 1) y) softplus(-x).

    >>> import autograd as ag, nn.functional as F
    >>> F.binary_cross_entropy_with_logits(ag.tensor([0.0, 1e4]), ag.tensor([1.0, 0.0]), reduction="none")
    tensor([6.9315e-01, 1.0000e+04])
    """
    target = _prepare("binary_cross_entropy_with_logits", input, target, reduction)
    # NOTE: threshold=inf keeps softplus exact (logaddexp) instead of switching to x above 20
    sp = softplus(-input, threshold=float("inf"))
    if pos_weight is None:
        loss = (1 - target) * input + sp
    else:
        loss = (1 - target) * input + (1 + (as_tensor(pos_weight) - 1) * target) * sp
    if weight is not None:
        loss = loss * as_tensor(weight)
    return reduce(loss, reduction)


def kl_div(input: Tensor, target: Any, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL(target || input-distribution) pointwise: y (log y - x), with ``input`` x as log-probabilities.

    ``reduction='batchmean'`` divides the sum by the batch size (the true KL per sample);
    'mean' divides by the number of elements, as PyTorch.

    >>> import autograd as ag, nn.functional as F
    >>> logq = ag.log(ag.tensor([[0.5, 0.5]]))
    >>> F.kl_div(logq, ag.tensor([[0.9, 0.1]]), reduction="batchmean")
    tensor(0.3681)
    """
    fn = "kl_div"
    if reduction not in ("mean", "sum", "none", "batchmean"):
        raise ValueError(f"{fn}: reduction must be 'mean', 'batchmean', 'sum' or 'none', got {reduction!r}")
    target = as_tensor(target)
    check_same_shape(fn, input, target)
    if log_target:
        loss = exp(target) * (target - input)
    else:
        pos = target.data > 0
        # NOTE: y log y is 0 at y = 0; the inner where keeps log away from 0 so no nan leaks into
        # gradients (at a zero target d/dy is taken as -x, where PyTorch returns nan)
        loss = where(pos, target * log(where(pos, target, 1.0)), 0.0) - target * input
    if reduction == "batchmean":
        if input.ndim and not input.shape[0]:
            return loss.sum() * 0.0 + float("nan")     # NOTE: PyTorch's 0/0 for an empty batch
        return loss.sum() * (1.0 / input.shape[0]) if input.ndim else loss.sum()
    return reduce(loss, reduction)
