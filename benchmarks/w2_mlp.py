"""W2 MLP step: 784-512-256-10, ReLU, batch 128, softmax cross-entropy, SGD lr 0.01.

One step = forward + backward + parameter update, ms. About 0.3 GFLOP per
step, so BLAS decides it; what a framework adds on top is its overhead.
The runners here are shared with W6 (memory over 200 of these steps).

Contenders: tapegrad written with raw ``ag`` ops and a hand-written SGD on
``.data`` (works today); tapegrad with ``nn.Linear`` + ``F.cross_entropy`` +
``optim.SGD`` (once those exist); numpy by hand; PyTorch as its users write it.
All start from the same parameters and see the same batch.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np

from benchmarks import peers
from benchmarks.harness import (Case, CheckFailed, Contender, Row, Settings, Target, check_close, find,
                                raw_sgd_runners, run_cases)

WORKLOAD = "W2"
CASE = "MLP 784-512-256-10 step, batch 128"
SIZES = (784, 512, 256, 10)
BATCH = 128
LR = 0.01


def problem(seed: int = 0) -> Dict[str, np.ndarray]:
    """A batch and initial parameters (PyTorch's Linear init: U(-1/sqrt(fan_in), +)), float32.

    Weights are stored (in, out) so that a layer is ``x @ W + b``.
    """
    rng = np.random.default_rng(seed)
    p = {"X": rng.standard_normal((BATCH, SIZES[0])).astype(np.float32),
         "y": rng.integers(0, SIZES[-1], BATCH)}
    for i, (fi, fo) in enumerate(zip(SIZES[:-1], SIZES[1:]), 1):
        bound = 1 / np.sqrt(fi)
        p[f"W{i}"] = rng.uniform(-bound, bound, (fi, fo)).astype(np.float32)
        p[f"b{i}"] = rng.uniform(-bound, bound, fo).astype(np.float32)
    return p


PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")


# -- tapegrad, raw ops ----------------------------------------------------------------------------

def tapegrad_runner(p: Dict[str, np.ndarray]):
    """Returns (step, gradients): step trains; gradients() runs forward/backward only."""
    import autograd as ag
    X, rows, y = ag.tensor(p["X"]), np.arange(BATCH), p["y"]
    P = {k: ag.tensor(p[k].copy(), requires_grad=True) for k in PARAMS}

    def loss_fn():
        h = (X @ P["W1"] + P["b1"]).relu()
        h = (h @ P["W2"] + P["b2"]).relu()
        z = h @ P["W3"] + P["b3"]
        return -ag.log_softmax(z, axis=1)[rows, y].mean()

    return raw_sgd_runners(loss_fn, P, LR)


# -- tapegrad, nn + optim ---------------------------------------------------------------------------

def tapegrad_nn_runner(p: Dict[str, np.ndarray]):
    """The same step as a PyTorch user would write it with tapegrad's nn and optim.

    Raises ImportError/AttributeError while those are not written yet.
    """
    import autograd as ag
    import nn
    import nn.functional as F
    import optim
    layers = [nn.Linear(fi, fo) for fi, fo in zip(SIZES[:-1], SIZES[1:])]
    with ag.no_grad():
        for i, l in enumerate(layers, 1):   # PyTorch layout: weight is (out, in)
            l.weight.data[...] = p[f"W{i}"].T
            l.bias.data[...] = p[f"b{i}"]
    params = [q for l in layers for q in (l.weight, l.bias)]
    opt = optim.SGD(params, lr=LR)
    X, y = ag.tensor(p["X"]), ag.tensor(p["y"])

    def loss_fn():
        h = F.relu(layers[0](X))
        h = F.relu(layers[1](h))
        return F.cross_entropy(layers[2](h), y)

    def step():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss

    def gradients():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        g = {}
        for i, l in enumerate(layers, 1):
            g[f"W{i}"] = l.weight.grad.data.T.copy()
            g[f"b{i}"] = l.bias.grad.data.copy()
        opt.zero_grad()
        g["loss"] = loss.data
        return g

    return step, gradients


# -- numpy by hand ------------------------------------------------------------------------------------

def numpy_runner(p: Dict[str, np.ndarray]):
    """Forward, backward and SGD written directly in numpy: the practical limit."""
    X, y = p["X"], p["y"]
    P = {k: p[k].copy() for k in PARAMS}
    rows = np.arange(BATCH)
    lr, inv_b = np.float32(LR), np.float32(1.0 / BATCH)

    def forward_backward():
        W1, b1, W2, b2, W3, b3 = (P[k] for k in PARAMS)
        h1 = X @ W1
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ W2
        h2 += b2
        np.maximum(h2, 0, out=h2)
        z = h2 @ W3
        z += b3
        # softmax cross-entropy, mean over the batch, stable (shift by the row max)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        loss = np.mean(np.log(s[:, 0]) - z[rows, y])
        dz = e
        dz /= s
        dz[rows, y] -= 1
        dz *= inv_b
        g = {"W3": h2.T @ dz, "b3": dz.sum(axis=0)}
        dh2 = dz @ W3.T
        dh2 *= h2 > 0          # relu' from the output: h > 0 exactly where the input was > 0
        g["W2"], g["b2"] = h1.T @ dh2, dh2.sum(axis=0)
        dh1 = dh2 @ W2.T
        dh1 *= h1 > 0
        g["W1"], g["b1"] = X.T @ dh1, dh1.sum(axis=0)
        return loss, g

    def step():
        loss, g = forward_backward()
        for k in PARAMS:
            gk = g[k]
            gk *= lr
            P[k] -= gk
        return loss

    def gradients():
        loss, g = forward_backward()
        g["loss"] = loss
        return g

    return step, gradients


# -- PyTorch ----------------------------------------------------------------------------------------------

def torch_runner(p: Dict[str, np.ndarray], torch):
    """nn.Sequential + F.cross_entropy + optim.SGD, as a PyTorch user writes it."""
    nn, F = torch.nn, torch.nn.functional
    layers = [nn.Linear(fi, fo) for fi, fo in zip(SIZES[:-1], SIZES[1:])]
    with torch.no_grad():
        for i, l in enumerate(layers, 1):
            l.weight.copy_(torch.from_numpy(p[f"W{i}"].T.copy()))
            l.bias.copy_(torch.from_numpy(p[f"b{i}"]))
    model = nn.Sequential(layers[0], nn.ReLU(), layers[1], nn.ReLU(), layers[2])
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    X, y = torch.from_numpy(p["X"]), torch.from_numpy(p["y"])

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
        return loss

    def gradients():
        opt.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        g = {}
        for i, l in enumerate(layers, 1):
            g[f"W{i}"] = l.weight.grad.numpy().T.copy()
            g[f"b{i}"] = l.bias.grad.numpy().copy()
        opt.zero_grad()
        g["loss"] = loss.detach().numpy()
        return g

    return step, gradients


RUNNERS = {"tapegrad": tapegrad_runner, "tapegrad-nn": tapegrad_nn_runner, "numpy": numpy_runner}


def cases(settings: Settings) -> List[Case]:
    p = problem()
    ours, ours_g = tapegrad_runner(p)
    ref = ours_g()
    for k in PARAMS:
        if ref[k].dtype != np.float32:
            raise CheckFailed(f"W2: tapegrad's gradient of {k} is {ref[k].dtype}, expected float32")
    np_step, np_g = numpy_runner(p)
    check_close(WORKLOAD, "numpy reference vs tapegrad", np_g(), ref, tol=1e-4)
    cons = [Contender("tapegrad", "ours", ours, "raw ag ops, SGD by hand on .data")]
    try:
        nn_step, nn_g = tapegrad_nn_runner(p)
        check_close(WORKLOAD, "tapegrad nn+optim vs raw ops", nn_g(), ref, tol=1e-4)
        cons.append(Contender("tapegrad nn+optim", "extra", nn_step, "nn.Linear, F.cross_entropy, optim.SGD"))
    except CheckFailed:
        raise
    except Exception as e:
        cons.append(Contender("tapegrad nn+optim", "extra", None,
                              f"not available: nn.Linear / F.cross_entropy / optim.SGD ({type(e).__name__}: {e})"[:150]))
    cons.append(Contender("numpy (hand-written)", "numpy", np_step))
    torch = peers.torch()
    if torch is not None:
        t_step, t_g = torch_runner(p, torch)
        check_close(WORKLOAD, "PyTorch vs tapegrad", t_g(), ref, tol=1e-4)
        cons.append(Contender("torch", "torch", t_step, "nn.Sequential, F.cross_entropy, optim.SGD"))
    else:
        cons.append(Contender("torch", "torch", None, peers.torch_reason()))
    return [Case(WORKLOAD, CASE, "ms", cons)]


def run(settings: Settings) -> Tuple[List[Row], List[Target]]:
    return run_cases(cases(settings), settings, targets)


def targets(rows: List[Row]) -> List[Target]:
    ref = find(rows, CASE, "numpy (hand-written)")
    out = []
    for fw in ("tapegrad", "tapegrad nn+optim"):
        ours = find(rows, CASE, fw)
        if ours and ours.median and ref and ref.median:
            r = ours.median / ref.median
            out.append(Target(WORKLOAD, f"at most 1.10x the numpy limit ({fw})", f"{r:.2f}x numpy", r <= 1.10))
    return out
