"""PyTorch twins of the autograd ops whose arguments differ from ours (axis=None, numpy pads,
numpy index expressions). torch is imported on first use only: it is an optional test oracle."""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from tests.op_registry.cases import int_positions

SPECS: list = []  # NOTE: helpers only


class _Lazy:
    """``T.exp`` stands for ``torch.exp``; torch is imported only when it is called.

    The registry names torch functions at import time (``OpSpec(..., T.exp)``), and the
    numeric gradchecks must still run where torch is absent, so nothing is imported here.
    """

    def __init__(self, path: str) -> None:
        self._path = path

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        lazy = _Lazy(f"{self._path}.{name}")
        # NOTE: once torch is imported (a test that uses it has run importorskip), names resolve
        # at once, so non-callables such as T.bool or T.float64 are the real objects
        return lazy._resolve() if "torch" in sys.modules and sys.modules["torch"] is not None else lazy

    def _resolve(self) -> Any:
        import importlib
        module, _, attr = self._path.rpartition(".")
        try:
            return importlib.import_module(self._path)
        except ImportError:
            if not module:
                raise
        return getattr(_Lazy(module)._resolve(), attr)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<lazy {self._path}>"


T = _Lazy("torch")
F = _Lazy("torch.nn.functional")


def dims(x: Any, axis: Any) -> tuple:
    """numpy's axis (None, int, tuple) as torch's dim tuple."""
    if axis is None:
        return tuple(range(x.dim()))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def reduce_with(fn: Any):
    """A torch reduction taking ``dim`` tuples, with numpy's ``axis=None`` meaning all axes."""
    def run(x, axis=None, keepdims=False):
        if x.dim() == 0:
            return fn(x.reshape(1), dim=(0,), keepdim=False).reshape(())
        return fn(x, dim=dims(x, axis), keepdim=keepdims)
    return run


def prod(x, axis=None, keepdims=False):
    # NOTE: torch.prod reduces one dim at a time
    if axis is None and not keepdims:
        return T.prod(x)
    for a in sorted((d % max(x.dim(), 1) for d in dims(x, axis)), reverse=True):
        x = T.prod(x, dim=a, keepdim=keepdims) if x.dim() else x
    return x


def var(x, axis=None, keepdims=False, ddof=0):
    return T.var(x, dim=dims(x, axis), correction=ddof, keepdim=keepdims)


def std(x, axis=None, keepdims=False, ddof=0):
    return T.std(x, dim=dims(x, axis), correction=ddof, keepdim=keepdims)


def take(x, index):
    """``x[index]`` with any numpy index, as a gather from the flat tensor."""
    pos = int_positions(tuple(x.shape), index)
    return x.reshape(-1)[T.from_numpy(np.array(pos, order="C"))]


def put(x, v, index):
    """A copy of ``x`` with ``[index] = v`` (positions unique), through index_put."""
    pos = np.array(int_positions(tuple(x.shape), index), order="C")
    flat = x.reshape(-1).index_put((T.from_numpy(pos.reshape(-1)),), v.expand(pos.shape).reshape(-1))
    return flat.reshape(x.shape)


def pad(x, pad_width, value=0.0):
    flat = [w for pair in reversed(pad_width) for w in pair]
    return F.pad(x, flat, value=value)


def flip(x, axis=None):
    return T.flip(x, dims(x, axis))


def softmax(x, axis):
    return T.softmax(x, dim=axis)


def log_softmax(x, axis):
    return T.log_softmax(x, dim=axis)


def cat(*xs, axis):
    return T.cat(xs, dim=axis)


def stack(*xs, axis):
    return T.stack(xs, dim=axis)
