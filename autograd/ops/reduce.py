"""Reductions over axes: sum, max, min, prod, logsumexp (primitives); mean, var, std (composed)."""
from __future__ import annotations

from typing import Any, Optional, Tuple, Type, TypeVar

import numpy as np

from autograd.axes import Axis, normalise_axes, normalise_axis
from autograd.function import Array, Function, Grads
from autograd.tensor import Tensor, _make

_add_reduce: Any = np.add.reduce  # NOTE: Any: numpy's stubs type no positional out=None

_A = TypeVar("_A", bound=Axis)  # an axis argument's own type (argmax takes one int)


def _reduce_axes(axis: Axis, ndim: int, op: str) -> Optional[Tuple[int, ...]]:
    """``axis`` (None, an int or a sequence) checked by ``normalise_axes``, as a sorted tuple;
    None for every axis and for a 0-d tensor (whose only axis is 0 or -1)."""
    axes = normalise_axes(axis, ndim, op)
    return None if axes is None or not ndim else tuple(sorted(axes))


def _pick_axis(axis: _A, dim: _A) -> _A:
    if dim is not None:
        if axis is not None:
            raise TypeError("give axis= or its alias dim=, not both")
        return dim
    return axis


def _grad_to_input(xp: Any, g: Any, axes: Optional[tuple], keepdims: bool, shape: tuple) -> Any:
    """Re-insert the reduced axes of ``g`` (unless kept) so it broadcasts against the input."""
    if not keepdims and axes is not None:
        g = xp.expand_dims(g, axes)
    elif not keepdims:
        g = xp.reshape(g, (1,) * len(shape))
    return g


class Sum(Function):
    """z = sum(x, axes);  dz/dx = 1 (the gradient is broadcast back over the summed axes)"""
    __slots__ = ()

    def forward(self, x: Array, axis: Any = None, keepdims: Any = False) -> Array:
        self.save_for_backward(x.shape, axis, keepdims)
        return _add_reduce(x, axis, None, None, keepdims)

    def backward(self, g: Array) -> Grads:
        shape, axis, keepdims = self.saved_tensors
        xp = self.xp
        if g.size == 1:
            return (xp.broadcast_to(g, shape),)
        return (xp.broadcast_to(_grad_to_input(xp, g, axis, keepdims, shape), shape),)


class Max(Function):
    """z = max(x, axes);  dz/dx = 1 at the maximum (shared equally among ties), else 0"""
    __slots__ = ()
    _reduce = staticmethod(np.max)

    def forward(self, x: Array, axis: Any = None, keepdims: Any = False) -> Array:
        if x.size == 0:
            raise ValueError(f"{type(self).__name__.lower()}: cannot reduce an empty tensor of shape {x.shape}")
        z = self._reduce(x, axis=axis, keepdims=keepdims)
        self.save_for_backward(x, axis, keepdims, z)
        return z

    def backward(self, g: Array) -> Grads:
        x, axis, keepdims, z = self.saved_tensors
        xp = self.xp
        zk = _grad_to_input(xp, z, axis, keepdims, x.shape)
        gk = _grad_to_input(xp, g, axis, keepdims, x.shape)
        mask = x == zk
        count = xp.sum(mask, axis=axis, keepdims=True)
        return (gk * mask / count,)


class Min(Max):
    """z = min(x, axes);  dz/dx = 1 at the minimum (shared equally among ties), else 0"""
    __slots__ = ()
    _reduce = staticmethod(np.min)


class Prod(Function):
    """z = prod(x, axes);  dz/dx_i = prod of the other elements (= z / x_i when x_i != 0)"""
    __slots__ = ()

    def forward(self, x: Array, axis: Any = None, keepdims: Any = False) -> Array:
        z = np.prod(x, axis=axis, keepdims=keepdims)
        self.save_for_backward(x, axis, keepdims, z)
        return z

    def backward(self, g: Array) -> Grads:
        x, axis, keepdims, z = self.saved_tensors
        xp = self.xp
        gk = _grad_to_input(xp, g, axis, keepdims, x.shape)
        has_zero = bool((x == 0).any())
        if not has_zero:
            return (gk * _grad_to_input(xp, z, axis, keepdims, x.shape) / x,)
        if xp is not _np_namespace():
            raise RuntimeError(
                f"prod: second derivatives are not supported when the input (shape {x.shape}) "
                "contains zeros"
            )
        return (gk * _others_product(x, axis),)


