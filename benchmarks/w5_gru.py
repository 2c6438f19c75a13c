"""W5 GRU: the LSTM case's sizes (seq 32, batch 32, input 64, hidden 128) for ``nn.GRU``;
forward + sum of all outputs + backward, ms.

Gates in PyTorch's order (r, z, n) and layout (weight_ih (3H, I), weight_hh (3H, H), bias_ih,
bias_hh), zero initial state: n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)), h' = n + z (h - n).

Contenders: tapegrad ``nn.GRU`` (one fused op per layer, ``nn.functional.gru.GRUFn``); numpy by
hand (input projection hoisted out of the loop, backward through time by hand, parameter
gradients one matmul each after the loop); PyTorch ``nn.GRU`` (fused) and a ``GRUCell`` loop.
"""
from __future__ import annotations

from typing import Dict, List

import numpy as np

from benchmarks import peers
from benchmarks.harness import Case, Contender, Row, Target, check_close, find

WORKLOAD = "W5"
CASE = "GRU T32 B32 I64 H128, fwd+sum+bwd"
T, B, I, H = 32, 32, 64, 128
PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def problem(seed: int = 1) -> Dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = 1 / np.sqrt(H)  # PyTorch's GRU init: U(-1/sqrt(H), 1/sqrt(H))
    return {"x": rng.standard_normal((T, B, I)).astype(np.float32),
            "weight_ih": rng.uniform(-k, k, (3 * H, I)).astype(np.float32),
            "weight_hh": rng.uniform(-k, k, (3 * H, H)).astype(np.float32),
            "bias_ih": rng.uniform(-k, k, 3 * H).astype(np.float32),
            "bias_hh": rng.uniform(-k, k, 3 * H).astype(np.float32)}


def _sigmoid_(a: np.ndarray) -> np.ndarray:
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)
    return a


def numpy_runner(p: Dict[str, np.ndarray]):
    x, Wih, Whh, bih, bhh = p["x"], p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"]
    WihT, WhhT = np.ascontiguousarray(Wih.T), np.ascontiguousarray(Whh.T)
    one = np.float32(1)

    def forward_backward():
        XI = (x.reshape(T * B, I) @ WihT).reshape(T, B, 3 * H)
        XI += bih
        Hs = np.zeros((T + 1, B, H), np.float32)    # Hs[t] = h before step t
        G = np.empty((T, B, 3 * H), np.float32)     # r, z, n of every step
        HN = np.empty((T, B, H), np.float32)        # h W_hn^T + b_hn of every step
        with np.errstate(over="ignore"):
            for t in range(T):
                hh = Hs[t] @ WhhT
                hh += bhh
                g = G[t]
                np.add(XI[t, :, :2 * H], hh[:, :2 * H], out=g[:, :2 * H])
                _sigmoid_(g[:, :2 * H])
                HN[t] = hh[:, 2 * H:]
                n = g[:, 2 * H:]
                np.multiply(g[:, :H], hh[:, 2 * H:], out=n)
                n += XI[t, :, 2 * H:]
                np.tanh(n, out=n)
                h = Hs[t + 1]
                np.subtract(Hs[t], n, out=h)
                h *= g[:, H:2 * H]
                h += n
        loss = Hs[1:].sum(dtype=np.float64)
        dXI = np.empty_like(XI)
        dHH = np.empty_like(XI)
        dh = np.zeros((B, H), np.float32)
        for t in range(T - 1, -1, -1):
            g = G[t]
            r, z, n = g[:, :H], g[:, H:2 * H], g[:, 2 * H:]
            dh += one
            dx, dhh = dXI[t], dHH[t]
            dan = dx[:, 2 * H:]
            np.multiply(dh, one - z, out=dan)
            dan *= one - n * n
            np.multiply(dan, r, out=dhh[:, 2 * H:])
            dr = dx[:, :H]
            np.multiply(dan, HN[t], out=dr)
            dr *= r * (one - r)
            dz = dx[:, H:2 * H]
            np.subtract(Hs[t], n, out=dz)
            dz *= dh
            dz *= z * (one - z)
            dhh[:, :2 * H] = dx[:, :2 * H]
            dh *= z
            dh += dhh @ Whh
        dXI2, dHH2 = dXI.reshape(T * B, 3 * H), dHH.reshape(T * B, 3 * H)
        return {"weight_ih": dXI2.T @ x.reshape(T * B, I), "weight_hh": dHH2.T @ Hs[:T].reshape(T * B, H),
                "bias_ih": dXI2.sum(axis=0), "bias_hh": dHH2.sum(axis=0), "loss": loss}

    return forward_backward, forward_backward


