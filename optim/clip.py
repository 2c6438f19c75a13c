"""Gradient clipping: rescale the gradients to a maximum total norm, or clamp each entry.

Both change ``p.grad`` in place (between ``backward()`` and ``optimizer.step()``)
and skip parameters whose gradient is None.
"""
from __future__ import annotations

import math
import numbers
from typing import Iterable, List, Union

import numpy as np

from autograd.tensor import Tensor

Params = Union[Tensor, Iterable[Tensor]]


def _grads(fn: str, parameters: Params) -> List[Tensor]:
    """The parameters that have a gradient, each with a writable gradient array of its own."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    params = list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"{fn}: expected Tensors, but item {i} is a {type(p).__name__}")
    out = []
    for p in params:
        g = p.grad
        if g is None:
            continue
        if g.grad_fn is not None or not g.data.flags.writeable:
            # NOTE: a gradient recorded with create_graph=True is part of a graph; clipping
            # rewrites a detached copy so the graph's saved arrays stay intact.
            p.grad = Tensor(np.array(g.data, copy=True))
        out.append(p)
    return out


def clip_grad_norm_(parameters: Params, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients together so that their joint norm is at most ``max_norm``; return the norm.

    The total norm is the ``norm_type``-norm of all gradients concatenated into one
    vector (``norm_type=float('inf')`` for the largest absolute entry). When it
    exceeds ``max_norm`` every gradient is multiplied by ``max_norm / (total + 1e-6)``,
    as PyTorch does. Returns the norm before clipping, as a 0-d Tensor.

    >>> import autograd as ag, optim
    >>> w = ag.tensor([3.0, 4.0], requires_grad=True)
    >>> (w * w).sum().backward()          # grad = [6, 8], norm 10
    >>> optim.clip_grad_norm_([w], max_norm=5.0)
    tensor(10.)
    >>> w.grad
    tensor([3.0000, 4.0000])
    """
    name = "clip_grad_norm_"
    if not isinstance(max_norm, numbers.Real) or isinstance(max_norm, bool) or not max_norm >= 0:
        raise ValueError(f"{name}: max_norm must be a number >= 0, got {max_norm!r}")
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"{name}: norm_type must be > 0 (or inf), got {norm_type!r}")
    params = _grads(name, parameters)
    if not params:
        return Tensor(0.0)
    arrays = [p.grad.data for p in params]
    dtype = np.result_type(*arrays)
    if norm_type == math.inf:
        norms = np.array([np.max(np.abs(a)) if a.size else 0.0 for a in arrays], dtype=dtype)
        total = norms.max()
    else:
        norms = np.array([np.linalg.norm(a.ravel(), ord=norm_type) if a.size else 0.0 for a in arrays],
                         dtype=dtype)
        total = np.linalg.norm(norms, ord=norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"{name}: the total norm of order {norm_type} of the gradients is {total}; "
                           "pass error_if_nonfinite=False to clip anyway")
    coef = np.minimum(dtype.type(max_norm) / (total + dtype.type(1e-6)), dtype.type(1.0))
    if not coef == 1.0:  # NOTE: also true for NaN, which spreads to the gradients as in PyTorch
        for p in params:
            np.multiply(p.grad.data, coef, out=p.grad.data, casting="unsafe")
            p.grad._bump_version()
    return Tensor(np.asarray(total, dtype=dtype))


def clip_grad_value_(parameters: Params, clip_value: float) -> None:
    """Clamp every gradient entry into ``[-clip_value, clip_value]``, in place.

    >>> import autograd as ag, optim
    >>> w = ag.tensor([3.0, -0.5], requires_grad=True)
    >>> (w * w).sum().backward()          # grad = [6, -1]
    >>> optim.clip_grad_value_([w], clip_value=2.0)
    >>> w.grad
    tensor([ 2., -1.])
    """
    name = "clip_grad_value_"
    if not isinstance(clip_value, numbers.Real) or isinstance(clip_value, bool) or not clip_value >= 0:
        raise ValueError(f"{name}: clip_value must be a number >= 0, got {clip_value!r}")
    for p in _grads(name, parameters):
        np.clip(p.grad.data, -clip_value, clip_value, out=p.grad.data)
        p.grad._bump_version()
