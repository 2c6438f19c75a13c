"""Timing, interleaving, statistics, gradient checks and the results table.

Every workload builds a list of ``Case`` objects (one computation, several
contenders: tapegrad, hand-written numpy, PyTorch, variants) and hands them to
``time_case``. All contenders of a case run in the same process, round-robin:
repetition r runs each contender once (in an order rotated by r), so a slow
patch of the shared machine hits every contender alike and ratios stay honest
even when absolute times drift.
"""
from __future__ import annotations

import gc
import resource
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

import numpy as np

UNITS = {"s": 1.0, "ms": 1e3, "µs": 1e6, "us": 1e6, "ns": 1e9}


class CheckFailed(Exception):
    """A reference disagrees with tapegrad: the workload is aborted, never timed."""


@dataclass
class Contender:
    """One implementation of a case. ``step`` runs one iteration; ``None`` means not available."""
    framework: str
    role: str                     # "ours" | "numpy" | "torch" | "extra"
    step: Optional[Callable[[], Any]] = None
    note: str = ""                # why it is missing, or how it is written


@dataclass
class Case:
    """One computation timed across contenders. Times are reported per ``per`` units of work."""
    workload: str
    name: str
    unit: str
    contenders: List[Contender]
    per: int = 1                  # W4: a sample is a chain of N steps, reported per step
    reps: Optional[int] = None    # overrides the run's repetition count (long chains)


@dataclass
class Row:
    """One line of the results table."""
    workload: str
    case: str
    framework: str
    role: str
    unit: str
    median: Optional[float] = None
    iqr: Optional[float] = None
    n_samples: int = 0
    inner: int = 0                # iterations per sample
    ratio: Optional[float] = None  # ours / this (None on our own row)
    faults: Optional[float] = None  # minor page faults per reported unit (iteration; W4: chain step)
    note: str = ""
    extra: Dict[str, Any] = field(default_factory=dict)


@dataclass
class Target:
    """One target of the performance issues and whether this run met it."""
    workload: str
    target: str
    measured: str
    met: Optional[bool]           # None: cannot be judged in this run


@dataclass
class Settings:
    reps: int = 15                # round-robin repetitions per case
    sample_s: float = 0.10        # aim of one sample's duration (a sample = `inner` iterations)
    quick: bool = False


def _describe(exc: BaseException) -> str:
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {msg}"[:160]


def _timed(step: Callable[[], Any], inner: int) -> float:
    t0 = time.perf_counter()
    for _ in range(inner):
        step()
    return time.perf_counter() - t0


def time_case(case: Case, settings: Settings, log: Callable[[str], None] = print) -> List[Row]:
    """Time every available contender of ``case`` round-robin; return one Row per contender."""
    scale = UNITS[case.unit] / case.per
    live = [c for c in case.contenders if c.step is not None]
    failed: Dict[str, str] = {}
    inner: Dict[str, int] = {}
    # Warm up (first calls allocate, fill caches, import lazily) and calibrate the
    # iterations per sample so a sample lasts about `sample_s`.
    for c in live:
        try:
            t = _timed(c.step, 1)
            if t < settings.sample_s:  # a second warm-up call only when it is cheap (not a 1e6 chain)
                t = min(t, _timed(c.step, 1))
            inner[c.framework] = max(1, int(settings.sample_s / max(t, 1e-9)))
        except Exception as e:  # a contender that crashes is reported, not fatal
            failed[c.framework] = _describe(e)
            log(f"  {case.workload} {case.name}: {c.framework} failed: {failed[c.framework]}")
            if not isinstance(e, (RecursionError, MemoryError)):
                traceback.print_exc()
    live = [c for c in live if c.framework not in failed]
    samples: Dict[str, List[float]] = {c.framework: [] for c in live}
    faults: Dict[str, int] = {c.framework: 0 for c in live}   # minor page faults while timed
    reps = case.reps or settings.reps
    for r in range(reps):
        k = r % len(live) if live else 0
        for c in live[k:] + live[:k]:
            if c.framework in failed:
                continue
            n = inner[c.framework]
            try:
                f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                samples[c.framework].append(_timed(c.step, n) / n * scale)
                faults[c.framework] += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
            except Exception as e:
                failed[c.framework] = _describe(e)
    rows = []
    for c in case.contenders:
        row = Row(case.workload, case.name, c.framework, c.role, case.unit, note=c.note)
        s = samples.get(c.framework)
        if c.framework in failed:
            row.note = f"failed: {failed[c.framework]}"
        elif s:
            q1, med, q3 = np.percentile(s, [25, 50, 75])
            row.median, row.iqr = float(med), float(q3 - q1)
            row.n_samples, row.inner = len(s), inner[c.framework]
            row.faults = faults[c.framework] / (len(s) * inner[c.framework] * case.per)
        rows.append(row)
    add_ratios(rows)
    gc.collect()
    return rows


