"""The one multi-layer, bidirectional, variable-length driver behind ``nn.RNN``, ``nn.LSTM``, ``nn.GRU``.

``run_layers`` runs ``num_layers`` x ``num_directions`` passes of a cell over a (T, B, I)
sequence; the cell is chosen by ``mode`` ("RNN_TANH", "RNN_RELU", "LSTM", "GRU", see
``rnn_cells``). Layer k > 0 reads the concatenated outputs of both directions of layer k - 1,
with dropout between layers while training (PyTorch's semantics).

Variable lengths (``lengths``, one per sequence, any order): a padded step leaves the state
unchanged (``where(valid, new, old)``, so the step's cell gets exactly zero gradient), the
output there is zero, and the reverse direction reads each sequence backwards from its own
last step (a per-sequence reversal, the same gather before and after the pass).
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

import autograd as ag
from autograd import Tensor
from nn.functional.dropout import dropout as _dropout
from nn.functional.rnn import LSTMFn
from nn.functional.rnn_cells import CELLS, input_share

Weights = Tuple[Tensor, Tensor, Optional[Tensor], Optional[Tensor]]  # w_ih, w_hh, b_ih, b_hh


def layer(mode: str, x: Tensor, state: Any, w_ih: Tensor, w_hh: Tensor, b_ih: Optional[Tensor],
          b_hh: Optional[Tensor], valid: Optional[np.ndarray] = None) -> Tuple[Tensor, Any]:
    """One direction of one layer over x (T, B, I): (outputs (T, B, H), the final state).

    ``state`` is None (zeros), h (B, H), or (h, c) for LSTM; ``valid`` (T, B, 1) bool marks the
    real (not padded) steps.
    """
    T, B = x.shape[0], x.shape[1]
    H = w_hh.shape[1]
    if mode == "LSTM" and valid is None:
        # NOTE: the fused op (one node for the whole sequence, numpy BPTT); its backward under
        # create_graph is recorded_bptt, so second derivatives still work
        h0, c0 = (None, None) if state is None else state
        y = LSTMFn.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh)
        return y[:T], (y[T - 1], y[T])
    if state is None:
        z = ag.zeros(B, H, dtype=x.dtype)
        state = (z, z) if mode == "LSTM" else z
    step = CELLS[mode][1]
    xi, w_hhT, outs = input_share(mode, x, w_ih, b_ih, b_hh), w_hh.T, []
    for t in range(T):
        new = step(xi[t], state, w_hhT, b_hh)
        if valid is not None:
            m = valid[t]
            new = (tuple(ag.where(m, a, b) for a, b in zip(new, state)) if mode == "LSTM"
                   else ag.where(m, new, state))
        state = new
        outs.append(state[0] if mode == "LSTM" else state)
    out = ag.stack(outs, 0)
    if valid is not None:
        out = out * valid.astype(out.dtype)  # NOTE: zero output (and gradient) at padded steps
    return out, state


def _reversal(lengths: np.ndarray, T: int) -> Tuple[np.ndarray, np.ndarray]:
    """The index that reverses each sequence b within its first lengths[b] steps (an involution)."""
    t = np.arange(T)[:, None]
    return np.where(t < lengths, lengths - 1 - t, t), np.arange(len(lengths))[None, :]


def run_layers(mode: str, x: Tensor, hx: Any, weights: Sequence[Weights], num_layers: int,
               num_directions: int, dropout: float = 0.0, training: bool = False,
               lengths: Optional[np.ndarray] = None) -> Tuple[Tensor, Any]:
    """Every layer and direction over x (T, B, I), as PyTorch's RNN/LSTM/GRU do.

    ``hx``: None, h0 of shape (num_layers * num_directions, B, H), or (h0, c0) for LSTM;
    ``weights[k * num_directions + d]`` are layer k's in direction d (1 = reverse).
    Returns the output (T, B, num_directions * H) and h_n (or (h_n, c_n)) like hx.

    >>> import autograd as ag
    >>> w = [(ag.full((6, 3), 0.1), ag.full((6, 2), 0.1), None, None)] * 2
    >>> out, h_n = run_layers("GRU", ag.ones(4, 1, 3), None, w, 1, 2, lengths=None)
    >>> out.shape, h_n.shape
    ((4, 1, 4), (2, 1, 2))
    """
    T = x.shape[0]
    lstm, D = mode == "LSTM", num_directions
    valid = rev = None
    if lengths is not None:
        valid = (np.arange(T)[:, None] < lengths[None, :])[:, :, None]
        rev = _reversal(lengths, T)
    finals: List[Any] = []
    for k in range(num_layers):
        outs = []
        for d in range(D):
            j = k * D + d
            state = None if hx is None else ((hx[0][j], hx[1][j]) if lstm else hx[j])
            xin = x if d == 0 else (x.flip(0) if rev is None else x[rev])
            out, state = layer(mode, xin, state, *weights[j], valid=valid)
            outs.append(out if d == 0 else (out.flip(0) if rev is None else out[rev]))
            finals.append(state)
        x = outs[0] if D == 1 else ag.cat(outs, axis=2)
        if dropout and training and k < num_layers - 1:
            x = _dropout(x, dropout, True)
    if lstm:
        return x, (ag.stack([s[0] for s in finals], 0), ag.stack([s[1] for s in finals], 0))
    return x, ag.stack(finals, 0)
