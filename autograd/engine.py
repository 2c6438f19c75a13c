"""Reverse mode: walk the recorded nodes backwards and hand out gradients.

Read ``autograd/reference.py`` first: it is this algorithm in textbook form (a
plain loop over the nodes in reverse recording order, a dict of gradients), and
a test checks that it and this engine agree on every op of the registry.

Every node carries ``seq``, its position in recording order. A node's parents
were recorded before it, so visiting nodes by decreasing ``seq`` (a max-heap)
reaches each node only after all of its consumers: every gradient contribution
is in before the node is processed, and no recursion is needed. What this file
adds to the reference: only nodes that receive a gradient are visited, saved
arrays are freed as it goes (``retain_graph``), in-place changes are caught
(``versions.check``), hooks, ``grad()`` targets, ``create_graph`` and anomaly
mode.

Gradients for broadcast inputs are summed back to the input's shape here, in
``_reduce_to``, and nowhere else.
"""
from __future__ import annotations

import math
import weakref
from heapq import heappop, heappush
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from autograd import versions, workspace
from autograd.anomaly import check_backward
from autograd.anomaly import enabled as _anomaly
from autograd.function import Function
from autograd.grad_mode import _state
from autograd.tensor import Tensor, _make
from autograd.ops import TXP
from autograd.xp import NP

_ONES: dict = {}
_ndarray = np.ndarray
_BLAS_TYPES = (np.dtype(np.float32), np.dtype(np.float64))

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
        if lead and len(axes) == lead and g.__class__ is _ndarray and g.dtype in _BLAS_TYPES \
                and g.flags.c_contiguous and g.size:
            g = _leading_sum(g, lead)
        elif axes:
            g = xp.sum(g, axis=axes, keepdims=True)
        g = xp.reshape(g, shape)
    if g.dtype != dtype:
        g = g.astype(dtype)
    return g


def _leading_sum(g: np.ndarray, lead: int) -> np.ndarray:
    """Sum over the first ``lead`` axes (a bias gradient: rows of a batch) as one BLAS product.

    NOTE: ones @ rows is ~20x faster than numpy's reduction over the outer axis of a narrow
    C-contiguous array (0.04 vs 0.87 ms for 50176 x 16, a conv bias of W3), and its blocked
    accumulation is no less accurate; it serves every op whose input was broadcast over rows.
    """
    rows = g.reshape(-1, math.prod(g.shape[lead:]))
    ones = workspace.empty(rows.shape[0], g.dtype)
    ones.fill(1)
    return ones @ rows


def _freed_error(node: Function) -> RuntimeError:
    return RuntimeError(
        f"trying to backward through the graph a second time (at {node.name}): its saved "
        "arrays were freed by the first backward; pass retain_graph=True to the first call"
    )


def _run(roots: Sequence[Tensor], root_grads: Sequence[Any], retain_graph: bool,
         create_graph: bool, targets: Optional[dict] = None) -> dict:
    """Propagate ``root_grads`` from ``roots`` to the leaves (or to ``targets``, which it fills).

    The algorithm of ``reference.backward``: take the latest-recorded node that has a
    gradient, run its backward, send each input its share; a max-heap on ``seq`` replaces
    the reference's sort, so only nodes that receive a gradient are visited.
    """
    xp = TXP if create_graph else NP
    pending, heap, leaves = _start(roots, root_grads)
    # NOTE: hooks, grad() targets, create_graph and anomaly mode take a slower path
    # (_backward_with_extras); a plain backward() pays one test per node for all four
    # (``node_hooks.data``: the dict inside the WeakKeyDictionary; typeshed does not declare it)
    plain = not (node_hooks.data  # type: ignore[attr-defined]
                 or targets is not None or create_graph or _anomaly[0])
    prev_mode = _state.enabled
    _state.enabled = create_graph
    node = heappop(heap)[1] if heap else None
    nxt = nxt_g = None
    try:
        while node is not None:
            g = nxt_g if node is nxt else pending.pop(node)
            if node.saved is None:
                raise _freed_error(node)
            versions.check(node)
            if plain:
                node.xp = xp
                grads = type(node).backward(node, g)
            else:
                grads = _backward_with_extras(node, g, create_graph, targets)
            if grads.__class__ is not tuple or len(grads) != len(node.needs_input_grad):
                grads = _as_tuple(node, grads)
            if not retain_graph:
                _release(node)
            # NOTE: the chain hand-off: the first parent that gets its first gradient here is
            # held in ``nxt`` instead of ``pending`` and the heap, and processed next unless a
            # later-recorded node is waiting (then it joins the heap); in a chain (W4) the heap
            # stays empty. Measured alone (3 A/B pairs, min of 100 runs): W1's backward 9.8 ->
            # 9.3 us (-5%), W4's (N = 1e4, gc on) 5.7 -> 3.9 us per step (-30%).
            nxt = nxt_g = None
            for p, wanted, gp in zip(node.parents, node.needs_input_grad, grads):
                if not wanted or gp is None:
                    continue
                if not isinstance(p, Function):
                    _to_leaf(leaves, p, gp, xp, node)
                    continue
                ref = p.out
                if ref is None:
                    raise _freed_error(p)
                if gp.shape != ref.shape or gp.dtype is not ref.dtype:
                    gp = _reduce_to(gp, ref.shape, ref.dtype, xp, node)
                if p is nxt:
                    nxt_g = nxt_g + gp
                elif p in pending:
                    pending[p] = pending[p] + gp
                elif nxt is None:
                    nxt, nxt_g = p, gp
                else:
                    pending[p] = gp
                    heappush(heap, (-p.seq, p))
            if nxt is not None and heap and heap[0][0] < -nxt.seq:
                pending[nxt] = nxt_g  # NOTE: a later-recorded node is waiting: nxt joins the heap
                heappush(heap, (-nxt.seq, nxt))
                nxt = None
            node = nxt if nxt is not None else (heappop(heap)[1] if heap else None)
    finally:
        _state.enabled = prev_mode
    if targets is not None:
        return _fill_targets(leaves, targets, create_graph)
    _deliver(leaves, create_graph)
    return {}


