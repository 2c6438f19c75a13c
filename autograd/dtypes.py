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
