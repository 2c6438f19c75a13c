"""The two namespaces backward rules are written against.

A rule such as ``g * xp.exp(x)`` runs on numpy arrays with ``NP`` (a plain,
fast first-order backward, nothing recorded) and on Tensors with ``autograd.ops.TXP``
(``backward(create_graph=True)``: every step is itself a recorded op, so the
gradient can be differentiated again). Both expose the same names with
numpy's signatures; only names listed here may be used in a rule.
"""
from __future__ import annotations

from math import prod as _prod
from types import SimpleNamespace
from typing import Any

import numpy as np
from autograd import special as _special


def _scatter_add(shape: tuple, index: Any, g: np.ndarray, unique: bool = False) -> np.ndarray:
    """zeros(shape) with ``g`` added at ``index`` (repeated indices accumulate)."""
    out = np.zeros(shape, dtype=g.dtype)
    if unique:
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


def _broadcast_to(a: np.ndarray, shape: tuple) -> np.ndarray:
    """``np.broadcast_to``, with fast paths for one element (the gradient of a full reduction)."""
    if a.__class__ is not np.ndarray and isinstance(a, np.generic):
        a = np.asarray(a)  # NOTE: numpy hands back scalars from arithmetic on 0-d arrays
    if a.size == 1 and a.__class__ is np.ndarray:
        if _prod(shape) <= 16384:
            # NOTE: for a small result a filled new array (0.2 us) is cheaper than any
            # view (0.4-2 us), and it is writable and owned, so nothing copies it later
            out = np.empty(shape, a.dtype)
            out[...] = a
            return out
        if a.flags.c_contiguous:
            # NOTE: a read-only stride-0 view: no memory for a large result
            v = np.ndarray(shape, a.dtype, a, 0, (0,) * len(shape))
            v.flags.writeable = False
            return v
    return np.broadcast_to(a, shape)


NP = SimpleNamespace(
    exp=np.exp, log=np.log, sqrt=np.sqrt, sin=np.sin, cos=np.cos, tanh=np.tanh,
    abs=np.abs, sign=np.sign, sigmoid=_special.sigmoid, erf=_special.erf,
    where=np.where, maximum=np.maximum, minimum=np.minimum,
    sum=np.sum, reshape=np.reshape, transpose=np.transpose, swapaxes=np.swapaxes,
    expand_dims=np.expand_dims, squeeze=np.squeeze, broadcast_to=_broadcast_to,
    matmul=np.matmul, einsum=np.einsum, flip=np.flip, pad=np.pad,
    concatenate=np.concatenate, scatter_add=_scatter_add,
)
# The Tensor twin, TXP, is defined in autograd/ops/__init__.py, next to the ops it names.
