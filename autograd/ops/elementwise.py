"""Elementwise math: exp, log, sqrt, sin, cos, tanh, abs, erf, clip."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np
from autograd import special

from autograd.function import Array, Function, Grads
from autograd.tensor import Tensor


class Exp(Function):
    """z = exp(x);  dz/dx = z"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        z = np.exp(x)
        self.save_for_backward(z)
        return z

    def backward(self, g: Array) -> Grads:
        (z,) = self.saved_tensors
        return (g * z,)


class Log(Function):
    """z = log(x);  dz/dx = 1 / x"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        self.save_for_backward(x)
        return np.log(x)

    def backward(self, g: Array) -> Grads:
        return (g / self.saved_tensors[0],)


class Sqrt(Function):
    """z = sqrt(x);  dz/dx = 1 / (2 z)"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        z = np.sqrt(x)
        self.save_for_backward(z)
        return z

    def backward(self, g: Array) -> Grads:
        (z,) = self.saved_tensors
        return (g / (2 * z),)


class Sin(Function):
    """z = sin(x);  dz/dx = cos(x)"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        self.save_for_backward(x)
        return np.sin(x)

    def backward(self, g: Array) -> Grads:
        return (g * self.xp.cos(self.saved_tensors[0]),)


class Cos(Function):
    """z = cos(x);  dz/dx = -sin(x)"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        self.save_for_backward(x)
        return np.cos(x)

    def backward(self, g: Array) -> Grads:
        return (-g * self.xp.sin(self.saved_tensors[0]),)


class Tanh(Function):
    """z = tanh(x);  dz/dx = 1 - z**2"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        z = np.tanh(x)
        self.save_for_backward(z)
        return z

    def backward(self, g: Array) -> Grads:
        (z,) = self.saved_tensors
        return (g * (1 - z * z),)


class Abs(Function):
    """z = |x|;  dz/dx = sign(x)  (0 at x = 0, as in PyTorch)"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        self.save_for_backward(x)
        return np.abs(x)

    def backward(self, g: Array) -> Grads:
        return (g * self.xp.sign(self.saved_tensors[0]),)


class Erf(Function):
    """z = erf(x);  dz/dx = 2/sqrt(pi) exp(-x**2)"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        self.save_for_backward(x)
        return special.erf(x)

    def backward(self, g: Array) -> Grads:
        x = self.saved_tensors[0]
        return (g * (2.0 / math.sqrt(math.pi)) * self.xp.exp(-(x * x)),)


class Clip(Function):
    """z = min(max(x, lo), hi);  dz/dx = 1 where lo <= x <= hi, else 0"""
    __slots__ = ()

    def forward(self, x: Array, lo: Optional[Array] = None, hi: Optional[Array] = None) -> Array:
        self.save_for_backward(x, lo, hi)
        return np.clip(x, lo, hi)

    def backward(self, g: Array) -> Grads:
        x, lo, hi = self.saved_tensors
        inside = True
        if lo is not None:
            inside = x >= lo
        if hi is not None:
            inside = inside & (x <= hi) if lo is not None else x <= hi
        return (self.xp.where(inside, g, 0),)


def exp(x: Tensor) -> Tensor:
    """Elementwise e**x.

    >>> import autograd as ag
    >>> ag.exp(ag.tensor([0.0]))
    tensor([1.])
    """
    return Exp.apply(x)


def log(x: Tensor) -> Tensor:
    """Elementwise natural logarithm."""
    return Log.apply(x)


def sqrt(x: Tensor) -> Tensor:
    """Elementwise square root.

    >>> import autograd as ag
    >>> ag.sqrt(ag.tensor([4.0]))
    tensor([2.])
    """
    return Sqrt.apply(x)


def sin(x: Tensor) -> Tensor:
    """Elementwise sine."""
    return Sin.apply(x)


def cos(x: Tensor) -> Tensor:
    """Elementwise cosine."""
    return Cos.apply(x)


def tanh(x: Tensor) -> Tensor:
    """Elementwise hyperbolic tangent.

    >>> import autograd as ag
    >>> ag.tanh(ag.tensor([0.0]))
    tensor([0.])
    """
    return Tanh.apply(x)


def abs(x: Tensor) -> Tensor:
    """Elementwise absolute value; its gradient at 0 is 0."""
    return Abs.apply(x)


def erf(x: Tensor) -> Tensor:
    """Elementwise Gauss error function."""
    return Erf.apply(x)


def clip(x: Tensor, min: Optional[float] = None, max: Optional[float] = None) -> Tensor:
    """Limit values to ``[min, max]``; the gradient passes where ``min <= x <= max``.

    >>> import autograd as ag
    >>> ag.clip(ag.tensor([-2.0, 0.5, 3.0]), -1, 1)
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        raise TypeError("clip: min and max must be numbers; use ag.maximum/ag.minimum for tensors")
    return Clip.apply(x, lo=min, hi=max)


clamp = clip


class Cast(Function):
    """z = x as another dtype;  dz/dx = 1 (the engine casts the gradient back to x's dtype)"""
    __slots__ = ()

    def forward(self, x: Array, dtype: Any) -> Array:
        return x.astype(dtype)

    def backward(self, g: Array) -> Grads:
        return (g,)


class Clone(Function):
    """z = a copy of x;  dz/dx = 1"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        return x.copy()

    def backward(self, g: Array) -> Grads:
        return (g,)


def astype(x: Tensor, dtype: Any) -> Tensor:
    """Convert to ``dtype``; differentiable between floating dtypes.

    >>> import autograd as ag
    >>> ag.tensor([1.5]).astype('float64').dtype
    dtype('float64')
    """
    dtype = np.dtype(dtype)
    if dtype == x.dtype:
        return x
    if x.requires_grad and dtype.kind != "f":
        # NOTE: PyTorch allows it and silently drops the graph; we cast a detached copy
        return Tensor(x._data.astype(dtype))
    return Cast.apply(x, dtype=dtype)


def clone(x: Tensor) -> Tensor:
    """A copy with its own memory, still connected to the graph."""
    return Clone.apply(x)
