"""The named methods and operators of ``Tensor``; each one calls the op of the same name in ``autograd.ops``.

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

from typing import Any

import numpy as np

from autograd import ops as _ops  # NOTE: the one cycle the design needs: methods call ops, ops make
from autograd.dtypes import scalar_operand  # Tensors; autograd/__init__ imports ops first for it
from autograd.grad_mode import _state


def _broadcast_error(op: str, x: Any, y: Any, e: Exception) -> Exception:
    if "broadcast" in str(e):
        return ValueError(f"{op}: shapes {tuple(np.shape(x))} and {tuple(np.shape(y))} "
                          "cannot be broadcast together")
    return e


def _raw(v: Any) -> Any:
    return v._data if hasattr(v, "_data") else v


class TensorMethods:
    __slots__ = ()

    # -- arithmetic -------------------------------------------------------------------------
    def __add__(self, other):
        if other.__class__ is float or other.__class__ is int:
            other = scalar_operand(other, self._data.dtype)
        try:
            return _ops.Add.apply(self, other)
        except ValueError as e:
            raise _broadcast_error("add", self, other, e) from None

    def __radd__(self, other):
        return _ops.add(other, self)

    def __sub__(self, other):
        if other.__class__ is float or other.__class__ is int:
            other = scalar_operand(other, self._data.dtype)
        try:
            return _ops.Sub.apply(self, other)
        except ValueError as e:
            raise _broadcast_error("sub", self, other, e) from None

    def __rsub__(self, other):
        return _ops.sub(other, self)

    def __mul__(self, other):
        if other.__class__ is float or other.__class__ is int:
            other = scalar_operand(other, self._data.dtype)
        try:
            return _ops.Mul.apply(self, other)
        except ValueError as e:
            raise _broadcast_error("mul", self, other, e) from None

    def __rmul__(self, other):
        return _ops.mul(other, self)

    def __truediv__(self, other):
        return _ops.div(self, other)

    def __rtruediv__(self, other):
        return _ops.div(other, self)

    def __pow__(self, other):
        return _ops.pow(self, other)

    def __rpow__(self, other):
        return _ops.pow(other, self)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul(other, self)

    def __neg__(self):
        return _ops.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.abs(self)

    # -- comparisons and logic (no gradient) ----------------------------------------------------
    def _compare(self, other, fn):
        from autograd.tensor import _make
        return _make(np.asarray(fn(self._data, _raw(other))), None, False)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    def __eq__(self, other):  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other):  # type: ignore[override]
        return self._compare(other, np.not_equal)

    def __and__(self, other):
        return self._compare(other, np.logical_and)

    def __or__(self, other):
        return self._compare(other, np.logical_or)

    def __xor__(self, other):
        return self._compare(other, np.logical_xor)

    def __invert__(self):
        return self._compare(True, lambda a, _: ~a)

    def any(self, axis=None, keepdims=False):
        return self._compare(None, lambda a, _: np.any(a, axis=axis, keepdims=keepdims))

    def all(self, axis=None, keepdims=False):
        return self._compare(None, lambda a, _: np.all(a, axis=axis, keepdims=keepdims))

    # -- in place ------------------------------------------------------------------------------
    def _inplace(self, name: str, out_of_place: Any, ufunc: Any, other: Any):
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
            return self
        o = _raw(other)
        shape = np.broadcast_shapes(self.shape, np.shape(o))
        if shape != self.shape:
            raise ValueError(f"{name}: shapes {self.shape} and {np.shape(o)} broadcast to {shape}, "
                             f"which does not fit in place into {self.shape}")
        ufunc(self._data, o, out=self._data, casting="same_kind")
        self._bump_version()
        return self

    def _adopt(self, result) -> None:
        self._data, self._node, self._rg = result._data, result._node, result._rg
        self._ver, self._stamp, self._vown = 0, 0, result._vown  # NOTE: a fresh count

    def __iadd__(self, other):
        return self._inplace("+=", _ops.add, np.add, other)

    def __isub__(self, other):
        return self._inplace("-=", _ops.sub, np.subtract, other)

    def __imul__(self, other):
        return self._inplace("*=", _ops.mul, np.multiply, other)

    def __itruediv__(self, other):
        return self._inplace("/=", _ops.div, np.true_divide, other)

    def add_(self, other, alpha: float = 1.0):
        return self._inplace("add_", _ops.add, np.add, other if alpha == 1.0 else other * alpha)

    def sub_(self, other, alpha: float = 1.0):
        return self._inplace("sub_", _ops.sub, np.subtract, other if alpha == 1.0 else other * alpha)

    def mul_(self, other):
        return self._inplace("mul_", _ops.mul, np.multiply, other)

    def div_(self, other):
        return self._inplace("div_", _ops.div, np.true_divide, other)

    def copy_(self, src):
        return self._inplace("copy_", lambda s, o: _ops.add(s * 0, o), lambda a, b, out, casting: np.copyto(out, b, casting=casting), src)

    def fill_(self, value):
        return self.copy_(value)

    def zero_(self):
        return self.copy_(0.0)

    def __setitem__(self, index, value):
        if _state.enabled and (self._rg or getattr(value, "_rg", False)):
            if self._node is None and self._rg:
                raise RuntimeError(
                    f"setitem: a leaf tensor that requires grad (shape {self.shape}) cannot be changed "
                    "in place while ops are recorded; wrap the update in `with ag.no_grad():`"
                )
            self._adopt(_ops.setitem(self, index, value))
            return
        idx, _, _ = _ops.index.normalize_index(index, "setitem")
        self._data[idx] = _raw(value)
        self._bump_version()

    # -- indexing and shape ----------------------------------------------------------------------
    def __getitem__(self, index):
        return _ops.getitem(self, index)

    def reshape(self, *shape):
        return _ops.reshape(self, *shape)

    def view(self, *shape):
        return _ops.reshape(self, *shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return _ops.flatten(self, start_dim, end_dim)

    def transpose(self, *axes):
        return _ops.transpose(self, *axes)

    def permute(self, *dims):
        return _ops.permute(self, *dims)

    def swapaxes(self, axis1, axis2):
        return _ops.swapaxes(self, axis1, axis2)

    swapdims = swapaxes

    @property
    def T(self):
        return _ops.transpose(self)

    def expand(self, *sizes):
        return _ops.expand(self, *sizes)

    def broadcast_to(self, shape):
        return _ops.broadcast_to(self, shape)

    def squeeze(self, axis=None, *, dim=None):
        return _ops.squeeze(self, axis, dim=dim)

    def unsqueeze(self, dim):
        return _ops.unsqueeze(self, dim)

    def split(self, split_size_or_sections, axis=0, *, dim=None):
        return _ops.split(self, split_size_or_sections, axis, dim=dim)

    def chunk(self, chunks, axis=0, *, dim=None):
        return _ops.chunk(self, chunks, axis, dim=dim)

    def repeat(self, *sizes):
        return _ops.repeat(self, *sizes)

    def tile(self, reps):
        return _ops.tile(self, reps)

    def flip(self, axis=None, *, dims=None):
        return _ops.flip(self, axis, dims=dims)

    # -- elementwise -----------------------------------------------------------------------------
    def exp(self):
        return _ops.Exp.apply(self)

    def log(self):
        return _ops.Log.apply(self)

    def sqrt(self):
        return _ops.Sqrt.apply(self)

    def sin(self):
        return _ops.Sin.apply(self)

    def cos(self):
        return _ops.Cos.apply(self)

    def tanh(self):
        return _ops.Tanh.apply(self)

    def abs(self):
        return _ops.Abs.apply(self)

    def erf(self):
        return _ops.Erf.apply(self)

    def sigmoid(self):
        return _ops.Sigmoid.apply(self)

    def relu(self):
        return _ops.Relu.apply(self)

    def leaky_relu(self, negative_slope=0.01):
        return _ops.leaky_relu(self, negative_slope)

    def gelu(self, approximate="none"):
        return _ops.gelu(self, approximate)

    def silu(self):
        return _ops.silu(self)

    def softplus(self, beta=1.0, threshold=20.0):
        return _ops.softplus(self, beta, threshold)

    def clip(self, min=None, max=None):
        return _ops.clip(self, min, max)

    clamp = clip

    def maximum(self, other):
        return _ops.maximum(self, other)

    def minimum(self, other):
        return _ops.minimum(self, other)

    # -- reductions ------------------------------------------------------------------------------
    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        if axis is None and dim is None and not keepdims and not keepdim:
            return _ops.Sum.apply(self)  # NOTE: a full sum (a loss) needs no axis handling
        return _ops.sum(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _ops.mean(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def var(self, axis=None, ddof=0, keepdims=False, **kw):
        return _ops.var(self, axis, ddof, keepdims, **kw)

    def std(self, axis=None, ddof=0, keepdims=False, **kw):
        return _ops.std(self, axis, ddof, keepdims, **kw)

    def max(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _ops.max(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def min(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _ops.min(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def prod(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _ops.prod(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def logsumexp(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _ops.logsumexp(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def softmax(self, axis=-1, *, dim=None):
        return _ops.softmax(self, axis, dim=dim)

    def log_softmax(self, axis=-1, *, dim=None):
        return _ops.log_softmax(self, axis, dim=dim)

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _ops.argmax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _ops.argmin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    # -- linear algebra and dtype ---------------------------------------------------------------
    def matmul(self, other):
        return _ops.matmul(self, other)

    def dot(self, other):
        return _ops.dot(self, other)

    def astype(self, dtype):
        return _ops.astype(self, dtype)

    def to(self, dtype):
        return _ops.astype(self, dtype)

    def float(self):
        return _ops.astype(self, np.float32)

    def double(self):
        return _ops.astype(self, np.float64)

    def long(self):
        return _ops.astype(self, np.int64)

    def clone(self):
        return _ops.clone(self)

    def tape(self):
        """The recorded operations that led to this tensor (see ``autograd.tape``)."""
        from autograd.tape import tape
        return tape(self)
