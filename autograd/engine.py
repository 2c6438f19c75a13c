"""Reverse mode: walk the recorded nodes backwards and hand out gradients.

Every node carries ``seq``, its position in recording order. A node's parents
were recorded before it, so visiting nodes by decreasing ``seq`` (a max-heap)
reaches each node only after all of its consumers: every gradient contribution
is in before the node is processed, and no recursion is needed. For a chain
the heap holds one node at a time, so time per node stays flat with depth.

Gradients for broadcast inputs are summed back to the input's shape here, in
``_reduce_to``, and nowhere else.
"""
from __future__ import annotations

import weakref
from heapq import heappop, heappush, heapreplace
from typing import Any, Optional, Sequence

import numpy as np

from autograd.anomaly import check_backward
from autograd.anomaly import enabled as _anomaly
from autograd.function import _MANY, _UNARY, Function
from autograd.grad_mode import _state
from autograd.tensor import Tensor, _make, _weakref_type, writes
from autograd.xp import NP, TXP

_ONES: dict = {}
_ndarray = np.ndarray
_add = np.add
#: gradients of at least this many elements are summed in place once the engine owns the sum;
#: below it a new array (a + b) is as cheap as an in-place add
_IN_PLACE_SIZE = 4096

#: hooks on non-leaf tensors, keyed by the node that made the tensor
node_hooks: "weakref.WeakKeyDictionary[Function, list]" = weakref.WeakKeyDictionary()


def _reduce_to(g: Any, shape: tuple, dtype: Any, xp: Any, node: Function) -> Any:
    """Sum a gradient of a broadcast result back to an input's ``shape`` and cast to its dtype."""
    if g.shape != shape:
        lead = len(g.shape) - len(shape)
        if lead < 0 or any(s != 1 and s != gs for s, gs in zip(shape, g.shape[lead:])):
            raise RuntimeError(
                f"{node.name}.backward returned a gradient of shape {g.shape} for an input "
                f"of shape {shape}; it cannot be reduced by summing broadcast axes"
            )
        axes = tuple(range(lead)) + tuple(
            lead + i for i, s in enumerate(shape) if s == 1 and g.shape[lead + i] != 1
        )
        if axes:
            g = xp.sum(g, axis=axes, keepdims=True)
        g = xp.reshape(g, shape)
    if g.dtype != dtype:
        g = g.astype(dtype)
    return g


def _check_versions(node: Function) -> None:
    """Refuse to run a backward whose saved arrays were changed in place since recording."""
    then = node.seq  # NOTE: the time it was recorded (see tensor.clock)
    if node.saved and type(node).reads_inputs:
        for p in node.parents:
            if isinstance(p, (Tensor, Function)):
                owner = getattr(p, "_vown", None)
                if owner is None:
                    owner = p
                elif owner.__class__ is _weakref_type:  # NOTE: held weakly by a detached tensor
                    owner = owner()
                    if owner is None:
                        owner = p
                if getattr(owner, "_stamp", 0) > then:
                    raise _modified_error(node, "an input")
    if type(node).keeps_output and getattr(node, "_stamp", 0) > then:
        raise _modified_error(node, "its output")


def _modified_error(node: Function, what: str) -> RuntimeError:
    return RuntimeError(
        f"an array saved for the backward of {node.name} ({what}) was modified in place after "
        "it was recorded; compute into a new tensor instead of using +=, [...] = or .data -= "
        "before backward"
    )


def _freed_error(node: Function) -> RuntimeError:
    return RuntimeError(
        f"trying to backward through the graph a second time (at {node.name}): its saved "
        "arrays were freed by the first backward; pass retain_graph=True to the first call"
    )


