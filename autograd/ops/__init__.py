"""Every differentiable op, one file per family; each primitive is a ``Function`` subclass.

``TXP`` is the Tensor twin of ``autograd.xp.NP``: the namespace backward rules use when the
backward pass is itself recorded (``create_graph=True``).
"""
from types import SimpleNamespace as _SimpleNamespace
from typing import Any as _Any

import numpy as _np

from autograd.ops.activation import (Relu, LeakyRelu, Sigmoid, Softplus, gelu, leaky_relu, relu,
                                     sigmoid, silu, softplus, swish)
from autograd.ops.arith import Add, Div, Mul, Neg, Pow, Sub, add, div, mul, neg, pow, sub
from autograd.ops.elementwise import (Abs, Cast, Clip, Clone, Cos, Erf, Exp, Log, Sin, Sqrt, Tanh, abs,
                                      astype, clamp, clone,
                                      clip, cos, erf, exp, log, sin, sqrt, tanh)
from autograd.ops.index import (BasicGetItem, GetItem, ScatterAdd, SetItem, getitem, scatter_add,
                                setitem)
from autograd.ops.linalg import Einsum, MatMul, dot, einsum, matmul, outer
from autograd.ops.reduce import (LogSumExp, Max, Min, Prod, Sum, argmax, argmin, logsumexp, max,
                                 mean, min, prod, std, sum, var)
from autograd.ops.select import Maximum, Minimum, Where, maximum, minimum, where
from autograd.ops.join import cat, chunk, concatenate, split, stack
from autograd.ops.shape import (BroadcastTo, Cat, Flip, Pad, Reshape, Transpose, broadcast_to,
                                expand, expand_dims, flatten, flip, moveaxis, pad, permute, repeat,
                                reshape, squeeze, swapaxes, swapdims, tile, transpose, unsqueeze,
                                view)
from autograd.ops.softmax import LogSoftmax, Softmax, log_softmax, softmax
from autograd.tensor import Tensor, _make


__all__ = [
    "Relu", "LeakyRelu", "Sigmoid", "Softplus", "gelu", "leaky_relu", "relu", "sigmoid", "silu",
    "softplus", "swish",
    "Add", "Div", "Mul", "Neg", "Pow", "Sub", "add", "div", "mul", "neg", "pow", "sub",
    "Abs", "Cast", "Clip", "Clone", "Cos", "Erf", "Exp", "Log", "Sin", "Sqrt", "Tanh", "abs",
    "astype", "clamp", "clone", "clip", "cos", "erf", "exp", "log", "sin", "sqrt", "tanh",
    "BasicGetItem", "GetItem", "ScatterAdd", "SetItem", "getitem", "scatter_add", "setitem",
    "Einsum", "MatMul", "dot", "einsum", "matmul", "outer",
    "LogSumExp", "Max", "Min", "Prod", "Sum", "argmax", "argmin", "logsumexp", "max", "mean",
    "min", "prod", "std", "sum", "var",
    "Maximum", "Minimum", "Where", "maximum", "minimum", "where",
    "BroadcastTo", "Cat", "Flip", "Pad", "Reshape", "Transpose", "broadcast_to", "cat", "chunk",
    "concatenate", "expand", "expand_dims", "flatten", "flip", "moveaxis", "pad", "permute",
    "repeat", "reshape", "split", "squeeze", "stack", "swapaxes", "swapdims", "tile",
    "transpose", "unsqueeze", "view",
    "LogSoftmax", "Softmax", "log_softmax", "softmax",
    "PRIMITIVES",
]

def _sign(x: Tensor) -> Tensor:
    # NOTE: sign is piecewise constant, so as a factor in a backward rule it is a constant
    return _make(_np.sign(x._data), None, False)


def _expand_dims(x: Tensor, axis: _Any) -> Tensor:
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    nd = x.ndim + len(axes)
    new = {a % nd for a in axes}  # the positions of the new axes
    it = iter(x.shape)
    return reshape(x, tuple(1 if i in new else next(it) for i in range(nd)))


def _txp_transpose(x: Tensor, axes: _Any = None) -> Tensor:
    return Transpose.apply(x, axes=tuple(range(x.ndim))[::-1] if axes is None else tuple(axes))


#: the differentiable twins of ``autograd.xp.NP``'s names, for a recorded backward
TXP = _SimpleNamespace(
    exp=exp, log=log, sqrt=sqrt, sin=sin, cos=cos, tanh=tanh, abs=abs, sign=_sign,
    sigmoid=sigmoid, erf=erf, where=where, maximum=maximum, minimum=minimum,
    sum=sum, reshape=reshape, transpose=_txp_transpose, swapaxes=swapaxes,
    expand_dims=_expand_dims, squeeze=squeeze, broadcast_to=broadcast_to,
    matmul=matmul, einsum=einsum, flip=flip, pad=pad, concatenate=cat,
    scatter_add=scatter_add,
)

#: every primitive op class; the gradient test registry must cover each one
PRIMITIVES = (
    Add, Sub, Mul, Div, Neg, Pow,
    Exp, Log, Sqrt, Sin, Cos, Tanh, Abs, Erf, Clip, Cast, Clone,
    Relu, LeakyRelu, Sigmoid, Softplus,
    Maximum, Minimum, Where,
    Sum, Max, Min, Prod, LogSumExp, Softmax, LogSoftmax,
    Reshape, Transpose, BroadcastTo, Cat, Pad, Flip,
    GetItem, BasicGetItem, ScatterAdd, SetItem,
    MatMul, Einsum,
)
