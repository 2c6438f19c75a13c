"""python -m benchmarks [--quick] [--only W1,W4] [--json out.json] [--threads N]

Runs the workloads of issue 10 (W1-W6) and W7 (issue 18) for tapegrad, a hand-written numpy
reference (gradients checked against tapegrad's before timing) and PyTorch
when installed, and prints a markdown table of medians, IQRs and ratios plus
the targets of issue 10 and whether this run meets them.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import sys
import time
import traceback

import numpy as np

from benchmarks import peers
from benchmarks.harness import CheckFailed, Row, Settings, markdown_table, targets_table

WORKLOADS = {
    "W1": "benchmarks.w1_overhead",
    "W2": "benchmarks.w2_mlp",
    "W3": "benchmarks.w3_cnn",
    "W4": "benchmarks.w4_chain",
    "W5": "benchmarks.w5_lstm",
    "W6": "benchmarks.w6_memory",
    "W7": "benchmarks.w7_transformer",
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer repetitions, shorter chains (W4 up to 1e5)")
    p.add_argument("--only", default="", help="comma-separated workloads, e.g. W1,W4")
    p.add_argument("--json", dest="json_path", default="", help="also write the results as JSON here")
    p.add_argument("--reps", type=int, default=0, help="round-robin repetitions per case (default 7 quick, 21 full)")
    p.add_argument("--threads", type=int, default=0,
                   help="BLAS threads for numpy and PyTorch alike (default: numpy's current count)")
    a = p.parse_args(argv)

    names = [w.strip().upper() for w in a.only.split(",") if w.strip()] or list(WORKLOADS)
    unknown = [w for w in names if w not in WORKLOADS]
    if unknown:
        p.error(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
    settings = Settings(reps=a.reps or (7 if a.quick else 21), sample_s=0.03 if a.quick else 0.1,
                        quick=a.quick)
    if a.threads:
        peers.set_threads(a.threads)
    mach = peers.machine()
    log = lambda s: print(s, file=sys.stderr, flush=True)  # progress goes to stderr, the table to stdout
    log("machine: " + ", ".join(f"{k}={v}" for k, v in mach.items()))

    rows, targets, problems = [], [], []
    t_start = time.time()
    for w in names:
        log(f"{w} ...")
        t0 = time.time()
        try:
            mod = importlib.import_module(WORKLOADS[w])
            r, t = mod.run(settings)
            rows += r
            targets += t
        except CheckFailed as e:
            problems.append(f"{w} aborted: {e}")
            rows.append(Row(w, "(aborted)", "-", "-", "", note=f"gradient check failed: {e}"))
        except Exception as e:
            traceback.print_exc()
            problems.append(f"{w} crashed: {type(e).__name__}: {e}")
            rows.append(Row(w, "(crashed)", "-", "-", "", note=f"{type(e).__name__}: {e}"[:200]))
        log(f"{w} done in {time.time() - t0:.0f} s")

    print(f"## Results ({'quick' if a.quick else 'full'} run, {settings.reps} round-robin repetitions)\n")
    print("Machine: " + ", ".join(f"{k} {v}" for k, v in mach.items()) + "\n")
    print(markdown_table(rows) + "\n")
    if targets:
        print("## Targets (issue 10 for W1-W6, issue 18 for W7 and the GRU row)\n")
        print(targets_table(targets) + "\n")
    for pr in problems:
        print(f"**{pr}**\n")
    log(f"total {time.time() - t_start:.0f} s")

    if a.json_path:
        doc = {"machine": mach, "settings": dataclasses.asdict(settings), "argv": sys.argv[1:],
               "rows": [dataclasses.asdict(r) for r in rows],
               "targets": [dataclasses.asdict(t) for t in targets], "problems": problems,
               "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        with open(a.json_path, "w") as f:
            json.dump(doc, f, indent=1, default=lambda o: float(o) if isinstance(o, np.floating) else str(o))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
