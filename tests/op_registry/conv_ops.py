"""Registry entries for convolution and pooling (nn.functional.conv, nn.functional.pooling).

Strides, padding (including 'same'/'valid'), dilation and groups are drawn;
images stay a few pixels wide and channels one to four, so the finite-difference
checks (first and second order) stay fast.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

import nn.functional as NF
from autograd.testing import arrays
from tests.op_registry.spec import OpSpec
from tests.op_registry.torch_adapters import F, T

SMOOTH = dict(low=-2.0, high=2.0, avoid=())


@st.composite
def channels(draw: Any) -> tuple:
    """(groups, in_channels, out_channels) with both channel counts divisible by groups."""
    g = draw(st.integers(1, 2))
    return g, g * draw(st.integers(1, 2)), g * draw(st.integers(1, 2))


@st.composite
def conv_case(draw: Any, dims: int) -> tuple:
    """input (N, C, *S), weight (O, C/g, *k), optional bias, and the conv keyword arguments."""
    g, c, o = draw(channels())
    k = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    d = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    mode = draw(st.sampled_from(["int", "same", "valid"]))
    if mode == "same":
        s, padding, pads = (1,) * dims, "same", [0] * dims
    else:
        s = tuple(draw(st.integers(1, 2)) for _ in range(dims))
        pads = [draw(st.integers(0, 1)) for _ in range(dims)] if mode == "int" else [0] * dims
        padding = tuple(pads) if mode == "int" else "valid"
    size = tuple(max(1, di * (ki - 1) + 1 - 2 * p) + draw(st.integers(0, 2)) for ki, di, p in zip(k, d, pads))
    args = [draw(arrays((draw(st.integers(1, 2)), c) + size, **SMOOTH)),
            draw(arrays((o, c // g) + k, **SMOOTH))]
    if draw(st.booleans()):
        args.append(draw(arrays((o,), **SMOOTH)))
    one = (lambda t: t[0]) if dims == 1 else (lambda t: t)
    kw = dict(stride=one(s), padding=padding if isinstance(padding, str) else one(padding),
              dilation=one(d), groups=g)
    return args, kw


@st.composite
def conv_transpose_case(draw: Any, dims: int) -> tuple:
    """input (N, C, *S), weight (C, O/g, *k), optional bias, with output_padding < max(stride, dilation)."""
    g, c, o = draw(channels())
    k = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    s = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    d = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    p = tuple(draw(st.integers(0, (di * (ki - 1)) // 2)) for ki, di in zip(k, d))
    op = tuple(draw(st.integers(0, max(si, di) - 1)) for si, di in zip(s, d))
    size = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    args = [draw(arrays((draw(st.integers(1, 2)), c) + size, **SMOOTH)),
            draw(arrays((c, o // g) + k, **SMOOTH))]
    if draw(st.booleans()):
        args.append(draw(arrays((o,), **SMOOTH)))
    one = (lambda t: t[0]) if dims == 1 else (lambda t: t)
    return args, dict(stride=one(s), padding=one(p), output_padding=one(op), groups=g, dilation=one(d))


@st.composite
def conv_weight_case(draw: Any) -> tuple:
    """input and grad_output of a conv2d; the kernel shape and geometry as keyword arguments."""
    (x, w, *_), kw = draw(conv_case(2))
    if isinstance(kw["padding"], str):
        # NOTE: torch.nn.grad.conv2d_weight takes numbers only; the drawn sizes fit padding 0
        kw["padding"] = 0
    y = NF.conv2d(x, w, **kw)
    return [x, draw(arrays(y.shape, **SMOOTH))], dict(kw, weight_size=w.shape)


@st.composite
def pool_case(draw: Any, distinct: bool, dilation: bool) -> tuple:
    """An (N, C, H, W) image and pooling keyword arguments (stride None = kernel size)."""
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 2), st.integers(1, 2))))
    p = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    size = tuple(max(1, di * (ki - 1) + 1 - 2 * pi) + draw(st.integers(0, 2)) for ki, di, pi in zip(k, d, p))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + size
    # NOTE: a wide range leaves room for up to ~200 values spaced 0.05 apart
    x = draw(arrays(shape, low=-40.0, high=40.0, avoid=(), distinct=distinct, margin=0.2))
    kw = dict(kernel_size=k, stride=stride, padding=p, ceil_mode=draw(st.booleans()))
    if dilation:
        kw["dilation"] = d
        # NOTE: a dilated (or ceil_mode) window can fall wholly in the padding: its maximum is
        # -inf (as in PyTorch) and finite differences are undefined there
        assume(np.isfinite(NF.max_pool2d(x, **kw).numpy()).all())
    return [x], kw


@st.composite
def avg_pool_case(draw: Any) -> tuple:
    args, kw = draw(pool_case(distinct=False, dilation=False))
    kw["count_include_pad"] = draw(st.booleans())
    return args, kw


@st.composite
def adaptive_case(draw: Any) -> tuple:
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    size = draw(st.one_of(st.just(1), st.tuples(st.integers(1, 4), st.integers(1, 4))))
    return [draw(arrays(shape, **SMOOTH))], dict(output_size=size)


def _torch_conv_weight(x, gy, weight_size, **kw):
    return T.nn.grad.conv2d_weight(x, weight_size, gy, **kw)


SPECS = [
    OpSpec("conv1d", NF.conv1d, conv_case(1), torch_fn=F.conv1d),
    OpSpec("conv2d", NF.conv2d, conv_case(2), torch_fn=F.conv2d),
    OpSpec("conv_transpose1d", NF.conv_transpose1d, conv_transpose_case(1), torch_fn=F.conv_transpose1d),
    OpSpec("conv_transpose2d", NF.conv_transpose2d, conv_transpose_case(2), torch_fn=F.conv_transpose2d),
    OpSpec("conv2d_weight", lambda x, gy, weight_size, **kw: NF.conv2d_weight(x, weight_size, gy, **kw),
           conv_weight_case(), torch_fn=_torch_conv_weight),
    # NOTE: distinct values at least 0.05 apart: a finite-difference step cannot swap which
    # element of a window is the maximum
    OpSpec("max_pool2d", NF.max_pool2d, pool_case(distinct=True, dilation=True), torch_fn=F.max_pool2d),
    OpSpec("avg_pool2d", NF.avg_pool2d, avg_pool_case(), torch_fn=F.avg_pool2d),
    OpSpec("adaptive_avg_pool2d", NF.adaptive_avg_pool2d, adaptive_case(), torch_fn=F.adaptive_avg_pool2d),
]
