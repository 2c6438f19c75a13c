"""Pooling: max_pool2d (a primitive), avg_pool2d and adaptive_avg_pool2d (built on other ops).

Windows are read as kh*kw strided views of the input, one per kernel offset,
combined elementwise (never a loop over pixels).

# NOTE: for the common 2x2 window this is three ``np.maximum`` calls on strided
# views, several times faster than reshaping into windows and reducing with
# ``max(axis=(3, 5))``.

Average pooling is a depthwise convolution with a constant kernel: its forward
and first-order backward are strided sums, and a create_graph backward is that
convolution's transpose (so it is differentiable to any order); adaptive average
pooling is a product with two constant averaging matrices.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

import numpy as np

import autograd as ag
from autograd import workspace
from autograd.function import Array, Function, Grads
from autograd.xp import NP
from nn.functional.conv import ConvTranspose2dOp
from nn.functional.im2col import Geometry, pair
from nn.functional.pool_geometry import max_indices, pool_out_size, window_counts

Tensor = ag.Tensor
IntOrPair = Union[int, Tuple[int, int]]


def _offsets(kernel: Tuple[int, int], out_size: Tuple[int, int], stride: Tuple[int, int],
             dilation: Tuple[int, int]):
    """(offset number, index of the strided view) for every kernel offset, row-major."""
    (kh, kw), (ho, wo), (s0, s1), (d0, d1) = kernel, out_size, stride, dilation
    for i in range(kh):
        for j in range(kw):
            yield i * kw + j, (Ellipsis, slice(i * d0, i * d0 + s0 * (ho - 1) + 1, s0),
                               slice(j * d1, j * d1 + s1 * (wo - 1) + 1, s1))


class MaxPool2dOp(Function):
    """y = max of x over each window;  dL/dx = g at each window's first maximum, 0 elsewhere"""
    __slots__ = ()

    def forward(self, x: Array, kernel: Any, stride: Any, padding: Any, dilation: Any, out_size: Any) -> Array:
        (p0, p1) = padding
        if p0 or p1:
            x = _padded(x, p0, p1, lowest(x.dtype))
        # NOTE: buffers keep the input's memory layout: a conv output is NHWC in memory,
        # and an elementwise op mixing layouts is many times slower
        out = _empty(x.shape[:2] + tuple(out_size), _layout(x), x.dtype)
        views = [x[idx] for _, idx in _offsets(kernel, out_size, stride, dilation)]
        if len(views) == 1:
            np.copyto(out, views[0])
        else:
            np.maximum(views[0], views[1], out=out)
        for v in views[2:]:
            np.maximum(out, v, out=out)
        # NOTE: the padded input is a constant here: where the maxima sit is piecewise constant,
        # so a create_graph backward needs only their positions
        self.save_for_backward(x, out, kernel, stride, padding, dilation)
        return out

    def _hits(self):
        """(offset number, view index, mask of the outputs whose first maximum is at that offset).

        The mask is one buffer, rewritten for each offset: use it before asking for the next.
        """
        x, out, kernel, stride, _, dilation = self.saved_tensors
        # NOTE: a create_graph backward sees Tensors here; only their values matter
        x, out = (a.data if isinstance(a, Tensor) else a for a in (x, out))
        layout = _layout(out)
        taken = _empty(out.shape, layout, bool)
        taken.fill(False)
        hit = _empty(out.shape, layout, bool)
        for k, idx in _offsets(kernel, out.shape[2:], stride, dilation):
            np.equal(x[idx], out, out=hit)
            np.greater(hit, taken, out=hit)  # hit and not taken: a tie goes to the first, as in PyTorch
            np.logical_or(taken, hit, out=taken)
            yield k, idx, hit

    def backward(self, g: Array) -> Grads:
        x, out, kernel, stride, (p0, p1), dilation = self.saved_tensors
        n, c, hp, wp = x.shape
        if self.xp is not NP:
            return (self.xp.scatter_add((n, c, hp - 2 * p0, wp - 2 * p1), self._argmax_index(), g),)
        layout = _layout(out)
        if _layout(g) != layout:
            g = _copy_to_layout(g, layout)
        gx = _empty(x.shape, _layout(x), g.dtype)
        tiled = _tiles(kernel, stride, dilation, g.shape[2:], (hp, wp))
        if not tiled:
            gx.fill(0)
        overlap = any(k > s for k, s in zip(_extent(kernel, dilation), stride))
        for _, idx, hit in self._hits():
            if overlap:
                gx[idx] += g * hit
            else:
                np.multiply(g, hit, out=gx[idx])
        return (gx[:, :, p0:hp - p0, p1:wp - p1],)

    def _argmax_index(self) -> tuple:
        """The input position of every output's maximum, as an index tuple (for create_graph)."""
        _, out, (kh, kw), (s0, s1), (p0, p1), (d0, d1) = self.saved_tensors
        which = np.zeros(out.shape, dtype=np.intp)
        for k, _, hit in self._hits():
            which[hit] = k
        n, c, ho, wo = which.shape
        ki, kj = np.divmod(which, kw)
        rows = np.arange(ho).reshape(-1, 1) * s0 + ki * d0 - p0
        cols = np.arange(wo) * s1 + kj * d1 - p1
        return (np.arange(n).reshape(-1, 1, 1, 1), np.arange(c).reshape(1, -1, 1, 1), rows, cols)


