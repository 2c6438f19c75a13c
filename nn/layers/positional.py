"""Positional encodings: what tells attention (which ignores order) where each token sits.

Neither module is in ``torch.nn``; PyTorch's tutorials write the sinusoidal one by hand.
Both add a (S, d_model) table to a sequence (S, N, d_model), or (N, S, d_model) with
``batch_first=True``, or unbatched (S, d_model), then apply dropout.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag
from autograd import Tensor
from nn import init
from nn.layers.dropout import Dropout
from nn.module import Module
from nn.parameter import Parameter


def sinusoidal_table(max_len: int, d_model: int) -> np.ndarray:
    """table[pos, 2i] = sin(pos / 10000^(2i/d_model)), table[pos, 2i+1] = cos(same angle).

    >>> sinusoidal_table(2, 4).round(4)
    array([[0.    , 1.    , 0.    , 1.    ],
           [0.8415, 0.5403, 0.01  , 1.    ]])
    """
    pos = np.arange(max_len)[:, None]
    freq = np.exp(np.arange(0, d_model, 2) * (-np.log(10000.0) / d_model))
    table = np.zeros((max_len, d_model))
    table[:, 0::2] = np.sin(pos * freq)
    table[:, 1::2] = np.cos(pos * freq[:d_model // 2])
    return table


class _Positional(Module):
    # set by the subclasses' __init__ (declared here for the type checker)
    d_model: int
    max_len: int
    batch_first: bool
    dropout: Dropout

    def _table(self) -> Tensor:
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        name = f"{type(self).__name__}(d_model={self.d_model}, max_len={self.max_len})"
        if not isinstance(x, Tensor) or x.ndim not in (2, 3) or x.shape[-1] != self.d_model:
            got = x.shape if isinstance(x, Tensor) else type(x).__name__
            layout = "(N, S, d_model)" if self.batch_first else "(S, N, d_model)"
            raise ValueError(f"{name}: input {got}, expected {layout} or (S, d_model) with "
                             f"d_model={self.d_model}")
        seq = 1 if self.batch_first and x.ndim == 3 else 0
        S = x.shape[seq]
        if S > self.max_len:
            raise ValueError(f"{name}: a sequence of {S} steps (input shape {x.shape}) is longer "
                             f"than max_len={self.max_len}")
        pe = self._table()[:S]
        if x.ndim == 3 and not self.batch_first:
            pe = pe.reshape((S, 1, self.d_model))
        return self.dropout(x + pe)

    def extra_repr(self) -> str:
        return f"d_model={self.d_model}, max_len={self.max_len}, batch_first={self.batch_first}"


class SinusoidalPositionalEncoding(_Positional):
    """Adds the fixed sine/cosine table of "Attention Is All You Need" (not in torch.nn).

    The table is a non-persistent buffer ``pe`` (max_len, d_model): it is recomputed, never
    saved in a ``state_dict``, and gets no gradient.

    >>> import autograd as ag, nn
    >>> enc = nn.SinusoidalPositionalEncoding(d_model=4, max_len=10)
    >>> enc(ag.zeros(2, 4))
    tensor([[0.0000, 1.0000, 0.0000, 1.0000],
            [0.8415, 0.5403, 0.0100, 0.9999]])
    """

    pe: Tensor  # the buffer, registered in __init__

    def __init__(self, d_model: int, max_len: int = 5000, dropout: float = 0.0,
                 batch_first: bool = False, dtype: Any = ag.float32) -> None:
        super().__init__()
        self.d_model, self.max_len, self.batch_first = int(d_model), int(max_len), batch_first
        self.dropout = Dropout(dropout)
        self.register_buffer("pe", ag.tensor(sinusoidal_table(self.max_len, self.d_model).astype(dtype)),
                             persistent=False)

    def _table(self) -> Tensor:
        return self.pe


class LearnedPositionalEncoding(_Positional):
    """Adds a learned (max_len, d_model) table ``weight``, one row per position (BERT/GPT style;
    not in torch.nn). Initialised N(0, 0.02^2), as GPT-2 does.

    >>> import autograd as ag, nn
    >>> enc = nn.LearnedPositionalEncoding(max_len=16, d_model=4, batch_first=True)
    >>> enc(ag.zeros(3, 5, 4)).shape, enc.weight.shape
    ((3, 5, 4), (16, 4))
    """

    def __init__(self, max_len: int, d_model: int, dropout: float = 0.0, batch_first: bool = False,
                 dtype: Any = ag.float32) -> None:
        super().__init__()
        self.d_model, self.max_len, self.batch_first = int(d_model), int(max_len), batch_first
        self.dropout = Dropout(dropout)
        self.weight = Parameter(ag.zeros(self.max_len, self.d_model, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw the table from N(0, 0.02^2)."""
        init.normal_(self.weight, 0.0, 0.02)

    def _table(self) -> Tensor:
        return self.weight
