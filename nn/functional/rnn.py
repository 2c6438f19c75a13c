"""``lstm``: one LSTM layer over a whole sequence as ONE fused op, ``LSTMFn``.

Gates follow PyTorch's order and layout: ``weight_ih`` is (4H, I), ``weight_hh`` is
(4H, H), rows grouped as (i, f, g, o). For each step t::

    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
    i, f, o = sigmoid(a_t[i]), sigmoid(a_t[f]), sigmoid(a_t[o]);  g = tanh(a_t[g])
    c_t = f * c_{t-1} + i * g;   h_t = o * tanh(c_t)
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

import numpy as np

import autograd as ag
from autograd.function import Array, Function, Grads
from autograd.special import sigmoid
from autograd.tensor import Tensor
from autograd.xp import NP
from nn.functional.rnn_cells import input_share


# NOTE: fused because a cell loop written with raw ops records ~12 nodes per step and pays
# the engine's per-node cost in both passes; this records one node for the whole sequence,
# and its backward is backpropagation through time on plain numpy arrays.
class LSTMFn(Function):
    """One LSTM layer over (T, B, I) inputs; returns Y of shape (T + 1, B, H) where
    Y[:T] are the hidden states h_1..h_T and Y[T] is the last cell state c_T.

    Backward is hand-written BPTT; the gradients of the gate pre-activations of all steps
    are kept, so the weight gradients are one matmul each after the loop.

    Under ``backward(create_graph=True)`` the numpy caches cannot be differentiated, so the
    backward is ``recorded_bptt``: the same BPTT written with differentiable ops on the
    inputs (forward recomputed from them), so gradients of gradients are exact.
    """
    __slots__ = ()

    def forward(self, x: Array, h0: Array, c0: Array, w_ih: Array, w_hh: Array, b_ih: Optional[Array] = None, b_hh: Optional[Array] = None) -> Array:
        T, B, I = x.shape
        H = w_hh.shape[1]
        dt = np.result_type(*(a for a in (x, h0, c0, w_ih, w_hh, b_ih, b_hh) if a is not None))
        # NOTE: the gate rows are reordered (i, f, g, o) -> (i, f, o, g) for the forward pass
        # only, so the three sigmoid gates of a step are one block and take one sigmoid call
        # (the stable sigmoid has a fixed cost per call); backward reads the activations in
        # this order and writes its gradients in PyTorch's order, so nothing is permuted back
        perm = np.r_[0:2 * H, 3 * H:4 * H, 2 * H:3 * H]
        # NOTE: the input projection does not depend on h, so every step's share is one
        # (T*B, I) x (I, 4H) matmul, hoisted out of the loop; both biases are folded in here
        A = np.matmul(x.reshape(T * B, I), w_ih[perm].T).astype(dt, copy=False).reshape(T, B, 4 * H)
        if b_ih is not None:
            A += b_ih[perm]
        if b_hh is not None:
            A += b_hh[perm]
        # NOTE: one buffer holds h0, h_1..h_T and c_T: the output is the view buf[1:], and
        # buf[:T] is the (T*B, H) matrix of previous states that dW_hh needs, with no copy
        buf = np.empty((T + 2, B, H), dt)
        buf[0] = 0 if h0 is None else h0
        C = np.empty((T + 1, B, H), dt)  # C[0] = c0, C[t] = c_t
        C[0] = 0 if c0 is None else c0
        TC = np.empty((T, B, H), dt)     # tanh(c_t), reused by backward
        w_hhT = w_hh[perm].T
        for t in range(T):
            a = A[t]  # becomes the activated gates (i, f, o, g) in place: backward's cache
            a += np.matmul(buf[t], w_hhT)
            a[:, :3 * H] = sigmoid(a[:, :3 * H])           # i, f, o
            np.tanh(a[:, 3 * H:], out=a[:, 3 * H:])         # g
            c = C[t + 1]
            np.multiply(a[:, H:2 * H], C[t], out=c)
            c += a[:, :H] * a[:, 3 * H:]
            np.tanh(c, out=TC[t])
            np.multiply(a[:, 2 * H:3 * H], TC[t], out=buf[t + 1])
        buf[T + 1] = C[T]
        # NOTE: every input is saved (not only those the numpy BPTT reads) so that under
        # create_graph the engine hands them back as Tensors for recorded_bptt
        self.save_for_backward(x, w_ih, w_hh, A, C, TC, buf, h0, c0, b_ih, b_hh)
        return buf[1:]

    def backward(self, g: Array) -> Grads:
        if self.xp is not NP:
            x, w_ih, w_hh, *_, h0, c0, b_ih, b_hh = self.saved_tensors
            return recorded_bptt(g, x, h0, c0, w_ih, w_hh, b_ih, b_hh)
        x, w_ih, w_hh, A, C, TC, buf = self.saved_tensors[:7]
        need = self.needs_input_grad
        T, B, H4 = A.shape
        H = H4 // 4
        dt = A.dtype
        one = dt.type(1)
        dA = np.empty_like(A)                 # gradients of the gate pre-activations
        dh = np.zeros((B, H), dt)             # dL/dh_t from later steps
        dc = np.array(g[T], dtype=dt)         # dL/dc_T from the c_n output (a copy we own)
        for t in range(T - 1, -1, -1):
            a, tc, d = A[t], TC[t], dA[t]
            i, f, o, gg = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]  # forward's order
            di, df, dg, do = d[:, :H], d[:, H:2 * H], d[:, 2 * H:3 * H], d[:, 3 * H:]  # PyTorch's
            dh += g[t]
            np.multiply(dh, tc, out=do)
            do *= o * (one - o)
            dc += dh * o * (one - tc * tc)
            np.multiply(dc, gg, out=di)
            di *= i * (one - i)
            np.multiply(dc, i, out=dg)
            dg *= one - gg * gg
            np.multiply(dc, C[t], out=df)
            df *= f * (one - f)
            dc *= f                           # now dL/dc_{t-1}
            if t or need[1]:
                dh = np.matmul(d, w_hh)       # now dL/dh_{t-1}
        dA2 = dA.reshape(T * B, H4)
        gx = np.matmul(dA2, w_ih).reshape(x.shape) if need[0] else None
        gwih = np.matmul(dA2.T, x.reshape(T * B, -1)) if need[3] else None
        gwhh = np.matmul(dA2.T, buf[:T].reshape(T * B, H)) if need[4] else None
        db: Any = dA2.sum(axis=0) if (need[5] or need[6]) else None  # NOTE: None only when unused
        return (gx, dh if need[1] else None, dc if need[2] else None, gwih, gwhh,
                db if need[5] else None,
                # NOTE: a copy: two leaves must not share one gradient array (accumulation is in place)
                db.copy() if need[6] else None)


def recorded_bptt(g: Tensor, x: Tensor, h0: Optional[Tensor], c0: Optional[Tensor], w_ih: Tensor,
                  w_hh: Tensor, b_ih: Optional[Tensor], b_hh: Optional[Tensor]) -> tuple:
    """LSTMFn's gradients (x, h0, c0, w_ih, w_hh, b_ih, b_hh) for ``g`` = dL/dY, with every
    step a recorded differentiable op: the forward is recomputed with ``lstm_step``'s ops,
    then the BPTT recurrence of ``LSTMFn.backward`` runs on Tensors."""
    T, B, I = x.shape
    H = w_hh.shape[1]
    h = ag.zeros(B, H, dtype=x.dtype) if h0 is None else h0
    c = ag.zeros(B, H, dtype=x.dtype) if c0 is None else c0
    steps: List[Tuple[Tensor, ...]]  # per step (i, f, g, o, c_prev, h_prev, tanh(c))
    das: List[Any]                   # per step dL/d(gate pre-activations), filled backwards
    xi, w_hhT, steps = input_share("LSTM", x, w_ih, b_ih, b_hh), w_hh.T, []
    for t in range(T):
        a = xi[t] + h @ w_hhT
        s = ag.sigmoid(a)
        i, f, o, gg = s[:, :H], s[:, H:2 * H], s[:, 3 * H:], ag.tanh(a[:, 2 * H:3 * H])
        steps.append((i, f, gg, o, c, h))
        c = f * c + i * gg
        h = o * ag.tanh(c)
        steps[-1] += (ag.tanh(c),)
    dh, dc, das = None, g[T], [None] * T
    for t in range(T - 1, -1, -1):
        i, f, gg, o, c_prev, _, tc = steps[t]
        dh = g[t] if dh is None else dh + g[t]
        do = dh * tc * o * (1 - o)
        dc = dc + dh * o * (1 - tc * tc)
        das[t] = ag.cat([dc * gg * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - gg * gg), do],
                        axis=1)
        dc = dc * f
        dh = das[t] @ w_hh
    dA = ag.stack(das, 0).reshape(T * B, 4 * H)
    h_prev = ag.stack([s[5] for s in steps], 0).reshape(T * B, H)
    db = dA.sum(axis=0)
    return ((dA @ w_ih).reshape(T, B, I), None if h0 is None else dh, None if c0 is None else dc,
            dA.T @ x.reshape(T * B, I), dA.T @ h_prev,
            None if b_ih is None else db, None if b_hh is None else db)


def check_lstm_args(who: str, x: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Optional[Tensor],
                    b_hh: Optional[Tensor], h0: Optional[Tensor], c0: Optional[Tensor]) -> None:
    """Raise a ValueError starting with ``who`` if the shapes of one layer's arguments disagree."""
    if w_hh.ndim != 2 or w_hh.shape[0] != 4 * w_hh.shape[1] or w_hh.shape[1] == 0:
        raise ValueError(f"{who}: weight_hh must have shape (4*hidden_size, hidden_size), got {w_hh.shape}")
    H = w_hh.shape[1]
    if w_ih.ndim != 2 or w_ih.shape[0] != 4 * H:
        raise ValueError(f"{who}: weight_ih must have shape (4*hidden_size, input_size) = ({4 * H}, I), "
                         f"got {w_ih.shape}")
    if x.ndim != 3 or x.shape[0] == 0 or x.shape[2] != w_ih.shape[1]:
        raise ValueError(f"{who}: input must have shape (seq_len>0, batch, input_size={w_ih.shape[1]}), "
                         f"got {x.shape}")
    for name, b in (("bias_ih", b_ih), ("bias_hh", b_hh)):
        if b is not None and tuple(b.shape) != (4 * H,):
            raise ValueError(f"{who}: {name} must have shape ({4 * H},), got {b.shape}")
    for name, s in (("h0", h0), ("c0", c0)):
        if s is not None and tuple(s.shape) != (x.shape[1], H):
            raise ValueError(f"{who}: {name} must have shape (batch, hidden_size) = ({x.shape[1]}, {H}) "
                             f"for input of shape {x.shape}, got {s.shape}")


