"""Gradient truth: compare analytic gradients with central finite differences in float64.

``gradcheck(fn, inputs)`` casts every floating input to a float64 copy (the
caller's tensors are never touched), draws a random upstream gradient ``u``
for each output (so non-scalar and tuple outputs are covered) and compares the
analytic ``J^T u`` with a numeric estimate of ``d<fn(x), u>/dx``:

- ``mode='exact'``: every element, one central difference each;
- ``mode='fast'``: one random unit direction ``v`` per input, comparing
  ``<J^T u, v>`` with the directional derivative; on a mismatch, inputs of up
  to ``locate_limit`` elements are re-checked element by element so the report
  can still name the element.

``gradgradcheck`` applies the same check to ``x -> grad(<fn(x), u>, x)``
computed with ``create_graph=True``, i.e. to the second derivatives.
``gradcheck_module`` checks every parameter of a model, reported by name.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from autograd.check.report import GradcheckError, GradcheckResult, InputReport
from autograd.engine import grad as _grad
from autograd.grad_mode import enable_grad, no_grad
from autograd.tensor import Tensor, _make

_MODES = ("exact", "fast")


# -- inputs -------------------------------------------------------------------------------

def _layout_copy(a: np.ndarray, dtype: Any) -> np.ndarray:
    """A copy of ``a`` in ``dtype`` with the same stride pattern (transposed, sliced, reversed).

    NOTE: keeping the layout means ops are checked on non-contiguous arrays as
    drawn; broadcast views (zero strides) become plain copies, since perturbing
    one of their elements would move many.
    """
    item = a.itemsize
    if a.size == 0 or any(s == 0 or s % item for s, n in zip(a.strides, a.shape) if n > 1):
        return np.array(a, dtype=dtype, copy=True)
    steps = [s // item if n > 1 else 0 for s, n in zip(a.strides, a.shape)]
    lo = sum(st * (n - 1) for st, n in zip(steps, a.shape) if st < 0)
    hi = sum(st * (n - 1) for st, n in zip(steps, a.shape) if st > 0)
    buf = np.zeros(hi - lo + 1, dtype=dtype)
    size = buf.itemsize
    out = as_strided(buf[-lo:], shape=a.shape, strides=[st * size for st in steps])
    out[...] = a
    return out


def _prepare(inputs: Any, who: str) -> Tuple[list, List[int]]:
    """Cast copies of the inputs (floating ones to float64); the positions of those to check."""
    if isinstance(inputs, Tensor) or not isinstance(inputs, (tuple, list)):
        inputs = (inputs,)
    args, checked, kinds = [], [], []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor):
            kinds.append(f"Tensor {x.dtype}")
            if x.dtype.kind == "f":
                args.append(_make(_layout_copy(x._data, np.float64), None, x.requires_grad))
                if x.requires_grad:
                    checked.append(i)
            else:
                args.append(_make(x._data.copy(), None, False))
        else:
            kinds.append(type(x).__name__)
            args.append(x)
    if not any(k.startswith("Tensor float") for k in kinds):
        raise TypeError(f"{who}: no input is a floating-point Tensor (got {', '.join(kinds) or 'no inputs'}); "
                        "gradients exist only for float tensors, e.g. ag.tensor([1.0], requires_grad=True)")
    if not checked:
        raise ValueError(f"{who}: no floating input requires grad, so there is nothing to check; "
                         "pass tensors made with requires_grad=True")
    return args, checked


def _validate(who: str, eps: float, atol: float, rtol: float, mode: str) -> None:
    if not (isinstance(eps, (int, float)) and eps > 0):
        raise ValueError(f"{who}: eps must be a positive number, got {eps!r}")
    if atol < 0 or rtol < 0:
        raise ValueError(f"{who}: atol and rtol must be non-negative, got atol={atol}, rtol={rtol}")
    if mode not in _MODES:
        raise ValueError(f"{who}: mode must be 'exact' or 'fast', got {mode!r}")


def _outputs(out: Any, who: str) -> Tuple[Tensor, ...]:
    outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    for k, o in enumerate(outs):
        if not isinstance(o, Tensor):
            what = f"output {k} of its result" if isinstance(out, (tuple, list)) else "its result"
            raise TypeError(f"{who}: fn must return a Tensor or a tuple of Tensors; {what} is a "
                            f"{type(o).__name__}")
    return outs


# -- the check ----------------------------------------------------------------------------

class _Problem:
    """Leaves to perturb in place, a function of them, and a fixed random upstream gradient."""

    def __init__(self, evaluate: Callable[[], Any], leaves: Sequence[Tensor], names: Sequence[str],
                 rng: np.random.Generator, who: str) -> None:
        self.evaluate, self.leaves, self.names, self.rng, self.who = evaluate, list(leaves), list(names), rng, who
        with no_grad():
            outs = _outputs(evaluate(), who)
        # NOTE: integer/bool outputs carry no gradient; they are left out of <f(x), u>
        self.us = [rng.standard_normal(o.shape).astype(o.dtype) if o.dtype.kind == "f" else None
                   for o in outs]
        self.note = ("" if all(np.isfinite(o._data).all() for o, u in zip(outs, self.us) if u is not None)
                     else "fn's output has nan/inf at these inputs, so finite differences are meaningless")

    def phi(self) -> float:
        """<f(x), u> in float64, with no graph recorded."""
        with no_grad():
            outs = _outputs(self.evaluate(), self.who)
        if len(outs) != len(self.us):
            raise RuntimeError(f"{self.who}: fn returned {len(outs)} outputs on one call and "
                               f"{len(self.us)} on another")
        return float(sum(np.sum(o._data.astype(np.float64) * u) for o, u in zip(outs, self.us)
                         if u is not None))

    def analytic(self) -> List[np.ndarray]:
        """J^T u for every leaf (zeros where an output does not depend on it)."""
        with enable_grad():
            outs = _outputs(self.evaluate(), self.who)
        roots = [(o, u) for o, u in zip(outs, self.us) if u is not None and o.requires_grad]
        grads = [None] * len(self.leaves)
        if roots:
            grads = list(_grad([o for o, _ in roots], self.leaves, [u for _, u in roots],
                               allow_unused=True))
        result = []
        for leaf, g in zip(self.leaves, grads):
            if g is None:
                result.append(np.zeros(leaf.shape))
            elif g.shape != leaf.shape:
                raise RuntimeError(f"{self.who}: the analytic gradient has shape {g.shape} for an "
                                   f"input of shape {leaf.shape}")
            else:
                result.append(g._data.astype(np.float64))
        return result

    def numeric_element(self, leaf: Tensor, idx: tuple, eps: float) -> float:
        data = leaf._data
        orig = data[idx]
        try:
            data[idx] = orig + eps
            plus = self.phi()
            data[idx] = orig - eps
            minus = self.phi()
        finally:
            data[idx] = orig
        return (plus - minus) / (2 * eps)

    def numeric_direction(self, leaf: Tensor, v: np.ndarray, eps: float) -> float:
        data = leaf._data
        orig = data.copy()
        try:
            data[...] = orig + eps * v
            plus = self.phi()
            data[...] = orig - eps * v
            minus = self.phi()
        finally:
            data[...] = orig
        return (plus - minus) / (2 * eps)


def _exact_report(p: _Problem, k: int, analytic: np.ndarray, eps: float, atol: float,
                  rtol: float) -> InputReport:
    leaf, name = p.leaves[k], p.names[k]
    numeric = np.zeros(leaf.shape)
    for idx in np.ndindex(*leaf.shape):
        numeric[idx] = p.numeric_element(leaf, idx, eps)
    if numeric.size == 0:
        return InputReport(name, leaf.shape, True, 0.0, 0.0)
    err = np.abs(analytic - numeric)
    allowed = atol + rtol * np.abs(numeric)
    bad = ~(err <= allowed)  # NOTE: written so that nan counts as bad
    rel = err / np.maximum(np.abs(numeric), np.finfo(np.float64).tiny)
    worst = np.unravel_index(int(np.argmax(np.where(np.isnan(err), np.inf, err - allowed))), leaf.shape)
    idx = tuple(int(i) for i in worst)
    return InputReport(name, leaf.shape, not bad.any(), float(np.max(err)), float(np.max(rel)), idx,
                       float(analytic[idx]), float(numeric[idx]), int(bad.sum()))


def _fast_report(p: _Problem, k: int, analytic: np.ndarray, eps: float, atol: float, rtol: float,
                 locate_limit: int) -> InputReport:
    leaf, name = p.leaves[k], p.names[k]
    if leaf.size == 0:
        return InputReport(name, leaf.shape, True, 0.0, 0.0)
    v = p.rng.standard_normal(leaf.shape)
    v /= np.linalg.norm(v)
    a = float(np.sum(analytic * v))
    n = p.numeric_direction(leaf, v, eps)
    err = abs(a - n)
    ok = err <= atol + rtol * abs(n)
    report = InputReport(name, leaf.shape, ok, err, err / max(abs(n), np.finfo(np.float64).tiny),
                         None, a, n, 0 if ok else 1)
    if not ok and leaf.size <= locate_limit:
        located = _exact_report(p, k, analytic, eps, atol, rtol)
        located.ok = False
        located.message = (f"fast check: <J^T u, v> = {a:.6g} vs directional derivative {n:.6g}; "
                           "worst element found by an exact re-check")
        return located
    return report


def _run_check(p: _Problem, check: str, eps: float, atol: float, rtol: float, mode: str,
               raise_exception: bool, locate_limit: int) -> GradcheckResult:
    first, second = p.phi(), p.phi()
    if not (abs(first - second) <= 1e-12 * max(abs(first), abs(second)) or (first != first and second != second)):
        raise ValueError(f"{p.who}: fn gives different results on two calls with the same inputs "
                         f"(<f(x), u> = {first!r}, then {second!r}); finite differences need a "
                         "deterministic function: turn off dropout and other randomness (model.eval())")
    analytic = p.analytic()
    reports = []
    for k in range(len(p.leaves)):
        if mode == "exact":
            reports.append(_exact_report(p, k, analytic[k], eps, atol, rtol))
        else:
            reports.append(_fast_report(p, k, analytic[k], eps, atol, rtol, locate_limit))
    for r in reports:
        if p.note and not r.ok:
            r.message = "; ".join(m for m in (r.message, p.note) if m)
    result = GradcheckResult(check, mode, atol, rtol, reports)
    if not result.ok and raise_exception:
        raise GradcheckError(result)
    return result


def _input_name(x: Any, i: int) -> str:
    name = getattr(x, "name", None)
    return f"input {i}" + (f" ({name})" if name else "")


# -- public -------------------------------------------------------------------------------

def gradcheck(fn: Callable[..., Any], inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, mode: str = "exact",
              seed: Optional[int] = 0, locate_limit: int = 4096) -> GradcheckResult:
    """Check ``fn``'s analytic gradients against central differences in float64.

    ``inputs`` is a Tensor or a sequence of arguments for ``fn``; floating
    Tensors that require grad are checked, other arguments are passed through.
    Returns a truthy ``GradcheckResult``; on a mismatch raises ``GradcheckError``
    (or, with ``raise_exception=False``, returns the falsy result).

    >>> import autograd as ag
    >>> x = ag.tensor([0.5, 1.5, -2.0], requires_grad=True)
    >>> bool(ag.gradcheck(lambda t: (t.tanh() * t).sum(), [x]))
    True
    >>> x.dtype  # the check ran on float64 copies
    dtype('float32')
    """
    _validate("gradcheck", eps, atol, rtol, mode)
    args, checked = _prepare(inputs, "gradcheck")
    originals = inputs if isinstance(inputs, (tuple, list)) else (inputs,)
    problem = _Problem(lambda: fn(*args), [args[i] for i in checked],
                       [_input_name(originals[i], i) for i in checked],
                       np.random.default_rng(seed), "gradcheck")
    return _run_check(problem, "gradcheck", eps, atol, rtol, mode, raise_exception, locate_limit)


def gradgradcheck(fn: Callable[..., Any], inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, raise_exception: bool = True, mode: str = "exact",
                  seed: Optional[int] = 0, locate_limit: int = 4096) -> GradcheckResult:
    """Check second derivatives: the gradient of ``grad(<fn(x), u>, x)`` (built with ``create_graph=True``).

    >>> import autograd as ag
    >>> x = ag.tensor([0.3, -1.2], requires_grad=True)
    >>> bool(ag.gradgradcheck(lambda t: (t.sin() * t * t).sum(), [x]))
    True
    """
    _validate("gradgradcheck", eps, atol, rtol, mode)
    args, checked = _prepare(inputs, "gradgradcheck")
    originals = inputs if isinstance(inputs, (tuple, list)) else (inputs,)
    leaves = [args[i] for i in checked]
    rng = np.random.default_rng(seed)
    first = _Problem(lambda: fn(*args), leaves, [], rng, "gradgradcheck")

    def first_grads() -> Tuple[Tensor, ...]:
        with enable_grad():
            outs = _outputs(fn(*args), "gradgradcheck")
            roots = [(o, u) for o, u in zip(outs, first.us) if u is not None and o.requires_grad]
            if not roots:
                return tuple(_make(np.zeros(t.shape), None, False) for t in leaves)
            gs = _grad([o for o, _ in roots], leaves, [u for _, u in roots], create_graph=True,
                       allow_unused=True)
        return tuple(_make(np.zeros(t.shape), None, False) if g is None else g
                     for g, t in zip(gs, leaves))

    problem = _Problem(first_grads, leaves, [_input_name(originals[i], i) for i in checked], rng,
                       "gradgradcheck")
    return _run_check(problem, "gradgradcheck", eps, atol, rtol, mode, raise_exception, locate_limit)
