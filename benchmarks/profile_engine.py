"""python -m benchmarks.profile_engine [--quick]: where tapegrad's time goes, with numbers.

The evidence behind the "why" column of benchmarks/README.md:

1. W1 split: a recorded forward, the same forward under ``no_grad``, the
   backward (full iteration minus recorded forward), and numpy's forward; per op.
2. W4 split per chain step: forward, backward and freeing the graph, with the
   cyclic garbage collector on and off, and the time the collector itself took
   (``gc.callbacks``) at N = 1e3 and 1e5 (1e6 unless --quick).
3. cProfile of the W2 step and of the W5 raw-op LSTM loop: the functions with
   the most own time.
4. W2 page faults per step (tapegrad vs numpy, same process).
5. Import cost in resident memory (W6): numpy alone vs ``import autograd``
   (and ``nn``, ``optim``), each in a fresh interpreter, and which large
   packages the import pulls in.

Timings are the best of interleaved repetitions (W4: best of 3 chains); the machine is shared, so
read the ratios, not the absolute values.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import subprocess
import sys
import time
from typing import Callable, Dict

import numpy as np


def _median_times(fns: Dict[str, Callable[[], None]], inner: int, reps: int) -> Dict[str, float]:
    """Best-of-reps seconds per call of each fn, the fns interleaved round-robin."""
    samples: Dict[str, list] = {k: [] for k in fns}
    for f in fns.values():
        f()
    for _ in range(reps):
        for k, f in fns.items():
            t0 = time.perf_counter()
            for _ in range(inner):
                f()
            samples[k].append((time.perf_counter() - t0) / inner)
    # NOTE: the best repetition, not the median: for attributing time to parts of one
    # computation, the run least disturbed by other processes is the informative one
    return {k: float(np.min(v)) for k, v in samples.items()}


def w1_split(reps: int) -> None:
    import autograd as ag
    x = ag.tensor(np.random.default_rng(0).standard_normal(64).astype(np.float32), requires_grad=True)
    xn = x.data.copy()

    def full():
        ((x * 2 + 1).relu() * x).sum().backward()
        x.grad = None

    def fwd():
        ((x * 2 + 1).relu() * x).sum()

    def fwd_nograd():
        with ag.no_grad():
            ((x * 2 + 1).relu() * x).sum()

    def np_fwd():
        np.sum(np.maximum(xn * np.float32(2) + np.float32(1), 0) * xn)

    nograd = ag.tensor(xn)

    def fwd_plain():   # no input requires grad: nothing is recorded either
        ((nograd * 2 + 1).relu() * nograd).sum()

    t = _median_times({"full": full, "fwd": fwd, "fwd_nograd": fwd_nograd, "fwd_plain": fwd_plain,
                       "np_fwd": np_fwd}, 2000, reps)
    us = {k: v * 1e6 for k, v in t.items()}
    print("## W1 split (5 ops: mul, add, relu, mul, sum), µs\n")
    print("| part | per iteration | per op |\n|---|---:|---:|")
    rows = [("full iteration (forward + backward + grad reset)", us["full"]),
            ("recorded forward (graph built, then dropped)", us["fwd"]),
            ("backward = full - recorded forward", us["full"] - us["fwd"]),
            ("forward under no_grad (context manager included)", us["fwd_nograd"]),
            ("forward, no input requires grad", us["fwd_plain"]),
            ("numpy forward (same 5 ufunc calls)", us["np_fwd"])]
    for name, v in rows:
        print(f"| {name} | {v:.1f} | {v / 5:.2f} |")
    print(f"\nrecording costs {(us['fwd'] - us['fwd_plain']) / 5:.2f} µs per op over an unrecorded op; "
          f"an unrecorded op costs {(us['fwd_plain'] - us['np_fwd']) / 5:.2f} µs over the bare ufunc.\n")


def w4_split(sizes) -> None:
    import autograd as ag
    x0 = ag.tensor(np.float32(0.5), requires_grad=True)
    gc_time = [0.0]
    gc_count = {0: 0, 1: 0, 2: 0}
    started = [0.0]

    def cb(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            gc_time[0] += time.perf_counter() - started[0]
            gc_count[info["generation"]] += 1

    print("## W4 split per chain step (mul + add), µs\n")
    print("| N | gc | forward | backward | free graph | total | time in gc | collections gen0/1/2 |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    gc.callbacks.append(cb)
    try:
        for n in sizes:
            for mode in ("on", "off"):
                best = None
                # NOTE: best of many short chains: one 1e3 chain lasts ~5 ms, and the first few
                # of a process run cold (the allocator's pools are not yet warm)
                for _ in range(30 if n <= 10_000 else 3 if n <= 100_000 else 1):
                    gc.collect()
                    if mode == "off":
                        gc.disable()
                    gc_time[0] = 0.0
                    for k in gc_count:
                        gc_count[k] = 0
                    with np.errstate(over="ignore", invalid="ignore"):
                        t0 = time.perf_counter()
                        y = x0
                        for _ in range(n):
                            y = y * 1.0001 + 0.0001
                        t1 = time.perf_counter()
                        y.backward()
                        t2 = time.perf_counter()
                        del y
                        x0.grad = None
                        t3 = time.perf_counter()
                    gc.enable()
                    r = (t1 - t0, t2 - t1, t3 - t2, gc_time[0], dict(gc_count))
                    if best is None or sum(r[:3]) < sum(best[:3]):
                        best = r
                f, b, fr, g, cnt = best
                s = 1e6 / n
                print(f"| {n:.0e} | {mode} | {f * s:.2f} | {b * s:.2f} | {fr * s:.2f} | {(f + b + fr) * s:.2f} "
                      f"| {g * s:.2f} | {cnt[0]}/{cnt[1]}/{cnt[2]} |")
    finally:
        gc.callbacks.remove(cb)
    print()


def _rss() -> float:
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmRSS"))


def w4_graph_memory(n: int) -> None:
    """Resident bytes and GC-tracked objects one recorded chain step keeps alive until backward."""
    import autograd as ag
    from benchmarks import peers
    print(f"## W4 graph size per chain step (N = {n:.0e}, graph alive, before backward)\n")
    print("| framework | resident bytes per step | GC-tracked Python objects per step |\n|---|---:|---:|")
    rows = [("tapegrad", lambda: ag.tensor(np.float32(0.5), requires_grad=True))]
    torch = peers.torch()
    if torch is not None:
        rows.append(("torch", lambda: torch.tensor(0.5, requires_grad=True)))
    for name, make in rows:
        x0 = make()
        gc.collect()
        gc.disable()
        r0, o0 = _rss(), len(gc.get_objects())
        y = x0
        for _ in range(n):
            y = y * 1.0001 + 0.0001
        r1, o1 = _rss(), len(gc.get_objects())
        del y
        gc.enable()
        gc.collect()
        print(f"| {name} | {(r1 - r0) / n:.0f} | {(o1 - o0) / n:.1f} |")
    print()


def _profile(title: str, fn: Callable[[], None], n: int, top: int = 12) -> None:
    fn()
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(n):
        fn()
    pr.disable()
    s = io.StringIO()
    st = pstats.Stats(pr, stream=s)
    total = st.total_tt
    print(f"## cProfile: {title} ({n} iterations, {total / n * 1e3:.2f} ms each under the profiler)\n")
    print("| function | calls/iter | own time per iter, ms | share |\n|---|---:|---:|---:|")
    items = sorted(st.stats.items(), key=lambda kv: -kv[1][2])[:top]
    for (file, line, name), (cc, nc, tt, ct, _) in items:
        where = f"{file.split('/work/main/')[-1].split('site-packages/')[-1]}:{line}({name})"
        print(f"| `{where}` | {nc / n:.0f} | {tt / n * 1e3:.3f} | {tt / total:.0%} |")
    print()


def profiles(n: int) -> None:
    from benchmarks import w2_mlp, w5_lstm
    step, _ = w2_mlp.tapegrad_runner(w2_mlp.problem())
    _profile("W2 tapegrad step (raw ops)", step, n)
    try:
        step, _ = w2_mlp.tapegrad_nn_runner(w2_mlp.problem())
        _profile("W2 tapegrad step (nn + optim)", step, n)
    except Exception as e:
        print(f"(W2 nn + optim not profiled: {type(e).__name__}: {e})\n")
    fb, _ = w5_lstm.tapegrad_cell_loop_runner(w5_lstm.problem())
    _profile("W5 tapegrad raw-op LSTM loop", fb, max(2, n // 4))


def w2_faults(reps: int) -> None:
    """Minor page faults and time per W2 step, tapegrad (raw, nn + optim) and numpy, round-robin.

    Run it twice, with and without MALLOC_MMAP_THRESHOLD_=33554432
    MALLOC_TRIM_THRESHOLD_=1073741824, to see what the faults cost.
    """
    import os
    import resource
    from benchmarks import w2_mlp
    p = w2_mlp.problem()
    steps = {"tapegrad raw ops": w2_mlp.tapegrad_runner(p)[0], "numpy": w2_mlp.numpy_runner(p)[0]}
    try:
        steps["tapegrad nn + optim"] = w2_mlp.tapegrad_nn_runner(p)[0]
    except Exception:
        pass
    t = {k: [] for k in steps}
    f = {k: [] for k in steps}
    for s in steps.values():
        for _ in range(5):
            s()
    for _ in range(reps):
        for k, s in steps.items():
            f0, t0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.perf_counter()
            for _ in range(5):
                s()
            t[k].append((time.perf_counter() - t0) / 5 * 1e3)
            f[k].append((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / 5)
    env = "set" if os.environ.get("MALLOC_TRIM_THRESHOLD_") else "not set"
    print(f"## W2 step: page faults (MALLOC_*_THRESHOLD_ {env})\n")
    print("| step | median ms | / numpy | minor faults per step |\n|---|---:|---:|---:|")
    ref = float(np.median(t["numpy"]))
    for k in steps:
        m = float(np.median(t[k]))
        print(f"| {k} | {m:.2f} | {m / ref:.2f}x | {np.median(f[k]):.0f} |")
    print()


def import_rss() -> None:
    probe = ("import sys, importlib; [importlib.import_module(m) for m in sys.argv[1:]]; "
             "rss=[l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]; "
             "big=[m for m in ('scipy', 'scipy.special', 'graphviz', 'tqdm', 'sklearn', 'torch', 'PIL', "
             "'matplotlib', 'IPython') if m in sys.modules]; print(int(rss)/1024, ','.join(big))")
    print("## Import cost (fresh interpreter, VmRSS after import), MB\n")
    print("| import | RSS | large packages loaded |\n|---|---:|---|")
    for mods in (["numpy"], ["numpy", "scipy.special"], ["autograd"], ["autograd", "nn", "optim"]):
        r = subprocess.run([sys.executable, "-c", probe, *mods], capture_output=True, text=True)
        out = r.stdout.split() if r.returncode == 0 else ["failed", r.stderr.strip().splitlines()[-1][:80]]
        print(f"| {' + '.join(mods)} | {out[0] if out[0] == 'failed' else f'{float(out[0]):.1f}'} "
              f"| {out[1] if len(out) > 1 else ''} |")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    print(f"# tapegrad engine profile (HEAD {commit})\n")
    w1_split(reps=7 if a.quick else 21)
    w4_split([1000, 100_000] if a.quick else [1000, 100_000, 1_000_000])
    with np.errstate(over="ignore", invalid="ignore"):
        w4_graph_memory(100_000)
    profiles(20 if a.quick else 60)
    w2_faults(10 if a.quick else 30)
    import_rss()


if __name__ == "__main__":
    main()
