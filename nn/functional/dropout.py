"""``dropout``: inverted dropout with the library's seeded generator."""
from __future__ import annotations

from typing import Optional

import numpy as np

from autograd.random import default_rng
from autograd.tensor import Tensor


def dropout(x: Tensor, p: float = 0.5, training: bool = True,
            generator: Optional[np.random.Generator] = None) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) (training only).

    The mask comes from ``autograd.default_rng()`` (so ``ag.manual_seed`` fixes it)
    unless a ``generator`` is given. In evaluation (``training=False``) it returns ``x``.

    >>> import autograd as ag, nn.functional as F
    >>> _ = ag.manual_seed(0)
    >>> F.dropout(ag.ones(6), p=0.5)
    tensor([2., 0., 0., 0., 2., 2.])
    >>> F.dropout(ag.ones(2), p=0.5, training=False)
    tensor([1., 1.])
    """
    if isinstance(p, bool) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p!r}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    rng = default_rng() if generator is None else generator
    # NOTE: the mask is a constant of the op (a Mul by a fixed array), so gradients and second
    # derivatives are exact; scaling it by 1/(1-p) keeps the expected activation unchanged
    mask = (rng.random(x.shape) >= p).astype(x.dtype) * np.asarray(1.0 / (1.0 - p), dtype=x.dtype)
    return x * mask
