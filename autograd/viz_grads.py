"""Which gradients a drawing can show, and where they come from.

Two honest sources:

- ``stored``: what exists on the tensors now: ``.grad`` of leaves (filled by
  ``backward()``) and of outputs that called ``retain_grad()``. Before any
  backward there is none, and the drawing says so.
- ``computed``: d(output)/d(tensor) for every tensor in the graph, worked out
  by the drawing itself with the ops' own backward rules. It needs a
  one-element output whose graph is still alive (drawn before ``backward()``
  or after ``backward(retain_graph=True)``). It touches no ``.grad`` and runs
  no hooks, so drawing never changes the model's state.

>>> import autograd as ag
>>> from autograd.viz_grads import computed_grads
>>> x = ag.tensor(3.0, requires_grad=True)
>>> y = x * x
>>> grads, per_edge = computed_grads(y)
>>> float(grads[x])
6.0
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from autograd.function import Function
from autograd.tape import nodes_of
from autograd.tensor import Tensor


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


def computed_grads(out: Tensor) -> Tuple[Dict[Any, np.ndarray], Dict[Tuple[int, int], np.ndarray]]:
    """d(out)/d(t) for every node and every grad-requiring leaf of ``out``'s graph.

    Returns ``(grads, per_edge)``: ``grads`` maps a node (for its output) or a leaf
    Tensor to its gradient; ``per_edge[(id(node), i)]`` is the part of the gradient
    that flows back through argument ``i`` of ``node``.
    """
    from autograd import xp as _xp
    from autograd.engine import _reduce_to

    reason = why_not_computable([out])
    if reason is not None:
        raise ValueError(f"draw_graph: cannot compute gradients: {reason}")
    grads: Dict[Any, np.ndarray] = {}
    per_edge: Dict[Tuple[int, int], np.ndarray] = {}
    if out._node is None:
        grads[out] = np.ones(out.shape, out.dtype)
        return grads, per_edge
    pending: Dict[Any, np.ndarray] = {out._node: np.ones(out.shape, out.dtype)}
    # NOTE: reverse recording order is a topological order (as in engine.py), and
    # every node here is an ancestor of `out`, so one backwards pass over the list
    # sees each node after all of its consumers. Unlike engine._run this frees
    # nothing, fires no hooks and writes no .grad.
    for node in reversed(nodes_of(out)):
        g = pending.pop(node, None)
        if g is None:
            continue
        grads[node] = g
        node.xp = _xp.NP
        gs = type(node).backward(node, g)
        if not isinstance(gs, (tuple, list)):
            gs = (gs,)
        for i, (p, gi) in enumerate(zip(node.parents, gs)):
            if gi is None:
                continue
            if isinstance(p, Function):
                shape, dtype = p.out.shape, p.out.dtype
            elif isinstance(p, Tensor) and p.requires_grad:
                shape, dtype = p.shape, p.dtype
            else:
                continue
            gi = np.asarray(_reduce_to(np.asarray(gi), shape, dtype, _xp.NP, node))
            per_edge[(id(node), i)] = gi
            pending[p] = pending[p] + gi if p in pending else gi
    for key, g in pending.items():
        if isinstance(key, Tensor):
            grads[key] = g
    return grads, per_edge


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