class AvgPool2dOp(Function):
    """y = scale * sum of x over each window (a depthwise conv with a constant kernel);  dL/dx = conv_transpose2d(g, that kernel)"""
    __slots__ = ()

    def forward(self, x: Array, kernel: Any, stride: Any, padding: Any, out_size: Any, scale: Any) -> Array:
        (p0, p1) = padding
        if p0 or p1:
            x = _padded(x, p0, p1, 0)
        out = _empty(x.shape[:2] + tuple(out_size), _layout(x), x.dtype)
        views = [x[idx] for _, idx in _offsets(kernel, out_size, stride, (1, 1))]
        if len(views) == 1:
            np.copyto(out, views[0])
        else:
            np.add(views[0], views[1], out=out)
        for v in views[2:]:
            out += v
        out *= scale
        self.save_for_backward(x.shape, kernel, stride, padding, scale)
        return out

    def backward(self, g: Array) -> Grads:
        padded_shape, kernel, stride, (p0, p1), scale = self.saved_tensors
        n, c, hp, wp = padded_shape
        if self.xp is not NP:
            weight = np.full((c, 1) + tuple(kernel), scale, dtype=g.dtype)
            geom = Geometry(stride, ((p0, p0), (p1, p1)), (1, 1), c)
            return (ConvTranspose2dOp.apply(g, weight, None, geom=geom, out_size=(hp - 2 * p0, wp - 2 * p1)),)
        gx = _empty(padded_shape, _layout(g), g.dtype)
        offsets = _offsets(kernel, g.shape[2:], stride, (1, 1))
        if _tiles(kernel, stride, (1, 1), g.shape[2:], (hp, wp)):
            # NOTE: every input pixel is in exactly one window: write, no clearing or adding
            for _, idx in offsets:
                np.multiply(g, scale, out=gx[idx])
        else:
            gx.fill(0)
            gs = _empty(g.shape, _layout(g), g.dtype)
            np.multiply(g, scale, out=gs)
            for _, idx in offsets:
                gx[idx] += gs
        return (gx[:, :, p0:hp - p0, p1:wp - p1],)


def _layout(a: np.ndarray) -> Tuple[int, ...]:
    """The axes of ``a`` from the outermost to the innermost in memory."""
    return tuple(sorted(range(a.ndim), key=lambda i: -abs(a.strides[i])))


def _empty(shape: tuple, layout: Tuple[int, ...], dtype: Any) -> np.ndarray:
    """A workspace array of ``shape`` stored with the axis order ``layout`` (contents arbitrary)."""
    return workspace.empty([shape[i] for i in layout], dtype).transpose(np.argsort(layout))


def _copy_to_layout(a: np.ndarray, layout: Tuple[int, ...]) -> np.ndarray:
    out = _empty(a.shape, layout, a.dtype)
    np.copyto(out, a)
    return out


def _padded(x: np.ndarray, p0: int, p1: int, value: float) -> np.ndarray:
    """``x`` (N, C, H, W) with ``value`` on p0 rows and p1 columns each side, in x's layout."""
    n, c, h, w = x.shape
    out = _empty((n, c, h + 2 * p0, w + 2 * p1), _layout(x), x.dtype)
    out[:, :, :p0] = value
    out[:, :, h + p0:] = value
    out[:, :, p0:h + p0, :p1] = value
    out[:, :, p0:h + p0, w + p1:] = value
    out[:, :, p0:h + p0, p1:w + p1] = x
    return out


