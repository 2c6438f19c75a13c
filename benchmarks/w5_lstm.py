"""W5 LSTM: seq 32, batch 32, input 64, hidden 128; forward + sum of all outputs + backward, ms.

Gates in PyTorch's order (i, f, g, o), PyTorch's parameter layout
(weight_ih (4H, I), weight_hh (4H, H), bias_ih, bias_hh), zero initial state.
The loss is the sum of the hidden states of every step.

Contenders: tapegrad ``nn.LSTM`` (once it exists); tapegrad written as a cell
loop with raw ``ag`` ops (what a user can write today, for information);
numpy by hand (input projection hoisted out of the loop, backward through
time by hand, parameter gradients as one matmul each after the loop); PyTorch
``nn.LSTM`` (fused) and an ``nn.LSTMCell`` Python loop.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np

from benchmarks import peers, w5_gru
from benchmarks.harness import (Case, CheckFailed, Contender, Row, Settings, Target, check_close, find,
                                run_cases)

WORKLOAD = "W5"
CASE = "LSTM T32 B32 I64 H128, fwd+sum+bwd"
T, B, I, H = 32, 32, 64, 128
PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def problem(seed: int = 0) -> Dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = 1 / np.sqrt(H)  # PyTorch's LSTM init: U(-1/sqrt(H), 1/sqrt(H))
    return {"x": rng.standard_normal((T, B, I)).astype(np.float32),
            "weight_ih": rng.uniform(-k, k, (4 * H, I)).astype(np.float32),
            "weight_hh": rng.uniform(-k, k, (4 * H, H)).astype(np.float32),
            "bias_ih": rng.uniform(-k, k, 4 * H).astype(np.float32),
            "bias_hh": rng.uniform(-k, k, 4 * H).astype(np.float32)}


# -- numpy by hand --------------------------------------------------------------------------------------

def _sigmoid_(a: np.ndarray) -> np.ndarray:
    """In place: a <- 1 / (1 + exp(-a)) (exp may overflow to inf for a << 0; 1/inf = 0 is right)."""
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)
    return a


def numpy_runner(p: Dict[str, np.ndarray]):
    x, Wih, Whh = p["x"], p["weight_ih"], p["weight_hh"]
    b = p["bias_ih"] + p["bias_hh"]
    WihT, WhhT = np.ascontiguousarray(Wih.T), np.ascontiguousarray(Whh.T)
    one = np.float32(1)

    def forward_backward():
        # forward: the input projection of all steps in one matmul
        A = (x.reshape(T * B, I) @ WihT).reshape(T, B, 4 * H)
        A += b
        Hs = np.zeros((T + 1, B, H), np.float32)     # Hs[t] = h before step t; Hs[T] = last h
        Cs = np.zeros((T + 1, B, H), np.float32)
        TC = np.empty((T, B, H), np.float32)         # tanh(c_t)
        with np.errstate(over="ignore"):
            for t in range(T):
                a = A[t]
                a += Hs[t] @ WhhT
                _sigmoid_(a[:, :2 * H])                # i, f
                np.tanh(a[:, 2 * H:3 * H], out=a[:, 2 * H:3 * H])  # g
                _sigmoid_(a[:, 3 * H:])                # o
                i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
                c = Cs[t + 1]
                np.multiply(f, Cs[t], out=c)
                c += i * g
                np.tanh(c, out=TC[t])
                np.multiply(o, TC[t], out=Hs[t + 1])
        loss = Hs[1:].sum(dtype=np.float64)
        # backward through time; dA holds the gradients of the gate pre-activations
        dA = np.empty_like(A)
        dh = np.zeros((B, H), np.float32)
        dc = np.zeros((B, H), np.float32)
        for t in range(T - 1, -1, -1):
            a = A[t]
            i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            tc = TC[t]
            dh += one                                  # d(sum of outputs)/dh_t = 1
            d = dA[t]
            di, df, dg, do = d[:, :H], d[:, H:2 * H], d[:, 2 * H:3 * H], d[:, 3 * H:]
            np.multiply(dh, tc, out=do)
            do *= o * (one - o)
            dc += dh * o * (one - tc * tc)
            np.multiply(dc, g, out=di)
            di *= i * (one - i)
            np.multiply(dc, i, out=dg)
            dg *= one - g * g
            np.multiply(dc, Cs[t], out=df)
            df *= f * (one - f)
            dc *= f
            dh = d @ Whh
        dA2 = dA.reshape(T * B, 4 * H)
        db = dA2.sum(axis=0)
        g = {"weight_ih": dA2.T @ x.reshape(T * B, I),
             "weight_hh": dA2.T @ Hs[:T].reshape(T * B, H),
             "bias_ih": db, "bias_hh": db.copy(), "loss": loss}
        return g

    return forward_backward, forward_backward


# -- tapegrad -------------------------------------------------------------------------------------------

def tapegrad_cell_loop_runner(p: Dict[str, np.ndarray]):
    """The LSTM as a user writes it today with raw ops: one cell per step, gates sliced."""
    import autograd as ag
    x = ag.tensor(p["x"])
    P = {k: ag.tensor(p[k].copy(), requires_grad=True) for k in PARAMS}

    def forward_backward():
        WihT, WhhT = P["weight_ih"].T, P["weight_hh"].T
        b = P["bias_ih"] + P["bias_hh"]
        h = ag.zeros((B, H))
        c = ag.zeros((B, H))
        outs = []
        for t in range(T):
            a = x[t] @ WihT + h @ WhhT + b
            i, f = a[:, :H].sigmoid(), a[:, H:2 * H].sigmoid()
            g, o = a[:, 2 * H:3 * H].tanh(), a[:, 3 * H:].sigmoid()
            c = f * c + i * g
            h = o * c.tanh()
            outs.append(h)
        loss = ag.stack(outs).sum()
        loss.backward()
        grads = {k: t.grad.data for k, t in P.items()}
        for t in P.values():
            t.grad = None
        grads["loss"] = loss.data
        return grads

    return forward_backward, forward_backward


def tapegrad_nn_runner(p: Dict[str, np.ndarray]):
    """tapegrad's nn.LSTM, PyTorch's API (raises AttributeError until it exists)."""
    import autograd as ag
    import nn
    lstm = nn.LSTM(I, H)
    with ag.no_grad():
        for k in PARAMS:
            getattr(lstm, k + "_l0").data[...] = p[k]
    x = ag.tensor(p["x"])
    params = [getattr(lstm, k + "_l0") for k in PARAMS]

    def forward_backward():
        out, _ = lstm(x)
        loss = out.sum()
        loss.backward()
        grads = {k: q.grad.data for k, q in zip(PARAMS, params)}
        for q in params:
            q.grad = None
        grads["loss"] = loss.data
        return grads

    return forward_backward, forward_backward


# -- PyTorch ---------------------------------------------------------------------------------------------

def _torch_grads(torch, params, loss):
    g = {k: q.grad.numpy().copy() for k, q in zip(PARAMS, params)}
    for q in params:
        q.grad = None
    g["loss"] = loss.detach().numpy()
    return g


def torch_lstm_runner(p: Dict[str, np.ndarray], torch):
    lstm = torch.nn.LSTM(I, H)
    params = [getattr(lstm, k + "_l0") for k in PARAMS]
    with torch.no_grad():
        for k, q in zip(PARAMS, params):
            q.copy_(torch.from_numpy(p[k]))
    x = torch.from_numpy(p["x"])

    def forward_backward():
        out, _ = lstm(x)
        loss = out.sum()
        loss.backward()
        return _torch_grads(torch, params, loss)

    return forward_backward, forward_backward


def torch_cell_runner(p: Dict[str, np.ndarray], torch):
    cell = torch.nn.LSTMCell(I, H)
    params = [getattr(cell, k) for k in PARAMS]
    with torch.no_grad():
        for k, q in zip(PARAMS, params):
            q.copy_(torch.from_numpy(p[k]))
    x = torch.from_numpy(p["x"])

    def forward_backward():
        h = torch.zeros(B, H)
        c = torch.zeros(B, H)
        outs = []
        for t in range(T):
            h, c = cell(x[t], (h, c))
            outs.append(h)
        loss = torch.stack(outs).sum()
        loss.backward()
        return _torch_grads(torch, params, loss)

    return forward_backward, forward_backward


def cases(settings: Settings) -> List[Case]:
    p = problem()
    torch = peers.torch()
    np_fb, _ = numpy_runner(p)
    ref = np_fb()
    cons: List[Contender] = []
    # The numpy reference is checked against tapegrad: nn.LSTM when it exists, else the cell
    # loop written with raw ops (the same gradients); PyTorch is checked against it too.
    checked_by = []
    try:
        fb, _ = tapegrad_nn_runner(p)
        check_close(WORKLOAD, "numpy reference vs tapegrad nn.LSTM", ref, fb(), tol=1e-3)
        checked_by.append("tapegrad nn.LSTM")
        cons.append(Contender("tapegrad nn.LSTM", "ours", fb))
    except CheckFailed:
        raise
    except Exception as e:
        cons.append(Contender("tapegrad nn.LSTM", "ours", None,
                              f"not available until nn.LSTM exists ({type(e).__name__})"))
    loop, _ = tapegrad_cell_loop_runner(p)
    check_close(WORKLOAD, "numpy reference vs tapegrad raw-op cell loop", ref, loop(), tol=1e-3)
    checked_by.append("tapegrad raw-op loop")
    # NOTE: while nn.LSTM is missing, the raw-op loop stands in as "ours" so ratios exist
    role = "extra" if cons[0].step is not None else "ours"
    cons.append(Contender("tapegrad raw-op cell loop", role, loop, "x[t] @ Wih.T + h @ Whh.T + b, sliced gates"))
    cons.append(Contender("numpy (hand-written)", "numpy", np_fb, "checked against " + ", ".join(checked_by)))
    if torch is not None:
        fl, _ = torch_lstm_runner(p, torch)
        fc, _ = torch_cell_runner(p, torch)
        check_close(WORKLOAD, "PyTorch nn.LSTM vs numpy", fl(), ref, tol=1e-3)
        check_close(WORKLOAD, "PyTorch LSTMCell loop vs numpy", fc(), ref, tol=1e-3)
        cons.append(Contender("torch nn.LSTM", "torch", fl, "fused"))
        cons.append(Contender("torch LSTMCell loop", "torch", fc, "Python loop over steps"))
    else:
        cons.append(Contender("torch", "torch", None, peers.torch_reason()))
    return [Case(WORKLOAD, CASE, "ms", cons)]


def run(settings: Settings) -> Tuple[List[Row], List[Target]]:
    # NOTE: the GRU case of issue 18 (benchmarks/w5_gru.py) runs in the same workload, same sizes
    return run_cases(cases(settings) + w5_gru.cases(), settings,
                     lambda rows: targets(rows) + w5_gru.targets(rows))


def targets(rows: List[Row]) -> List[Target]:
    nn_row = find(rows, CASE, "tapegrad nn.LSTM")
    loop = find(rows, CASE, "tapegrad raw-op cell loop")
    ref, cell = find(rows, CASE, "numpy (hand-written)"), find(rows, CASE, "torch LSTMCell loop")
    out = []
    for ours in (nn_row, loop):
        if ours is None or ours.median is None:
            out.append(Target(WORKLOAD, "faster than PyTorch's LSTMCell loop; at most 1.2x numpy",
                              f"{ours.framework if ours else 'tapegrad'}: not available", None))
            continue
        who = ours.framework
        if cell and cell.median:
            r = ours.median / cell.median
            out.append(Target(WORKLOAD, f"faster than PyTorch's LSTMCell loop ({who})",
                              f"{r:.2f}x the LSTMCell loop", r < 1.0))
        if ref and ref.median:
            r = ours.median / ref.median
            out.append(Target(WORKLOAD, f"at most 1.2x the numpy limit ({who})", f"{r:.2f}x numpy", r <= 1.2))
    return out
