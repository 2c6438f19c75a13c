"""Start here: reverse-mode differentiation in textbook form, on the library's own classes.

Every op is a ``Function`` with ``forward`` and ``backward`` side by side
(``autograd/ops/arith.py`` holds ``Mul``). Two functions make them an autodiff system:

``apply(Op, *inputs)`` runs ``Op.forward`` on the inputs' arrays and, if an input
requires grad, remembers a *node*: the op instance, with

- ``parents``: for each input, the node that made it, the leaf Tensor itself,
  or the raw value (a number);
- ``needs_input_grad``: for each input, whether it wants a gradient;
- ``seq``: a counter value, so nodes can be put back in recording order.

``backward(y)`` applies the chain rule from ``y`` back to the leaves. An input is
always recorded before the ops that read it, so *reverse recording order is a
topological order*: when the loop reaches a node, every op that used its output
has already sent its share of the gradient. The shares are summed in a dict.

>>> import autograd as ag
>>> from autograd.ops.arith import Add, Mul
>>> x = ag.tensor(3.0, requires_grad=True)
>>> y = apply(Add, apply(Mul, x, x), x)         # y = x*x + x
>>> float(y.data), float(backward(y)[x])        # dy/dx = 2x + 1
(12.0, 7.0)

The engine the library uses (``Function.apply`` in ``function.py``, ``engine._run``)
does exactly this, and more: in-place checks, hooks, ``create_graph``, freeing saved
arrays, visiting only the nodes that get a gradient. ``tests/test_reference_engine.py``
checks that this walk and that engine give the same gradients for every op.
"""
from __future__ import annotations

from typing import Any, Dict, List, Type

import numpy as np

from autograd import versions
from autograd.function import Function
from autograd.tensor import Tensor
from autograd.xp import NP


def apply(op: Type[Function], *inputs: Any, **options: Any) -> Tensor:
    """Run ``op.forward`` on the inputs' arrays; record a node if an input requires grad."""
    node = object.__new__(op)
    node.parents = tuple(x._node or x if isinstance(x, Tensor) else x for x in inputs)
    node.needs_input_grad = tuple(isinstance(x, Tensor) and x.requires_grad for x in inputs)
    node.saved = ()
    arrays = [x.data if isinstance(x, Tensor) else x for x in inputs]
    out = Tensor(np.asarray(op.forward(node, *arrays, **options)))
    if any(node.needs_input_grad):
        node.seq, node.out = versions.tick(), out.data  # the library's one clock
        out._node, out._rg = node, True  # out is now the result of a recorded op
    return out


def backward(y: Tensor, dy: Any = None) -> Dict[Any, np.ndarray]:
    """d(y)/d(leaf) for every leaf ``y`` depends on, as ``{leaf Tensor: gradient array}``.

    ``dy`` is the gradient flowing into ``y`` (ones, for a scalar loss, when left out).
    Nothing is stored in ``.grad``: this walk only computes.
    """
    grads: Dict[Any, np.ndarray] = {y._node or y: np.ones_like(y.data) if dy is None else dy}
    for node in reversed(recorded_nodes(y)):
        g = grads.pop(node, None)
        if g is None:
            continue  # nothing downstream depends on this node
        node.xp = NP  # the rules' array namespace (numpy here; see xp.py)
        local = type(node).backward(node, g)  # (also right for a user's @staticmethod rule)
        if not isinstance(local, tuple):
            local = (local,)
        for parent, wanted, gp in zip(node.parents, node.needs_input_grad, local):
            if wanted and gp is not None:  # the chain rule: sum the shares of every consumer
                gp = sum_to_shape(gp, parent.out if isinstance(parent, Function) else parent.data)
                grads[parent] = grads[parent] + gp if parent in grads else gp
    return {leaf: g for leaf, g in grads.items() if isinstance(leaf, Tensor)}


def recorded_nodes(y: Tensor) -> List[Function]:
    """Every node ``y`` depends on, in recording order (a depth-first search, then a sort)."""
    seen: Dict[int, Function] = {}
    stack = [y._node] if y._node is not None else []  # a leaf depends on no node
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            stack.extend(p for p in node.parents if isinstance(p, Function))
    return sorted(seen.values(), key=lambda node: node.seq)


def sum_to_shape(g: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Undo broadcasting: sum ``g`` over the axes that broadcasting added or stretched."""
    while g.ndim > like.ndim:
        g = g.sum(axis=0)
    for axis, size in enumerate(like.shape):
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return np.asarray(g, dtype=like.dtype)
