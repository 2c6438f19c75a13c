"""``RNNBase``: what ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` share (parameters, checks, layouts).

The parameters are PyTorch's, by name, shape, order and init, so a torch ``state_dict`` loads
unchanged: for layer k and direction suffix s ('' or '_reverse'), ``weight_ih_l{k}{s}``
(G*H, in), ``weight_hh_l{k}{s}`` (G*H, H), ``bias_ih_l{k}{s}``, ``bias_hh_l{k}{s}`` (G*H,), with
G = 1 (RNN), 3 (GRU) or 4 (LSTM) gate blocks, all drawn from U(-1/sqrt(H), 1/sqrt(H)).
The computation is the shared driver ``nn.functional.recurrent.run_layers``.
"""
from __future__ import annotations

import warnings
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

import autograd as ag
from autograd import Tensor
from nn.functional.recurrent import Weights, run_layers
from nn.functional.rnn_cells import CELLS
from nn.layers.rnn_cells import RecurrentModule
from nn.parameter import Parameter


class RNNBase(RecurrentModule):
    """The common layer of ``RNN``, ``LSTM``, ``GRU``; ``mode`` picks the cell (see ``rnn_cells``).

    >>> import autograd as ag
    >>> m = RNNBase("GRU", 3, 4, bidirectional=True)
    >>> [n for n, _ in m.named_parameters()][:5]
    ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse']
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype: Any = ag.float32) -> None:
        super().__init__()
        self.mode = mode
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.num_layers, self.bias, self.batch_first = int(num_layers), bool(bias), bool(batch_first)
        self.bidirectional, self.dropout = bool(bidirectional), float(dropout)
        if self.hidden_size <= 0 or self.input_size <= 0 or self.num_layers <= 0:
            raise ValueError(f"{self._who()}: input_size, hidden_size and num_layers must be positive")
        if isinstance(dropout, bool) or not 0.0 <= self.dropout <= 1.0:
            raise ValueError(f"{self._who()}: dropout must be a probability in [0, 1], got {dropout!r}")
        if self.dropout and self.num_layers == 1:
            warnings.warn(f"{self._who()}: dropout={dropout} acts between layers, so it has no "
                          "effect with num_layers=1", UserWarning, stacklevel=2)
        G, H, D = CELLS[mode][0], self.hidden_size, self.num_directions
        for k in range(self.num_layers):
            n_in = self.input_size if k == 0 else H * D
            for s in self._suffixes():
                setattr(self, f"weight_ih_l{k}{s}", Parameter(ag.zeros(G * H, n_in, dtype=dtype)))
                setattr(self, f"weight_hh_l{k}{s}", Parameter(ag.zeros(G * H, H, dtype=dtype)))
                for name in (f"bias_ih_l{k}{s}", f"bias_hh_l{k}{s}"):
                    if bias:
                        setattr(self, name, Parameter(ag.zeros(G * H, dtype=dtype)))
                    else:
                        self.register_parameter(name, None)
        self.reset_parameters()

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _suffixes(self) -> Tuple[str, ...]:
        return ("", "_reverse")[:self.num_directions]

    def _weights(self) -> List[Weights]:
        return [tuple(getattr(self, f"{w}_l{k}{s}") for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
                for k in range(self.num_layers) for s in self._suffixes()]

    # -- checks: every one runs before any computation, and names the layer ----------------------
    def _check_input(self, x: Tensor) -> None:
        layout = "(batch, seq_len, input_size)" if self.batch_first else "(seq_len, batch, input_size)"
        if not isinstance(x, Tensor):
            raise TypeError(f"{self._who()}: input must be a Tensor, got {type(x).__name__}")
        if x.ndim not in (2, 3):
            raise ValueError(f"{self._who()}: expected input of shape {layout} or (seq_len, input_size), "
                             f"got {x.ndim}D input of shape {x.shape}")
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"{self._who()}: input.shape[-1] must equal input_size={self.input_size}, "
                               f"got input of shape {x.shape}")
        if x.shape[0 if (x.ndim == 2 or not self.batch_first) else 1] == 0:
            raise ValueError(f"{self._who()}: the sequence is empty (input of shape {x.shape})")

    def _check_state(self, hx: Any, want: tuple) -> None:
        names = ("h0", "c0") if self.mode == "LSTM" else ("h0",)
        if self.mode == "LSTM":
            if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
                raise TypeError(f"{self._who()}: hx must be a tuple (h0, c0) of Tensors of shape {want}, "
                                f"got {type(hx).__name__}")
            states = tuple(hx)
        else:
            if not isinstance(hx, Tensor):
                raise TypeError(f"{self._who()}: hx must be one Tensor h0 of shape {want}, "
                                f"got {type(hx).__name__}")
            states = (hx,)
        for name, s in zip(names, states):
            if not isinstance(s, Tensor):
                raise TypeError(f"{self._who()}: {name} must be a Tensor, got {type(s).__name__}")
            if tuple(s.shape) != want:
                raise RuntimeError(f"{self._who()}: expected {name} of shape (num_layers * num_directions, "
                                   f"batch, hidden_size) = {want}, got {s.shape}")

    def _check_lengths(self, lengths: Any, T: int, B: int, batched: bool) -> np.ndarray:
        if not batched:
            raise ValueError(f"{self._who()}: lengths= needs batched input (one length per sequence)")
        arr = np.asarray(lengths.numpy() if isinstance(lengths, Tensor) else lengths)
        if arr.shape != (B,) or arr.dtype.kind not in "iu":
            raise RuntimeError(f"{self._who()}: lengths must be {B} integers (one per sequence), "
                               f"got {arr.dtype} array of shape {arr.shape}")
        if arr.min() < 1 or arr.max() > T:
            raise RuntimeError(f"{self._who()}: every length must be in [1, seq_len={T}], "
                               f"got lengths {arr.tolist()}")
        return arr.astype(np.int64)

    # -- the forward pass ---------------------------------------------------------------------
    def forward(self, input: Tensor, hx: Any = None,
                lengths: Optional[Sequence[int]] = None) -> Tuple[Tensor, Any]:
        """Run every layer over ``input``; see the class docstring of RNN, LSTM or GRU."""
        self._check_input(input)
        batched = input.ndim == 3
        x = input if not batched else (input.swapaxes(0, 1) if self.batch_first else input)
        if not batched:
            x = x.unsqueeze(1)
        T, B = x.shape[0], x.shape[1]
        L = self.num_layers * self.num_directions
        if hx is not None:
            self._check_state(hx, (L, B, self.hidden_size) if batched else (L, self.hidden_size))
            if not batched:
                hx = tuple(s.unsqueeze(1) for s in hx) if self.mode == "LSTM" else hx.unsqueeze(1)
        lens = None if lengths is None else self._check_lengths(lengths, T, B, batched)
        if lens is not None and lens.min() == T:
            lens = None  # NOTE: no padding: the unmasked (for LSTM, fused) path gives the same result
        out, h_n = run_layers(self.mode, x, hx, self._weights(), self.num_layers, self.num_directions,
                              self.dropout, self.training, lens)
        if not batched:
            return out[:, 0], (tuple(s[:, 0] for s in h_n) if self.mode == "LSTM" else h_n[:, 0])
        return (out.swapaxes(0, 1) if self.batch_first else out), h_n

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s