def tapegrad_nn_runner(p: Dict[str, np.ndarray]):
    import autograd as ag
    import nn
    gru = nn.GRU(I, H)
    with ag.no_grad():
        for k in PARAMS:
            getattr(gru, k + "_l0").data[...] = p[k]
    x = ag.tensor(p["x"])
    params = [getattr(gru, k + "_l0") for k in PARAMS]

    def forward_backward():
        out, _ = gru(x)
        loss = out.sum()
        loss.backward()
        grads = {k: q.grad.data for k, q in zip(PARAMS, params)}
        for q in params:
            q.grad = None
        grads["loss"] = loss.data
        return grads

    return forward_backward, forward_backward


def _torch_runner(p: Dict[str, np.ndarray], torch, cell: bool):
    m = torch.nn.GRUCell(I, H) if cell else torch.nn.GRU(I, H)
    params = [getattr(m, k if cell else k + "_l0") for k in PARAMS]
    with torch.no_grad():
        for k, q in zip(PARAMS, params):
            q.copy_(torch.from_numpy(p[k]))
    x = torch.from_numpy(p["x"])

    def forward_backward():
        if cell:
            h, outs = torch.zeros(B, H), []
            for t in range(T):
                h = m(x[t], h)
                outs.append(h)
            out = torch.stack(outs)
        else:
            out, _ = m(x)
        loss = out.sum()
        loss.backward()
        g = {k: q.grad.numpy().copy() for k, q in zip(PARAMS, params)}
        for q in params:
            q.grad = None
        g["loss"] = loss.detach().numpy()
        return g

    return forward_backward, forward_backward


def cases() -> List[Case]:
    p = problem()
    torch = peers.torch()
    np_fb, _ = numpy_runner(p)
    ref = np_fb()
    fb, _ = tapegrad_nn_runner(p)
    check_close(WORKLOAD, "numpy GRU reference vs tapegrad nn.GRU", ref, fb(), tol=1e-3)
    cons = [Contender("tapegrad nn.GRU", "ours", fb, "fused GRUFn, numpy BPTT"),
            Contender("numpy (hand-written)", "numpy", np_fb, "checked against tapegrad nn.GRU")]
    if torch is not None:
        fg, _ = _torch_runner(p, torch, cell=False)
        fc, _ = _torch_runner(p, torch, cell=True)
        check_close(WORKLOAD, "PyTorch nn.GRU vs numpy", fg(), ref, tol=1e-3)
        check_close(WORKLOAD, "PyTorch GRUCell loop vs numpy", fc(), ref, tol=1e-3)
        cons.append(Contender("torch nn.GRU", "torch", fg, "fused"))
        cons.append(Contender("torch GRUCell loop", "torch", fc, "Python loop over steps"))
    else:
        cons.append(Contender("torch", "torch", None, peers.torch_reason()))
    return [Case(WORKLOAD, CASE, "ms", cons)]


def targets(rows: List[Row]) -> List[Target]:
    """Issue 18 asks for the GRU row at the LSTM's size; it is held to the LSTM's 1.2x numpy."""
    ours, ref = find(rows, CASE, "tapegrad nn.GRU"), find(rows, CASE, "numpy (hand-written)")
    torch = find(rows, CASE, "torch nn.GRU")
    what = "GRU: at most 1.2x the numpy limit (tapegrad nn.GRU)"
    if ours is None or ours.median is None or ref is None or not ref.median:
        return [Target(WORKLOAD, what, "not available", None)]
    r = ours.median / ref.median
    s = f"{r:.2f}x numpy"
    if torch is not None and torch.median:
        s += f" ({ours.median / torch.median:.2f}x torch nn.GRU)"
    return [Target(WORKLOAD, what, s, r <= 1.2)]