def raw_sgd_runners(loss_fn: Callable[[], Any], params: Dict[str, Any], lr: float):
    """``step`` (forward, backward, SGD by hand on ``.data``) and ``gradients`` (the loss and
    a copy of every parameter's gradient) for a tapegrad workload written with raw ops."""
    import autograd as ag

    def step():
        loss = loss_fn()
        loss.backward()
        with ag.no_grad():
            for t in params.values():
                t.data -= lr * t.grad.data
                t.grad = None
        return loss

    def gradients():
        loss = loss_fn()
        loss.backward()
        g = {k: t.grad.data.copy() for k, t in params.items()}
        for t in params.values():
            t.grad = None
        g["loss"] = loss.data
        return g

    return step, gradients


def run_cases(cases: List[Case], settings: Settings, targets: Callable[[List[Row]], List["Target"]]):
    """Time every case of a workload and judge its rows against the workload's targets."""
    rows: List[Row] = []
    for case in cases:
        rows += time_case(case, settings)
    return rows, targets(rows)


def add_ratios(rows: List[Row]) -> None:
    """Fill ``ratio`` = ours / this for every row of a case that has a time."""
    ours = next((r for r in rows if r.role == "ours" and r.median is not None), None)
    for r in rows:
        if ours is not None and r is not ours and r.median:
            r.ratio = ours.median / r.median


def max_rel_err(a: Any, b: Any) -> float:
    """max |a - b| / max |b|: a scale-free distance, robust to float32 summation order."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-30)) if b.size else 0.0


def check_close(workload: str, what: str, got: Dict[str, Any], ref: Dict[str, Any],
                tol: float = 1e-4) -> float:
    """Raise CheckFailed unless every array of ``got`` matches ``ref``; return the worst error."""
    worst = 0.0
    for name, r in ref.items():
        if name not in got:
            raise CheckFailed(f"{workload}: {what}: no value for {name!r}")
        e = max_rel_err(got[name], r)
        if not e <= tol:
            raise CheckFailed(
                f"{workload}: {what}: {name!r} differs (max relative error {e:.2e} > {tol:.0e}); "
                "the reference is not computing the same thing, so it is not timed"
            )
        worst = max(worst, e)
    return worst


# -- formatting -----------------------------------------------------------------------------

def fmt(v: Optional[float], digits: int = 3) -> str:
    """A number with `digits` significant digits, thousands separated; '' for None."""
    if v is None:
        return ""
    if v == 0:
        return "0"
    mag = int(np.floor(np.log10(abs(v))))
    dec = max(0, digits - 1 - mag)
    return f"{v:,.{dec}f}"


def markdown_table(rows: List[Row]) -> str:
    """The per-contender table: median, IQR, and tapegrad's time divided by this contender's."""
    out = ["| workload | case | framework | median | IQR | unit | tapegrad / this | page faults / iter | note |",
           "|---|---|---|---:|---:|---|---:|---:|---|"]
    for r in rows:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ("—" if r.role == "ours" and r.median else "")
        med = fmt(r.median) if r.median is not None else "n/a"
        flt = "" if r.faults is None else f"{r.faults:.0f}" if r.faults >= 1 or r.faults == 0 else f"{r.faults:.2f}"
        out.append(f"| {r.workload} | {r.case} | {r.framework} | {med} | {fmt(r.iqr, 2)} | {r.unit} "
                   f"| {ratio} | {flt} | {r.note} |")
    return "\n".join(out)


def targets_table(targets: List[Target]) -> str:
    out = ["| workload | target | measured | met |", "|---|---|---|---|"]
    for t in targets:
        met = {True: "yes", False: "**no**", None: "n/a"}[t.met]
        out.append(f"| {t.workload} | {t.target} | {t.measured} | {met} |")
    return "\n".join(out)


def find(rows: List[Row], case_prefix: str, framework: str) -> Optional[Row]:
    """The row of ``framework`` in the first case whose name starts with ``case_prefix``."""
    for r in rows:
        if r.case.startswith(case_prefix) and r.framework == framework:
            return r
    return None
