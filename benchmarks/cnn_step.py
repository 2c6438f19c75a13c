"""W3 small-CNN training step: tapegrad vs hand-written numpy im2col vs PyTorch; and RSS over 200 steps.

Model (issue 5): batch 64 of 1x28x28, conv(1->16, 3x3, pad 1)-ReLU-maxpool 2 -
conv(16->32, 3x3, pad 1)-ReLU-maxpool 2 - linear(1568->10), softmax
cross-entropy, SGD lr 0.01. One step = forward + backward + update.

All three start from the same parameters and batch; their gradients are
checked against each other before anything is timed. Timings are medians of
rounds that run the contenders one after another (interleaved), so host
drift hits them alike; compare ratios, not absolute times.

    python -m benchmarks.cnn_step [--rounds 40] [--rss-steps 200] [--threads N] [--no-torch]

``--threads N`` gives numpy's BLAS and PyTorch N threads each (threadpoolctl);
on a loaded shared machine 1 thread is far steadier. RSS is measured after the
timing rounds, in the same process; ``--no-torch`` keeps PyTorch's ~300 MB out
of that figure.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import time
from typing import Callable, Dict, List

import numpy as np

BATCH, LR = 64, 0.01
PARAMS = ("w1", "b1", "w2", "b2", "w3", "b3")


def problem(seed: int = 0) -> Dict[str, np.ndarray]:
    """A batch and PyTorch-style uniform(-1/sqrt(fan_in), +) parameters, float32."""
    rng = np.random.default_rng(seed)
    p = {"x": rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32),
         "y": rng.integers(0, 10, BATCH)}
    for name, shape, fan_in in [("1", (16, 1, 3, 3), 9), ("2", (32, 16, 3, 3), 144), ("3", (10, 1568), 1568)]:
        bound = 1 / np.sqrt(fan_in)
        p["w" + name] = rng.uniform(-bound, bound, shape).astype(np.float32)
        p["b" + name] = rng.uniform(-bound, bound, shape[0]).astype(np.float32)
    return p


# -- tapegrad ----------------------------------------------------------------------------------

def tapegrad_runner(p: Dict[str, np.ndarray]):
    import autograd as ag
    import nn.functional as F
    import optim
    x, y = ag.tensor(p["x"]), p["y"]
    P = {k: ag.tensor(p[k].copy(), requires_grad=True) for k in PARAMS}
    opt = optim.SGD(list(P.values()), lr=LR)

    def loss_fn():
        h = F.max_pool2d(F.relu(F.conv2d(x, P["w1"], P["b1"], padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, P["w2"], P["b2"], padding=1)), 2)
        return F.cross_entropy(F.linear(h.reshape(BATCH, -1), P["w3"], P["b3"]), y)

    def grads():
        opt.zero_grad()
        loss_fn().backward()
        return {k: P[k].grad.numpy() for k in PARAMS}

    def step():
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
    return step, grads


# -- numpy by hand ----------------------------------------------------------------------------
# NOTE: written the way a careful numpy user would: NHWC activations throughout, channels-
# innermost im2col with sliding_window_view, one matmul per conv, 2x2 pooling by np.maximum
# of strided views with a first-maximum mask for the backward.

def _cols(xp: np.ndarray) -> np.ndarray:
    """Padded NHWC input -> (N*H*W, 3*3*C) columns of the 3x3 stride-1 windows."""
    n, hp, wp, c = xp.shape
    v = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(1, 2))  # n, h, w, c, 3, 3
    return v.transpose(0, 1, 2, 4, 5, 3).reshape(n * (hp - 2) * (wp - 2), 9 * c)


def _pad(x: np.ndarray) -> np.ndarray:
    n, h, w, c = x.shape
    out = np.zeros((n, h + 2, w + 2, c), x.dtype)
    out[:, 1:-1, 1:-1] = x
    return out


def _pool(a: np.ndarray):
    v = [a[:, i::2, j::2] for i in (0, 1) for j in (0, 1)]
    m = np.maximum(np.maximum(v[0], v[1]), np.maximum(v[2], v[3]))
    return m, v


def _unpool(g: np.ndarray, m: np.ndarray, v: list, shape: tuple) -> np.ndarray:
    out = np.zeros(shape, g.dtype)
    taken = np.zeros(m.shape, bool)
    for k, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        hit = (v[k] == m) & ~taken
        taken |= hit
        out[:, i::2, j::2] = g * hit
    return out


def _col2im(dcols: np.ndarray, n: int, h: int, w: int, c: int) -> np.ndarray:
    d = dcols.reshape(n, h, w, 3, 3, c)
    out = np.zeros((n, h + 2, w + 2, c), dcols.dtype)
    for i in range(3):
        for j in range(3):
            out[:, i:i + h, j:j + w] += d[:, :, :, i, j]
    return out[:, 1:-1, 1:-1]


def numpy_runner(p: Dict[str, np.ndarray]):
    x = np.ascontiguousarray(p["x"].transpose(0, 2, 3, 1))
    y = p["y"]
    # weights as (kh*kw*C, O) matrices; w3 reordered for an NHWC flatten
    W1 = p["w1"].transpose(2, 3, 1, 0).reshape(9, 16).copy()
    W2 = p["w2"].transpose(2, 3, 1, 0).reshape(144, 32).copy()
    W3 = p["w3"].reshape(10, 32, 7, 7).transpose(2, 3, 1, 0).reshape(1568, 10).copy()
    b1, b2, b3 = p["b1"].copy(), p["b2"].copy(), p["b3"].copy()
    n = BATCH

    def grads():
        c1 = _cols(_pad(x))
        z1 = (c1 @ W1 + b1).reshape(n, 28, 28, 16)
        a1 = np.maximum(z1, 0)
        m1, v1 = _pool(a1)
        c2 = _cols(_pad(m1))
        z2 = (c2 @ W2 + b2).reshape(n, 14, 14, 32)
        a2 = np.maximum(z2, 0)
        m2, v2 = _pool(a2)
        f = m2.reshape(n, 1568)
        z = f @ W3 + b3
        e = np.exp(z - z.max(1, keepdims=True))
        prob = e / e.sum(1, keepdims=True)
        prob[np.arange(n), y] -= 1
        gz = prob / n
        gW3, gb3 = f.T @ gz, gz.sum(0)
        ga2 = _unpool((gz @ W3.T).reshape(n, 7, 7, 32), m2, v2, a2.shape) * (z2 > 0)
        g2 = ga2.reshape(-1, 32)
        gW2, gb2 = c2.T @ g2, g2.sum(0)
        ga1 = _unpool(_col2im(g2 @ W2.T, n, 14, 14, 16), m1, v1, a1.shape) * (z1 > 0)
        g1 = ga1.reshape(-1, 16)
        gW1, gb1 = c1.T @ g1, g1.sum(0)
        return dict(w1=gW1, b1=gb1, w2=gW2, b2=gb2, w3=gW3, b3=gb3)

    def step():
        g = grads()
        for P, k in ((W1, "w1"), (b1, "b1"), (W2, "w2"), (b2, "b2"), (W3, "w3"), (b3, "b3")):
            P -= LR * g[k]

    def grads_nchw():
        g = grads()
        return dict(w1=g["w1"].reshape(3, 3, 1, 16).transpose(3, 2, 0, 1), b1=g["b1"],
                    w2=g["w2"].reshape(3, 3, 16, 32).transpose(3, 2, 0, 1), b2=g["b2"],
                    w3=g["w3"].reshape(7, 7, 32, 10).transpose(3, 2, 0, 1).reshape(10, 1568), b3=g["b3"])
    return step, grads_nchw


# -- PyTorch ----------------------------------------------------------------------------------

def torch_runner(p: Dict[str, np.ndarray]):
    import torch
    import torch.nn.functional as TF
    x, y = torch.from_numpy(p["x"]), torch.from_numpy(p["y"])
    P = {k: torch.tensor(p[k].copy(), requires_grad=True) for k in PARAMS}
    opt = torch.optim.SGD(list(P.values()), lr=LR)

    def loss_fn():
        h = TF.max_pool2d(TF.relu(TF.conv2d(x, P["w1"], P["b1"], padding=1)), 2)
        h = TF.max_pool2d(TF.relu(TF.conv2d(h, P["w2"], P["b2"], padding=1)), 2)
        return TF.cross_entropy(TF.linear(h.reshape(BATCH, -1), P["w3"], P["b3"]), y)

    def grads():
        opt.zero_grad()
        loss_fn().backward()
        return {k: P[k].grad.numpy().copy() for k in PARAMS}

    def step():
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
    return step, grads


# -- driver -----------------------------------------------------------------------------------

def _rss_mb() -> float:
    import psutil
    return psutil.Process().memory_info().rss / 2 ** 20


def main(rounds: int = 40, rss_steps: int = 200, threads: int = 0, use_torch: bool = True) -> None:
    if threads:
        from threadpoolctl import threadpool_limits
        limits = threadpool_limits(threads, "blas")  # noqa: F841  (kept in force until main returns)
    p = problem()
    runners = {"tapegrad": tapegrad_runner(p), "numpy": numpy_runner(p)}
    if use_torch:
        try:
            runners["torch"] = torch_runner(p)
            if threads:
                import torch
                torch.set_num_threads(threads)
        except ImportError:
            pass
    ref = runners["numpy"][1]()
    for name, (_, grads) in runners.items():
        got = grads()
        for k in PARAMS:
            np.testing.assert_allclose(got[k], ref[k], rtol=2e-3, atol=2e-5, err_msg=f"{name} {k}")
    times: Dict[str, List[float]] = {k: [] for k in runners}
    for name, (step, _) in runners.items():
        for _ in range(3):
            step()
    gc.collect()
    for _ in range(rounds):
        for name, (step, _) in runners.items():
            t = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - t)
    med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    print(f"small CNN step, batch {BATCH}, median of {rounds} interleaved rounds (gradients cross-checked), "
          f"BLAS threads: {threads or 'default'}")
    for k, v in med.items():
        print(f"  {k:9s} {v:7.2f} ms   {v / med['numpy']:.2f}x numpy")
    step = runners["tapegrad"][0]
    rss = []
    for i in range(rss_steps):
        step()
        if i in (9, rss_steps // 2 - 1, rss_steps - 1):
            rss.append(_rss_mb())
    print(f"tapegrad RSS after steps 10/{rss_steps // 2}/{rss_steps}: " + " / ".join(f"{r:.1f}" for r in rss) + " MB")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--rss-steps", type=int, default=200)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--no-torch", action="store_true")
    a = ap.parse_args()
    main(a.rounds, a.rss_steps, a.threads, not a.no_torch)
