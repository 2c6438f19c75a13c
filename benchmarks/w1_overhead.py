"""W1 per-op overhead: x of shape (64,), y = ((x*2 + 1).relu() * x).sum(); y.backward().

Five recorded ops and their backward on 64 floats: the arithmetic is nothing,
so this measures what each framework pays per op in Python (or C++) dispatch.
"""
from __future__ import annotations

from typing import List, Tuple

import numpy as np

from benchmarks import peers
from benchmarks.harness import Case, Contender, Row, Settings, Target, check_close, find, run_cases

WORKLOAD = "W1"
CASE = "5 ops + backward, x (64,)"


def tapegrad_runner(x0: np.ndarray):
    import autograd as ag
    x = ag.tensor(x0.copy(), requires_grad=True)

    def step():
        y = ((x * 2 + 1).relu() * x).sum()
        y.backward()
        g = x.grad
        x.grad = None   # every contender starts each iteration with no gradient
        return g

    return step, lambda: step().data


def numpy_runner(x0: np.ndarray):
    x = x0.copy()
    two, one = np.float32(2), np.float32(1)

    def step():
        a = x * two + one
        r = np.maximum(a, 0)
        y = np.sum(r * x)                    # the value (computed, as the others do)
        # backward, by hand: dy/dx = r + x * 2 * [a > 0]
        gx = x * (a > 0)
        gx *= two
        gx += r
        return y, gx

    return step, lambda: step()[1]


def torch_runner(x0: np.ndarray, torch):
    x = torch.tensor(x0.copy(), requires_grad=True)

    def step():
        y = ((x * 2 + 1).relu() * x).sum()
        y.backward()
        g = x.grad
        x.grad = None
        return g

    return step, lambda: step().numpy()


def cases(settings: Settings) -> List[Case]:
    x0 = np.random.default_rng(1).standard_normal(64).astype(np.float32)
    ours, ours_g = tapegrad_runner(x0)
    ref, ref_g = numpy_runner(x0)
    g = ours_g()
    assert g.dtype == np.float32, f"W1: tapegrad gradient is {g.dtype}, expected float32"
    check_close(WORKLOAD, "numpy reference vs tapegrad", {"x.grad": ref_g()}, {"x.grad": g})
    cons = [Contender("tapegrad", "ours", ours), Contender("numpy (hand-written)", "numpy", ref)]
    torch = peers.torch()
    if torch is not None:
        t, t_g = torch_runner(x0, torch)
        check_close(WORKLOAD, "PyTorch vs tapegrad", {"x.grad": t_g()}, {"x.grad": g})
        cons.append(Contender("torch", "torch", t))
    else:
        cons.append(Contender("torch", "torch", None, peers.torch_reason()))
    return [Case(WORKLOAD, CASE, "µs", cons)]


def run(settings: Settings) -> Tuple[List[Row], List[Target]]:
    return run_cases(cases(settings), settings, targets)


def targets(rows: List[Row]) -> List[Target]:
    ours, ref, tor = (find(rows, CASE, f) for f in ("tapegrad", "numpy (hand-written)", "torch"))
    out = []
    if ours and ours.median and tor and tor.median:
        r = ours.median / tor.median
        out.append(Target(WORKLOAD, "at most 0.5x PyTorch", f"{r:.2f}x PyTorch", r <= 0.5))
    else:
        out.append(Target(WORKLOAD, "at most 0.5x PyTorch", "no PyTorch row", None))
    if ours and ours.median and ref and ref.median:
        r = ours.median / ref.median
        out.append(Target(WORKLOAD, "under ~4x the numpy limit", f"{r:.1f}x numpy", r < 4))
    return out
