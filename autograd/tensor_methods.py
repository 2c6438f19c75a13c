"""The operators and in-place methods of ``Tensor``; each calls the op of that name in ``autograd.ops``.

``TensorMethods`` is what ``Tensor`` inherits: the operators here, plus the
named methods by family, ``ShapeMethods`` (``tensor_shape.py``: indexing,
reshape, transpose, ...) and ``MathMethods`` (``tensor_math.py``: exp, sum,
matmul, astype, ...).

In-place forms (``+=``, ``x[i] = v``, ``add_``, ``zero_``) follow one rule:
- while ops are recorded and a tensor involved requires grad, the result is
  computed out of place, recorded, and this Tensor object takes it over (its
  data, node and a fresh version counter), so the graph is never cut and no
  saved array is overwritten; a leaf that requires grad refuses, as in PyTorch;
- otherwise (``no_grad``, or nothing requires grad) the array is changed in
  place and its version counter goes up, so a backward that saved it will
  refuse instead of returning a wrong gradient.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from autograd import ops as _ops  # NOTE: the one cycle the design needs: methods call ops, ops make
from autograd.dtypes import scalar_operand  # Tensors; autograd/__init__ imports ops first for it
from autograd.grad_mode import _state
from autograd.tensor_math import MathMethods
from autograd.tensor_shape import ShapeMethods

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from autograd.tensor import Tensor


def _broadcast_error(op: str, x: Any, y: Any, e: Exception) -> Exception:
    if "broadcast" in str(e):
        return ValueError(f"{op}: shapes {tuple(np.shape(x))} and {tuple(np.shape(y))} "
                          "cannot be broadcast together")
    return e


def _raw(v: Any) -> Any:
    return v._data if hasattr(v, "_data") else v


def _scaled(other: Any, alpha: float) -> Any:
    """``alpha * other`` for ``add_``/``sub_``: recorded for a Tensor, numpy's product for the rest."""
    if alpha == 1.0:
        return other
    return other * alpha if isinstance(other, TensorMethods) else np.multiply(other, alpha)


