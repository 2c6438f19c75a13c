"""W6 memory: resident memory over 200 W2 steps (peak, and growth after step 5).

Each framework runs in its own subprocess (``python -m benchmarks.w6_memory
--child NAME``), so imports and allocator state are not shared. A child builds
the W2 problem and runner, then takes 200 training steps, reading its RSS
(psutil) after every step; it reports

- peak: the kernel's high-water mark of the process (``VmHWM``), which also
  catches transients inside a step that sampling between steps would miss;
  it includes what the imports themselves cost (PyTorch's libraries are large);
- base: RSS after imports and setup, before the first step;
- growth: RSS after the last step minus RSS after step 5 (warm-up done).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from typing import List, Tuple

from benchmarks.harness import Row, Settings, Target, add_ratios

WORKLOAD = "W6"
STEPS = 200
WARMUP = 5
FRAMEWORKS = {"tapegrad": "ours", "tapegrad nn+optim": "extra", "numpy (hand-written)": "numpy", "torch": "torch"}
GROWTH_TOLERANCE_MB = 1.0   # page and allocator-arena granularity; a leak of one W2 graph is ~3 MB


def child(name: str, steps: int) -> dict:
    """Run in the subprocess: build one framework's W2 step, take ``steps`` steps, measure."""
    import psutil
    from benchmarks import w2_mlp
    proc = psutil.Process()
    p = w2_mlp.problem()
    if name == "tapegrad":
        step = w2_mlp.tapegrad_runner(p)[0]
    elif name == "tapegrad nn+optim":
        step = w2_mlp.tapegrad_nn_runner(p)[0]
    elif name == "numpy (hand-written)":
        step = w2_mlp.numpy_runner(p)[0]
    else:
        from benchmarks import peers
        torch = peers.torch()
        if torch is None:
            return {"error": peers.torch_reason()}
        step = w2_mlp.torch_runner(p, torch)[0]
    mb = 2 ** 20
    base = proc.memory_info().rss / mb
    rss = []
    for _ in range(steps):
        step()
        rss.append(proc.memory_info().rss / mb)
    return {"base": base, "rss": rss, "peak": _high_water_mb()}


def _high_water_mb() -> float:
    """The process's peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the
    parent across fork+exec, so a child of a process holding PyTorch would report its size."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # elsewhere: best effort


def _spawn(name: str, steps: int) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.w6_memory", "--child", name, "--steps", str(steps)]
    env = dict(os.environ)
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    if r.returncode != 0:
        last = (r.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"child failed: {last}"[:160]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def run(settings: Settings) -> Tuple[List[Row], List[Target]]:
    peak_case = f"peak RSS over {STEPS} W2 steps"
    growth_case = f"RSS growth, step {WARMUP} to {STEPS}"
    peaks, growths = [], []
    for name, role in FRAMEWORKS.items():
        res = _spawn(name, STEPS)
        if "error" in res:
            note = res["error"]
            if name == "tapegrad nn+optim" and "Error" in note:
                note = "not available: " + note
            peaks.append(Row(WORKLOAD, peak_case, name, role, "MB", note=note))
            growths.append(Row(WORKLOAD, growth_case, name, role, "MB", note=note))
            continue
        rss = res["rss"]
        peaks.append(Row(WORKLOAD, peak_case, name, role, "MB", median=res["peak"], n_samples=1,
                         note=f"RSS before step 1 (imports + setup): {res['base']:.0f} MB; peak above it: "
                              f"{res['peak'] - res['base']:.0f} MB",
                         extra={"base": res["base"], "rss_after_step": rss[WARMUP - 1], "rss_last": rss[-1],
                                "max_sampled": max(rss)}))
        growths.append(Row(WORKLOAD, growth_case, name, role, "MB", median=rss[-1] - rss[WARMUP - 1],
                           n_samples=1, note=f"max sampled RSS {max(rss):.0f} MB"))
    add_ratios(peaks)
    return peaks + growths, targets(peaks, growths)


def targets(peaks: List[Row], growths: List[Row]) -> List[Target]:
    ref = next((r for r in peaks if r.role == "numpy" and r.median), None)
    out = []
    for ours in (r for r in peaks if r.framework.startswith("tapegrad")):
        if ours.median is None:
            continue
        if ref:
            x = ours.median / ref.median
            out.append(Target(WORKLOAD, f"peak RSS at most 1.2x the numpy limit's ({ours.framework})",
                              f"{ours.median:.0f} MB vs {ref.median:.0f} MB = {x:.2f}x", x <= 1.2))
        g = next(r for r in growths if r.framework == ours.framework)
        out.append(Target(WORKLOAD, f"zero growth after warm-up ({ours.framework})",
                          f"{g.median:+.1f} MB from step {WARMUP} to {STEPS}",
                          abs(g.median) <= GROWTH_TOLERANCE_MB))
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="W6 child process (run by python -m benchmarks)")
    ap.add_argument("--child", required=True, choices=list(FRAMEWORKS))
    ap.add_argument("--steps", type=int, default=STEPS)
    a = ap.parse_args()
    print(json.dumps(child(a.child, a.steps)))
