"""Convolution geometry and the im2col / col2im pair every convolution op is built on.

A convolution becomes one matrix product once every receptive field is laid out
as a row ("im2col"): for an input of shape (N, C, H, W) and a kernel (kh, kw),
the columns have shape (N*Ho*Wo, groups, kh*kw*C/groups) and the kernel becomes a
(groups, O/groups, kh*kw*C/groups) matrix.

# NOTE: rows list each field channels-innermost (kh, kw, C), read from an NHWC
# copy of the input. The copy into the column matrix then moves C contiguous
# values at a time, several times faster than the (C, kh, kw) order, and the
# product's (N*Ho*Wo, O) result is already the NHWC layout of the output, so the
# output is returned as a transposed view without another copy.

``col2im`` is the adjoint (of im2col followed by the product with a kernel matrix):
it adds every row back onto the pixels it was read from, with one strided add per
kernel offset (kh*kw adds, never a loop over pixels).

# NOTE: the padded copy, the columns, the products and col2im's sum are large and
# made every step; they come from ``autograd.workspace``, which recycles a buffer
# only once nothing references it any more (no page faults for memory faulted in
# by the previous step).
"""
from __future__ import annotations

from typing import Any, NamedTuple, Tuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from autograd import workspace

Pair = Tuple[int, int]


class Geometry(NamedTuple):
    """How a kernel slides: per spatial axis, stride, (before, after) padding, dilation; and groups."""
    stride: Pair
    padding: Tuple[Pair, Pair]
    dilation: Pair
    groups: int


def pair(value: Any, name: str, op: str, minimum: int = 1) -> Pair:
    """An int or a pair of ints as a pair, checked against ``minimum``.

    >>> pair(2, "stride", "conv2d"), pair((1, 3), "dilation", "conv2d")
    ((2, 2), (1, 3))
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value), int(value))
    if (not isinstance(value, (tuple, list)) or len(value) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)):
        raise ValueError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if min(value) < minimum:
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {tuple(value)}")
    return int(value[0]), int(value[1])


def conv_padding(padding: Any, kernel: Pair, stride: Pair, dilation: Pair, op: str) -> Tuple[Pair, Pair]:
    """(before, after) padding per spatial axis from an int, a pair, 'valid' or 'same'.

    'same' pads ``dilation * (kernel - 1)`` in total, the extra one after for even
    kernels (as PyTorch does), and needs stride 1.

    >>> conv_padding("same", (4, 3), (1, 1), (1, 2), "conv2d")
    ((1, 2), (2, 2))
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(f"{op}: padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
        if stride != (1, 1):
            raise ValueError(f"{op}: padding='same' needs stride 1, got stride {stride}")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)  # type: ignore[return-value]
    p = pair(padding, "padding", op, minimum=0)
    return (p[0], p[0]), (p[1], p[1])


