"""One step of each recurrent cell, composed of differentiable ops: RNN (tanh or relu), LSTM, GRU.

PyTorch's layouts: ``weight_ih`` is (G*H, I) and ``weight_hh`` is (G*H, H), the G gate blocks
stacked in the order LSTM (i, f, g, o), GRU (r, z, n), RNN one block::

    RNN   h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)
    LSTM  i, f, o = sigmoid(.);  g = tanh(.);  c' = f c + i g;  h' = o tanh(c')
    GRU   r, z = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr), sigmoid(... z ...)
          n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn));  h' = (1 - z) n + z h

Each ``*_step`` takes ``xi``, the input's share of the pre-activations (x W_ih^T + b_ih, and for
RNN/LSTM also + b_hh), so that a layer computes it for all steps with one matmul, and ``w_hhT``,
the transposed recurrent weight (transposed once per layer, not once per step).
Every op here is differentiable again, so these steps support ``backward(create_graph=True)``.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple, Union

import autograd as ag
from autograd import Tensor

State = Union[Tensor, Tuple[Tensor, Tensor]]  # a Tensor (RNN, GRU) or a pair (h, c) (LSTM)


def rnn_step(xi: Tensor, h: Tensor, w_hhT: Tensor, b_hh: Optional[Tensor] = None,
             act: Callable[[Tensor], Tensor] = ag.tanh) -> Tensor:
    """h' = act(xi + h W_hh^T)  (b_hh is already in xi)."""
    return act(xi + h @ w_hhT)


def rnn_relu_step(xi: Tensor, h: Tensor, w_hhT: Tensor, b_hh: Optional[Tensor] = None) -> Tensor:
    """h' = relu(xi + h W_hh^T)."""
    return rnn_step(xi, h, w_hhT, b_hh, ag.relu)


def lstm_step(xi: Tensor, state: Tuple[Tensor, Tensor], w_hhT: Tensor,
              b_hh: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
    """(h', c') from the pre-activations xi + h W_hh^T, gates (i, f, g, o)."""
    h, c = state
    H = h.shape[-1]
    a = xi + h @ w_hhT
    # NOTE: one sigmoid over all four blocks (g's block is wasted work) is one node instead of two
    s = ag.sigmoid(a)
    c = s[..., H:2 * H] * c + s[..., :H] * ag.tanh(a[..., 2 * H:3 * H])
    return s[..., 3 * H:] * ag.tanh(c), c


def gru_step(xi: Tensor, h: Tensor, w_hhT: Tensor, b_hh: Optional[Tensor] = None) -> Tensor:
    """h' = n + z (h - n), gates (r, z, n); b_hh stays here because r multiplies b_hn."""
    H = h.shape[-1]
    hh = h @ w_hhT
    if b_hh is not None:
        hh = hh + b_hh
    rz = ag.sigmoid(xi[..., :2 * H] + hh[..., :2 * H])
    n = ag.tanh(xi[..., 2 * H:] + rz[..., :H] * hh[..., 2 * H:])
    return n + rz[..., H:] * (h - n)


#: mode -> (number of gate blocks, the step, whether b_hh folds into the input share)
CELLS: Dict[str, Tuple[int, Callable[..., Any], bool]] = {
    "RNN_TANH": (1, rnn_step, True),
    "RNN_RELU": (1, rnn_relu_step, True),
    "LSTM": (4, lstm_step, True),
    "GRU": (3, gru_step, False),
}


def input_share(mode: str, x: Tensor, w_ih: Tensor, b_ih: Optional[Tensor],
                b_hh: Optional[Tensor]) -> Tensor:
    """x W_ih^T + b_ih (+ b_hh where it folds in), over any leading axes of x, as one matmul."""
    lead = x.shape[:-1]
    xi = (x.reshape(-1, x.shape[-1]) @ w_ih.T).reshape(*lead, w_ih.shape[0])
    if b_ih is not None:
        xi = xi + b_ih
    if b_hh is not None and CELLS[mode][2]:
        xi = xi + b_hh
    return xi


def cell(mode: str, x: Tensor, state: State, w_ih: Tensor, w_hh: Tensor,
         b_ih: Optional[Tensor] = None, b_hh: Optional[Tensor] = None) -> State:
    """One step of the ``mode`` cell ("RNN_TANH", "RNN_RELU", "LSTM" or "GRU") on x of shape (B, I).

    >>> import autograd as ag
    >>> h = cell("GRU", ag.ones(2, 3), ag.zeros(2, 4), ag.full((12, 3), 0.1), ag.full((12, 4), 0.1))
    >>> h.shape
    (2, 4)
    """
    step = CELLS[mode][1]
    return step(input_share(mode, x, w_ih, b_ih, b_hh), state, w_hh.T, b_hh)
