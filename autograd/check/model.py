"""``gradcheck_module``: check the gradient of every parameter of a model, reported by name.

Duck-typed: ``model`` is anything with ``named_parameters()`` yielding
``(name, Tensor)`` pairs and a ``__call__``; an ``nn.Module`` is the usual one.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from autograd.check.finite_differences import _Problem, _layout_copy, _run_check, _validate
from autograd.check.report import GradcheckResult
from autograd.tensor import Tensor, _make


def gradcheck_module(model: Any, loss_fn: Optional[Callable[..., Any]] = None, *batch: Any,
                     eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                     raise_exception: bool = True, mode: str = "fast", seed: Optional[int] = 0,
                     locate_limit: int = 4096) -> GradcheckResult:
    """Check d(loss)/d(parameter) for every parameter of ``model``, in float64.

    The loss is ``loss_fn(model(batch[0]), *batch[1:])``; with ``loss_fn=None``
    the model's output ``model(*batch)`` is checked through a random upstream
    gradient. Parameters are swapped for float64 copies during the check and
    restored afterwards (buffers listed by ``named_buffers()`` too), so the model
    is left as it was. Put models with dropout or running statistics in
    ``eval()`` mode first: the check needs a deterministic function.

    >>> import numpy as np, autograd as ag
    >>> class Affine:
    ...     def __init__(self):
    ...         self.w = ag.tensor(np.array([[0.5, -1.0], [2.0, 0.3]]), requires_grad=True)
    ...     def named_parameters(self):
    ...         yield "w", self.w
    ...     def __call__(self, x):
    ...         return (x @ self.w).tanh()
    >>> mse = lambda out, y: ((out - y) ** 2).mean()
    >>> r = ag.gradcheck_module(Affine(), mse, ag.tensor([[1.0, 2.0]]), ag.tensor([[0.0, 1.0]]))
    >>> bool(r), [p.name for p in r.inputs]
    (True, ['w'])
    """
    who = "gradcheck_module"
    _validate(who, eps, atol, rtol, mode)
    if not hasattr(model, "named_parameters"):
        raise TypeError(f"{who}: model must have named_parameters() (an nn.Module), got "
                        f"{type(model).__name__}")
    if loss_fn is not None and not batch:
        raise ValueError(f"{who}: give the batch after loss_fn: gradcheck_module(model, loss_fn, x, y)")
    params = [(n, p) for n, p in model.named_parameters()
              if isinstance(p, Tensor) and p.requires_grad and p.dtype.kind == "f"]
    if not params:
        raise ValueError(f"{who}: {type(model).__name__} has no floating parameter that requires grad")
    data = [_make(_layout_copy(b._data, np.float64), None, False)
            if isinstance(b, Tensor) and b.dtype.kind == "f" else b for b in batch]

    def evaluate() -> Any:
        if loss_fn is None:
            return model(*data)
        return loss_fn(model(data[0]), *data[1:])

    buffers = []
    if hasattr(model, "named_buffers"):
        buffers = [(b, b._data.copy()) for _, b in model.named_buffers() if isinstance(b, Tensor)]
    originals = [p._data for _, p in params]
    try:
        # NOTE: the parameters are the model's own tensors, so their arrays are swapped
        # for float64 copies rather than passing copies in: the model reads its attributes
        for _, p in params:
            p._data = _layout_copy(p._data, np.float64)
        problem = _Problem(evaluate, [p for _, p in params], [n for n, _ in params],
                           np.random.default_rng(seed), who)
        return _run_check(problem, who, eps, atol, rtol, mode, raise_exception, locate_limit)
    finally:
        for (_, p), arr in zip(params, originals):
            p._data = arr
        for b, arr in buffers:
            b._data = arr