def conv_out_size(size: Pair, kernel: Pair, geom: Geometry, op: str, shape: tuple) -> Pair:
    """Output spatial size (PyTorch's formula); a clear error when the input is too small.

    >>> g = Geometry((2, 2), ((1, 1), (1, 1)), (1, 1), 1)
    >>> conv_out_size((28, 28), (3, 3), g, "conv2d", (1, 1, 28, 28))
    (14, 14)
    """
    out = []
    for n, k, s, (lo, hi), d in zip(size, kernel, geom.stride, geom.padding, geom.dilation):
        span = d * (k - 1) + 1
        if n + lo + hi < span:
            raise ValueError(
                f"{op}: input of shape {tuple(shape)} is too small for kernel {tuple(kernel)} "
                f"(dilation {geom.dilation}, padding {geom.padding}): a padded spatial size of "
                f"{n + lo + hi} is less than the kernel's extent {span}")
        out.append((n + lo + hi - span) // s + 1)
    return out[0], out[1]


def padded_nhwc(x: np.ndarray, padding: Tuple[Pair, Pair]) -> np.ndarray:
    """``x`` (N, C, H, W) as a C-contiguous (N, H+pads, W+pads, C) array, zero padded."""
    (t, b), (l, r) = padding
    xt = x.transpose(0, 2, 3, 1)
    if not (t or b or l or r) and xt.flags.c_contiguous:
        return xt
    n, h, w, c = xt.shape
    out = workspace.empty((n, h + t + b, w + l + r, c), x.dtype)
    # NOTE: only the border is cleared; the interior is overwritten by the copy
    out[:, :t] = 0
    out[:, t + h:] = 0
    out[:, t:t + h, :l] = 0
    out[:, t:t + h, l + w:] = 0
    out[:, t:t + h, l:l + w] = xt
    return out


def im2col(x: np.ndarray, kernel: Pair, out_size: Pair, geom: Geometry) -> np.ndarray:
    """The receptive fields of ``x`` (N, C, H, W) as rows: shape (N*Ho*Wo, groups, kh*kw*C/groups)."""
    xp = padded_nhwc(x, geom.padding)
    n, _, _, c = xp.shape
    g = geom.groups
    cg = c // g
    (kh, kw), (ho, wo) = kernel, out_size
    (s0, s1), (d0, d1) = geom.stride, geom.dilation
    cols = workspace.empty((n * ho * wo, g, kh * kw * cg), x.dtype)
    dst = cols.reshape(n, ho, wo, g, kh, kw, cg)
    # NOTE: the copy's innermost run decides its speed. One strided copy of all
    # windows moves cg values at a time (kw*cg when the kernel's columns are adjacent
    # in memory); one copy per kernel offset moves cg at a time too, or a whole output
    # row when cg == 1, which for a single-channel input is ~3x faster.
    if cg == 1 and wo > kw:
        for i in range(kh):
            for j in range(kw):
                dst[:, :, :, :, i, j] = xp[:, i * d0: i * d0 + s0 * (ho - 1) + 1: s0,
                                           j * d1: j * d1 + s1 * (wo - 1) + 1: s1].reshape(n, ho, wo, g, cg)
        return cols
    sn, sh, sw, sc = xp.strides
    view = as_strided(xp, (n, ho, wo, g, kh, kw, cg),
                      (sn, sh * s0, sw * s1, sc * cg, sh * d0, sw * d1, sc), writeable=False)
    np.copyto(dst, view)
    return cols


def col2im(rows: np.ndarray, w: np.ndarray, x_shape: tuple, out_size: Pair, geom: Geometry) -> np.ndarray:
    """Adjoint of ``im2col`` applied to a product: the columns ``rows @ kernel_matrix(w)`` (per
    group) summed back onto the pixels they were read from, as an (N, C, H, W) array.

    ``rows`` is (N*Ho*Wo, groups, O/groups) and ``w`` an (O, C/groups, kh, kw) kernel. The
    result is a transposed view of an NHWC buffer (the layout the next matrix product wants).
    """
    n, c, h, wd = x_shape
    o, cg, kh, kw = w.shape
    g, m = geom.groups, rows.shape[0]
    (t, b), (l, r) = geom.padding
    (ho, wo), (s0, s1), (d0, d1) = out_size, geom.stride, geom.dilation
    # NOTE: the product is made per kernel offset, as a (kh*kw, N*Ho*Wo, C) array rather than
    # in the columns' (N*Ho*Wo, kh*kw*C) order: each offset's block is then a contiguous
    # (N, Ho, Wo, C) image, and adding it onto its shifted window moves whole rows of Wo*C
    # values instead of C at a time (1.7x faster for the W3 CNN's second conv).
    km = np.ascontiguousarray(w.reshape(g, o // g, cg, kh * kw).transpose(0, 3, 1, 2))
    prods = workspace.empty((kh * kw, m, c), np.result_type(rows, w))
    np.matmul(rows.transpose(1, 0, 2)[:, None], km,
              out=prods.reshape(kh * kw, m, g, cg).transpose(2, 0, 1, 3))
    images = prods.reshape(kh, kw, n, ho, wo, c)
    buf = workspace.zeros((n, h + t + b, wd + l + r, c), prods.dtype)
    for i in range(kh):
        for j in range(kw):
            buf[:, i * d0: i * d0 + s0 * (ho - 1) + 1: s0,
                j * d1: j * d1 + s1 * (wo - 1) + 1: s1] += images[i, j]
    return buf[:, t:t + h, l:l + wd].transpose(0, 3, 1, 2)


def as_rows(y: np.ndarray, groups: int) -> np.ndarray:
    """An (N, O, Ho, Wo) array as (N*Ho*Wo, groups, O/groups) rows (free when y is NHWC in memory)."""
    n, o = y.shape[:2]
    yt = y.transpose(0, 2, 3, 1)
    if not yt.flags.c_contiguous:
        yt = _copy(yt)
    return yt.reshape(-1, groups, o // groups)


def _copy(a: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of ``a`` in a workspace buffer."""
    out = workspace.empty(a.shape, a.dtype)
    np.copyto(out, a)
    return out


def from_rows(rows: np.ndarray, n: int, out_size: Pair) -> np.ndarray:
    """(N*Ho*Wo, O) rows as an (N, O, Ho, Wo) view."""
    return rows.reshape(n, out_size[0], out_size[1], -1).transpose(0, 3, 1, 2)


def kernel_matrix(w: np.ndarray, groups: int) -> np.ndarray:
    """A kernel (O, C/groups, kh, kw) as the (groups, O/groups, kh*kw*C/groups) matrix matching ``im2col``."""
    o, cg, kh, kw = w.shape
    return w.reshape(groups, o // groups, cg, kh, kw).transpose(0, 1, 3, 4, 2).reshape(
        groups, o // groups, kh * kw * cg)


def kernel_from_matrix(m: np.ndarray, w_shape: tuple) -> np.ndarray:
    """Inverse of ``kernel_matrix``."""
    o, cg, kh, kw = w_shape
    return m.reshape(o, kh, kw, cg).transpose(0, 3, 1, 2)


def grouped_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per group k: ``a[:, k, :] @ b[k]`` for a (M, G, K) and b (G, K, P); result (M, G*P)."""
    m, g, p = a.shape[0], b.shape[0], b.shape[2]
    out = workspace.empty((m, g * p), np.result_type(a, b))
    if g == 1:
        return np.matmul(a[:, 0], b[0], out=out)
    np.matmul(a.transpose(1, 0, 2), b, out=out.reshape(m, g, p).transpose(1, 0, 2))
    return out


def weight_grad_matrix(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Per group k: ``rows[:, k, :].T @ cols[:, k, :]`` for rows (M, G, P) and cols (M, G, K); result (G, P, K)."""
    if rows.shape[1] == 1:
        return (rows[:, 0].T @ cols[:, 0])[None]
    return np.matmul(rows.transpose(1, 2, 0), cols.transpose(1, 0, 2))