def _tiles(kernel: Tuple[int, int], stride: Tuple[int, int], dilation: Tuple[int, int],
           out_size: Tuple[int, int], size: Tuple[int, int]) -> bool:
    """Whether the windows cover every pixel of ``size`` exactly once (gapless, side by side, to the edge)."""
    return all((k == 1 or d == 1) and s == k and o * s == n
               for k, s, d, o, n in zip(kernel, stride, dilation, out_size, size))


def _extent(kernel: Tuple[int, int], dilation: Tuple[int, int]) -> Tuple[int, int]:
    return tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))  # type: ignore[return-value]


def pool_params(op: str, kernel_size: Any, stride: Any, padding: Any, dilation: Any = 1):
    """Checked (kernel, stride, padding, dilation) pairs; ``stride`` None means the kernel size."""
    k = pair(kernel_size, "kernel_size", op)
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) else pair(stride, "stride", op)
    p, d = pair(padding, "padding", op, 0), pair(dilation, "dilation", op)
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise ValueError(f"{op}: padding {p} must be at most half the kernel size {k}")
    return k, s, p, d


def lowest(dtype: Any) -> Any:
    """The value max pooling pads with: -inf, or an integer dtype's smallest value."""
    dtype = np.dtype(dtype)
    return np.iinfo(dtype).min if dtype.kind in "iu" else -np.inf


def _pool_args(op: str, x: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any = 1,
               ceil_mode: bool = False):
    if np.ndim(x) not in (3, 4):
        raise ValueError(f"{op}: input must be 3-D (C, H, W) or 4-D (N, C, H, W), got shape {np.shape(x)}")
    k, s, p, d = pool_params(op, kernel_size, stride, padding, dilation)
    out_size, extra = pool_out_size(op, np.shape(x), k, s, p, d, bool(ceil_mode))
    return k, s, p, d, out_size, extra


def _unbatched(fn, x: Any, *args: Any) -> Any:
    if np.ndim(x) == 3:
        y = fn(ag.reshape(x, (1,) + tuple(np.shape(x))), *args)
        if isinstance(y, tuple):
            return tuple(ag.reshape(t, t.shape[1:]) for t in y)
        return ag.reshape(y, y.shape[1:])
    return fn(x, *args)


def _overhang(x: Tensor, extra: Tuple[int, int], value: Any) -> Tensor:
    """``x`` with the rows and columns a ``ceil_mode`` window reaches past the padding."""
    if not any(extra):
        return x
    return ag.pad(x, ((0, 0), (0, 0), (0, extra[0]), (0, extra[1])), value=value)