def _run(roots: Sequence[Tensor], root_grads: Sequence[Any], retain_graph: bool,
         create_graph: bool, targets: Optional[dict] = None) -> dict:
    """Propagate ``root_grads`` from ``roots`` to the leaves (or to ``targets``, which it fills)."""
    # NOTE: the per-node loop below is the backward hot path: helpers are inlined and
    # checks ordered so that the common case (no hooks, no broadcasting) does the least.
    xp = TXP if create_graph else NP
    pending: dict = {}  # node -> its gradient so far; every pending node but `node` is on the heap
    heap: list = []
    leaves: dict = {}  # leaf tensor -> [tensor, gradient, whether the gradient is a sum made here]
    # NOTE: a gradient that is a sum made here (by a + b below) is a fresh array nothing else
    # holds until its node is processed, so later contributions are added into it in place; the
    # first contribution is never written to: a rule may hand one array to several inputs (Add),
    # return a view of its upstream gradient (reshape) or a read-only array.
    summed: set = set()  # pending nodes whose gradient is such a sum

    nxt = nxt_g = None  # a node handed its whole gradient directly, bypassing `pending` and the heap
    if len(roots) == 1 and roots[0]._node is not None:
        node = nxt = roots[0]._node
        nxt_g = root_grads[0]
    else:
        for t, g in zip(roots, root_grads):
            n = t._node
            if n is None:
                _to_leaf(leaves, t, g)
            elif n in pending:
                pending[n] = pending[n] + g
            else:
                pending[n] = g
                heappush(heap, (-n.seq, n))
        node = heappop(heap)[1] if heap else None

    prev_mode = _state.enabled
    _state.enabled = create_graph
    hooked = node_hooks.data  # NOTE: the WeakKeyDictionary's own dict: a cheap emptiness test
    # NOTE: hooks, grad() targets, create_graph and anomaly mode take a slower path; a plain
    # backward() pays one test per node for all four
    plain = not (hooked or targets is not None or create_graph or _anomaly[0])
    try:
        while node is not None:
            if node is nxt:
                g = nxt_g  # NOTE: handed straight on by its only consumer, never in `pending`
            else:
                g = pending.pop(node)
            if node.saved is None:
                raise _freed_error(node)
            p1 = node._p1  # NOTE: Function.parents, inlined on this hot path
            if p1 is _UNARY:
                parents = (node._p0,)
            elif node._p0 is _MANY:
                parents = p1
            else:
                parents = (node._p0, p1)
            if node.seq < writes[0]:  # NOTE: something was written in place after the node was made
                _check_versions(node)
            if plain:
                node.xp = xp
                grads = type(node).backward(node, g)
            else:
                grads = _backward_with_extras(node, g, create_graph, targets)
            if grads.__class__ is not tuple:
                grads = tuple(grads) if isinstance(grads, list) else (grads,)
            if len(grads) != len(parents):
                raise RuntimeError(
                    f"{node.name}.backward returned {len(grads)} gradients for "
                    f"{len(parents)} forward arguments"
                )
            if not retain_graph:
                node.saved = None  # NOTE: the mark of a freed node
                out = node.out
                if out.size > 256:
                    node.meta = (out.shape, out.dtype)  # NOTE: the tape and drawings still show shapes
                    node.out = None
                # NOTE: a small output stays: it costs less than its recorded shape would, and
                # a chain of a million scalars then leaves no new GC-tracked object per node
            nxt = nxt_g = None
            for p, gi in zip(parents, grads):
                if gi is None:
                    continue
                if isinstance(p, Function):
                    pout = p.out
                    if pout is None:
                        raise _freed_error(p)
                    if gi.shape != pout.shape or gi.dtype is not pout.dtype:
                        gi = _reduce_to(gi, pout.shape, pout.dtype, xp, node)
                    if p is nxt:
                        nxt_g = nxt_g + gi
                    elif p in pending:
                        acc = pending[p]
                        if p in summed:
                            _add(acc, gi, out=acc)
                        else:
                            acc = pending[p] = acc + gi
                            if acc.__class__ is _ndarray and acc.size >= _IN_PLACE_SIZE:
                                summed.add(p)
                    elif nxt is None:
                        nxt, nxt_g = p, gi
                    else:
                        pending[p] = gi
                        heappush(heap, (-p.seq, p))
                elif isinstance(p, Tensor) and p._rg:
                    data = p._data
                    if gi.shape != data.shape or gi.dtype is not data.dtype:
                        gi = _reduce_to(gi, data.shape, data.dtype, xp, node)
                    entry = leaves.get(p)  # NOTE: _to_leaf, inlined
                    if entry is None:
                        leaves[p] = [p, gi, False]
                    elif entry[2]:
                        _add(entry[1], gi, out=entry[1])
                    else:
                        acc = entry[1] = entry[1] + gi
                        entry[2] = acc.__class__ is _ndarray and acc.size >= _IN_PLACE_SIZE
            # NOTE: a parent that became pending here is usually the next node (a chain);
            # it goes through the heap only when a node with a later ``seq`` is waiting
            if nxt is None:
                node = heappop(heap)[1] if heap else None
            elif heap and heap[0][0] < -nxt.seq:
                # NOTE: a node recorded later is waiting: the parent joins the others
                pending[nxt] = nxt_g
                node = heapreplace(heap, (-nxt.seq, nxt))[1]
                nxt = None
            else:
                node = nxt
    finally:
        _state.enabled = prev_mode

    given = set() if len(leaves) > 1 else None  # NOTE: ids of arrays already handed to a leaf
    for t, g, _ in leaves.values():
        if t._hooks:
            g = _call_hooks(t._hooks, g, create_graph)
        if targets is not None:
            if t in targets:
                targets[t] = g
        else:
            if given is not None:  # NOTE: an Add gives one array to both its inputs
                if id(g) in given and not create_graph:
                    g = g.copy()
                given.add(id(g))
            _accumulate(t, g, create_graph)
    return targets if targets is not None else {}