def lstm(input: Tensor, hx: Optional[Tuple[Tensor, Tensor]], weight_ih: Tensor, weight_hh: Tensor,
         bias_ih: Optional[Tensor] = None, bias_hh: Optional[Tensor] = None
         ) -> Tuple[Tensor, Tuple[Tensor, Tensor]]:
    """One LSTM layer: ``input`` (T, B, I), ``hx = (h0, c0)`` of shape (B, H) each, or None
    for zeros. Returns ``output`` (T, B, H) and ``(h_n, c_n)`` of shape (B, H) each.

    >>> import autograd as ag, nn.functional as F
    >>> w_ih, w_hh = ag.full((8, 3), 0.1), ag.full((8, 2), 0.1)
    >>> out, (h, c) = F.lstm(ag.ones(4, 1, 3), None, w_ih, w_hh)
    >>> out.shape, h.shape, c.shape
    ((4, 1, 2), (1, 2), (1, 2))
    >>> bool((out[-1] == h).all())
    True
    """
    h0, c0 = (None, None) if hx is None else hx
    check_lstm_args("lstm", input, weight_ih, weight_hh, bias_ih, bias_hh, h0, c0)
    y = LSTMFn.apply(input, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh)
    T = input.shape[0]
    return y[:T], (y[T - 1], y[T])
