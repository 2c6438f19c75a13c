"""``MultiheadAttention``: PyTorch's layer, with its packed ``in_proj_weight`` and its mask conventions."""
from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

import autograd as ag
from autograd import Tensor
from nn import init
from nn.functional.attention import additive_mask, attention
from nn.functional.linear import linear
from nn.layers.linear import Linear
from nn.module import Module
from nn.parameter import Parameter


class MultiheadAttention(Module):
    """Attention over ``num_heads`` subspaces of size embed_dim // num_heads, then ``out_proj``.

    Inputs are (L, N, E) (or (N, L, E) with ``batch_first=True``, or unbatched (L, E)); key and
    value have S steps and ``kdim``/``vdim`` features (default ``embed_dim``). Parameters as in
    PyTorch, so a torch ``state_dict`` loads unchanged: ``in_proj_weight`` (3E, E) holding the
    q, k, v projections stacked (or ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight`` when
    kdim/vdim differ from E), ``in_proj_bias`` (3E,), ``out_proj`` (a Linear(E, E)). Init as in
    PyTorch: projections Xavier-uniform, biases 0.

    Masks use PyTorch's convention for this layer: in a boolean ``key_padding_mask`` (N, S) or
    ``attn_mask`` ((L, S) or (N * num_heads, L, S)) True means *not allowed*; floating masks are
    added to the scores. ``forward`` returns (output, weights): weights (N, L, S) averaged over
    heads, or (N, num_heads, L, S) with ``average_attn_weights=False``, or None when
    ``need_weights=False``. A query with every key masked gets zero weights and the output
    ``out_proj`` makes of 0 (PyTorch gives that output with ``need_weights=False`` and NaN
    weights and outputs with ``need_weights=True``).
    ``dropout`` drops attention weights in training. ``add_bias_kv=True`` appends a learned key
    and value step (``bias_k``, ``bias_v`` of shape (1, 1, E)) after the projections and
    ``add_zero_attn=True`` a zero step per head, as in PyTorch: every query may attend to them.

    >>> import autograd as ag, nn
    >>> mha = nn.MultiheadAttention(8, 2, batch_first=True)
    >>> x = ag.randn(3, 5, 8)
    >>> out, w = mha(x, x, x)
    >>> out.shape, w.shape
    ((3, 5, 8), (3, 5, 5))
    """

    bias_k: Optional[Parameter]  # None unless add_bias_kv
    bias_v: Optional[Parameter]

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: Optional[int] = None,
                 vdim: Optional[int] = None, batch_first: bool = False, dtype: Any = ag.float32) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be positive, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads}")
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by "
                             f"num_heads ({num_heads})")
        if isinstance(dropout, bool) or not 0.0 <= dropout <= 1.0:
            raise ValueError(f"MultiheadAttention: dropout must be a probability in [0, 1], got {dropout!r}")
        self.embed_dim, self.num_heads = int(embed_dim), int(num_heads)
        self.kdim = int(kdim) if kdim is not None else self.embed_dim
        self.vdim = int(vdim) if vdim is not None else self.embed_dim
        self._qkv_same_embed_dim = self.kdim == self.embed_dim and self.vdim == self.embed_dim
        self.head_dim = self.embed_dim // self.num_heads
        self.dropout, self.batch_first = dropout, batch_first
        E = self.embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(ag.zeros(3 * E, E, dtype=dtype))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.register_parameter("in_proj_weight", None)
            self.q_proj_weight = Parameter(ag.zeros(E, E, dtype=dtype))
            self.k_proj_weight = Parameter(ag.zeros(E, self.kdim, dtype=dtype))
            self.v_proj_weight = Parameter(ag.zeros(E, self.vdim, dtype=dtype))
        if bias:
            self.in_proj_bias = Parameter(ag.zeros(3 * E, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(E, E, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(ag.zeros(1, 1, E, dtype=dtype))
            self.bias_v = Parameter(ag.zeros(1, 1, E, dtype=dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's init: Xavier-uniform projections, zero biases (``out_proj.weight`` keeps Linear's)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)  # type: ignore[arg-type]  # NOTE: set with bias_k

    def _name(self) -> str:
        return f"MultiheadAttention(embed_dim={self.embed_dim}, num_heads={self.num_heads})"

    # -- checks ------------------------------------------------------------------------------
    def _check_inputs(self, query: Tensor, key: Tensor, value: Tensor) -> bool:
        """True for batched input; raises a ValueError naming the shapes otherwise."""
        name = self._name()
        layout = "(N, L, E)" if self.batch_first else "(L, N, E)"
        for arg, t in (("query", query), ("key", key), ("value", value)):
            if not isinstance(t, Tensor):
                raise TypeError(f"{name}: {arg} must be a Tensor, got {type(t).__name__}")
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ValueError(f"{name}: query, key and value must all be 3-D {layout} or all 2-D "
                             f"unbatched (L, E), got shapes {query.shape}, {key.shape}, {value.shape}")
        for arg, t, want in (("query", query, self.embed_dim), ("key", key, self.kdim),
                             ("value", value, self.vdim)):
            if t.shape[-1] != want:
                raise ValueError(f"{name}: {arg} of shape {t.shape} has {t.shape[-1]} features, "
                                 f"expected {want}")
        batched = query.ndim == 3
        bat = 0 if self.batch_first else 1
        if key.shape[:-1] != value.shape[:-1]:
            raise ValueError(f"{name}: key of shape {key.shape} and value of shape {value.shape} "
                             f"must agree in all but the feature axis")
        if batched and query.shape[bat] != key.shape[bat]:
            raise ValueError(f"{name}: query of shape {query.shape} and key of shape {key.shape} "
                             f"have different batch sizes (axis {bat} with batch_first={self.batch_first})")
        return batched

    def _merged_mask(self, key_padding_mask: Any, attn_mask: Any, N: int, L: int, S: int,
                     batched: bool, dtype: Any) -> Optional[np.ndarray]:
        """key_padding_mask and attn_mask as one additive array broadcasting to (N, H, L, S)."""
        name, H = self._name(), self.num_heads
        kpm = additive_mask(name, key_padding_mask, dtype, allowed_is=False)
        am = additive_mask(name, attn_mask, dtype, allowed_is=False)
        out = None
        if kpm is not None:
            want = (N, S) if batched else (S,)
            if kpm.shape != want:
                raise RuntimeError(f"{name}: key_padding_mask of shape {kpm.shape}, expected {want} "
                                   f"(batch, key length)")
            out = kpm.reshape(N, 1, 1, S)
        if am is not None:
            if am.shape == (L, S):
                am = am.reshape(1, 1, L, S)
            elif am.shape == (N * H, L, S):
                am = am.reshape(N, H, L, S)
            else:
                raise RuntimeError(f"{name}: attn_mask of shape {am.shape}, expected {(L, S)} or "
                                   f"{(N * H, L, S)} (batch * num_heads, target length, source length)")
            out = am if out is None else out + am
        return out

    # -- forward -----------------------------------------------------------------------------
    def _projections(self, query: Tensor, key: Tensor, value: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        E, b = self.embed_dim, self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:
                # NOTE: self-attention: one (3E, E) product instead of three (E, E) ones
                qkv = linear(query, w, b)
                return qkv[..., :E], qkv[..., E:2 * E], qkv[..., 2 * E:]
            wq, wk, wv = w[:E], w[E:2 * E], w[2 * E:]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return linear(query, wq, bq), linear(key, wk, bk), linear(value, wv, bv)

    @staticmethod
    def _append_step(t: Tensor, bias: Tensor, batch_major: bool) -> Tensor:
        """One more key/value step, ``bias`` (1, 1, E), on (N, S, E) or (S, N, E) projections."""
        if batch_major:
            return ag.cat([t, ag.broadcast_to(bias, (t.shape[0], 1, t.shape[2]))], axis=1)
        return ag.cat([t, ag.broadcast_to(bias, (1,) + t.shape[1:])], axis=0)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Any = None,
                need_weights: bool = True, attn_mask: Any = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> Tuple[Tensor, Optional[Tensor]]:
        batched = self._check_inputs(query, key, value)
        if is_causal and attn_mask is None:
            raise RuntimeError(f"{self._name()}: is_causal=True is a hint that attn_mask is the "
                               f"causal mask; pass that mask too (see Transformer.generate_square_subsequent_mask)")
        first = self.batch_first or not batched
        seq = 1 if first and batched else 0
        L, S = query.shape[seq], key.shape[seq]
        N = query.shape[1 - seq] if batched else 1
        mask = self._merged_mask(key_padding_mask, attn_mask, N, L, S, batched, query.dtype)
        q, k, v = self._projections(query, key, value)
        H, D = self.num_heads, self.head_dim
        if not batched:
            q, k, v = q.unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0)
        if self.bias_k is not None:
            k, v = (self._append_step(t, b, first)  # type: ignore[arg-type]  # NOTE: set with bias_k
                    for t, b in ((k, self.bias_k), (v, self.bias_v)))
        # (N, T, E) or (T, N, E) -> (N, H, T, D): split the features into heads, heads before time
        order = (0, 2, 1, 3) if first else (1, 2, 0, 3)
        q, k, v = (t.reshape(t.shape[:2] + (H, D)).permute(*order) for t in (q, k, v))
        if self.add_zero_attn:
            zero = ag.zeros(k.shape[:2] + (1, D), dtype=k.dtype)
            k, v = ag.cat([k, zero], axis=2), ag.cat([v, zero], axis=2)
        extra = k.shape[2] - S
        if extra and mask is not None:
            # NOTE: the appended steps are never masked (PyTorch pads its masks with zeros)
            mask = np.concatenate([mask, np.zeros(mask.shape[:3] + (extra,), mask.dtype)], axis=-1)
        p = self.dropout if self.training else 0.0
        out, weights = attention(q, k, v, mask, p)
        back = (0, 2, 1, 3) if first else (2, 0, 1, 3)
        out = out.permute(*back)
        out = self.out_proj(out.reshape(out.shape[:2] + (self.embed_dim,)))
        if not batched:
            out = out.squeeze(0)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(axis=1)
        return out, (weights if batched else weights.squeeze(0))

    def extra_repr(self) -> str:
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
                f"batch_first={self.batch_first}")