def _np_namespace() -> Any:
    from autograd.xp import NP
    return NP


def _others_product(x: np.ndarray, axis: Optional[tuple]) -> np.ndarray:
    """For each element, the product of the other elements along ``axis`` (exact with zeros)."""
    axes = tuple(range(x.ndim)) if axis is None else axis
    k = len(axes)
    moved = np.moveaxis(x, axes, tuple(range(x.ndim - k, x.ndim)))
    flat = moved.reshape(moved.shape[: x.ndim - k] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = (left * right).reshape(moved.shape)
    return np.moveaxis(others, tuple(range(x.ndim - k, x.ndim)), axes)


class LogSumExp(Function):
    """z = log(sum(exp(x), axes));  dz/dx = exp(x - z)"""
    __slots__ = ()

    def forward(self, x: Array, axis: Any = None, keepdims: Any = False) -> Array:
        if x.size == 0:
            z = np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))
        else:
            m = np.max(x, axis=axis, keepdims=True)
            m = np.where(np.isfinite(m), m, 0)  # NOTE: rows of -inf would give nan otherwise
            s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
            z = s if keepdims else np.squeeze(s, axis=axis)
        self.save_for_backward(x, axis, keepdims, z)
        return z

    def backward(self, g: Array) -> Grads:
        x, axis, keepdims, z = self.saved_tensors
        xp = self.xp
        zk = _grad_to_input(xp, z, axis, keepdims, x.shape)
        gk = _grad_to_input(xp, g, axis, keepdims, x.shape)
        return (gk * xp.exp(x - zk),)


def _reduce(cls: Type[Function], x: Tensor, axis: Axis, keepdims: bool, name: str) -> Tensor:
    axes = _reduce_axes(axis, x.ndim, name)
    return cls.apply(x, axis=axes, keepdims=keepdims)


def sum(x: Tensor, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: Optional[bool] = None) -> Tensor:
    """Sum over ``axis`` (all axes by default); ``dim``/``keepdim`` are accepted as aliases.

    >>> import autograd as ag
    >>> ag.sum(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([4., 6.])
    """
    return _reduce(Sum, x, _pick_axis(axis, dim), keepdims if keepdim is None else keepdim, "sum")


def max(x: Tensor, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: Optional[bool] = None) -> Tensor:
    """Maximum over ``axis``; the gradient is shared equally among tied maxima.

    >>> import autograd as ag
    >>> ag.max(ag.tensor([1.0, 3.0, 2.0]))
    tensor(3.)
    """
    return _reduce(Max, x, _pick_axis(axis, dim), keepdims if keepdim is None else keepdim, "max")


def min(x: Tensor, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: Optional[bool] = None) -> Tensor:
    """Minimum over ``axis``; the gradient is shared equally among tied minima."""
    return _reduce(Min, x, _pick_axis(axis, dim), keepdims if keepdim is None else keepdim, "min")


def prod(x: Tensor, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: Optional[bool] = None) -> Tensor:
    """Product over ``axis``.

    >>> import autograd as ag
    >>> ag.prod(ag.tensor([2.0, 3.0]))
    tensor(6.)
    """
    return _reduce(Prod, x, _pick_axis(axis, dim), keepdims if keepdim is None else keepdim, "prod")


def logsumexp(x: Tensor, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
              keepdim: Optional[bool] = None) -> Tensor:
    """log(sum(exp(x))) over ``axis``, computed stably.

    >>> import autograd as ag
    >>> ag.logsumexp(ag.tensor([1000.0, 1000.0]))
    tensor(1000.6932)
    """
    return _reduce(LogSumExp, x, _pick_axis(axis, dim), keepdims if keepdim is None else keepdim,
                   "logsumexp")


