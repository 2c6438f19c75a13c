"""W4 deep chain: a 0-d x, N times ``x = x*1.0001 + 0.0001``, then backward; µs per step.

A step is one mul and one add (two recorded ops) plus their share of the
backward. N = 1e3, 1e4, 1e5, 1e6 (quick: up to 1e5). The chain must not
crash (no recursion in backward, no recursion when the graph is freed) and
the time per step should stay flat as N grows.

Python's cyclic garbage collector is part of what a step costs: each step leaves
two GC-tracked objects alive until backward, and a full collection traverses every
tracked object of the process, PyTorch's ~181k included when it is imported. So
besides the usual rows (all contenders interleaved in one process), tapegrad and
PyTorch also run alone, each in a fresh subprocess that imports only itself
(``python -m benchmarks.w4_chain --child NAME --n N``): the per-step time a user of
that framework alone sees. The targets are judged on tapegrad's own-process rows.

Float32 like every workload: 1.0001**1e6 is e**100, beyond float32's range,
so at N = 1e6 the value and the gradient overflow to inf in every framework
alike. numpy's overflow warnings are silenced with ``np.errstate`` for all
contenders; the gradient check runs at N = 1000, where everything is finite.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
from typing import List, Tuple

import numpy as np

from benchmarks import peers
from benchmarks.harness import Case, Contender, Row, Settings, Target, add_ratios, check_close, time_case

WORKLOAD = "W4"
A, B = 1.0001, 0.0001
X0 = 0.5
ALONE = " (own process)"  # suffix of the rows timed in a subprocess that imports one framework


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


def _case(n: int, settings: Settings, cons: List[Contender]) -> Case:
    # NOTE: one sample of a long chain already lasts seconds: fewer repetitions there
    reps = None if n <= 10_000 else max(3, settings.reps // (3 if n <= 100_000 else 7))
    return Case(WORKLOAD, f"chain N={n:.0e}", "µs", cons, per=n, reps=reps)


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
        out.append(_case(n, settings, cons))
    return out


def child(name: str, n: int, settings: Settings) -> List[dict]:
    """In the subprocess: time one framework's chain of ``n`` steps, with nothing else imported."""
    if name == "tapegrad":
        step = tapegrad_runner(n)[0]
    else:
        torch = peers.torch()
        if torch is None:
            return []
        step = torch_runner(n, torch)[0]
    with np.errstate(over="ignore", invalid="ignore"):
        rows = time_case(_case(n, settings, [Contender(name, "extra", step)]), settings,
                         log=lambda m: print(m, file=sys.stderr))
    return [dataclasses.asdict(r) for r in rows]


def _alone(name: str, n: int, settings: Settings) -> Row:
    cmd = [sys.executable, "-m", "benchmarks.w4_chain", "--child", name, "--n", str(n),
           "--reps", str(settings.reps), "--sample-s", str(settings.sample_s)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ), timeout=3600)
    case = f"chain N={n:.0e}"
    if r.returncode != 0:
        last = (r.stderr.strip().splitlines() or ["?"])[-1]
        return Row(WORKLOAD, case, name + ALONE, "extra", "µs", note=f"child failed: {last}"[:160])
    got = json.loads(r.stdout.strip().splitlines()[-1])
    if not got:
        return Row(WORKLOAD, case, name + ALONE, "extra", "µs", note="not available")
    row = Row(**got[0])
    row.framework = name + ALONE
    row.note = "timed in a subprocess that imports only this framework"
    return row


def run(settings: Settings) -> Tuple[List[Row], List[Target]]:
    rows = []
    with np.errstate(over="ignore", invalid="ignore"):
        for case in cases(settings):
            case_rows = time_case(case, settings)
            n = case.per
            case_rows += [_alone("tapegrad", n, settings)]
            if peers.torch() is not None:
                case_rows += [_alone("torch", n, settings)]
            for r in case_rows:
                r.ratio = None
            add_ratios(case_rows)
            rows += case_rows
    return rows, targets(rows)


def targets(rows: List[Row]) -> List[Target]:
    # NOTE: judged where a tapegrad user stands, in a process without PyTorch's objects
    # (see the module docstring); the in-process rows are the fallback
    ours = [r for r in rows if r.framework == "tapegrad" + ALONE and r.median is not None]
    ours = ours or [r for r in rows if r.framework == "tapegrad"]
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


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="W4 child process (run by python -m benchmarks)")
    ap.add_argument("--child", required=True, choices=["tapegrad", "torch"])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--sample-s", type=float, default=0.03)
    a = ap.parse_args()
    print(json.dumps(child(a.child, a.n, Settings(reps=a.reps, sample_s=a.sample_s))))
