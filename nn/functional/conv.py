"""Convolutions: conv2d, its adjoint conv_transpose2d, and the kernel gradient, as three ops.

The three ops are each other's derivatives, so convolution is differentiable
any number of times:

- ``y = conv2d(x, w)``:            dL/dx = conv_transpose2d(g, w),  dL/dw = conv2d_weight_grad(x, g)
- ``x = conv_transpose2d(z, w)``:  dL/dz = conv2d(g, w),            dL/dw = conv2d_weight_grad(g, z)
- ``w = conv2d_weight_grad(x, y)``: dL/dx = conv_transpose2d(y, g),  dL/dy = conv2d(x, g)

A first-order backward runs straight on numpy (im2col / col2im, see
``im2col.py``); under ``create_graph=True`` each rule calls the other ops on
Tensors, so the backward pass is recorded too. ``conv1d`` and
``conv_transpose1d`` are the 2-D ops on a height-1 image.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

import numpy as np

import autograd as ag
from autograd.function import Array, Function, Grads
from autograd.xp import NP
from nn.functional.im2col import (Geometry, as_rows, col2im, conv_out_size, conv_padding, from_rows,
                                  grouped_matmul, im2col, kernel_from_matrix, kernel_matrix, pair,
                                  weight_grad_matrix)

Tensor = ag.Tensor
IntOrPair = Union[int, Tuple[int, int]]


class Conv2dOp(Function):
    """y = conv2d(x, w) + b;  dL/dx = conv_transpose2d(g, w),  dL/dw = conv2d_weight_grad(x, g),  dL/db = sum of g over N, H, W"""
    __slots__ = ()

    def forward(self, x: Array, w: Array, b: Array, geom: Any, out_size: Any = None) -> Array:
        kernel = w.shape[2:]
        if out_size is None:
            out_size = conv_out_size(x.shape[2:], kernel, geom, "conv2d", x.shape)
        cols = im2col(x, kernel, out_size, geom)
        rows = grouped_matmul(cols, kernel_matrix(w, geom.groups).transpose(0, 2, 1))
        if b is not None:
            rows += b
        # NOTE: the columns are kept as a first-order cache only (the kernel gradient
        # needs them); a create_graph backward recomputes everything from x.
        self.save_for_backward(x, w, geom, cols)
        return from_rows(rows, x.shape[0], out_size)

    def backward(self, g: Array) -> Grads:
        x, w, geom, cols = self.saved_tensors
        need = self.needs_input_grad
        if self.xp is not NP:
            return (ConvTranspose2dOp.apply(g, w, None, geom=geom, out_size=x.shape[2:]) if need[0] else None,
                    Conv2dWeightGradOp.apply(x, g, geom=geom, kernel=w.shape[2:]) if need[1] else None,
                    self.xp.transpose(g, (0, 2, 3, 1)) if need[2] else None)
        grows = as_rows(g, geom.groups)
        gx = gw = gb = None
        if need[2]:
            gb = grows.reshape(len(grows), -1)  # NOTE: (rows, channels): the engine sums the rows
        if need[1]:
            gw = kernel_from_matrix(weight_grad_matrix(grows, cols), w.shape)
        if need[0]:
            gx = col2im(grows, w, x.shape, g.shape[2:], geom)
        return gx, gw, gb


class ConvTranspose2dOp(Function):
    """y = conv_transpose2d(z, w) + b (the adjoint of conv2d);  dL/dz = conv2d(g, w),  dL/dw = conv2d_weight_grad(g, z),  dL/db = sum of g over N, H, W"""
    __slots__ = ()

    def forward(self, z: Array, w: Array, b: Array, geom: Any, out_size: Any) -> Array:
        g = geom.groups
        shape = (z.shape[0], w.shape[1] * g) + tuple(out_size)
        y = col2im(as_rows(z, g), w, shape, z.shape[2:], geom)
        if b is not None:
            y = y + b.reshape(-1, 1, 1)
        self.save_for_backward(z, w, geom)
        return y

    def backward(self, g: Array) -> Grads:
        z, w, geom = self.saved_tensors
        need = self.needs_input_grad
        if self.xp is not NP:
            return (Conv2dOp.apply(g, w, None, geom=geom, out_size=z.shape[2:]) if need[0] else None,
                    Conv2dWeightGradOp.apply(g, z, geom=geom, kernel=w.shape[2:]) if need[1] else None,
                    self.xp.transpose(g, (0, 2, 3, 1)) if need[2] else None)
        gz = gw = gb = None
        if need[0] or need[1]:
            cols = im2col(g, w.shape[2:], z.shape[2:], geom)
            if need[0]:
                gz = from_rows(grouped_matmul(cols, kernel_matrix(w, geom.groups).transpose(0, 2, 1)),
                               z.shape[0], z.shape[2:])
            if need[1]:
                gw = kernel_from_matrix(weight_grad_matrix(as_rows(z, geom.groups), cols), w.shape)
        if need[2]:
            gb = g.transpose(0, 2, 3, 1)  # NOTE: (N, H, W, channels): the engine sums N, H, W
        return gz, gw, gb


class Conv2dWeightGradOp(Function):
    """w = conv2d_weight_grad(x, y), the kernel gradient of conv2d for output gradient y;  dL/dx = conv_transpose2d(y, g),  dL/dy = conv2d(x, g)"""
    __slots__ = ()

    def forward(self, x: Array, y: Array, geom: Any, kernel: Any) -> Array:
        cols = im2col(x, kernel, y.shape[2:], geom)
        self.save_for_backward(x, y, geom, cols)
        shape = (y.shape[1], x.shape[1] // geom.groups) + tuple(kernel)
        return kernel_from_matrix(weight_grad_matrix(as_rows(y, geom.groups), cols), shape)

    def backward(self, g: Array) -> Grads:
        x, y, geom, cols = self.saved_tensors
        need = self.needs_input_grad
        if self.xp is not NP:
            return (ConvTranspose2dOp.apply(y, g, None, geom=geom, out_size=x.shape[2:]) if need[0] else None,
                    Conv2dOp.apply(x, g, None, geom=geom, out_size=y.shape[2:]) if need[1] else None)
        gm = kernel_matrix(g, geom.groups)
        gx = gy = None
        if need[0]:
            gx = col2im(as_rows(y, geom.groups), g, x.shape, y.shape[2:], geom)
        if need[1]:
            gy = from_rows(grouped_matmul(cols, gm.transpose(0, 2, 1)), x.shape[0], y.shape[2:])
        return gx, gy


# -- checks shared by the public functions ----------------------------------------------------

def _groups(op: str, groups: Any) -> int:
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    return int(groups)


def _check_channels(op: str, x_shape: tuple, w_shape: tuple, in_channels: int, groups: int,
                    out_channels: int, bias: Any) -> None:
    c = x_shape[1 - len(w_shape)]  # NOTE: the channel axis counted from the end works unbatched too
    if c != in_channels:
        raise ValueError(f"{op}: input of shape {x_shape} has {c} channels, but weight of shape "
                         f"{w_shape} with groups={groups} expects {in_channels}")
    if w_shape[0] % groups:
        raise ValueError(f"{op}: weight of shape {w_shape}: its first axis ({w_shape[0]}) must be "
                         f"divisible by groups={groups}")
    if bias is not None and tuple(np.shape(bias)) != (out_channels,):
        raise ValueError(f"{op}: bias must have shape ({out_channels},), got {tuple(np.shape(bias))}")


def _batched(op: str, x: Any, w: Any) -> bool:
    if np.ndim(w) != 4:
        raise ValueError(f"{op}: weight must be 4-D, got shape {np.shape(w)}")
    if np.ndim(x) not in (3, 4):
        raise ValueError(f"{op}: input must be 3-D (C, H, W) or 4-D (N, C, H, W), got shape {np.shape(x)}")
    return np.ndim(x) == 4


# -- public functions -------------------------------------------------------------------------

def conv2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrPair = 1,
           padding: Union[IntOrPair, str] = 0, dilation: IntOrPair = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation of (N, C, H, W) ``input`` with an (O, C/groups, kh, kw) ``weight``.

    ``padding`` is an int, a pair, 'valid' (none) or 'same' (output as large as the
    input; stride 1 only). Output size per axis: (H + 2p - dilation*(k-1) - 1) // stride + 1.

    >>> import autograd as ag, nn.functional as F
    >>> x = ag.ones(1, 1, 4, 4)
    >>> F.conv2d(x, ag.ones(1, 1, 3, 3), padding=1)[0, 0].tolist()
    [[4.0, 6.0, 6.0, 4.0], [6.0, 9.0, 9.0, 6.0], [6.0, 9.0, 9.0, 6.0], [4.0, 6.0, 6.0, 4.0]]
    >>> F.conv2d(x, ag.ones(2, 1, 2, 2), stride=2).shape
    (1, 2, 2, 2)
    """
    op = "conv2d"
    batched = _batched(op, input, weight)
    groups = _groups(op, groups)
    x_shape, w_shape = tuple(np.shape(input)), tuple(np.shape(weight))
    _check_channels(op, x_shape, w_shape, w_shape[1] * groups, groups, w_shape[0], bias)
    kernel = w_shape[2:]
    s, d = pair(stride, "stride", op), pair(dilation, "dilation", op)
    geom = Geometry(s, conv_padding(padding, kernel, s, d, op), d, groups)
    conv_out_size(x_shape[-2:], kernel, geom, op, x_shape)
    if not batched:
        input = ag.reshape(input, (1,) + x_shape)
    out = Conv2dOp.apply(input, weight, bias, geom=geom)
    return out if batched else ag.reshape(out, out.shape[1:])


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrPair = 1,
                     padding: IntOrPair = 0, output_padding: IntOrPair = 0, groups: int = 1,
                     dilation: IntOrPair = 1) -> Tensor:
    """Transposed 2-D convolution (the gradient of conv2d w.r.t. its input) of (N, C, H, W) ``input``
    with a (C, O/groups, kh, kw) ``weight``.

    Output size per axis: (H - 1)*stride - 2*padding + dilation*(k-1) + output_padding + 1.

    >>> import autograd as ag, nn.functional as F
    >>> y = F.conv_transpose2d(ag.ones(1, 1, 2, 2), ag.ones(1, 1, 2, 2), stride=2)
    >>> y.shape, y.sum().item()
    ((1, 1, 4, 4), 16.0)
    """
    op = "conv_transpose2d"
    batched = _batched(op, input, weight)
    x_shape, w_shape = tuple(np.shape(input)), tuple(np.shape(weight))
    kernel = w_shape[2:]
    s, d = pair(stride, "stride", op), pair(dilation, "dilation", op)
    p, op_pad = pair(padding, "padding", op, 0), pair(output_padding, "output_padding", op, 0)
    groups = _groups(op, groups)
    _check_channels(op, x_shape, w_shape, w_shape[0], groups, w_shape[1] * groups, bias)
    if any(o >= max(si, di) for o, si, di in zip(op_pad, s, d)):
        raise ValueError(f"{op}: output_padding {op_pad} must be smaller than stride {s} or dilation {d}")
    out_size = tuple((n - 1) * si - 2 * pi + di * (k - 1) + o + 1
                     for n, si, pi, di, k, o in zip(x_shape[-2:], s, p, d, kernel, op_pad))
    if min(out_size) < 1:
        raise ValueError(f"{op}: input of shape {x_shape} with kernel {kernel}, stride {s}, padding {p} "
                         f"gives an empty output of size {out_size}")
    geom = Geometry(s, ((p[0], p[0]), (p[1], p[1])), d, groups)
    if not batched:
        input = ag.reshape(input, (1,) + x_shape)
    out = ConvTranspose2dOp.apply(input, weight, bias, geom=geom, out_size=out_size)
    return out if batched else ag.reshape(out, out.shape[1:])