class TensorMethods(ShapeMethods, MathMethods):
    """The operators (``+``, ``@``, ``<``, ``+=``, ``x[i] = v``) and in-place methods of ``Tensor``."""

    __slots__ = ()

    if TYPE_CHECKING:  # NOTE: what the methods here use of Tensor, for the type checker
        _data: np.ndarray
        _node: Any
        _rg: bool
        _ver: int
        _stamp: int
        _vown: Any

        @property
        def shape(self) -> tuple: ...

        def _bump_version(self) -> None: ...

    # -- arithmetic -------------------------------------------------------------------------
    def __add__(self, other: ArrayLike) -> Tensor:
        if other.__class__ is float or other.__class__ is int:
            other = scalar_operand(other, self._data.dtype)
        try:
            return _ops.Add.apply(self, other)
        except ValueError as e:
            raise _broadcast_error("add", self, other, e) from None

    def __radd__(self, other: ArrayLike) -> Tensor:
        return _ops.add(other, self)

    def __sub__(self, other: ArrayLike) -> Tensor:
        if other.__class__ is float or other.__class__ is int:
            other = scalar_operand(other, self._data.dtype)
        try:
            return _ops.Sub.apply(self, other)
        except ValueError as e:
            raise _broadcast_error("sub", self, other, e) from None

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return _ops.sub(other, self)

    def __mul__(self, other: ArrayLike) -> Tensor:
        if other.__class__ is float or other.__class__ is int:
            other = scalar_operand(other, self._data.dtype)
        try:
            return _ops.Mul.apply(self, other)
        except ValueError as e:
            raise _broadcast_error("mul", self, other, e) from None

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return _ops.mul(other, self)

    def __truediv__(self, other: ArrayLike) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return _ops.div(other, self)

    def __pow__(self, other: ArrayLike) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: ArrayLike) -> Tensor:
        return _ops.pow(other, self)

    def __matmul__(self, other: ArrayLike) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self  # type: ignore[return-value]  # NOTE: self is always a Tensor

    def __abs__(self) -> Tensor:
        return _ops.abs(self)  # type: ignore[arg-type]  # NOTE: self is always a Tensor

    # -- comparisons and logic (no gradient) ----------------------------------------------------
    def _compare(self, other: Any, fn: Callable[[Any, Any], Any]) -> Tensor:
        from autograd.tensor import _make
        return _make(np.asarray(fn(self._data, _raw(other))), None, False)

    def __lt__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    def __and__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.logical_and)

    def __or__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.logical_or)

    def __xor__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.logical_xor)

    def __invert__(self) -> Tensor:
        return self._compare(True, lambda a, _: ~a)

    def any(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Whether any element (over ``axis``) is true, as a bool tensor."""
        return self._compare(None, lambda a, _: np.any(a, axis=axis, keepdims=keepdims))

    def all(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Whether every element (over ``axis``) is true, as a bool tensor."""
        return self._compare(None, lambda a, _: np.all(a, axis=axis, keepdims=keepdims))

    # -- in place ------------------------------------------------------------------------------
    def _inplace(self, name: str, out_of_place: Any, ufunc: Any, other: Any) -> Tensor:
        if _state.enabled and (self._rg or getattr(other, "_rg", False)):
            if self._node is None and self._rg:
                raise RuntimeError(
                    f"{name}: a leaf tensor that requires grad (shape {self.shape}) cannot be changed "
                    "in place while ops are recorded; wrap the update in `with ag.no_grad():`"
                )
            result = out_of_place(self, other)
            if result.shape != self.shape:
                raise ValueError(f"{name}: the result has shape {result.shape}, which does not "
                                 f"fit in place into a tensor of shape {self.shape}")
            self._adopt(result)
            return self  # type: ignore[return-value]
        o = _raw(other)
        shape = np.broadcast_shapes(self.shape, np.shape(o))
        if shape != self.shape:
            raise ValueError(f"{name}: shapes {self.shape} and {np.shape(o)} broadcast to {shape}, "
                             f"which does not fit in place into {self.shape}")
        ufunc(self._data, o, out=self._data, casting="same_kind")
        self._bump_version()
        return self  # type: ignore[return-value]

    def _adopt(self, result: Tensor) -> None:
        # NOTE: the attributes are Tensor's slots (the type checker sees only this mixin's empty ones)
        self._data, self._node, self._rg = result._data, result._node, result._rg  # type: ignore[misc]
        self._ver, self._stamp, self._vown = 0, 0, result._vown  # type: ignore[misc]  # NOTE: a fresh count

    def __iadd__(self, other: ArrayLike) -> Tensor:
        return self._inplace("+=", _ops.add, np.add, other)

    def __isub__(self, other: ArrayLike) -> Tensor:
        return self._inplace("-=", _ops.sub, np.subtract, other)

    def __imul__(self, other: ArrayLike) -> Tensor:
        return self._inplace("*=", _ops.mul, np.multiply, other)

    def __itruediv__(self, other: ArrayLike) -> Tensor:
        return self._inplace("/=", _ops.div, np.true_divide, other)

    def add_(self, other: ArrayLike, alpha: float = 1.0) -> Tensor:
        """``self += alpha * other`` in place (see the module doc for the rule); returns ``self``."""
        return self._inplace("add_", _ops.add, np.add, _scaled(other, alpha))

    def sub_(self, other: ArrayLike, alpha: float = 1.0) -> Tensor:
        """``self -= alpha * other`` in place; returns ``self``."""
        return self._inplace("sub_", _ops.sub, np.subtract, _scaled(other, alpha))

    def mul_(self, other: ArrayLike) -> Tensor:
        """``self *= other`` in place; returns ``self``."""
        return self._inplace("mul_", _ops.mul, np.multiply, other)

    def div_(self, other: ArrayLike) -> Tensor:
        """``self /= other`` in place; returns ``self``."""
        return self._inplace("div_", _ops.div, np.true_divide, other)

    def copy_(self, src: ArrayLike) -> Tensor:
        """Overwrite the values with ``src`` (broadcast to this shape) in place; returns ``self``."""
        return self._inplace("copy_", lambda s, o: _ops.add(s * 0, o),
                             lambda a, b, out, casting: np.copyto(out, b, casting=casting), src)

    def fill_(self, value: float) -> Tensor:
        """Set every element to ``value`` in place; returns ``self``."""
        return self.copy_(value)

    def zero_(self) -> Tensor:
        """Set every element to 0 in place; returns ``self``."""
        return self.copy_(0.0)

    def __setitem__(self, index: Any, value: ArrayLike) -> None:
        if _state.enabled and (self._rg or getattr(value, "_rg", False)):
            if self._node is None and self._rg:
                raise RuntimeError(
                    f"setitem: a leaf tensor that requires grad (shape {self.shape}) cannot be changed "
                    "in place while ops are recorded; wrap the update in `with ag.no_grad():`"
                )
            self._adopt(_ops.setitem(self, index, value))  # type: ignore[arg-type]  # NOTE: self is a Tensor
            return
        stages, _, _ = _ops.index.normalize_index(index, "setitem", self._data.ndim)
        _ops.index.assign(self._data, stages, _raw(value))
        self._bump_version()
