"""``TransformerEncoderLayer`` and ``TransformerDecoderLayer``: PyTorch's blocks, parameter for parameter.

Each block is attention and a feed-forward network (linear1 -> activation -> dropout ->
linear2), each wrapped in a residual connection and a LayerNorm: after the residual sum
(``norm_first=False``, the original "post-norm" Transformer) or on the branch input
(``norm_first=True``, "pre-norm", easier to train deep).
"""
from __future__ import annotations

from typing import Any, Callable, Union

import autograd as ag
from autograd import Tensor
from nn.functional.activation import gelu, relu
from nn.layers.attention import MultiheadAttention
from nn.layers.dropout import Dropout
from nn.layers.linear import Linear
from nn.layers.normalization import LayerNorm
from nn.module import Module

Activation = Union[str, Callable[[Tensor], Tensor]]


def activation_fn(owner: str, activation: Activation) -> Callable[[Tensor], Tensor]:
    """'relu' -> F.relu, 'gelu' -> F.gelu (exact, erf-based), a callable -> itself.

    >>> activation_fn("layer", "relu").__name__
    'relu'
    """
    if activation == "relu":
        return relu
    if activation == "gelu":
        return gelu
    if callable(activation):
        return activation
    raise RuntimeError(f"{owner}: activation should be 'relu', 'gelu' or a callable, not {activation!r}")


def check_sequence(owner: str, arg: str, x: Any, d_model: int, batch_first: bool) -> None:
    """Raise unless x is a Tensor (S, N, d_model) / (N, S, d_model) or unbatched (S, d_model).

    >>> check_sequence("layer", "src", ag.zeros(3, 4), d_model=4, batch_first=False)
    """
    layout = "(N, S, d_model)" if batch_first else "(S, N, d_model)"
    if not isinstance(x, Tensor):
        raise TypeError(f"{owner}: {arg} must be a Tensor, got {type(x).__name__}")
    if x.ndim not in (2, 3) or x.shape[-1] != d_model:
        raise ValueError(f"{owner}: {arg} of shape {x.shape}, expected {layout} or unbatched "
                         f"(S, d_model) with d_model={d_model}")


class _Block(Module):
    """What both layers share: the feed-forward branch, its dropouts and the arguments."""

    def _init_ff(self, d_model: int, dim_feedforward: int, dropout: float, activation: Activation,
                 batch_first: bool, norm_first: bool, bias: bool, dtype: Any) -> None:
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.activation = activation_fn(type(self).__name__, activation)
        self.norm_first, self.batch_first, self.d_model = norm_first, batch_first, d_model

    def _ff_block(self, x: Tensor, dropout: Dropout) -> Tensor:
        return dropout(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def _name(self) -> str:
        return f"{type(self).__name__}(d_model={self.d_model})"


class TransformerEncoderLayer(_Block):
    """Self-attention then feed-forward, each with a residual connection and a LayerNorm.

    PyTorch's arguments, defaults and parameter names (``self_attn``, ``linear1``,
    ``linear2``, ``norm1``, ``norm2``). Input (S, N, d_model), or (N, S, d_model) with
    ``batch_first=True``, or unbatched (S, d_model); ``src_mask`` and
    ``src_key_padding_mask`` follow ``MultiheadAttention`` (bool True = not allowed).

    >>> import autograd as ag, nn
    >>> layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
    >>> layer(ag.randn(3, 5, 8)).shape
    (3, 5, 8)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: Activation = "relu", layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, dtype: Any = ag.float32) -> None:
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, dtype=dtype)
        self._init_ff(d_model, dim_feedforward, dropout, activation, batch_first, norm_first, bias, dtype)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)

    def _sa_block(self, x: Tensor, attn_mask: Any, key_padding_mask: Any, is_causal: bool) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def forward(self, src: Tensor, src_mask: Any = None, src_key_padding_mask: Any = None,
                is_causal: bool = False) -> Tensor:
        check_sequence(self._name(), "src", src, self.d_model, self.batch_first)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x), self.dropout2)
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x, self.dropout2))


class TransformerDecoderLayer(_Block):
    """Masked self-attention, attention over ``memory`` (the encoder's output), feed-forward.

    PyTorch's arguments and parameter names (``self_attn``, ``multihead_attn``, ``linear1``,
    ``linear2``, ``norm1``..``norm3``). ``tgt`` is (T, N, d_model) (batch_first: (N, T, d_model)),
    ``memory`` (S, N, d_model); masks follow ``MultiheadAttention`` (bool True = not allowed).

    >>> import autograd as ag, nn
    >>> layer = nn.TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16)
    >>> layer(ag.randn(4, 2, 8), ag.randn(6, 2, 8)).shape
    (4, 2, 8)
    """

    # set in __init__ by the loops over 1, 2, 3 (declared for the type checker)
    norm1: LayerNorm
    norm2: LayerNorm
    norm3: LayerNorm
    dropout1: Dropout
    dropout2: Dropout
    dropout3: Dropout

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: Activation = "relu", layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, dtype: Any = ag.float32) -> None:
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, dtype=dtype)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                 batch_first=batch_first, dtype=dtype)
        self._init_ff(d_model, dim_feedforward, dropout, activation, batch_first, norm_first, bias, dtype)
        for i in (1, 2, 3):
            setattr(self, f"norm{i}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        for i in (1, 2, 3):
            setattr(self, f"dropout{i}", Dropout(dropout))

    def _sa_block(self, x: Tensor, attn_mask: Any, key_padding_mask: Any, is_causal: bool) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _mha_block(self, x: Tensor, mem: Tensor, attn_mask: Any, key_padding_mask: Any,
                   is_causal: bool) -> Tensor:
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                need_weights=False, is_causal=is_causal)[0]
        return self.dropout2(x)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Any = None, memory_mask: Any = None,
                tgt_key_padding_mask: Any = None, memory_key_padding_mask: Any = None,
                tgt_is_causal: bool = False, memory_is_causal: bool = False) -> Tensor:
        name = self._name()
        check_sequence(name, "tgt", tgt, self.d_model, self.batch_first)
        check_sequence(name, "memory", memory, self.d_model, self.batch_first)
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask,
                                    memory_is_causal)
            return x + self._ff_block(self.norm3(x), self.dropout3)
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask,
                                           memory_is_causal))
        return self.norm3(x + self._ff_block(x, self.dropout3))

