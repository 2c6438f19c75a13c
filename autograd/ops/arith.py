"""Arithmetic: + - * / ** and negation."""
from __future__ import annotations

from typing import Any, Type

import numpy as np

from autograd.dtypes import scalar_operand
from autograd.function import Array, Function, Grads
from autograd.tensor import Tensor


class Add(Function):
    """z = x + y;  dz/dx = 1,  dz/dy = 1"""
    __slots__ = ()

    def forward(self, x: Array, y: Array) -> Array:
        return x + y

    def backward(self, g: Array) -> Grads:
        return g, g


class Sub(Function):
    """z = x - y;  dz/dx = 1,  dz/dy = -1"""
    __slots__ = ()

    def forward(self, x: Array, y: Array) -> Array:
        return x - y

    def backward(self, g: Array) -> Grads:
        return g, (-g if self.needs_input_grad[1] else None)


class Mul(Function):
    """z = x * y;  dz/dx = y,  dz/dy = x"""
    __slots__ = ()

    def forward(self, x: Array, y: Array) -> Array:
        self.save_for_backward(x, y)
        return x * y

    def backward(self, g: Array) -> Grads:
        x, y = self.saved_tensors
        gx = g * y if self.needs_input_grad[0] else None
        gy = g * x if self.needs_input_grad[1] else None
        return gx, gy


class Div(Function):
    """z = x / y;  dz/dx = 1 / y,  dz/dy = -z / y"""
    __slots__ = ()

    def forward(self, x: Array, y: Array) -> Array:
        z = x / y
        self.save_for_backward(y, z)
        return z

    def backward(self, g: Array) -> Grads:
        y, z = self.saved_tensors
        gx = g / y if self.needs_input_grad[0] else None
        gy = -g * z / y if self.needs_input_grad[1] else None
        return gx, gy


class Neg(Function):
    """z = -x;  dz/dx = -1"""
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        return -x

    def backward(self, g: Array) -> Grads:
        return (-g,)


class Pow(Function):
    """z = x ** y;  dz/dx = y x**(y-1),  dz/dy = z log(x)"""
    __slots__ = ()

    def forward(self, x: Array, y: Array) -> Array:
        z = x ** y
        self.save_for_backward(x, y, z)
        return z

    def backward(self, g: Array) -> Grads:
        x, y, z = self.saved_tensors
        gx = g * y * x ** (y - 1) if self.needs_input_grad[0] else None
        gy = g * z * self.xp.log(x) if self.needs_input_grad[1] else None
        return gx, gy


def _binary(cls: type, x: Any, y: Any) -> Tensor:
    if isinstance(x, Tensor):
        if y.__class__ is float or y.__class__ is int:
            y = scalar_operand(y, x._data.dtype)
    elif isinstance(y, Tensor) and (x.__class__ is float or x.__class__ is int):
        x = scalar_operand(x, y._data.dtype)
    return _binary_checked(cls, x, y)


def _binary_checked(cls: Type[Function], x: Any, y: Any) -> Tensor:
    try:
        return cls.apply(x, y)
    except ValueError as e:
        if "broadcast" not in str(e):
            raise
        xs = getattr(x, "shape", ())
        ys = getattr(y, "shape", ())
        raise ValueError(
            f"{cls.__name__.lower()}: shapes {tuple(xs)} and {tuple(ys)} cannot be broadcast together"
        ) from None


def add(x: Any, y: Any) -> Tensor:
    """Elementwise ``x + y`` with numpy broadcasting.

    >>> import autograd as ag
    >>> ag.add(ag.tensor([1.0, 2.0]), 1.0)
    tensor([2., 3.])
    """
    return _binary(Add, x, y)


def sub(x: Any, y: Any) -> Tensor:
    """Elementwise ``x - y``."""
    return _binary(Sub, x, y)


def mul(x: Any, y: Any) -> Tensor:
    """Elementwise ``x * y``."""
    return _binary(Mul, x, y)


def div(x: Any, y: Any) -> Tensor:
    """Elementwise ``x / y`` (true division)."""
    return _binary(Div, x, y)


def neg(x: Tensor) -> Tensor:
    """Elementwise ``-x``."""
    return Neg.apply(x)


def pow(x: Any, y: Any) -> Tensor:
    """Elementwise ``x ** y``.

    >>> import autograd as ag
    >>> ag.pow(ag.tensor([2.0, 3.0]), 2)
    tensor([4., 9.])
    """
    # NOTE: no scalar_operand here: numpy computes x ** 2 with a Python 2 as a square
    return _binary_checked(Pow, x, y)
