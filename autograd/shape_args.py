"""Checked size arguments of the shape ops (reshape, expand, repeat, cat, ...), PyTorch's rules.

A size is a Python or numpy integer (else ``TypeError``); a shape that cannot be
(an inferred size twice, a size below -1, the wrong element count) is a ``RuntimeError``
naming the op and both shapes, as PyTorch raises for the same call.
"""
from __future__ import annotations

from math import prod
from typing import Any, Tuple

import numpy as np

from autograd.tensor import Tensor


def size_args(shape: tuple) -> tuple:
    """Sizes given either as ``f(2, 3)`` or as ``f((2, 3))``, as one tuple.

    >>> size_args((2, 3)), size_args(([2, 3],))
    ((2, 3), (2, 3))
    """
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def int_sizes(sizes: tuple, op: str) -> Tuple[int, ...]:
    """``sizes`` as a tuple of Python ints; anything else (a float, a bool, None) is a TypeError.

    >>> int_sizes((2, 1.5), "reshape")
    Traceback (most recent call last):
    ...
    TypeError: reshape(): sizes must be ints, got float 1.5 in (2, 1.5)
    """
    for s in sizes:
        if s.__class__ is not int:
            break
    else:
        return sizes  # NOTE: all Python ints, the common case: no second tuple is built
    for s in sizes:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"{op}(): sizes must be ints, got {type(s).__name__} {s!r} in {sizes}")
    return tuple(int(s) for s in sizes)


def check_reshape(old: Tuple[int, ...], shape: Tuple[int, ...]) -> None:
    """Refuse a reshape from ``old`` to ``shape``: no size below -1, at most one -1, and the
    element counts agree (RuntimeError, as PyTorch).

    >>> check_reshape((2, 3), (-1, -1))
    Traceback (most recent call last):
    ...
    RuntimeError: reshape(): only one dimension can be inferred (-1), got shape (-1, -1) for a tensor of shape (2, 3)
    """
    n = prod(old)  # NOTE: math.prod on Python ints: np.prod costs microseconds per call
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(f"reshape(): invalid size {s} at index {i} of shape {shape} "
                               f"(sizes are >= 0, or -1 to infer one) for a tensor of shape {old}")
    if shape.count(-1) > 1:
        raise RuntimeError(f"reshape(): only one dimension can be inferred (-1), got shape {shape} "
                           f"for a tensor of shape {old}")
    known = prod(s for s in shape if s != -1)
    # NOTE: with a 0 among the sizes, -1 could be anything: PyTorch refuses it, so do we
    ok = known != 0 and n % known == 0 if -1 in shape else known == n
    if not ok:
        raise RuntimeError(f"reshape(): cannot reshape a tensor of shape {old} ({n} elements) "
                           f"into shape {shape}")


def tensor_list(tensors: Any, op: str) -> list:
    """The tensors of ``cat``/``stack`` as a non-empty list. A tensor or an array alone is a
    TypeError, as in PyTorch (iterating it would silently cut it into its rows).

    >>> tensor_list(np.zeros((2, 3)), "cat")
    Traceback (most recent call last):
    ...
    TypeError: cat(): expected a list or tuple of tensors, got ndarray of shape (2, 3)
    """
    if isinstance(tensors, (Tensor, np.ndarray, str, bytes)) or not hasattr(tensors, "__iter__"):
        shape = getattr(tensors, "shape", None)
        raise TypeError(f"{op}(): expected a list or tuple of tensors, got {type(tensors).__name__}"
                        + (f" of shape {tuple(shape)}" if shape is not None else ""))
    out = list(tensors)
    if not out:
        raise ValueError(f"{op}(): expected a non-empty list of tensors")
    return out
