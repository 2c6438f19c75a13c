"""``detect_anomaly()``: name the op that first produced a NaN or an infinity, forward or backward.

>>> import autograd as ag
>>> x = ag.tensor([0.0, 1.0], requires_grad=True)
>>> with ag.detect_anomaly():
...     y = ag.log(x)
Traceback (most recent call last):
...
FloatingPointError: Log produced -inf in forward (output shape (2,), float32; input shapes [(2,)])
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import numpy as np

#: a one-element list so that function.py and engine.py read the flag without a call
enabled = [False]


def _bad(a: Any) -> str:
    a = np.asarray(a)
    if a.dtype.kind not in "fc" or np.isfinite(a).all():
        return ""
    if np.isnan(a).any():
        return "nan"
    return "-inf" if np.isneginf(a).any() and not np.isposinf(a).any() else "inf"


def check_forward(name: str, out: np.ndarray, arrays: Sequence[Any]) -> None:
    bad = _bad(out)
    if bad and not any(_bad(a) for a in arrays):
        shapes = [tuple(np.shape(a)) for a in arrays if isinstance(a, np.ndarray)]
        raise FloatingPointError(f"{name} produced {bad} in forward (output shape {out.shape}, "
                                 f"{out.dtype}; input shapes {shapes})")


def check_backward(name: str, grads: Sequence[Any], g: Any) -> None:
    if _bad(getattr(g, "_data", g)):
        return  # NOTE: the op that made the bad upstream gradient was named already
    for i, gi in enumerate(grads):
        if gi is not None and _bad(getattr(gi, "_data", gi)):
            raise FloatingPointError(f"{name}.backward produced {_bad(getattr(gi, '_data', gi))} "
                                     f"in the gradient of its input {i} (shape {np.shape(gi)})")


class detect_anomaly:
    """Context manager and decorator: raise at the first op whose forward or backward makes nan/inf.

    Every op's result is checked while it is on, which costs time; use it to find a bug.
    """

    def __enter__(self) -> None:
        self._prev = enabled[0]
        enabled[0] = True
        # NOTE: numpy's RuntimeWarnings would only repeat, less precisely, what is raised here
        self._errstate = np.errstate(divide="ignore", invalid="ignore", over="ignore")
        self._errstate.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._errstate.__exit__(*exc)
        enabled[0] = self._prev

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)
        return wrapper
