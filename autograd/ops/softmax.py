"""Softmax and log-softmax along one axis: fused, numerically stable primitives."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from autograd.axes import normalise_axis
from autograd.function import Array, Function, Grads
from autograd.tensor import Tensor


# NOTE: both are fused rather than composed from exp/sum/log: the composition
# needs five ops and a max-shift for stability; the fused forms are exact,
# cheap, and their backward only needs the output.
class Softmax(Function):
    """y = exp(x) / sum(exp(x));  dL/dx = y * (g - sum(g * y))"""
    __slots__ = ()

    def forward(self, x: Array, axis: Any = -1) -> Array:
        e = np.exp(x - np.max(x, axis=axis, keepdims=True))
        e /= np.sum(e, axis=axis, keepdims=True)
        self.save_for_backward(axis, e)
        return e

    def backward(self, g: Array) -> Grads:
        axis, y = self.saved_tensors
        return (y * (g - self.xp.sum(g * y, axis=axis, keepdims=True)),)


class LogSoftmax(Function):
    """y = x - logsumexp(x);  dL/dx = g - exp(y) * sum(g)"""
    __slots__ = ()

    def forward(self, x: Array, axis: Any = -1) -> Array:
        s = x - np.max(x, axis=axis, keepdims=True)
        y = s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))
        self.save_for_backward(axis, y)
        return y

    def backward(self, g: Array) -> Grads:
        axis, y = self.saved_tensors
        xp = self.xp
        return (g - xp.exp(y) * xp.sum(g, axis=axis, keepdims=True),)


def _axis(x: Tensor, axis: Optional[int], dim: Optional[int], op: str) -> Optional[int]:
    a = normalise_axis(-1 if axis is None and dim is None else (dim if dim is not None else axis),
                       x.ndim, op)
    return a if x.ndim else None


def softmax(x: Tensor, axis: Optional[int] = -1, *, dim: Optional[int] = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``axis`` (default: the last).

    >>> import autograd as ag
    >>> ag.softmax(ag.tensor([0.0, 0.0]))
    tensor([0.5, 0.5])
    """
    return Softmax.apply(x, axis=_axis(x, axis, dim, "softmax"))


def log_softmax(x: Tensor, axis: Optional[int] = -1, *, dim: Optional[int] = None) -> Tensor:
    """log(softmax(x)) along ``axis``, computed stably (finite for logits of 1e4).

    >>> import autograd as ag
    >>> ag.log_softmax(ag.tensor([1e4, 0.0]))
    tensor([     0., -10000.])
    """
    return LogSoftmax.apply(x, axis=_axis(x, axis, dim, "log_softmax"))
