"""Making tensors: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``eye``, ``linspace`` and the ``*_like`` forms."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.dtypes import as_array
from autograd.tensor import Tensor


def _shape(size: tuple) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (Python floats become float32).

    >>> import autograd as ag
    >>> ag.tensor([1.0, 2.0], requires_grad=True)
    tensor([1., 2.], requires_grad=True)
    """
    if isinstance(data, Tensor):
        data = data._data
    arr = as_array(data, dtype)
    if isinstance(data, np.ndarray) and arr is data:
        arr = arr.copy()
    return Tensor(arr, requires_grad=requires_grad)


def zeros(*size: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros.

    >>> import autograd as ag
    >>> ag.zeros(2, 2)
    tensor([[0., 0.],
            [0., 0.]])
    """
    return Tensor(np.zeros(_shape(size), dtype=dtype), requires_grad=requires_grad)


def ones(*size: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return Tensor(np.ones(_shape(size), dtype=dtype), requires_grad=requires_grad)


def full(size: Any, fill_value: float, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``.

    >>> import autograd as ag
    >>> ag.full((2,), 7.0)
    tensor([7., 7.])
    """
    size = (size,) if isinstance(size, int) else tuple(size)
    return Tensor(np.full(size, fill_value, dtype=dtype), requires_grad=requires_grad)


def arange(start: float, stop: Any = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, stop): int64 for ints, float32 when any bound is a float.

    >>> import autograd as ag
    >>> ag.arange(3)
    tensor([0, 1, 2], dtype=int64)
    """
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, stop, step))
        dtype = np.float32 if is_float else np.int64
    return Tensor(np.arange(start, stop, step, dtype=dtype), requires_grad=requires_grad)


def linspace(start: float, stop: float, num: int, dtype: Any = np.float32,
             requires_grad: bool = False) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive."""
    return Tensor(np.linspace(start, stop, num, dtype=dtype), requires_grad=requires_grad)


def eye(n: int, m: Any = None, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    """The identity matrix (``n`` x ``m``)."""
    return Tensor(np.eye(n, m, dtype=dtype), requires_grad=requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and dtype) of ``t``."""
    return Tensor(np.zeros_like(np.asarray(t), dtype=dtype), requires_grad=requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and dtype) of ``t``."""
    return Tensor(np.ones_like(np.asarray(t), dtype=dtype), requires_grad=requires_grad)


def full_like(t: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` with the shape (and dtype) of ``t``."""
    return Tensor(np.full_like(np.asarray(t), fill_value, dtype=dtype), requires_grad=requires_grad)


def as_tensor(data: Any, dtype: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory with an ndarray when the dtype already matches."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        return data
    return Tensor(data, dtype=dtype)


from_numpy = as_tensor
