"""The peers: PyTorch (optional, benchmark-only) and a description of the machine.

The library never imports torch; only the benchmarks do, and they say so when
it is missing. PyTorch gets as many intra-op threads as numpy's BLAS has, so
both sides of every matmul have the same cores.
"""
from __future__ import annotations

import os
import platform
import re
import subprocess
from typing import Any, Dict, Optional

import numpy as np

_torch: Any = None
_torch_reason = ""
_limits: Any = None   # keeps threadpoolctl's limit in force


def set_threads(n: int) -> int:
    """Give numpy's BLAS ``n`` threads (needs threadpoolctl); PyTorch then gets the same number.

    On a busy shared machine one thread per framework is far steadier than two
    threads that each wait for a core another process holds.
    """
    global _limits
    try:
        from threadpoolctl import threadpool_limits
        _limits = threadpool_limits(limits=n, user_api="blas")
    except ImportError:
        os.environ["OPENBLAS_NUM_THREADS"] = str(n)  # only effective before numpy loads BLAS
    if _torch is not None:
        _torch.set_num_threads(blas_threads())
    return blas_threads()


def blas_threads() -> int:
    """Threads numpy's BLAS uses (threadpoolctl when installed, else the CPU count)."""
    try:
        from threadpoolctl import threadpool_info
        n = [i["num_threads"] for i in threadpool_info() if i.get("user_api") == "blas"]
        if n:
            return int(n[0])
    except Exception:
        pass
    return os.cpu_count() or 1


def torch() -> Optional[Any]:
    """The torch module with threads set to numpy's, or None (see ``torch_reason``)."""
    global _torch, _torch_reason
    if _torch is None and not _torch_reason:
        try:
            import torch as t
            t.set_num_threads(blas_threads())
            _torch = t
        except Exception as e:  # ImportError, or a broken install
            _torch_reason = f"not available: PyTorch not installed ({type(e).__name__})"
    return _torch


def torch_reason() -> str:
    torch()
    return _torch_reason


def _lscpu(field: str) -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        m = re.search(rf"^{field}:\s*(.+)$", out, re.M)
        return m.group(1).strip() if m else "?"
    except Exception:
        return "?"


def machine() -> Dict[str, Any]:
    """What the results depend on: CPU, cores, Python, numpy and its BLAS, torch."""
    info: Dict[str, Any] = {
        "cpu": _lscpu("Model name"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas_threads": blas_threads(),
    }
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:
        info["blas"] = "?"
    t = torch()
    info["torch"] = f"{t.__version__} ({t.get_num_threads()} threads)" if t else torch_reason()
    return info
