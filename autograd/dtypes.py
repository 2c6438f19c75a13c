"""How data becomes an array: the dtype rules, in one place.

- Python floats (and lists of them) become float32, like PyTorch; Python ints
  become int64 and bools stay bool.
- numpy arrays and numpy scalars keep their dtype.
- In arithmetic a Python scalar takes the tensor's dtype (NumPy 2 / NEP 50):
  a float32 tensor times 2.0 stays float32.
"""
from __future__ import annotations

from typing import Any

import numpy as np

float16, float32, float64 = np.float16, np.float32, np.float64
int8, int16, int32, int64 = np.int8, np.int16, np.int32, np.int64
uint8 = np.uint8
bool_ = np.bool_


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert ``data`` to an ndarray following the rules above.

    >>> as_array([1.0, 2.0]).dtype
    dtype('float32')
    >>> as_array(np.zeros(2)).dtype
    dtype('float64')
    >>> as_array([1, 2]).dtype
    dtype('int64')
    """
    if isinstance(data, np.ndarray):
        return data if dtype is None or data.dtype == dtype else data.astype(dtype)
    if isinstance(data, np.generic):
        return np.asarray(data, dtype=dtype)
    arr = np.asarray(data, dtype=dtype)
    if dtype is None and arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    elif dtype is None and arr.dtype.kind == "O":
        raise TypeError(f"cannot make a tensor from {type(data).__name__} with mixed or nested types")
    return arr


def is_floating(dtype: Any) -> bool:
    """True for floating-point dtypes, the only ones that can require grad."""
    return np.dtype(dtype).kind == "f"


_OPERANDS: dict = {}  # (number, dtype) -> read-only 0-d array
_ZEROS: dict = {}  # dtype -> read-only 0-d zero


def scalar_operand(v: Any, dtype: np.dtype) -> Any:
    """A Python number meeting a floating tensor, as a cached 0-d array of the tensor's dtype.

    The result of the arithmetic is the same (NEP 50 gives a Python scalar the array's
    dtype); anything else (ints with int tensors, nan, signed zeros, arrays) is returned as is.

    >>> scalar_operand(2, np.dtype(np.float32))
    array(2., dtype=float32)
    >>> scalar_operand(2, np.dtype(np.int64))
    2
    """
    # NOTE: numpy resolves a Python scalar's dtype on every ufunc call (~0.3 us on small
    # arrays, as much as the arithmetic); a 0-d array of the right dtype skips that. 0.0 and
    # -0.0 (equal keys, different results) and nan (never equal to itself) are not cached.
    cls = v.__class__
    if cls is float:
        if v != v or v == 0.0:
            return v
    elif cls is not int:
        return v
    c = _OPERANDS.get((v, dtype))
    if c is not None:
        return c
    if dtype.kind != "f":
        return v
    if len(_OPERANDS) >= 1024:
        _OPERANDS.clear()  # NOTE: a changing learning rate must not grow the cache forever
    c = _OPERANDS[(v, dtype)] = np.asarray(v, dtype)
    c.flags.writeable = False
    return c


def zero_of(dtype: np.dtype) -> np.ndarray:
    """A read-only 0-d zero of ``dtype`` (comparing with it is ~2x faster than with ``0``)."""
    z = _ZEROS.get(dtype)
    if z is None:
        z = _ZEROS[dtype] = np.zeros((), dtype)
        z.flags.writeable = False
    return z
