"""``RNN``, ``LSTM``, ``GRU``: PyTorch's recurrent layers, all three on one driver (``RNNBase``)."""
from __future__ import annotations

from typing import Any

import autograd as ag
from nn.layers.rnn_base import RNNBase


class RNN(RNNBase):
    """An Elman RNN, PyTorch's ``nn.RNN``: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).

    ``nonlinearity`` is 'tanh' or 'relu'. Input (T, B, input_size) (or (B, T, input_size) with
    ``batch_first=True``, or unbatched (T, input_size)); ``forward(x, h0=None, lengths=None)``
    returns ``(output, h_n)``: output (T, B, D * hidden_size) holds the last layer's hidden
    states (both directions concatenated when ``bidirectional``), h_n (num_layers * D, B, H)
    every layer's last state. ``lengths`` (one per sequence, any order, each in [1, T]) marks
    right-padded sequences: padded steps keep the state, output zeros and get no gradient, and
    h_n holds each sequence's state at its own last step (PyTorch's packed sequences).
    Parameters as in PyTorch (see ``RNNBase``): ``weight_ih_l0`` (H, I), ``weight_hh_l0`` (H, H), ...

    >>> import autograd as ag, nn
    >>> rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True)
    >>> out, h_n = rnn(ag.randn(5, 2, 3))
    >>> out.shape, h_n.shape
    ((5, 2, 8), (4, 2, 4))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, dtype: Any = ag.float32) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, dtype)

    def extra_repr(self) -> str:
        s = super().extra_repr()
        return s + (", nonlinearity='relu'" if self.nonlinearity == "relu" else "")


class LSTM(RNNBase):
    """A long short-term memory network, PyTorch's ``nn.LSTM``; gates stacked as (i, f, g, o).

    Same arguments, layouts and ``lengths`` as ``RNN``; ``forward(x, (h0, c0))`` takes both
    initial states (zeros when omitted) and returns ``(output, (h_n, c_n))``. Parameters
    ``weight_ih_l{k}`` (4H, in), ``weight_hh_l{k}`` (4H, H), ``bias_*`` (4H,), ``*_reverse``.

    Without ``lengths`` each layer is one fused op (``nn.functional.rnn.LSTMFn``, numpy BPTT);
    ``backward(create_graph=True)`` still works (its backward is then recorded op by op).

    Truncated backpropagation through time: train on a long stream in chunks and carry the
    state across chunks cut from the graph, so memory and the cost of a step stay bounded::

        state = None
        for chunk, target in chunks:                # chunk: (T, B, input_size)
            out, state = lstm(chunk, state)
            loss = loss_fn(head(out), target)
            opt.zero_grad(); loss.backward(); opt.step()
            state = tuple(s.detach() for s in state)  # keep the values, drop the graph

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
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype)


class GRU(RNNBase):
    """A gated recurrent unit network, PyTorch's ``nn.GRU``; gates stacked as (r, z, n)::

        r, z = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr), sigmoid(... z ...)
        n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn));  h' = (1 - z) * n + z * h

    Same arguments, layouts and ``lengths`` as ``RNN``; returns ``(output, h_n)``.

    >>> import autograd as ag, nn
    >>> gru = nn.GRU(3, 4, batch_first=True)
    >>> out, h_n = gru(ag.randn(2, 5, 3))
    >>> out.shape, h_n.shape, gru.weight_ih_l0.shape
    ((2, 5, 4), (1, 2, 4), (12, 3))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype: Any = ag.float32) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype)