def _start(roots: Sequence[Tensor], root_grads: Sequence[Any]) -> Tuple[dict, list, dict]:
    """The walk's state before the first node: the roots' gradients handed to their nodes."""
    pending: dict = {}  # node -> its gradient so far (every key is on the heap)
    heap: list = []     # (-seq, node): the latest-recorded pending node comes out first
    leaves: dict = {}   # leaf tensor -> its gradient so far
    for t, g in zip(roots, root_grads):
        n = t._node
        if n is None:
            leaves[t] = leaves[t] + g if t in leaves else g
        elif n in pending:
            pending[n] = pending[n] + g
        else:
            pending[n] = g
            heappush(heap, (-n.seq, n))
    return pending, heap, leaves


def _to_leaf(leaves: dict, t: Tensor, g: Any, xp: Any, node: Function) -> None:
    """Add ``g`` (from ``node``'s backward) to what leaf ``t`` has received so far."""
    ref = t._data
    if g.shape != ref.shape or g.dtype is not ref.dtype:
        g = _reduce_to(g, ref.shape, ref.dtype, xp, node)
    leaves[t] = leaves[t] + g if t in leaves else g


def _release(node: Function) -> None:
    """Free what the node saved for backward (``retain_graph=False``)."""
    node.saved = None  # NOTE: the mark of a freed node
    out = node.out
    if out.size > 256:
        node.meta = (out.shape, out.dtype)  # NOTE: the tape and drawings still show shapes
        node.out = None
    # NOTE: a small output stays: it costs less than its recorded shape would, and a chain
    # of a million scalars then leaves no new GC-tracked object per node


def _as_tuple(node: Function, grads: Any) -> tuple:
    """A backward's result as one entry per forward argument (a lone gradient for one argument)."""
    if grads.__class__ is not tuple:
        grads = tuple(grads) if isinstance(grads, list) else (grads,)
    if len(grads) != len(node.needs_input_grad):
        raise RuntimeError(
            f"{node.name}.backward returned {len(grads)} gradients for "
            f"{len(node.needs_input_grad)} forward arguments"
        )
    return grads


def _deliver(leaves: dict, create_graph: bool) -> None:
    """Run the leaves' hooks and accumulate their gradients into ``.grad``."""
    given: set = set()  # NOTE: ids of arrays already handed to a leaf (Add gives one to both)
    for t, g in leaves.items():
        if t._hooks:
            g = _call_hooks(t._hooks, g, create_graph)
        if not create_graph:
            if id(g) in given:
                g = g.copy()
            given.add(id(g))
        _accumulate(t, g, create_graph)


def _fill_targets(leaves: dict, targets: dict, create_graph: bool) -> dict:
    """``grad()``: the gradients of the target leaves (after their hooks); ``.grad`` untouched."""
    for t, g in leaves.items():
        if t._hooks:
            g = _call_hooks(t._hooks, g, create_graph)
        if t in targets:
            targets[t] = g
    return targets


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


def backward(tensors: Sequence[Tensor], grad_tensors: Optional[Sequence[Any]] = None,
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
    result: List[Any] = []
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