def conv2d_weight(input: Tensor, weight_size: Tuple[int, ...], grad_output: Tensor, stride: IntOrPair = 1,
                  padding: IntOrPair = 0, dilation: IntOrPair = 1, groups: int = 1) -> Tensor:
    """The gradient of conv2d w.r.t. its kernel (``torch.nn.grad.conv2d_weight``), itself differentiable.

    >>> import autograd as ag, nn.functional as F
    >>> F.conv2d_weight(ag.ones(1, 1, 3, 3), (1, 1, 2, 2), ag.ones(1, 1, 2, 2)).tolist()
    [[[[4.0, 4.0], [4.0, 4.0]]]]
    """
    op = "conv2d_weight"
    x_shape, w_shape, y_shape = tuple(np.shape(input)), tuple(weight_size), tuple(np.shape(grad_output))
    if len(x_shape) != 4 or len(w_shape) != 4 or len(y_shape) != 4:
        raise ValueError(f"{op}: input {x_shape}, weight_size {w_shape} and grad_output {y_shape} must all be 4-D")
    groups = _groups(op, groups)
    _check_channels(op, x_shape, w_shape, w_shape[1] * groups, groups, w_shape[0], None)
    s, d = pair(stride, "stride", op), pair(dilation, "dilation", op)
    geom = Geometry(s, conv_padding(padding, w_shape[2:], s, d, op), d, groups)
    expected = (x_shape[0], w_shape[0]) + conv_out_size(x_shape[2:], w_shape[2:], geom, op, x_shape)
    if y_shape != expected:
        raise ValueError(f"{op}: grad_output has shape {y_shape}, but conv2d of input {x_shape} with a "
                         f"kernel {w_shape} gives {expected}")
    return Conv2dWeightGradOp.apply(input, grad_output, geom=geom, kernel=w_shape[2:])