def max_pool2d(input: Tensor, kernel_size: IntOrPair, stride: Optional[IntOrPair] = None,
               padding: IntOrPair = 0, dilation: IntOrPair = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """Maximum over each (kh, kw) window; ``stride`` defaults to the kernel size.

    Padding (at most half the kernel) counts as -inf. The gradient goes to the first maximum
    of each window. ``ceil_mode=True`` keeps a last partial window (unless it would start in
    the padding); ``return_indices=True`` also returns, as PyTorch does, each maximum's flat
    index in its (H, W) plane (an int64 tensor).

    >>> import autograd as ag, nn.functional as F
    >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
    >>> F.max_pool2d(x, 2)[0, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    >>> F.max_pool2d(x, 3, stride=2, ceil_mode=True)[0, 0].tolist()
    [[10.0, 11.0], [14.0, 15.0]]
    >>> F.max_pool2d(x, 2, return_indices=True)[1][0, 0].tolist()
    [[5, 7], [13, 15]]
    """
    op = "max_pool2d"
    k, s, p, d, out_size, extra = _pool_args(op, input, kernel_size, stride, padding, dilation, ceil_mode)

    def pool(x: Tensor) -> Any:
        y = MaxPool2dOp.apply(_overhang(x, extra, lowest(x.dtype)), kernel=k, stride=s, padding=p,
                              dilation=d, out_size=out_size)
        if not return_indices:
            return y
        return y, Tensor(max_indices(np.asarray(x.data), k, s, p, d, out_size))

    return _unbatched(pool, input)


def avg_pool2d(input: Tensor, kernel_size: IntOrPair, stride: Optional[IntOrPair] = None,
               padding: IntOrPair = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: Optional[int] = None) -> Tensor:
    """Mean over each (kh, kw) window; ``stride`` defaults to the kernel size (PyTorch's
    arguments, in PyTorch's order).

    Zero padding is counted in the mean unless ``count_include_pad=False``; what a
    ``ceil_mode`` window reaches beyond the padding is never counted; ``divisor_override``
    replaces the divisor.

    >>> import autograd as ag, nn.functional as F
    >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
    >>> F.avg_pool2d(x, 2)[0, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    >>> F.avg_pool2d(x, 3, stride=2, ceil_mode=True)[0, 0].tolist()
    [[5.0, 6.5], [11.0, 12.5]]
    """
    op = "avg_pool2d"
    k, s, p, _, out_size, extra = _pool_args(op, input, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and (isinstance(divisor_override, bool) or not isinstance(
            divisor_override, (int, np.integer)) or divisor_override < 1):
        raise ValueError(f"{op}: divisor_override must be a positive int, got {divisor_override!r}")

    def pool(x: Tensor) -> Tensor:
        dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
        y = AvgPool2dOp.apply(_overhang(x, extra, 0), kernel=k, stride=s, padding=p, out_size=out_size,
                              scale=np.dtype(dtype).type(1.0 / (divisor_override or k[0] * k[1])))
        if divisor_override or not (any(extra) or (not count_include_pad and any(p))):
            return y
        # NOTE: windows that count fewer elements than k*k: a constant factor per position
        counts = window_counts(x.shape[2:], k, s, p, out_size, count_include_pad, dtype)
        return y * Tensor((k[0] * k[1]) / counts)

    return _unbatched(pool, input)


def _averaging_matrix(n_in: int, n_out: int, dtype: Any) -> np.ndarray:
    """(n_out, n_in) rows averaging bins [floor(i*n_in/n_out), ceil((i+1)*n_in/n_out))."""
    m = np.zeros((n_out, n_in), dtype=dtype)
    for i in range(n_out):
        lo, hi = (i * n_in) // n_out, -((-(i + 1) * n_in) // n_out)
        m[i, lo:hi] = 1.0 / (hi - lo)
    return m


def adaptive_avg_pool2d(input: Tensor, output_size: Union[int, Tuple[Optional[int], Optional[int]]]) -> Tensor:
    """Average pooling to a fixed ``output_size`` whatever the input size (bins as in PyTorch).

    ``output_size=1`` is global average pooling; ``None`` in a pair keeps that axis.

    >>> import autograd as ag, nn.functional as F
    >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
    >>> F.adaptive_avg_pool2d(x, 1).tolist()
    [[[[7.5]]]]
    >>> F.adaptive_avg_pool2d(x, (2, 1))[0, 0].tolist()
    [[3.5], [11.5]]
    """
    op = "adaptive_avg_pool2d"
    if np.ndim(input) not in (3, 4):
        raise ValueError(f"{op}: input must be 3-D (C, H, W) or 4-D (N, C, H, W), got shape {np.shape(input)}")
    h, w = np.shape(input)[-2:]
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise ValueError(f"{op}: output_size must be an int or a pair, got {output_size!r}")
        size = (h if output_size[0] is None else output_size[0], w if output_size[1] is None else output_size[1])
    else:
        size = (output_size, output_size)
    oh, ow = pair(size, "output_size", op)
    if h < 1 or w < 1:
        raise ValueError(f"{op}: input of shape {tuple(np.shape(input))} has an empty spatial axis")
    if (oh, ow) == (1, 1):
        return ag.mean(input, axis=(-2, -1), keepdims=True)
    dtype = input.dtype if np.issubdtype(input.dtype, np.floating) else np.float32
    # NOTE: constants as Tensors: a raw ndarray operand breaks MatMul's create_graph
    # backward (a view op applied to an ndarray; reported to the engine's owner)
    rows = Tensor(_averaging_matrix(h, oh, dtype))
    cols = Tensor(np.ascontiguousarray(_averaging_matrix(w, ow, dtype).T))
    return ag.matmul(ag.matmul(rows, input), cols)
