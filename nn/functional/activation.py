"""Activation functions (the functional twins of the activation modules).

Most are the engine's own ops re-exported under PyTorch's names; ``prelu`` is
composed here.
"""
from __future__ import annotations


from autograd.ops import (gelu, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus,
                          tanh, where)
from autograd.tensor import Tensor

__all__ = ["relu", "leaky_relu", "prelu", "sigmoid", "tanh", "gelu", "silu", "softplus",
           "softmax", "log_softmax"]


def prelu(x: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else ``weight * x``; a weight of size C applies per channel (axis 1).

    >>> import autograd as ag, nn.functional as F
    >>> F.prelu(ag.tensor([[-1.0, 2.0], [-3.0, -4.0]]), ag.tensor([0.1, 0.5]))
    tensor([[-0.1000,  2.0000],
            [-0.3000, -2.0000]])
    """
    if weight.ndim != 1:
        raise ValueError(f"prelu: weight must be 1-D, got shape {weight.shape}")
    n = weight.shape[0]
    if n != 1:
        if x.ndim < 2 or x.shape[1] != n:
            raise ValueError(f"prelu: weight has {n} slopes but the input of shape {x.shape} has "
                             f"{x.shape[1] if x.ndim >= 2 else 'no'} channels on axis 1")
        weight = weight.reshape((1, n) + (1,) * (x.ndim - 2))
    return where(x.data > 0, x, weight * x)
