"""W4 deep chain: a 0-d x, N times ``x = x*1.0001 + 0.0001``, then backward; µs per step.

A step is one mul and one add (two recorded ops) plus their share of the
backward. N = 1e3, 1e4, 1e5, 1e6 (quick: up to 1e5). The chain must not
crash (no recursion in backward, no recursion when the graph is freed) and
the time per step should stay flat as N grows.

Float32 like every workload: 1.0001**1e6 is e**100, beyond float32's range,
so at N = 1e6 the value and the gradient overflow to inf in every framework
alike. numpy's overflow warnings are silenced with ``np.errstate`` for all
contenders; the gradient check runs at N = 1000, where everything is finite.
"""
from __future__ import annotations

from typing import List, Tuple

import numpy as np

from benchmarks import peers
from benchmarks.harness import Case, Contender, Row, Settings, Target, check_close, time_case

WORKLOAD = "W4"
A, B = 1.0001, 0.0001
X0 = 0.5


def tapegrad_runner(n: int):
    import autograd as ag
    x0 = ag.tensor(np.float32(X0), requires_grad=True)

    def step():
        x = x0
        for _ in range(n):
            x = x * A + B
        x.backward()
        g = x0.grad
        x0.grad = None
        return g

    return step, lambda: step().data


def numpy_runner(n: int):
    """The same chain on float32 scalars: the forward values are computed (and dropped, as
    dx_i/dx_{i-1} = A does not need them); the backward multiplies the upstream gradient by A."""
    a, b = np.float32(A), np.float32(B)
    x0 = np.float32(X0)

    def step():
        x = x0
        for _ in range(n):
            x = x * a + b
        g = np.float32(1)
        for _ in range(n):
            g = g * a
        return g

    return step, step


def torch_runner(n: int, torch):
    x0 = torch.tensor(X0, dtype=torch.float32, requires_grad=True)

    def step():
        x = x0
        for _ in range(n):
            x = x * A + B
        x.backward()
        g = x0.grad
        x0.grad = None
        return g

    return step, lambda: step().numpy()


def sizes(settings: Settings) -> List[int]:
    return [10 ** k for k in range(3, 6 if settings.quick else 7)]


def cases(settings: Settings) -> List[Case]:
    torch = peers.torch()
    g_ours = tapegrad_runner(1000)[1]()
    assert g_ours.dtype == np.float32, f"W4: tapegrad gradient is {g_ours.dtype}, expected float32"
    check_close(WORKLOAD, "numpy reference vs tapegrad (N=1000)", {"x.grad": numpy_runner(1000)[1]()},
                {"x.grad": g_ours}, tol=1e-5)
    if torch is not None:
        check_close(WORKLOAD, "PyTorch vs tapegrad (N=1000)", {"x.grad": torch_runner(1000, torch)[1]()},
                    {"x.grad": g_ours}, tol=1e-5)
    out = []
    for n in sizes(settings):
        cons = [Contender("tapegrad", "ours", tapegrad_runner(n)[0]),
                Contender("numpy (hand-written)", "numpy", numpy_runner(n)[0])]
        if torch is not None:
            cons.append(Contender("torch", "torch", torch_runner(n, torch)[0]))
        else:
            cons.append(Contender("torch", "torch", None, peers.torch_reason()))
        # NOTE: one sample of a long chain already lasts seconds: fewer repetitions there
        reps = None if n <= 10_000 else max(3, settings.reps // (3 if n <= 100_000 else 7))
        out.append(Case(WORKLOAD, f"chain N={n:.0e}", "µs", cons, per=n, reps=reps))
    return out


def run(settings: Settings) -> Tuple[List[Row], List[Target]]:
    rows = []
    with np.errstate(over="ignore", invalid="ignore"):
        for case in cases(settings):
            rows += time_case(case, settings)
    return rows, targets(rows)


def targets(rows: List[Row]) -> List[Target]:
    ours = [r for r in rows if r.framework == "tapegrad"]
    out = []
    crashed = [r for r in ours if r.median is None]
    timed = [r for r in ours if r.median is not None]
    out.append(Target(WORKLOAD, "no crash", "crashed at " + ", ".join(r.case for r in crashed)
                      if crashed else f"ran up to {ours[-1].case if ours else '?'}", not crashed))
    if timed:
        worst = max(r.median for r in timed)
        out.append(Target(WORKLOAD, "under 10 µs per step", f"{worst:.1f} µs at worst", worst < 10))
        best = min(r.median for r in timed)
        flat = worst / best   # slowest size over fastest size
        out.append(Target(WORKLOAD, "flat from 1e3 to 1e6 (within 1.3x)",
                          f"slowest/fastest N = {flat:.2f}x; N={timed[-1].case[-5:]} is "
                          f"{timed[-1].median / timed[0].median:.2f}x N={timed[0].case[-5:]}"
                          f"{'' if timed[-1].case.endswith('1e+06') else ' (quick run: 1e6 not measured)'}",
                          flat <= 1.3))
    return out
