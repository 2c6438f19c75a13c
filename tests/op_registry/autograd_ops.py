"""Registry entries for autograd's math ops: arithmetic, elementwise, activations, reductions,
softmax. Shape, indexing and linear-algebra ops are in ``autograd_shape_ops.py``."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import autograd as ag
from tests.op_registry import torch_adapters as ta
from tests.op_registry.cases import (any_shape, broadcast_arrays, one_array, one_axis, reduction,
                                     separated_pair)
from tests.op_registry.spec import OpSpec
from tests.op_registry.torch_adapters import F, T

POS = dict(low=0.3, high=3.0, avoid=())        # domain of log, sqrt, pow's base
SMOOTH = dict(low=-2.0, high=2.0, avoid=())    # no kink: any value is fine
KINK0 = dict(low=-2.0, high=2.0, avoid=(0.0,), margin=0.05)
DISTINCT = dict(low=-2.0, high=2.0, avoid=(), distinct=True)
NONZERO = dict(low=-2.0, high=2.0, avoid=(0.0,), margin=0.4)
EMPTY_OK = any_shape(min_side=0)               # elementwise ops must handle size-0 arrays


def _rsub(x):
    return 2.0 - x


def _rdiv(x):
    return 2.0 / x


def _rpow(x):
    return 2.0 ** x


SPECS = [
    # -- arithmetic (broadcasting pairs) ---------------------------------------------------
    OpSpec("add", lambda x, y: x + y, broadcast_arrays(2, (SMOOTH, SMOOTH)), lambda x, y: x + y),
    OpSpec("add_empty", lambda x, y: x + y, broadcast_arrays(2, (SMOOTH, SMOOTH), min_side=0),
           lambda x, y: x + y),
    OpSpec("sub", lambda x, y: x - y, broadcast_arrays(2, (SMOOTH, SMOOTH)), lambda x, y: x - y),
    OpSpec("rsub_scalar", _rsub, one_array(**SMOOTH), _rsub),
    OpSpec("mul", lambda x, y: x * y, broadcast_arrays(2, (SMOOTH, SMOOTH)), lambda x, y: x * y),
    OpSpec("div", lambda x, y: x / y, broadcast_arrays(2, (SMOOTH, NONZERO)), lambda x, y: x / y),
    OpSpec("rdiv_scalar", _rdiv, one_array(**NONZERO), _rdiv),
    OpSpec("neg", lambda x: -x, one_array(shape=EMPTY_OK, **SMOOTH), lambda x: -x),
    OpSpec("pow_tensor_exponent", lambda x, y: x ** y, broadcast_arrays(2, (POS, SMOOTH)),
           lambda x, y: x ** y),
    OpSpec("pow_int_exponent", lambda x: x ** 3, one_array(**SMOOTH), lambda x: x ** 3),
    OpSpec("pow_float_exponent", lambda x: ag.pow(x, 2.5), one_array(**POS), lambda x: x ** 2.5),
    OpSpec("rpow_scalar_base", _rpow, one_array(**SMOOTH), _rpow),
    # -- elementwise math -----------------------------------------------------------------
    OpSpec("exp", ag.exp, one_array(shape=EMPTY_OK, **SMOOTH), T.exp),
    OpSpec("log", ag.log, one_array(**POS), T.log),
    OpSpec("sqrt", ag.sqrt, one_array(**POS), T.sqrt),
    OpSpec("sin", ag.sin, one_array(**SMOOTH), T.sin),
    OpSpec("cos", ag.cos, one_array(**SMOOTH), T.cos),
    OpSpec("tanh", ag.tanh, one_array(**SMOOTH), T.tanh),
    OpSpec("abs", ag.abs, one_array(**KINK0), T.abs),
    OpSpec("erf", ag.erf, one_array(**SMOOTH), T.erf),
    OpSpec("clip_both", lambda x, min, max: ag.clip(x, min, max),
           one_array(kwargs={"min": -0.5, "max": 1.0}, avoid=(-0.5, 1.0), margin=0.05),
           lambda x, min, max: T.clamp(x, min, max)),
    OpSpec("clip_min_only", lambda x, min: ag.clip(x, min=min),
           one_array(kwargs={"min": 0.2}, avoid=(0.2,), margin=0.05),
           lambda x, min: T.clamp(x, min=min)),
    OpSpec("clip_max_only", lambda x, max: ag.clamp(x, max=max),
           one_array(kwargs={"max": -0.3}, avoid=(-0.3,), margin=0.05),
           lambda x, max: T.clamp(x, max=max)),
    # NOTE: float32 rounding in the middle needs a larger step and tolerance
    OpSpec("astype_float32_and_back", lambda x: x.astype(np.float32).astype(np.float64) * 1.0,
           one_array(**SMOOTH), lambda x: x.float().double(), atol=1e-3, rtol=1e-3, eps=1e-3),
    OpSpec("clone", lambda x: ag.clone(x) * 2.0, one_array(**SMOOTH), lambda x: x.clone() * 2.0),
    # -- activations ----------------------------------------------------------------------
    OpSpec("relu", ag.relu, one_array(shape=EMPTY_OK, **KINK0), T.relu),
    OpSpec("leaky_relu", lambda x, negative_slope: ag.leaky_relu(x, negative_slope),
           one_array(kwargs=st.fixed_dictionaries({"negative_slope": st.sampled_from([0.01, 0.2, -0.5])}),
                     **KINK0),
           lambda x, negative_slope: F.leaky_relu(x, negative_slope)),
    OpSpec("sigmoid", ag.sigmoid, one_array(low=-6.0, high=6.0, avoid=()), T.sigmoid),
    OpSpec("softplus", lambda x, beta: ag.softplus(x, beta=beta),
           one_array(kwargs=st.fixed_dictionaries({"beta": st.sampled_from([0.5, 1.0, 2.0])}),
                     low=-5.0, high=5.0, avoid=()),
           lambda x, beta: F.softplus(x, beta=beta)),
    OpSpec("softplus_threshold", lambda x: ag.softplus(x, beta=2.0, threshold=3.0),
           one_array(low=-1.0, high=3.0, avoid=(1.5,), margin=0.05),
           lambda x: F.softplus(x, beta=2.0, threshold=3.0)),
    OpSpec("gelu_exact", lambda x: ag.gelu(x), one_array(low=-3.0, high=3.0, avoid=()),
           lambda x: F.gelu(x)),
    OpSpec("gelu_tanh", lambda x: ag.gelu(x, approximate="tanh"), one_array(low=-3.0, high=3.0, avoid=()),
           lambda x: F.gelu(x, approximate="tanh")),
    OpSpec("silu", ag.silu, one_array(low=-4.0, high=4.0, avoid=()), F.silu),
    # -- choosing between values ----------------------------------------------------------
    OpSpec("maximum", ag.maximum, separated_pair(), T.maximum),
    OpSpec("minimum", ag.minimum, separated_pair(), T.minimum),
    OpSpec("where", lambda c, x, y: ag.where(c, x, y),
           broadcast_arrays(3, ({"low": -1.0, "high": 1.0, "avoid": (0.0,)}, SMOOTH, SMOOTH)).map(
               lambda c: ([np.asarray(c[0][0] > 0)] + c[0][1:], c[1])),
           lambda c, x, y: T.where(c, x, y)),
    # -- reductions -----------------------------------------------------------------------
    OpSpec("sum", ag.sum, reduction(**SMOOTH), ta.reduce_with(lambda x, dim, keepdim: T.sum(x, dim, keepdim=keepdim))),
    OpSpec("sum_empty", ag.sum, reduction(min_side=0, **SMOOTH),
           ta.reduce_with(lambda x, dim, keepdim: T.sum(x, dim, keepdim=keepdim))),
    OpSpec("mean", ag.mean, reduction(**SMOOTH), ta.reduce_with(lambda x, dim, keepdim: T.mean(x, dim, keepdim=keepdim))),
    OpSpec("max", ag.max, reduction(**DISTINCT), ta.reduce_with(T.amax)),
    OpSpec("min", ag.min, reduction(**DISTINCT), ta.reduce_with(T.amin)),
    OpSpec("prod", ag.prod, reduction(low=-1.6, high=1.6, avoid=(0.0,), margin=0.3), ta.prod),
    # NOTE: with exact zeros prod takes its exact "product of the others" path (first order only)
    OpSpec("prod_with_zeros", ag.prod,
           reduction(min_dims=1, **SMOOTH).map(lambda c: ([np.where(np.abs(c[0][0]) < 0.5, 0.0, c[0][0])], c[1])),
           ta.prod, second_order=False),
    OpSpec("logsumexp", ag.logsumexp, reduction(low=-3.0, high=3.0, avoid=()),
           ta.reduce_with(lambda x, dim, keepdim: T.logsumexp(x, dim, keepdim=keepdim))),
    OpSpec("var", lambda x, axis, keepdims, ddof: ag.var(x, axis, ddof, keepdims),
           reduction(extra=st.fixed_dictionaries({"ddof": st.just(0)}), **DISTINCT), ta.var),
    OpSpec("var_unbiased", lambda x, axis, keepdims, ddof: ag.var(x, axis, ddof, keepdims),
           reduction(min_side=2, min_dims=1, extra=st.fixed_dictionaries({"ddof": st.just(1)}), **DISTINCT), ta.var),
    OpSpec("std", lambda x, axis, keepdims, ddof: ag.std(x, axis, ddof, keepdims),
           reduction(min_side=2, min_dims=1, extra=st.fixed_dictionaries({"ddof": st.sampled_from([0, 1])}), **DISTINCT),
           ta.std),
    OpSpec("softmax", ag.softmax, one_axis(low=-3.0, high=3.0, avoid=()), ta.softmax),
    OpSpec("log_softmax", ag.log_softmax, one_axis(low=-3.0, high=3.0, avoid=()), ta.log_softmax),
]