def _backward_with_extras(node: Function, g: Any, create_graph: bool, targets: Optional[dict]) -> Any:
    """One node's backward with hooks, ``grad()`` targets, ``create_graph`` and anomaly checks."""
    if node in node_hooks:
        g = _call_hooks(node_hooks[node], g, create_graph)
    if targets is not None and node in targets:
        targets[node] = g
    if create_graph:
        grads = _differentiable_backward(node, g)
    else:
        node.xp = NP
        grads = type(node).backward(node, g)
    if _anomaly[0]:
        check_backward(node.name, grads if isinstance(grads, (tuple, list)) else (grads,), g)
    return grads


def _to_leaf(leaves: dict, t: Tensor, g: Any) -> None:
    entry = leaves.get(t)
    if entry is None:
        leaves[t] = [t, g, False]
    else:
        entry[1] = entry[1] + g


def _differentiable_backward(node: Function, g: Tensor) -> Any:
    """Run ``node.backward`` on Tensors, so that the backward pass is itself recorded."""
    out_t = _make(node.out, node, True)
    arrays = {id(node.out): out_t}
    for p in node.parents:
        if isinstance(p, Function):
            arrays[id(p.out)] = _make(p.out, p, True)
        elif isinstance(p, Tensor):
            arrays[id(p._data)] = p
    saved, out = node.saved, node.out
    node.saved = tuple(arrays.get(id(s), s) if isinstance(s, np.ndarray) else s for s in saved)
    node.out = out_t
    node.xp = TXP
    try:
        return type(node).backward(node, g)
    except TypeError as e:
        if "__array_ufunc__" not in str(e) and "does not support ufuncs" not in str(e):
            raise
        raise TypeError(
            f"{node.name}.backward called a numpy function on a Tensor during "
            "backward(create_graph=True); write the rule with operators and ctx.xp functions "
            "(ctx.xp.exp, ctx.xp.tanh, ctx.xp.sum, ...) so that it can be differentiated again"
        ) from e
    finally:
        node.saved, node.out = saved, out


def _call_hooks(hooks: list, g: Any, create_graph: bool) -> Any:
    for hook in list(hooks):
        gt = g if create_graph else _make(g, None, False)
        r = hook(gt)
        if r is not None:
            if not isinstance(r, Tensor):
                r = Tensor(r)
            if r.shape != gt.shape:
                raise RuntimeError(f"hook {hook!r} returned a gradient of shape {r.shape}, expected {gt.shape}")
            g = r if create_graph else r._data
    return g


