"""``GRUFn``: one GRU layer over a whole sequence as ONE fused op (gates r, z, n, PyTorch's layout).

For each step t, with ``weight_ih`` (3H, I) and ``weight_hh`` (3H, H)::

    r, z = sigmoid(x_t W_ir^T + b_ir + h W_hr^T + b_hr), sigmoid(x_t W_iz^T + b_iz + h W_hz^T + b_hz)
    n = tanh(x_t W_in^T + b_in + r * (h W_hn^T + b_hn));   h_t = n + z * (h_{t-1} - n)
"""
from __future__ import annotations

from typing import Any, List, Optional

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.function import Array, Grads
from autograd.xp import NP
from nn.functional.rnn_cells import input_share


def _sigmoid(a: np.ndarray) -> np.ndarray:
    # NOTE: sigmoid(a) = (1 + tanh(a / 2)) / 2 exactly; tanh never overflows, so no branches
    return 0.5 * (1 + np.tanh(0.5 * a))


# NOTE: fused because the composed GRU records ~12 nodes per step: W5-GRU (T32 B32 I64 H128)
# took 38.1 ms against 19.1 ms for hand-written numpy (1.99x) and 29.5 ms for torch nn.GRU;
# with this op the same run is 1.1-1.2x numpy (see benchmarks/w5_gru.py).
class GRUFn(ag.Function):
    """One GRU layer over (T, B, I) inputs; returns h_1..h_T, shape (T, B, H).

    Backward is hand-written BPTT on numpy; under ``backward(create_graph=True)`` it is
    ``recorded_gru_bptt``, the same recurrence written with differentiable ops."""
    __slots__ = ()

    def forward(self, x: Array, h0: Optional[Array], w_ih: Array, w_hh: Array, b_ih: Optional[Array] = None,
                b_hh: Optional[Array] = None) -> Array:
        T, B, I = x.shape
        H = w_hh.shape[1]
        dt = np.result_type(*(a for a in (x, h0, w_ih, w_hh, b_ih, b_hh) if a is not None))
        XI = np.matmul(x.reshape(T * B, I), w_ih.T).astype(dt, copy=False).reshape(T, B, 3 * H)
        if b_ih is not None:
            XI += b_ih
        buf = np.empty((T + 1, B, H), dt)  # buf[0] = h0, buf[1:] = the output (no copy)
        buf[0] = 0 if h0 is None else h0
        G = np.empty((T, B, 3 * H), dt)    # r, z, n of every step: backward's cache
        HN = np.empty((T, B, H), dt)       # h_{t-1} W_hn^T + b_hn of every step
        w_hhT = w_hh.T
        for t in range(T):
            hh = np.matmul(buf[t], w_hhT)
            if b_hh is not None:
                hh += b_hh
            g = G[t]
            g[:, :2 * H] = _sigmoid(XI[t, :, :2 * H] + hh[:, :2 * H])
            HN[t] = hh[:, 2 * H:]
            n = g[:, 2 * H:]
            np.multiply(g[:, :H], HN[t], out=n)
            n += XI[t, :, 2 * H:]
            np.tanh(n, out=n)
            np.subtract(buf[t], n, out=buf[t + 1])
            buf[t + 1] *= g[:, H:2 * H]
            buf[t + 1] += n
        # NOTE: buf, saved, is the output's base: the in-place check watches the output too
        self.save_for_backward(x, w_ih, w_hh, G, HN, buf, h0, b_ih, b_hh)
        return buf[1:]

    def backward(self, g: Array) -> Grads:
        x, w_ih, w_hh, G, HN, buf, h0, b_ih, b_hh = self.saved_tensors
        if self.xp is not NP:  # NOTE: create_graph: the backward itself is recorded
            return recorded_gru_bptt(g, x, h0, w_ih, w_hh, b_ih, b_hh)
        T, B, H3 = G.shape
        H = H3 // 3
        one = G.dtype.type(1)
        dXI, dHH = np.empty_like(G), np.empty_like(G)  # gradients of the two pre-activation shares
        dh = np.zeros((B, H), G.dtype)
        for t in range(T - 1, -1, -1):
            r, z, n = G[t, :, :H], G[t, :, H:2 * H], G[t, :, 2 * H:]
            dx, dhh = dXI[t], dHH[t]
            dh += g[t]
            dan = dx[:, 2 * H:]
            np.multiply(dh, one - z, out=dan)
            dan *= one - n * n
            np.multiply(dan, r, out=dhh[:, 2 * H:])
            np.multiply(dan, HN[t], out=dx[:, :H])
            dx[:, :H] *= r * (one - r)
            np.subtract(buf[t], n, out=dx[:, H:2 * H])
            dx[:, H:2 * H] *= dh
            dx[:, H:2 * H] *= z * (one - z)
            dhh[:, :2 * H] = dx[:, :2 * H]
            dh *= z
            dh += np.matmul(dhh, w_hh)
        want = self.needs_input_grad
        dXI2, dHH2 = dXI.reshape(T * B, H3), dHH.reshape(T * B, H3)
        return (np.matmul(dXI2, w_ih).reshape(x.shape) if want[0] else None,
                dh if want[1] else None,
                np.matmul(dXI2.T, x.reshape(T * B, -1)) if want[2] else None,
                np.matmul(dHH2.T, buf[:T].reshape(T * B, H)) if want[3] else None,
                dXI2.sum(axis=0) if want[4] else None,
                dHH2.sum(axis=0) if want[5] else None)


