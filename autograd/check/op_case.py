"""``check_op``: check one op case the way the library checks its own ops.

It runs the forward against a numpy reference, then ``gradcheck`` and
``gradgradcheck``; ``to_tensors`` is the registry's convention for turning
arrays into inputs.

>>> import numpy as np, autograd as ag
>>> from autograd.check import check_op
>>> bool(check_op(lambda x: ag.exp(x) * x, lambda x: np.exp(x) * x, np.array([0.5, -1.0])))
True
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

from autograd.check.finite_differences import gradcheck, gradgradcheck
from autograd.check.report import GradcheckResult
from autograd.tensor import Tensor


def to_tensors(args: Sequence[Any]) -> list:
    """The registry convention: floating arrays become float64 Tensors that require grad,
    integer/bool arrays become Tensors without grad, anything else is passed as it is.

    >>> [type(a).__name__ for a in to_tensors([np.zeros(2), np.array([1, 0]), 3])]
    ['Tensor', 'Tensor', 'int']
    """
    out = []
    for a in args:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            out.append(Tensor(a if a.dtype == np.float64 else a.astype(np.float64), requires_grad=True))
        elif isinstance(a, np.ndarray):
            out.append(Tensor(a))
        else:
            out.append(a)
    return out


def check_op(fn: Callable[..., Any], numpy_reference: Optional[Callable[..., Any]], *args: Any,
             second_order: bool = True, atol: float = 1e-5, rtol: float = 1e-3, eps: float = 1e-6,
             mode: str = "exact", **kwargs: Any) -> GradcheckResult:
    """Check ``fn(*args, **kwargs)``: its values against ``numpy_reference`` (skipped when None),
    its gradients with ``gradcheck`` and, if ``second_order``, with ``gradgradcheck``.

    ``args`` follow ``to_tensors``. Raises ``AssertionError`` (values) or
    ``GradcheckError`` (gradients); returns the last check's result.

    >>> import autograd as ag
    >>> bool(check_op(ag.sin, np.sin, np.array([[0.1, 0.2], [0.3, 0.4]])))
    True
    """
    tensors = to_tensors(args)
    if numpy_reference is not None:
        got = fn(*tensors, **kwargs)
        want = numpy_reference(*args, **kwargs)
        gots = got if isinstance(got, (tuple, list)) else (got,)
        wants = want if isinstance(want, (tuple, list)) else (want,)
        if len(gots) != len(wants):
            raise AssertionError(f"check_op: fn returned {len(gots)} outputs, the reference {len(wants)}")
        for k, (g, w) in enumerate(zip(gots, wants)):
            g = g.numpy() if isinstance(g, Tensor) else np.asarray(g)
            w = np.asarray(w)
            if g.shape != w.shape or not np.allclose(g, w, atol=atol, rtol=rtol, equal_nan=True):
                raise AssertionError(
                    f"check_op: output {k} of {getattr(fn, '__name__', fn)} differs from the reference "
                    f"(shapes {g.shape} and {w.shape}; max abs difference "
                    f"{np.max(np.abs(g - w)) if g.shape == w.shape and g.size else 'n/a'})")
    result = gradcheck(fn_kw(fn, kwargs), tensors, eps=eps, atol=atol, rtol=rtol, mode=mode)
    if second_order:
        result = gradgradcheck(fn_kw(fn, kwargs), tensors, eps=eps, atol=atol, rtol=rtol, mode=mode)
    return result


def fn_kw(fn: Callable[..., Any], kwargs: dict) -> Callable[..., Any]:
    """``fn`` with ``kwargs`` bound (what gradcheck needs: a function of the inputs only)."""
    return lambda *a: fn(*a, **kwargs)