def _accumulate(t: Tensor, g: Any, create_graph: bool) -> None:
    if create_graph:
        t._grad = g if t._grad is None else t._grad + g
        return
    if t._grad is None:
        # NOTE: the array may be shared (an Add hands its upstream gradient to both inputs)
        # or read-only (a broadcast view); .grad must be the tensor's own, writable array.
        if g.base is not None or not g.flags.writeable:  # NOTE: no base means it owns its data
            g = g.copy()
        t._grad = _make(g, None, False)
    elif t._grad._node is None and t._grad._data.flags.writeable:
        np.add(t._grad._data, g, out=t._grad._data, casting="unsafe")
        t._grad._bump_version()
    else:
        t._grad = _make(t._grad._data + g, None, False)


def _root_gradient(t: Tensor, gradient: Any, create_graph: bool, who: str) -> Any:
    if not t._rg:
        raise RuntimeError(
            f"{who}: the tensor (shape {t.shape}) does not require grad and has no grad_fn; "
            "set requires_grad=True on a leaf it depends on"
        )
    if gradient is None:
        if t._data.size != 1:
            raise RuntimeError(
                f"{who}: grad can be implicitly created only for one-element outputs; this one "
                f"has shape {t.shape}, so pass gradient= (an array of shape {t.shape})"
            )
        d = t._data
        key = (d.shape, d.dtype)
        g = _ONES.get(key)
        if g is None:
            # NOTE: one read-only array per (shape, dtype) serves every scalar loss
            g = _ONES[key] = np.ones(d.shape, dtype=d.dtype)
            g.flags.writeable = False
    else:
        garr = gradient._data if isinstance(gradient, Tensor) else np.asarray(gradient)
        if garr.shape != t.shape:
            raise RuntimeError(
                f"{who}: gradient has shape {garr.shape} but the output has shape {t.shape}"
            )
        g = garr.astype(t.dtype, copy=True)
    return _make(g, None, False) if create_graph else g


def backward(tensors: Sequence[Tensor], grad_tensors: Sequence[Any] = None,
             retain_graph: Optional[bool] = None, create_graph: bool = False) -> None:
    """Accumulate gradients of ``tensors`` into the ``.grad`` of the leaves they depend on."""
    if grad_tensors is None:
        grad_tensors = [None] * len(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    roots = [_root_gradient(t, g, create_graph, "backward()") for t, g in zip(tensors, grad_tensors)]
    _run(tensors, roots, retain_graph, create_graph)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: Optional[bool] = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple:
    """Return d(outputs)/d(inputs) without touching any ``.grad``.

    >>> import autograd as ag
    >>> x = ag.tensor(2.0, requires_grad=True)
    >>> (dx,) = ag.grad(x ** 3, x, create_graph=True)
    >>> dx, ag.grad(dx, x)[0]
    (tensor(12., grad_fn=<MulBackward>), tensor(12.))
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs] * len(outputs) if grad_outputs is None else [grad_outputs]
    if retain_graph is None:
        retain_graph = create_graph
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t._rg:
            raise RuntimeError(f"grad(): input {i} does not require grad, so it has no gradient")
    roots = [_root_gradient(t, g, create_graph, "grad()") for t, g in zip(outputs, grad_outputs)]
    targets = {(t._node if t._node is not None else t): None for t in inputs}
    got = _run(outputs, roots, retain_graph, create_graph, targets)
    result = []
    for i, t in enumerate(inputs):
        g = got[t._node if t._node is not None else t]
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad(): input {i} (shape {t.shape}) was not used to compute the outputs; "
                    "pass allow_unused=True to get None for it"
                )
            result.append(None)
        else:
            result.append(g if create_graph else _make(np.array(g, copy=True), None, False))
    return tuple(result)
