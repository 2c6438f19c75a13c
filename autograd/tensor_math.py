"""``Tensor``'s math methods: elementwise, reductions, linear algebra, dtype casts.

Each one calls the op of the same name in ``autograd.ops``.

>>> import autograd as ag
>>> x = ag.tensor([[1.0, -2.0], [3.0, 4.0]])
>>> x.abs().sum().item(), x.max(axis=1).tolist(), (x @ x).shape
(10.0, [1.0, 4.0], (2, 2))
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, cast

import numpy as np

from autograd import ops as _ops  # NOTE: bound by a visible import; see tensor_methods.py

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, DTypeLike

    from autograd.ops.reduce import Axis
    from autograd.tape import Tape
    from autograd.tensor import Tensor


class MathMethods:
    """Elementwise functions, reductions, products and casts (``x.exp()``, ``x.sum(axis=1)``, ...)."""

    __slots__ = ()

    # -- elementwise -----------------------------------------------------------------------------
    def exp(self) -> Tensor:
        """e to the power of each element."""
        return _ops.Exp.apply(self)

    def log(self) -> Tensor:
        """The natural logarithm of each element."""
        return _ops.Log.apply(self)

    def sqrt(self) -> Tensor:
        """The square root of each element."""
        return _ops.Sqrt.apply(self)

    def sin(self) -> Tensor:
        """The sine of each element (radians)."""
        return _ops.Sin.apply(self)

    def cos(self) -> Tensor:
        """The cosine of each element (radians)."""
        return _ops.Cos.apply(self)

    def tanh(self) -> Tensor:
        """The hyperbolic tangent of each element."""
        return _ops.Tanh.apply(self)

    def abs(self) -> Tensor:
        """The absolute value of each element (gradient 0 at 0, as in PyTorch)."""
        return _ops.Abs.apply(self)

    def erf(self) -> Tensor:
        """The Gauss error function of each element."""
        return _ops.Erf.apply(self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e**-x) for each element."""
        return _ops.Sigmoid.apply(self)

    def relu(self) -> Tensor:
        """max(x, 0) for each element."""
        return _ops.Relu.apply(self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        """x where x > 0, else ``negative_slope * x``."""
        return _ops.leaky_relu(self, negative_slope)

    def gelu(self, approximate: str = "none") -> Tensor:
        """x * Phi(x), exact (``'none'``) or by its tanh approximation (``'tanh'``)."""
        return _ops.gelu(self, approximate)

    def silu(self) -> Tensor:
        """x * sigmoid(x) (also called swish)."""
        return _ops.silu(self)

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """log(1 + e**(beta x)) / beta, linear above ``threshold`` (PyTorch's definition)."""
        return _ops.softplus(self, beta, threshold)

    def clip(self, min: Optional[float] = None, max: Optional[float] = None) -> Tensor:
        """Each element limited to [``min``, ``max``] (``clamp`` is the same)."""
        return _ops.clip(self, min, max)

    clamp = clip

    def maximum(self, other: ArrayLike) -> Tensor:
        """The larger of ``self`` and ``other``, elementwise (broadcasting)."""
        return _ops.maximum(self, other)

    def minimum(self, other: ArrayLike) -> Tensor:
        """The smaller of ``self`` and ``other``, elementwise (broadcasting)."""
        return _ops.minimum(self, other)

    # -- reductions: ``axis``/``keepdims`` are numpy's names, ``dim``/``keepdim`` PyTorch's ---------
    def sum(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: Optional[bool] = None) -> Tensor:
        """The sum over ``axis`` (all elements when None)."""
        if axis is None and dim is None and not keepdims and not keepdim:
            return _ops.Sum.apply(self)  # NOTE: a full sum (a loss) needs no axis handling
        return _ops.sum(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def mean(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
             keepdim: Optional[bool] = None) -> Tensor:
        """The mean over ``axis`` (all elements when None)."""
        return _ops.mean(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def var(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False, *, dim: Axis = None,
            correction: Optional[int] = None, unbiased: Optional[bool] = None,
            keepdim: Optional[bool] = None) -> Tensor:
        """The variance over ``axis`` with ``ddof`` (PyTorch's ``correction``/``unbiased`` accepted)."""
        return _ops.var(self, axis, ddof, keepdims, dim=dim, correction=correction, unbiased=unbiased,
                        keepdim=keepdim)

    def std(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False, *, dim: Axis = None,
            correction: Optional[int] = None, unbiased: Optional[bool] = None,
            keepdim: Optional[bool] = None) -> Tensor:
        """The standard deviation over ``axis``, the square root of ``var`` with the same arguments."""
        return _ops.std(self, axis, ddof, keepdims, dim=dim, correction=correction, unbiased=unbiased,
                        keepdim=keepdim)

    def max(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: Optional[bool] = None) -> Tensor:
        """The largest element over ``axis`` (ties share the gradient)."""
        return _ops.max(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def min(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: Optional[bool] = None) -> Tensor:
        """The smallest element over ``axis`` (ties share the gradient)."""
        return _ops.min(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def prod(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
             keepdim: Optional[bool] = None) -> Tensor:
        """The product over ``axis`` (gradients right with zeros among the factors)."""
        return _ops.prod(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def logsumexp(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
                  keepdim: Optional[bool] = None) -> Tensor:
        """log(sum(exp(x))) over ``axis``, computed without overflow."""
        return _ops.logsumexp(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def softmax(self, axis: Optional[int] = -1, *, dim: Optional[int] = None) -> Tensor:
        """exp(x) / sum(exp(x)) along ``axis`` (default: the last)."""
        return _ops.softmax(self, axis, dim=dim)

    def log_softmax(self, axis: Optional[int] = -1, *, dim: Optional[int] = None) -> Tensor:
        """log(softmax(x)) along ``axis``, computed stably."""
        return _ops.log_softmax(self, axis, dim=dim)

    def argmax(self, axis: Optional[int] = None, keepdims: bool = False, *, dim: Optional[int] = None,
               keepdim: Optional[bool] = None) -> Tensor:
        """The index of the largest element over ``axis`` (in the flattened tensor when None)."""
        return _ops.argmax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmin(self, axis: Optional[int] = None, keepdims: bool = False, *, dim: Optional[int] = None,
               keepdim: Optional[bool] = None) -> Tensor:
        """The index of the smallest element over ``axis`` (in the flattened tensor when None)."""
        return _ops.argmin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    # -- linear algebra and dtype ---------------------------------------------------------------
    def matmul(self, other: ArrayLike) -> Tensor:
        """The matrix product ``self @ other`` (numpy's rules for 1-D and batched operands)."""
        return _ops.matmul(self, other)

    def dot(self, other: Tensor) -> Tensor:
        """The inner product of two 1-D tensors."""
        return _ops.dot(self, other)

    def astype(self, dtype: DTypeLike) -> Tensor:
        """Cast to ``dtype`` (``self`` if it has that dtype); differentiable between floating dtypes."""
        return _ops.astype(self, dtype)

    def to(self, dtype: DTypeLike) -> Tensor:
        """PyTorch's name for ``astype`` (only dtypes: there is one device)."""
        return _ops.astype(self, dtype)

    def float(self) -> Tensor:
        """Cast to float32 (``self`` if it is float32 already)."""
        return _ops.astype(self, np.float32)

    def double(self) -> Tensor:
        """Cast to float64 (``self`` if it is float64 already)."""
        return _ops.astype(self, np.float64)

    def long(self) -> Tensor:
        """Cast to int64, cut off from the graph (an integer tensor has no gradient)."""
        return _ops.astype(self, np.int64)

    def clone(self) -> Tensor:
        """A copy with its own memory that stays in the graph (gradient passes through)."""
        return _ops.clone(self)

    def tape(self) -> Tape:
        """The recorded operations that led to this tensor (see ``autograd.tape``)."""
        from autograd.tape import tape
        return tape(cast("Tensor", self))
