"""Choosing between values: maximum, minimum, where."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.function import Array, Function, Grads
from autograd.tensor import Tensor


class Maximum(Function):
    """z = max(x, y);  dz/dx = 1 where x > y,  dz/dy = 1 where y > x  (ties split 1/2 each)"""
    __slots__ = ()

    def forward(self, x: Array, y: Array) -> Array:
        self.save_for_backward(x, y)
        return np.maximum(x, y)

    def backward(self, g: Array) -> Grads:
        x, y = self.saved_tensors
        xp = self.xp
        half = g * 0.5
        need = self.needs_input_grad
        gx = xp.where(x > y, g, xp.where(x == y, half, 0)) if need[0] else None
        gy = xp.where(y > x, g, xp.where(x == y, half, 0)) if need[1] else None
        return gx, gy


class Minimum(Function):
    """z = min(x, y);  dz/dx = 1 where x < y,  dz/dy = 1 where y < x  (ties split 1/2 each)"""
    __slots__ = ()

    def forward(self, x: Array, y: Array) -> Array:
        self.save_for_backward(x, y)
        return np.minimum(x, y)

    def backward(self, g: Array) -> Grads:
        x, y = self.saved_tensors
        xp = self.xp
        half = g * 0.5
        need = self.needs_input_grad
        gx = xp.where(x < y, g, xp.where(x == y, half, 0)) if need[0] else None
        gy = xp.where(y < x, g, xp.where(x == y, half, 0)) if need[1] else None
        return gx, gy


class Where(Function):
    """z = x where c else y;  dz/dx = 1 where c,  dz/dy = 1 where not c"""
    __slots__ = ()

    def forward(self, c: Array, x: Array, y: Array) -> Array:
        self.save_for_backward(c)
        return np.where(c, x, y)

    def backward(self, g: Array) -> Grads:
        (c,) = self.saved_tensors
        xp = self.xp
        need = self.needs_input_grad
        gx = xp.where(c, g, 0) if need[1] else None
        gy = xp.where(c, 0, g) if need[2] else None
        return None, gx, gy


def maximum(x: Any, y: Any) -> Tensor:
    """Elementwise maximum; at ties the gradient is split equally (as in PyTorch).

    >>> import autograd as ag
    >>> ag.maximum(ag.tensor([1.0, 5.0]), ag.tensor([3.0, 2.0]))
    tensor([3., 5.])
    """
    return Maximum.apply(x, y)


def minimum(x: Any, y: Any) -> Tensor:
    """Elementwise minimum; at ties the gradient is split equally."""
    return Minimum.apply(x, y)


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """``x`` where ``condition`` holds, else ``y`` (broadcast together).

    >>> import autograd as ag
    >>> ag.where(ag.tensor([True, False]), ag.tensor([1.0, 2.0]), 0.0)
    tensor([1., 0.])
    """
    if isinstance(condition, Tensor):
        condition = condition._data
    condition = np.asarray(condition)
    if condition.dtype != np.bool_:
        raise TypeError(f"where: condition must be boolean, got dtype {condition.dtype}")
    return Where.apply(condition, x, y)