def _count(x: Tensor, axes: Optional[tuple]) -> int:
    if axes is None:
        return x.size
    n = 1
    for a in axes:
        n *= x.shape[a]
    return n


def mean(x: Tensor, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: Optional[bool] = None) -> Tensor:
    """Mean over ``axis``.

    >>> import autograd as ag
    >>> ag.mean(ag.tensor([1.0, 2.0, 3.0, 6.0]))
    tensor(3.)
    """
    axes = _reduce_axes(_pick_axis(axis, dim), x.ndim, "mean")
    keep = keepdims if keepdim is None else keepdim
    n = _count(x, axes)
    return Sum.apply(x, axis=axes, keepdims=keep) * (1.0 / n if n else float("nan"))


def var(x: Tensor, axis: Axis = None, ddof: int = 0, keepdims: bool = False, *, dim: Axis = None,
        correction: Optional[int] = None, unbiased: Optional[bool] = None,
        keepdim: Optional[bool] = None) -> Tensor:
    """Variance over ``axis`` with ``ddof`` (numpy's default 0; PyTorch's ``correction``/``unbiased`` accepted).

    NOTE: like numpy, the default is the population variance (ddof=0); PyTorch's
    default is correction=1, so pass ``correction=1`` for its result.

    >>> import autograd as ag
    >>> ag.var(ag.tensor([1.0, 3.0]))
    tensor(1.)
    >>> ag.var(ag.tensor([1.0, 3.0]), correction=1)
    tensor(2.)
    """
    if correction is not None:
        ddof = correction
    if unbiased is not None:
        ddof = 1 if unbiased else 0
    axes = _reduce_axes(_pick_axis(axis, dim), x.ndim, "var")
    keep = keepdims if keepdim is None else keepdim
    n = _count(x, axes)
    centered = x - mean(x, axis=axes, keepdims=True)
    return Sum.apply(centered * centered, axis=axes, keepdims=keep) * (1.0 / (n - ddof) if n > ddof else float("nan"))


def std(x: Tensor, axis: Axis = None, ddof: int = 0, keepdims: bool = False, *, dim: Axis = None,
        correction: Optional[int] = None, unbiased: Optional[bool] = None,
        keepdim: Optional[bool] = None) -> Tensor:
    """Standard deviation: ``sqrt(var(...))`` with the same arguments.

    >>> import autograd as ag
    >>> ag.std(ag.tensor([1.0, 3.0]))
    tensor(1.)
    """
    from autograd.ops.elementwise import sqrt
    axis = _reduce_axes(_pick_axis(axis, dim), x.ndim, "std")  # NOTE: checked here, for the op's name
    return sqrt(var(x, axis, ddof, keepdims, correction=correction, unbiased=unbiased,
                    keepdim=keepdim))


def _arg_reduce(fn: Any, x: Tensor, axis: Optional[int], dim: Optional[int], keepdims: bool,
                keepdim: Optional[bool], op: str) -> Tensor:
    ax = _pick_axis(axis, dim)
    a = None if ax is None else normalise_axis(ax, x.ndim, op)
    keep = keepdims if keepdim is None else keepdim
    if a is not None and x.ndim == 0:
        a = None  # NOTE: the one axis (0 or -1) of a 0-d tensor: numpy knows no axis there
    return _make(np.asarray(fn(x._data, axis=a, keepdims=keep)), None, False)


def argmax(x: Tensor, axis: Optional[int] = None, keepdims: bool = False, *, dim: Optional[int] = None,
           keepdim: Optional[bool] = None) -> Tensor:
    """Index of the maximum (int64, no gradient).

    >>> import autograd as ag
    >>> ag.argmax(ag.tensor([1.0, 3.0, 2.0]))
    tensor(1, dtype=int64)
    """
    return _arg_reduce(np.argmax, x, axis, dim, keepdims, keepdim, "argmax")


def argmin(x: Tensor, axis: Optional[int] = None, keepdims: bool = False, *, dim: Optional[int] = None,
           keepdim: Optional[bool] = None) -> Tensor:
    """Index of the minimum (int64, no gradient)."""
    return _arg_reduce(np.argmin, x, axis, dim, keepdims, keepdim, "argmin")
