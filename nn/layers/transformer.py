"""``TransformerEncoder``, ``TransformerDecoder`` and ``Transformer``: stacks of the layers, as in PyTorch."""
from __future__ import annotations

import copy
from typing import Any, Optional

import numpy as np

import autograd as ag
from autograd import Tensor
from nn import init
from nn.containers import ModuleList
from nn.layers.normalization import LayerNorm
from nn.layers.transformer_layers import (Activation, TransformerDecoderLayer, TransformerEncoderLayer,
                                          check_sequence)
from nn.module import Module


def _clones(layer: Module, n: int) -> ModuleList:
    # NOTE: deep copies, as PyTorch makes: every layer starts from the same weights
    return ModuleList([copy.deepcopy(layer) for _ in range(n)])


def _count(owner: str, num_layers: Any) -> int:
    if isinstance(num_layers, bool) or not isinstance(num_layers, (int, np.integer)) or num_layers < 0:
        raise ValueError(f"{owner}: num_layers must be a non-negative int, got {num_layers!r}")
    return int(num_layers)


class TransformerEncoder(Module):
    """``num_layers`` copies of ``encoder_layer`` applied in turn, then ``norm`` if given.

    Parameters are ``layers.0.self_attn.in_proj_weight``, ..., ``norm.weight`` as in PyTorch.
    ``enable_nested_tensor`` and ``mask_check`` are accepted for compatibility and change
    nothing (PyTorch's nested-tensor fast path zeroes padded positions of the output in
    evaluation mode; here padded positions are computed like the others).

    >>> import autograd as ag, nn
    >>> enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), num_layers=2)
    >>> enc(ag.randn(5, 3, 8)).shape
    (5, 3, 8)
    """

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int,
                 norm: Optional[Module] = None, enable_nested_tensor: bool = True,
                 mask_check: bool = True) -> None:
        super().__init__()
        self.num_layers = _count("TransformerEncoder", num_layers)
        self.layers = _clones(encoder_layer, self.num_layers)
        self.norm = norm

    def forward(self, src: Tensor, mask: Any = None, src_key_padding_mask: Any = None,
                is_causal: Optional[bool] = None) -> Tensor:
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                      is_causal=bool(is_causal))
        return x if self.norm is None else self.norm(x)


class TransformerDecoder(Module):
    """``num_layers`` copies of ``decoder_layer`` applied in turn to ``tgt`` (each attending to
    ``memory``), then ``norm`` if given. PyTorch's parameter names (``layers.0...``, ``norm``).

    >>> import autograd as ag, nn
    >>> dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), num_layers=2)
    >>> dec(ag.randn(4, 3, 8), ag.randn(6, 3, 8)).shape
    (4, 3, 8)
    """

    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int,
                 norm: Optional[Module] = None) -> None:
        super().__init__()
        self.num_layers = _count("TransformerDecoder", num_layers)
        self.layers = _clones(decoder_layer, self.num_layers)
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Any = None, memory_mask: Any = None,
                tgt_key_padding_mask: Any = None, memory_key_padding_mask: Any = None,
                tgt_is_causal: Optional[bool] = None, memory_is_causal: bool = False) -> Tensor:
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                      tgt_key_padding_mask=tgt_key_padding_mask,
                      memory_key_padding_mask=memory_key_padding_mask,
                      tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal)
        return x if self.norm is None else self.norm(x)


class Transformer(Module):
    """The encoder-decoder Transformer ("Attention Is All You Need") with PyTorch's API.

    ``encoder`` is a TransformerEncoder of ``num_encoder_layers`` layers with a final LayerNorm,
    ``decoder`` likewise; every parameter with more than one axis is then redrawn Xavier-uniform,
    as PyTorch does. ``forward(src, tgt, ...)`` takes (S, N, d_model) and (T, N, d_model)
    ((N, S, d_model) with ``batch_first=True``) and returns the decoder output, shaped like tgt.
    Use ``generate_square_subsequent_mask(T)`` as ``tgt_mask`` so step t cannot see t+1, ...

    >>> import autograd as ag, nn
    >>> model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
    ...                        dim_feedforward=16, batch_first=True)
    >>> model(ag.randn(2, 5, 8), ag.randn(2, 4, 8)).shape
    (2, 4, 8)
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: Activation = "relu", custom_encoder: Optional[Module] = None,
                 custom_decoder: Optional[Module] = None, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 dtype: Any = ag.float32) -> None:
        super().__init__()
        kw = dict(dim_feedforward=dim_feedforward, dropout=dropout, activation=activation,
                  layer_norm_eps=layer_norm_eps, batch_first=batch_first, norm_first=norm_first,
                  bias=bias, dtype=dtype)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(
                TransformerEncoderLayer(d_model, nhead, **kw), num_encoder_layers,
                LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(
                TransformerDecoderLayer(d_model, nhead, **kw), num_decoder_layers,
                LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(self, src: Tensor, tgt: Tensor, src_mask: Any = None, tgt_mask: Any = None,
                memory_mask: Any = None, src_key_padding_mask: Any = None,
                tgt_key_padding_mask: Any = None, memory_key_padding_mask: Any = None,
                src_is_causal: Optional[bool] = None, tgt_is_causal: Optional[bool] = None,
                memory_is_causal: bool = False) -> Tensor:
        name = f"Transformer(d_model={self.d_model}, nhead={self.nhead})"
        check_sequence(name, "src", src, self.d_model, self.batch_first)
        check_sequence(name, "tgt", tgt, self.d_model, self.batch_first)
        if src.ndim != tgt.ndim:
            raise ValueError(f"{name}: src of shape {src.shape} and tgt of shape {tgt.shape} must "
                             f"both be batched or both unbatched")
        b = 0 if self.batch_first else 1
        if src.ndim == 3 and src.shape[b] != tgt.shape[b]:
            raise RuntimeError(f"{name}: the batch number of src {src.shape} and tgt {tgt.shape} "
                               f"must be equal (axis {b})")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, dtype: Any = ag.float32) -> Tensor:
        """The (sz, sz) float mask with -inf above the diagonal and 0 elsewhere (no peeking ahead).

        >>> import nn
        >>> nn.Transformer.generate_square_subsequent_mask(3)
        tensor([[  0., -inf, -inf],
                [  0.,   0., -inf],
                [  0.,   0.,   0.]])
        """
        return ag.tensor(np.where(np.tri(sz, dtype=bool), 0.0, -np.inf).astype(dtype))
