"""``batch_norm`` and ``layer_norm``: one fused normalisation op, two ways of choosing its axes."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from autograd.function import Array, Function, Grads
from autograd.grad_mode import no_grad
from autograd.tensor import Tensor


# NOTE: fused because the composed form records about a dozen nodes per call and keeps as
# many intermediate arrays alive. The statistics are not saved: backward recomputes them
# from the input with xp, so the rule is also exact when differentiated again.
class Normalize(Function):
    """y = (x - mean) / sqrt(var + eps) * w + b, statistics over ``axes``, w and b shaped ``pshape``;
    dL/dx = inv * (Gw - mean(Gw) - xhat * mean(Gw * xhat)) with Gw = G * w,  dL/dw = sum(G * xhat),  dL/db = sum(G)"""
    __slots__ = ()

    def forward(self, x: Array, w: Array, b: Array, axes: Any, pshape: Any, eps: Any, stats: Any = None) -> Array:
        self.save_for_backward(x, w, None if b is None else b.shape, axes, pshape, eps)
        mean = np.mean(x, axis=axes, keepdims=True)
        xc = x - mean
        var = np.mean(xc * xc, axis=axes, keepdims=True)
        y = xc * (1.0 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        if stats is not None:
            stats["mean"], stats["var"] = mean, var
        if w is not None:
            y = y * w.reshape(pshape)
        if b is not None:
            y = y + b.reshape(pshape)
        return y

    def backward(self, g: Array) -> Grads:
        x, w, bshape, axes, pshape, eps = self.saved_tensors
        xp = self.xp
        need = self.needs_input_grad
        m = 1
        for a in axes:
            m *= x.shape[a]
        mean = xp.sum(x, axis=axes, keepdims=True) * (1.0 / m)
        xc = x - mean
        var = xp.sum(xc * xc, axis=axes, keepdims=True) * (1.0 / m)
        inv = 1.0 / xp.sqrt(var + eps)
        xhat = xc * inv
        # the parameters broadcast along the axes where pshape is 1; their gradients sum over them
        paxes = tuple(i for i, s in enumerate(pshape) if s == 1)
        gx = gw = gb = None
        if need[0]:
            gwx = g * xp.reshape(w, pshape) if w is not None else g
            mg = xp.sum(gwx, axis=axes, keepdims=True) * (1.0 / m)
            mgx = xp.sum(gwx * xhat, axis=axes, keepdims=True) * (1.0 / m)
            gx = inv * (gwx - mg - xhat * mgx)
        if w is not None and need[1]:
            gw = xp.reshape(xp.sum(g * xhat, axis=paxes, keepdims=True), w.shape)
        if need[2]:
            gb = xp.reshape(xp.sum(g, axis=paxes, keepdims=True), bshape)
        return gx, gw, gb


def _check_param(fn: str, name: str, t: Optional[Tensor], shape: tuple) -> None:
    if t is not None and tuple(t.shape) != shape:
        raise ValueError(f"{fn}: {name} has shape {t.shape}, expected {shape}")


def batch_norm(x: Tensor, running_mean: Optional[Tensor], running_var: Optional[Tensor],
               weight: Optional[Tensor] = None, bias: Optional[Tensor] = None,
               training: bool = False, momentum: Optional[float] = 0.1, eps: float = 1e-5,
               num_batches_tracked: Optional[Tensor] = None) -> Tensor:
    """Normalise each channel (axis 1) of an (N, C, *) input over every other axis.

    Training (or no running statistics): uses the batch's mean and biased variance, and
    updates ``running_mean``/``running_var`` in place with ``momentum`` (the running variance
    takes the unbiased batch variance, as PyTorch; ``momentum=None`` keeps a cumulative
    average counted by ``num_batches_tracked``). Evaluation: uses the running statistics.

    >>> import autograd as ag, nn.functional as F
    >>> x = ag.tensor([[1.0, 10.0], [3.0, 30.0]])
    >>> rm, rv = ag.zeros(2), ag.ones(2)
    >>> F.batch_norm(x, rm, rv, training=True)
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]])
    >>> rm, rv
    (tensor([0.2000, 2.0000]), tensor([ 1.1000, 20.9000]))
    """
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of shape (N, C) or (N, C, *), got shape {x.shape}")
    c = x.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_param("batch_norm", name, t, (c,))
    pshape = (1, c) + (1,) * (x.ndim - 2)
    axes = (0,) + tuple(range(2, x.ndim))
    if not training and running_mean is not None and running_var is not None:  # the running statistics
        inv = 1.0 / np.sqrt(running_var.data + eps)
        scale = inv.astype(x.dtype, copy=False).reshape(pshape)
        shift = (-running_mean.data * inv).astype(x.dtype, copy=False).reshape(pshape)
        if weight is not None:
            wb = weight.reshape(pshape)
            y = x * (scale * wb) + shift * wb
        else:
            y = x * scale + shift
        return y + bias.reshape(pshape) if bias is not None else y
    m = x.size // c
    if training and m <= 1:
        raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                         f"got input of shape {x.shape}")
    stats: dict = {}
    y = Normalize.apply(x, weight, bias, axes=axes, pshape=pshape, eps=eps, stats=stats)
    if training and running_mean is not None and running_var is not None:
        _update_running(stats, m, running_mean, running_var, momentum, num_batches_tracked)
    return y


def _update_running(stats: dict, m: int, running_mean: Tensor, running_var: Tensor,
                    momentum: Optional[float], num_batches_tracked: Optional[Tensor]) -> None:
    with no_grad():
        if num_batches_tracked is not None:
            num_batches_tracked.add_(1)
        if momentum is None:
            n = float(num_batches_tracked.item()) if num_batches_tracked is not None else 1.0
            factor = 1.0 / n
        else:
            factor = momentum
        mean = stats["mean"].reshape(-1)
        unbiased = stats["var"].reshape(-1) * (m / (m - 1))
        running_mean.copy_((1 - factor) * running_mean.data + factor * mean)
        running_var.copy_((1 - factor) * running_var.data + factor * unbiased)


def layer_norm(x: Tensor, normalized_shape: Union[int, Sequence[int]], weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` axes, then scale and shift elementwise.

    >>> import autograd as ag, nn.functional as F
    >>> F.layer_norm(ag.tensor([[1.0, 3.0], [0.0, 10.0]]), 2)
    tensor([[-1.0000,  1.0000],
            [-1.0000,  1.0000]])
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or x.ndim < k or tuple(x.shape[x.ndim - k:]) != shape:
        raise ValueError(f"layer_norm: normalized_shape {shape} must match the last axes of the "
                         f"input, got input of shape {x.shape}")
    _check_param("layer_norm", "weight", weight, shape)
    _check_param("layer_norm", "bias", bias, shape)
    axes = tuple(range(x.ndim - k, x.ndim))
    pshape = (1,) * (x.ndim - k) + shape
    return Normalize.apply(x, weight, bias, axes=axes, pshape=pshape, eps=eps)
