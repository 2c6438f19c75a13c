"""Where pooling windows fall: output sizes (``ceil_mode`` included), how many input elements
each average-pooling window counts, and the input position of each max-pooling maximum.

All of it is arithmetic on sizes and constants (nothing here is differentiated): the pooling
functions in ``nn.functional.pooling`` combine it with the differentiable ops.
"""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np

Pair = Tuple[int, int]


def pool_out_size(op: str, shape: tuple, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                  ceil_mode: bool) -> Tuple[Pair, Pair]:
    """PyTorch's output size per spatial axis, and the rows/columns a ``ceil_mode`` window
    reaches past the padding on the far side (0 without ceil_mode).

    With ``ceil_mode`` a partial window at the end counts, unless it would start in the padding.

    >>> pool_out_size("max_pool2d", (1, 1, 5, 5), (2, 2), (2, 2), (0, 0), (1, 1), ceil_mode=True)
    ((3, 3), (1, 1))
    >>> pool_out_size("max_pool2d", (1, 1, 5, 5), (2, 2), (2, 2), (0, 0), (1, 1), ceil_mode=False)
    ((2, 2), (0, 0))
    """
    out, extra = [], []
    for n, k, s, p, d in zip(shape[-2:], kernel, stride, padding, dilation):
        span = d * (k - 1) + 1
        if n + 2 * p < span:
            raise ValueError(f"{op}: input of shape {tuple(shape)} is too small for kernel {tuple(kernel)} "
                             f"(dilation {tuple(dilation)}, padding {tuple(padding)}): a padded spatial "
                             f"size of {n + 2 * p} is less than the kernel's extent {span}")
        steps = n + 2 * p - span
        o = (-(-steps // s) if ceil_mode else steps // s) + 1
        if ceil_mode and (o - 1) * s >= n + p:
            o -= 1
        out.append(o)
        extra.append(max(0, (o - 1) * s + span - (n + 2 * p)))
    return (out[0], out[1]), (extra[0], extra[1])


def window_counts(size: Pair, kernel: Pair, stride: Pair, padding: Pair, out_size: Pair,
                  count_include_pad: bool, dtype: Any) -> np.ndarray:
    """(ho, wo): how many elements each average-pooling window divides by, PyTorch's rule.

    A window counts the padding when ``count_include_pad`` (but never what a ``ceil_mode``
    window reaches beyond it), and only the input's own elements otherwise.

    >>> window_counts((4, 4), (3, 3), (2, 2), (1, 1), (2, 2), False, np.float64).tolist()
    [[4.0, 6.0], [6.0, 9.0]]
    """
    per_axis = []
    for n, k, s, p, o in zip(size, kernel, stride, padding, out_size):
        lo, hi = (-p, n + p) if count_include_pad else (0, n)
        start = np.arange(o) * s - p
        per_axis.append(np.minimum(start + k, hi) - np.maximum(start, lo))
    return np.outer(per_axis[0], per_axis[1]).astype(dtype)


def max_indices(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair,
                out_size: Pair) -> np.ndarray:
    """For every output of a max pooling, the flat index (into each H*W plane of ``x``) of its
    window's first maximum, as ``return_indices=True`` gives it in PyTorch.

    >>> max_indices(np.array([[[[1.0, 3.0], [2.0, 0.0]]]]), (2, 2), (2, 2), (0, 0), (1, 1), (1, 1))
    array([[[[1]]]])
    """
    (kh, kw), (s0, s1), (p0, p1), (d0, d1), (ho, wo) = kernel, stride, padding, dilation, out_size
    h, w = x.shape[-2:]
    best = np.zeros(x.shape[:-2] + (ho, wo), dtype=x.dtype)
    where = np.zeros(best.shape, dtype=np.int64)
    seen = np.zeros(best.shape, dtype=bool)
    for i in range(kh):
        rows = np.arange(ho) * s0 + i * d0 - p0
        for j in range(kw):
            cols = np.arange(wo) * s1 + j * d1 - p1
            inside = (rows[:, None] >= 0) & (rows[:, None] < h) & (cols >= 0) & (cols < w)
            values = x[..., np.clip(rows, 0, h - 1)[:, None], np.clip(cols, 0, w - 1)]
            # NOTE: strictly greater, so a tie keeps the first maximum; padding never wins
            better = inside & (~seen | (values > best))
            seen |= inside
            best = np.where(better, values, best)
            where = np.where(better, rows[:, None] * w + cols, where)
    return where
