"""``scaled_dot_product_attention``: softmax(q k^T * scale + mask) v, composed from differentiable ops.

Masks follow PyTorch's convention for this function: a boolean mask marks the pairs that
*may* attend (True = attend); a floating mask is added to the scores (0 keeps a pair,
-inf removes it, anything else biases it).
"""
from __future__ import annotations

import math
from typing import Any, Optional, Tuple, Union

import numpy as np

import autograd as ag
from autograd import Tensor
from nn.functional.dropout import dropout

Mask = Union[Tensor, np.ndarray, None]


def _mask_array(mask: Any) -> np.ndarray:
    return mask.data if isinstance(mask, Tensor) else np.asarray(mask)


def additive_mask(op: str, mask: Any, dtype: Any, allowed_is: bool) -> Optional[np.ndarray]:
    """A boolean or floating mask as an additive float array (0 keeps, -inf removes).

    ``allowed_is`` says what True means in a boolean mask: True for SDPA (True = attend),
    False for ``MultiheadAttention`` (True = masked out). Raises TypeError for other dtypes.

    >>> additive_mask("sdpa", np.array([True, False]), np.float64, allowed_is=True)
    array([  0., -inf])
    """
    if mask is None:
        return None
    a = _mask_array(mask)
    if a.dtype == np.bool_:
        keep = a if allowed_is else ~a
        return np.where(keep, 0.0, -np.inf).astype(dtype)
    if a.dtype.kind == "f":
        return a.astype(dtype, copy=False)
    raise TypeError(f"{op}: only boolean and floating masks are supported, got a mask of dtype {a.dtype}")


def causal_mask(L: int, S: int) -> np.ndarray:
    """The boolean (L, S) mask of ``is_causal=True``: query i may attend to keys 0..i.

    >>> causal_mask(2, 3)
    array([[ True, False, False],
           [ True,  True, False]])
    """
    return np.tri(L, S, dtype=bool)


def _check_qkv(op: str, q: Tensor, k: Tensor, v: Tensor) -> None:
    for name, t in (("query", q), ("key", k), ("value", v)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
        if t.ndim < 2:
            raise RuntimeError(f"{op}: {name} must have at least 2 dimensions (..., seq, features), "
                               f"got shape {t.shape}")
    if q.shape[-1] != k.shape[-1]:
        raise RuntimeError(f"{op}: query of shape {q.shape} and key of shape {k.shape} must have "
                           f"the same feature size (last axis)")
    if k.shape[-2] != v.shape[-2]:
        raise RuntimeError(f"{op}: key of shape {k.shape} and value of shape {v.shape} must have "
                           f"the same sequence length (axis -2)")
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise RuntimeError(f"{op}: the batch axes of query {q.shape}, key {k.shape} and value "
                           f"{v.shape} do not broadcast") from None


def attention(q: Tensor, k: Tensor, v: Tensor, mask: Union[Tensor, np.ndarray, None] = None,
              dropout_p: float = 0.0, scale: Optional[float] = None) -> Tuple[Tensor, Tensor]:
    """(softmax(q k^T * scale + mask) v, the attention weights); ``mask`` is additive or None.

    The kernel shared by ``scaled_dot_product_attention`` and ``MultiheadAttention``; no
    argument checks. A query row whose keys are all masked (-inf) gets zero weights, a zero
    output and zero gradients, as PyTorch's SDPA gives.

    >>> w = attention(ag.ones(1, 2), ag.ones(2, 2), ag.eye(2), np.array([[0.0, -np.inf]]))[1]
    >>> w
    tensor([[1., 0.]])
    """
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    # NOTE: scaling q (L x E) instead of the scores (L x S) touches fewer numbers when E < S
    scores = (q * scale) @ k.swapaxes(-1, -2)
    dead = None
    if mask is not None:
        m = _mask_array(mask)
        rows_dead = np.all(np.isneginf(m), axis=-1, keepdims=True)
        if rows_dead.any():
            # NOTE: softmax of an all -inf row is 0/0; such rows are unmasked here and their
            # weights zeroed after the softmax, so forward and backward stay finite (exact zeros)
            dead = rows_dead
            m = np.where(rows_dead, 0.0, m).astype(m.dtype)
            mask = m if not isinstance(mask, Tensor) else ag.where(~rows_dead, mask, 0.0)
        scores = scores + (mask if isinstance(mask, Tensor) else ag.tensor(m.astype(scores.dtype, copy=False)))
    weights = ag.softmax(scores, axis=-1)
    if dead is not None:
        weights = weights * ag.tensor((~dead).astype(weights.dtype))
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ v, weights


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Mask = None,
                                 dropout_p: float = 0.0, is_causal: bool = False,
                                 scale: Optional[float] = None) -> Tensor:
    """softmax(query key^T * scale + mask) value for (..., L, E), (..., S, E), (..., S, Ev) inputs.

    ``scale`` defaults to 1/sqrt(E). ``attn_mask`` broadcasts to (..., L, S): boolean with
    True = may attend (PyTorch's SDPA convention), or floating and added to the scores (it may
    require grad). ``is_causal=True`` lets query i attend to keys 0..i (no ``attn_mask`` then).
    ``dropout_p`` drops attention weights whenever it is > 0, as PyTorch's function does
    (pass 0.0 in evaluation). A query whose keys are all masked gets a zero output.

    >>> import autograd as ag, nn.functional as F
    >>> q = k = ag.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> F.scaled_dot_product_attention(q, k, ag.tensor([[1.0], [3.0]]), is_causal=True)
    tensor([[1.0000],
            [2.3395]])
    """
    op = "scaled_dot_product_attention"
    _check_qkv(op, query, key, value)
    if isinstance(dropout_p, bool) or not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{op}: dropout_p must be a probability in [0, 1], got {dropout_p!r}")
    L, S = query.shape[-2], key.shape[-2]
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(f"{op}: pass either attn_mask or is_causal=True, not both")
        attn_mask = causal_mask(L, S)
    mask: Union[Tensor, np.ndarray, None] = None
    if attn_mask is not None:
        a = _mask_array(attn_mask)
        batch = np.broadcast_shapes(query.shape[:-2], key.shape[:-2])
        try:
            np.broadcast_shapes(a.shape, batch + (L, S))
            if len(a.shape) > len(batch) + 2:
                raise ValueError
        except ValueError:
            raise RuntimeError(f"{op}: attn_mask of shape {a.shape} does not broadcast to the "
                               f"attention scores' shape {batch + (L, S)}") from None
        if isinstance(attn_mask, Tensor) and a.dtype.kind == "f":
            mask = attn_mask.astype(query.dtype) if a.dtype != query.dtype else attn_mask
        else:
            mask = additive_mask(op, a, query.dtype, allowed_is=True)
    return attention(query, key, value, mask, dropout_p, scale)[0]
