"""Which gradients a drawing can show, and where they come from.

Two honest sources:

- ``stored``: what exists on the tensors now: ``.grad`` of leaves (filled by
  ``backward()``) and of outputs that called ``retain_grad()``. Before any
  backward there is none, and the drawing says so.
- ``computed``: d(output)/d(tensor) for every tensor in the graph, asked of
  the engine itself with ``ag.grad(output, tensors, retain_graph=True)``. It
  needs a one-element output whose graph is still alive (drawn before
  ``backward()`` or after ``backward(retain_graph=True)``). Like every
  ``ag.grad`` call it writes no leaf's ``.grad``, keeps the graph and runs the
  hooks registered on the tensors, so the drawing shows what backward would.

>>> import autograd as ag
>>> from autograd.viz.grads import computed_grads
>>> x = ag.tensor(3.0, requires_grad=True)
>>> y = x * x
>>> float(computed_grads(y)[x])
6.0
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import numpy as np

from autograd.engine import grad, node_hooks
from autograd.tape import nodes_of
from autograd.tensor import Tensor, _make


def why_not_computable(tensors: Sequence[Tensor]) -> Optional[str]:
    """``None`` if ``computed_grads`` can run for these outputs, else the reason in words."""
    if len(tensors) != 1:
        return f"it needs exactly one output tensor, got {len(tensors)}"
    out = tensors[0]
    if not out.requires_grad:
        return "the output does not require grad"
    if out.size != 1:
        return f"the output has shape {out.shape}; gradients are computed for a one-element output"
    if any(n.saved is None for n in nodes_of(out)):
        return "backward() freed the graph; draw before it or use backward(retain_graph=True)"
    return None


def computed_grads(out: Tensor) -> Dict[Any, np.ndarray]:
    """d(out)/d(t) for every node and every grad-requiring leaf of ``out``'s graph, by ``ag.grad``.

    The result maps a node (standing for its output) or a leaf Tensor to its gradient;
    tensors that ``out`` does not depend on are left out.
    """
    reason = why_not_computable([out])
    if reason is not None:
        raise ValueError(f"draw_graph: cannot compute gradients: {reason}")
    if out._node is None:
        return {out: np.ones(out.shape, out.dtype)}
    nodes = nodes_of(out)
    leaves = list({id(p): p for n in nodes for p in n.parents
                   if isinstance(p, Tensor) and p.requires_grad}.values())
    # NOTE: the graph keeps each node's output array, not its Tensor; a Tensor made for the
    # node stands for that output, since the engine knows a non-leaf tensor by its node
    outputs = [_make(n.out, n, True) for n in nodes]
    # NOTE: a drawing must not change state: the hooks that store retained grads (retain_grad)
    # are set aside for the call, so drawing twice does not add to any .grad
    set_aside = []
    for n in nodes:
        hooks = node_hooks.get(n)
        if hooks and any(getattr(h, "retains_grad", False) for h in hooks):
            set_aside.append((hooks, list(hooks)))
            hooks[:] = [h for h in hooks if not getattr(h, "retains_grad", False)]
    try:
        grads = grad(out, outputs + leaves, retain_graph=True, allow_unused=True)
    finally:
        for hooks, original in set_aside:
            hooks[:] = original
    keys: list = list(nodes) + leaves
    return {k: g.data for k, g in zip(keys, grads) if g is not None}


def stored_grads(tensors: Sequence[Tensor], leaves: Sequence[Tensor]) -> Dict[Any, np.ndarray]:
    """The gradients that exist now: leaves' ``.grad`` and retained grads of the outputs."""
    found: Dict[Any, np.ndarray] = {}
    for t in leaves:
        if t.grad is not None:
            found[t] = t.grad.data
    for t in tensors:
        if t.grad is not None:
            found[t._node if t._node is not None else t] = t.grad.data
    return found
