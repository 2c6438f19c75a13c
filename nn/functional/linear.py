"""``linear``: y = x W^T + b as one fused op, and ``flatten``/``identity``-free helpers."""
from __future__ import annotations

from typing import Optional

import numpy as np

from autograd.function import Array, Function, Grads
from autograd.tensor import Tensor


# NOTE: fused because Linear is the hottest layer: composing x @ W.T + b records three
# nodes (transpose, matmul, add); this records one, and its backward is two matmuls.
class LinearFn(Function):
    """y = x W^T + b;  dL/dx = G W,  dL/dW = G^T x (batch axes summed),  dL/db = G"""
    __slots__ = ()

    def forward(self, x: Array, w: Array, b: Optional[Array] = None) -> Array:
        self.save_for_backward(x, w)
        y = np.matmul(x, w.T)
        if b is not None:
            if b.dtype == y.dtype:
                y += b  # NOTE: y is matmul's fresh array: adding in place saves an output-sized temporary
            else:
                y = y + b
        return y

    def backward(self, g: Array) -> Grads:
        x, w = self.saved_tensors
        xp = self.xp
        need = self.needs_input_grad
        out_f, in_f = w.shape
        gx = xp.matmul(g, w) if need[0] else None
        gw = None
        if need[1]:
            # NOTE: fold every batch axis into one so dW is a single (out, in) matmul
            gw = xp.matmul(xp.transpose(xp.reshape(g, (-1, out_f))), xp.reshape(x, (-1, in_f)))
        return gx, gw, (g if need[2] else None)  # NOTE: the engine sums g over the batch rows


def linear(x: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """x @ weight.T + bias for ``x`` of shape (*, in) and ``weight`` of shape (out, in).

    >>> import autograd as ag, nn.functional as F
    >>> F.linear(ag.tensor([[1.0, 2.0]]), ag.tensor([[1.0, 1.0], [0.0, 1.0]]), ag.tensor([0.5, 0.0]))
    tensor([[3.5000, 2.0000]])
    """
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got shape {weight.shape}")
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input of shape {x.shape} has {x.shape[-1] if x.ndim else 0} features "
                         f"in its last axis but weight of shape {weight.shape} expects {weight.shape[1]}")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(f"linear: bias of shape {bias.shape} does not match weight of shape "
                         f"{weight.shape}; expected ({weight.shape[0]},)")
    return LinearFn.apply(x, weight, bias)
