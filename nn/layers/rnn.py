"""``LSTM``: a stack of LSTM layers, each run as one fused op (``nn.functional.rnn.LSTMFn``)."""
from __future__ import annotations

import math
from typing import Any, Optional, Tuple

import autograd as ag
from autograd.tensor import Tensor
from nn import init
from nn.functional.rnn import LSTMFn, check_lstm_args
from nn.module import Module
from nn.parameter import Parameter


class LSTM(Module):
    """A long short-term memory network over sequences, PyTorch's ``nn.LSTM``.

    Input (T, B, input_size), or (B, T, input_size) with ``batch_first=True``, or unbatched
    (T, input_size). ``forward(x, (h0, c0))`` takes initial states of shape
    (num_layers, B, hidden_size) (zeros when omitted) and returns ``output`` (the last
    layer's hidden state at every step) and ``(h_n, c_n)`` (every layer's last states).

    Parameters per layer k, PyTorch's names and layout, gates stacked as (i, f, g, o):
    ``weight_ih_l{k}`` (4H, in), ``weight_hh_l{k}`` (4H, H), ``bias_ih_l{k}``, ``bias_hh_l{k}``
    (4H,), all drawn from PyTorch's default U(-1/sqrt(H), 1/sqrt(H)).

    Not supported: ``dropout`` between layers, ``bidirectional``, ``proj_size``, and second
    derivatives (``backward(create_graph=True)`` raises a RuntimeError).

    >>> import autograd as ag, nn
    >>> lstm = nn.LSTM(3, 4)
    >>> out, (h, c) = lstm(ag.randn(5, 2, 3))
    >>> out.shape, h.shape, c.shape
    ((5, 2, 4), (1, 2, 4), (1, 2, 4))
    >>> out.sum().backward()
    >>> lstm.weight_hh_l0.grad.shape
    (16, 4)
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype: Any = ag.float32) -> None:
        super().__init__()
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.num_layers, self.bias, self.batch_first = int(num_layers), bool(bias), bool(batch_first)
        if self.hidden_size <= 0 or self.input_size <= 0 or self.num_layers <= 0:
            raise ValueError(f"{self._who()}: input_size, hidden_size and num_layers must be positive")
        if dropout or bidirectional:
            # NOTE: refused rather than silently ignored: a model would train differently
            raise NotImplementedError(f"{self._who()}: dropout and bidirectional are not supported yet")
        H = self.hidden_size
        for k in range(self.num_layers):
            n_in = self.input_size if k == 0 else H
            setattr(self, f"weight_ih_l{k}", Parameter(ag.zeros(4 * H, n_in, dtype=dtype)))
            setattr(self, f"weight_hh_l{k}", Parameter(ag.zeros(4 * H, H, dtype=dtype)))
            for name in (f"bias_ih_l{k}", f"bias_hh_l{k}"):
                if bias:
                    setattr(self, name, Parameter(ag.zeros(4 * H, dtype=dtype)))
                else:
                    self.register_parameter(name, None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _who(self) -> str:
        return f"LSTM(input_size={self.input_size}, hidden_size={self.hidden_size})"

    def forward(self, x: Tensor, hx: Optional[Tuple[Tensor, Tensor]] = None
                ) -> Tuple[Tensor, Tuple[Tensor, Tensor]]:
        who, L, H = self._who(), self.num_layers, self.hidden_size
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            layout = "(batch, seq_len, input_size)" if self.batch_first else "(seq_len, batch, input_size)"
            raise ValueError(f"{who}: input must have shape {layout} or (seq_len, input_size) with "
                             f"input_size={self.input_size}, got {x.shape}")
        batched = x.ndim == 3
        if not batched:
            x = x.unsqueeze(1)
        elif self.batch_first:
            x = x.swapaxes(0, 1)
        T, B = x.shape[0], x.shape[1]
        if hx is not None:
            want = (L, B, H) if batched else (L, H)
            h0, c0 = hx
            for name, s in (("h0", h0), ("c0", c0)):
                if tuple(s.shape) != want:
                    raise ValueError(f"{who}: {name} must have shape (num_layers, batch, hidden_size) = "
                                     f"{want} for input of shape {x.shape if batched else x.shape[::2]}, "
                                     f"got {s.shape}")
            if not batched:
                h0, c0 = h0.unsqueeze(1), c0.unsqueeze(1)
        hs, cs = [], []
        for k in range(L):
            w_ih, w_hh = getattr(self, f"weight_ih_l{k}"), getattr(self, f"weight_hh_l{k}")
            b_ih, b_hh = getattr(self, f"bias_ih_l{k}"), getattr(self, f"bias_hh_l{k}")
            h, c = (None, None) if hx is None else (h0[k], c0[k])
            if k == 0:
                check_lstm_args(who, x, w_ih, w_hh, b_ih, b_hh, h, c)
            y = LSTMFn.apply(x, h, c, w_ih, w_hh, b_ih, b_hh)
            x = y[:T]
            hs.append(y[T - 1:T])
            cs.append(y[T:T + 1])
        h_n, c_n = (hs[0], cs[0]) if L == 1 else (ag.cat(hs, 0), ag.cat(cs, 0))
        if not batched:
            return x[:, 0], (h_n[:, 0], c_n[:, 0])
        if self.batch_first:
            x = x.swapaxes(0, 1)
        return x, (h_n, c_n)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        return s
