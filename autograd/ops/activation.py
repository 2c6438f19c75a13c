"""Activation functions: relu, leaky_relu, sigmoid, softplus (primitives) and gelu, silu (composed)."""
from __future__ import annotations

from typing import Any

import math

import numpy as np

from autograd import workspace
from autograd.dtypes import zero_of
from autograd.function import Array, Function, Grads
from autograd.special import sigmoid as _sigmoid
from autograd.tensor import Tensor
from autograd.xp import NP


class Relu(Function):
    """z = max(x, 0);  dz/dx = 1 where x > 0, else 0  (relu'(0) = 0, as in PyTorch)"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        if x.nbytes < workspace.MIN_BYTES:
            z = np.maximum(x, zero_of(x.dtype))
        else:
            # NOTE: a large activation goes into a recycled buffer: a fresh multi-MB array is
            # faulted in page by page on every training step (see autograd/workspace.py)
            z = np.maximum(x, zero_of(x.dtype), out=workspace.empty(x.shape, x.dtype))
        self.save_for_backward(z)
        return z

    def backward(self, g: Array) -> Grads:
        # NOTE: z > 0 exactly where x > 0, so the output serves as the mask
        (out,) = self.saved_tensors
        if self.xp is not NP or g.nbytes < workspace.MIN_BYTES:
            return (g * (out > zero_of(out.dtype)),)
        mask = np.greater(out, zero_of(out.dtype), out=workspace.empty(out.shape, np.bool_))
        return (np.multiply(g, mask, out=workspace.empty(out.shape, g.dtype)),)


class LeakyRelu(Function):
    """z = x if x > 0 else a x;  dz/dx = 1 if x > 0 else a"""
    __slots__ = ()

    def forward(self, x: Array, slope: Any = 0.01) -> Array:
        self.save_for_backward(x, slope)
        return np.where(x > 0, x, x * slope)

    def backward(self, g: Array) -> Grads:
        x, slope = self.saved_tensors
        return (self.xp.where(x > 0, g, g * slope),)


class Sigmoid(Function):
    """z = 1 / (1 + exp(-x));  dz/dx = z (1 - z)"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        z = _sigmoid(x)
        self.save_for_backward(z)
        return z

    def backward(self, g: Array) -> Grads:
        (z,) = self.saved_tensors
        return (g * z * (1 - z),)


class Softplus(Function):
    """z = log(1 + exp(b x)) / b;  dz/dx = sigmoid(b x)"""
    __slots__ = ()

    def forward(self, x: Array, beta: Any = 1.0, threshold: Any = 20.0) -> Array:
        self.save_for_backward(x, beta, threshold)
        bx = x * beta
        # NOTE: logaddexp(0, bx) is stable for large |bx|; above threshold softplus is x (PyTorch)
        return np.where(bx > threshold, x, np.logaddexp(0, bx) / beta).astype(x.dtype, copy=False)

    def backward(self, g: Array) -> Grads:
        x, beta, threshold = self.saved_tensors
        bx = x * beta
        return (self.xp.where(bx > threshold, g, g * self.xp.sigmoid(bx)),)


def relu(x: Tensor) -> Tensor:
    """max(x, 0) elementwise.

    >>> import autograd as ag
    >>> ag.relu(ag.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return Relu.apply(x)


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, else ``negative_slope * x``.

    >>> import autograd as ag
    >>> ag.leaky_relu(ag.tensor([-2.0, 2.0]), 0.1)
    tensor([-0.2000,  2.0000])
    """
    return LeakyRelu.apply(x, slope=negative_slope)


def sigmoid(x: Tensor) -> Tensor:
    """The logistic function 1 / (1 + e**-x), stable for large |x|.

    >>> import autograd as ag
    >>> ag.sigmoid(ag.tensor([0.0]))
    tensor([0.5])
    """
    return Sigmoid.apply(x)


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e**(beta x)) / beta, linear above ``threshold`` (PyTorch's definition)."""
    return Softplus.apply(x, beta=beta, threshold=threshold)


def silu(x: Tensor) -> Tensor:
    """x * sigmoid(x) (also called swish).

    >>> import autograd as ag
    >>> ag.silu(ag.tensor([0.0]))
    tensor([0.])
    """
    return x * Sigmoid.apply(x)


swish = silu


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit: x Phi(x) (``approximate='none'``) or its tanh approximation.

    >>> import autograd as ag
    >>> ag.gelu(ag.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8413])
    """
    from autograd.ops.elementwise import erf, tanh
    if approximate == "none":
        return x * (0.5 * (1 + erf(x * (1 / math.sqrt(2)))))
    if approximate == "tanh":
        c = math.sqrt(2 / math.pi)
        return 0.5 * x * (1 + tanh(c * (x + 0.044715 * x * x * x)))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