def _as_2d(op: str, x: Any, w: Any) -> Tuple[Any, Any]:
    """(N, C, L) input and (O, C/g, k) weight as height-1 images for the 2-D ops."""
    if np.ndim(w) != 3:
        raise ValueError(f"{op}: weight must be 3-D (O, C/groups, k), got shape {np.shape(w)}")
    if np.ndim(x) not in (2, 3):
        raise ValueError(f"{op}: input must be 2-D (C, L) or 3-D (N, C, L), got shape {np.shape(x)}")
    xs, ws = tuple(np.shape(x)), tuple(np.shape(w))
    return ag.reshape(x, xs[:-1] + (1, xs[-1])), ag.reshape(w, ws[:2] + (1, ws[2]))


def _one(value: Any, name: str, op: str, minimum: int = 1) -> int:
    v = value[0] if isinstance(value, (tuple, list)) and len(value) == 1 else value
    return pair(v, name, op, minimum)[0]


def conv1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: int = 1,
           padding: Union[int, str] = 0, dilation: int = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation of (N, C, L) ``input`` with an (O, C/groups, k) ``weight``.

    >>> import autograd as ag, nn.functional as F
    >>> F.conv1d(ag.tensor([[[1.0, 2.0, 3.0, 4.0]]]), ag.tensor([[[1.0, -1.0]]])).tolist()
    [[[-1.0, -1.0, -1.0]]]
    """
    op = "conv1d"
    x2, w2 = _as_2d(op, input, weight)
    x_shape, w_shape = tuple(np.shape(input)), tuple(np.shape(weight))
    groups = _groups(op, groups)
    _check_channels(op, x_shape, w_shape, w_shape[1] * groups, groups, w_shape[0], bias)
    s, d = _one(stride, "stride", op), _one(dilation, "dilation", op)
    if isinstance(padding, str):
        pads = conv_padding(padding, (1, w_shape[2]), (1, s), (1, d), op)
    else:
        p = _one(padding, "padding", op, 0)
        pads = ((0, 0), (p, p))
    span = d * (w_shape[2] - 1) + 1
    if x_shape[-1] + sum(pads[1]) < span:
        raise ValueError(f"{op}: input of shape {x_shape} is too small for kernel size {w_shape[2]} "
                         f"(dilation {d}, padding {pads[1]}): a padded length of "
                         f"{x_shape[-1] + sum(pads[1])} is less than the kernel's extent {span}")
    geom = Geometry((1, s), pads, (1, d), groups)
    if len(x_shape) == 2:
        x2 = ag.reshape(x2, (1,) + x2.shape)
    out = Conv2dOp.apply(x2, w2, bias, geom=geom)
    return ag.reshape(out, out.shape[1:2] + out.shape[3:] if len(x_shape) == 2 else out.shape[:2] + out.shape[3:])


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: int = 1,
                     padding: int = 0, output_padding: int = 0, groups: int = 1, dilation: int = 1) -> Tensor:
    """Transposed 1-D convolution of (N, C, L) ``input`` with a (C, O/groups, k) ``weight``.

    Output length: (L - 1)*stride - 2*padding + dilation*(k-1) + output_padding + 1.

    >>> import autograd as ag, nn.functional as F
    >>> F.conv_transpose1d(ag.tensor([[[1.0, 2.0]]]), ag.tensor([[[1.0, 1.0]]]), stride=2).tolist()
    [[[1.0, 1.0, 2.0, 2.0]]]
    """
    op = "conv_transpose1d"
    x2, w2 = _as_2d(op, input, weight)
    try:
        out = conv_transpose2d(x2, w2, bias, (1, _one(stride, "stride", op)), (0, _one(padding, "padding", op, 0)),
                               (0, _one(output_padding, "output_padding", op, 0)), groups,
                               (1, _one(dilation, "dilation", op)))
    except ValueError as e:
        raise ValueError(f"{op} on input of shape {tuple(np.shape(input))} and weight of shape "
                         f"{tuple(np.shape(weight))}: {str(e).split(': ', 1)[1]}") from None
    return ag.reshape(out, out.shape[:-2] + out.shape[-1:])