def recorded_gru_bptt(g: Tensor, x: Tensor, h0: Optional[Tensor], w_ih: Tensor, w_hh: Tensor,
                      b_ih: Optional[Tensor], b_hh: Optional[Tensor]) -> tuple:
    """GRUFn's gradients (x, h0, w_ih, w_hh, b_ih, b_hh) for ``g`` = dL/dY with every step a
    recorded differentiable op: the forward is recomputed from the inputs, then BPTT on Tensors."""
    T, B, I = x.shape
    H = w_hh.shape[1]
    h = ag.zeros(B, H, dtype=x.dtype) if h0 is None else h0
    xi, w_hhT, steps = input_share("GRU", x, w_ih, b_ih, b_hh), w_hh.T, []
    for t in range(T):
        hh = h @ w_hhT
        if b_hh is not None:
            hh = hh + b_hh
        rz = ag.sigmoid(xi[t][:, :2 * H] + hh[:, :2 * H])
        r, z, hn = rz[:, :H], rz[:, H:], hh[:, 2 * H:]
        n = ag.tanh(xi[t][:, 2 * H:] + r * hn)
        steps.append((r, z, n, hn, h))
        h = n + z * (h - n)
    dxs: List[Any]   # per step dL/d(input share), filled backwards
    dhhs: List[Any]  # per step dL/d(h @ w_hh^T + b_hh)
    dh, dxs, dhhs = None, [None] * T, [None] * T
    for t in range(T - 1, -1, -1):
        r, z, n, hn, h_prev = steps[t]
        dh = g[t] if dh is None else dh + g[t]
        dan = dh * (1 - z) * (1 - n * n)
        dar = dan * hn * r * (1 - r)
        daz = dh * (h_prev - n) * z * (1 - z)
        dxs[t] = ag.cat([dar, daz, dan], axis=1)
        dhhs[t] = ag.cat([dar, daz, dan * r], axis=1)
        dh = dh * z + dhhs[t] @ w_hh
    dXI = ag.stack(dxs, 0).reshape(T * B, 3 * H)
    dHH = ag.stack(dhhs, 0).reshape(T * B, 3 * H)
    h_prev = ag.stack([s[4] for s in steps], 0).reshape(T * B, H)
    return ((dXI @ w_ih).reshape(T, B, I), None if h0 is None else dh, dXI.T @ x.reshape(T * B, I),
            dHH.T @ h_prev, None if b_ih is None else dXI.sum(axis=0),
            None if b_hh is None else dHH.sum(axis=0))
