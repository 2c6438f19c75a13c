"""``Function``: one differentiable op, and the node it leaves on the tape.

New here? Read ``autograd/reference.py`` first: the same ``apply`` and backward
walk in textbook form, without the speed-ups of this file and ``engine.py``.

An op is a subclass with ``forward`` and ``backward`` side by side::

    class Mul(Function):
        '''z = x * y;  dz/dx = y,  dz/dy = x'''
        def forward(self, x: Array, y: Array) -> Array:   # numpy arrays (or numbers) in,
            self.save_for_backward(x, y)                  # an array out
            return x * y
        def backward(self, g: Array) -> Grads:            # upstream gradient in, one
            x, y = self.saved_tensors                     # gradient per argument out
            gx = g * y if self.needs_input_grad[0] else None
            gy = g * x if self.needs_input_grad[1] else None
            return gx, gy

``ctx.needs_input_grad[i]`` says whether argument ``i`` wants a gradient (a
rule may skip the work and return ``None`` for it); ``save_for_backward`` and
``saved_tensors`` carry what backward reads. Those are the only two idioms,
in every op of the library and in user ops alike.

Applying it (``Mul.apply(a, b)``) runs ``forward`` on the arrays and, when an
input requires grad and grad mode is on, keeps the instance as a node of the
graph: its parents, what it saved, its output array and its position ``seq``
in recording order. Reverse recording order is a topological order, so the
engine walks the nodes by decreasing ``seq`` with no recursion (see
``engine.py``).

Backward rules are written once, against the namespace ``self.xp``: for a
first-order backward the engine passes numpy arrays and ``xp`` is numpy-like;
for ``create_graph=True`` it passes Tensors and ``xp`` holds the library's own
differentiable functions, so the same rule records the backward pass (see
``xp.py``). Rules may therefore only use operators, ``xp.*`` functions and
the saved arrays (inputs, or the output saved in forward); anything else a
rule reads is treated as a constant when differentiated again.

Gradients may come back in the broadcast shape of the output: the engine
reduces them to each input's shape in one place (``engine._reduce_to``).
"""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

import numpy as np

from autograd import versions
from autograd.anomaly import check_forward
from autograd.anomaly import enabled as _anomaly
from autograd.grad_mode import _state
from autograd.tensor import Tensor

_ndarray = np.ndarray
_asarray = np.asarray
_new = object.__new__

# NOTE: the needs_input_grad tuples of one and two arguments are shared constants, not a new
# tuple per node: a deep chain keeps every node, and each tuple is memory for the GC to walk
_NEEDS1 = ((False,), (True,))
_NEEDS2 = (((False, False), (False, True)), ((True, False), (True, True)))

#: what forward and backward rules take and return: numpy arrays (or numbers) for a first-order
#: backward, Tensors when the backward is recorded (``create_graph=True``)
Array = Any
#: what backward returns: one gradient (or ``None``) per forward argument
Grads = Union[Optional[Array], Tuple[Optional[Array], ...]]

#: the modules whose forward is running (pushed by nn.Module.__call__); a node records the
#: innermost one as its ``scope``, so drawings can group by module (the drawing hook in ``apply``)
scope_stack: list = []


class Function(versions.Versioned):
    """Base class of every differentiable op; an instance is a node of the graph.

    Subclass it to write your own op; ``forward`` receives numpy arrays and
    returns one array, ``backward`` receives the upstream gradient and returns
    one gradient per forward argument (``None`` for an argument with none).

    >>> import numpy as np, autograd as ag
    >>> class Cube(ag.Function):
    ...     '''y = x**3;  dy/dx = 3 x**2'''
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         x, = ctx.saved_tensors
    ...         return g * 3 * x ** 2
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward()
    >>> x.grad
    tensor([ 3., 12.])
    """

    # NOTE: Python's cyclic GC walks every live node, so a node is one object with slots and
    # no __dict__; the version slots come from ``versions.Versioned``. The parents of a one-
    # or two-argument op sit in the slots ``_in0``/``_in1`` rather than in a tuple: a tuple per
    # node is one more object for the GC to walk, and W4 (a chain of 1e5 nodes, own process)
    # measured 5.9-6.1 -> 8.1-8.7 us per step with one extra tuple per node (2 A/B pairs).
    __slots__ = ("_in0", "_in1", "needs_input_grad", "saved", "out", "seq", "xp", "meta",
                 "scope", "__weakref__")

    # NOTE: the slots' types, for type checkers (an annotation without a value adds no class
    # attribute, so it does not clash with the slots). ``seq`` and ``out`` are set only on a
    # recorded node, ``scope`` only when a module was running, ``xp`` and ``meta`` by the engine.
    _in0: Any
    _in1: Any
    needs_input_grad: Tuple[bool, ...]
    saved: Any    # the tuple forward saved; None once backward freed it (retain_graph=False)
    saved_tensors: Tuple[Any, ...]  # the ``saved`` slot under its PyTorch name (see below)
    out: Any      # the output array; None once freed, its Tensor during a create_graph backward
    seq: int      # the recording time (versions.tick): the engine's topological order
    xp: Any       # the namespace backward rules compute with (see xp.py)
    meta: Tuple[Any, Any]  # (shape, dtype) of a freed output, for the tape and drawings
    scope: Any    # the innermost nn.Module whose forward recorded the node

    #: ops whose output shares memory with their first input (reshape, transpose, basic indexing)
    is_view = False

    # -- what subclasses write -------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must define forward")

    def backward(self, g: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must define backward")

    # -- PyTorch-style context API ---------------------------------------------------
    def save_for_backward(self, *arrays: Any) -> None:
        """Keep ``arrays`` (inputs, the output, or anything else) for ``backward``.

        They are what the in-place check watches: a saved input (or output) changed in place
        before backward makes backward raise (see ``versions.py``).
        """
        self.saved = arrays

    @property
    def parents(self) -> Tuple[Any, ...]:
        """For each forward argument: its node (a non-leaf Tensor), the leaf Tensor, or the value."""
        n = len(self.needs_input_grad)
        if n == 2:
            return (self._in0, self._in1)
        return (self._in0,) if n == 1 else self._in1  # NOTE: three or more: the tuple itself

    @parents.setter
    def parents(self, entries: Tuple[Any, ...]) -> None:
        if len(entries) == 2:
            self._in0, self._in1 = entries
        elif len(entries) == 1:
            self._in0 = entries[0]
        else:
            self._in1 = tuple(entries)

    @property
    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__}Backward>"

    # -- applying an op ----------------------------------------------------------
    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Run ``forward`` on the arrays of ``args``; record a node if an input requires grad.

        A parent entry is, for each argument: its node (a non-leaf Tensor), the Tensor itself
        (a leaf) or the raw value (a number, an array, an axis); ``autograd/reference.py``
        shows the same steps without the speed-ups.
        """
        node = _new(cls)
        n = len(args)
        arrays: Any  # NOTE: typing only (no runtime cost): tuples on the fast paths, lists below
        needs: Any
        if n == 2 and args[0].__class__ is Tensor:
            # NOTE: fast paths for a Tensor and a second argument (x + y, x * 2: most ops) and
            # for one Tensor (exp, relu, sum, reshape): the loop below, unrolled. Measured alone
            # (min of 300 timeit runs, 3 A/B pairs): the loop costs 0.14-0.17 us more per op
            # (Mul.apply 1.23 -> 1.09 us, Sum.apply 1.79 -> 1.62 us), ~5% of W1 (five ops)
            a, b = args
            pa = a if a._node is None else a._node
            if isinstance(b, Tensor):
                arrays = (a._data, b._data)
                node._in0, node._in1 = pa, (b if b._node is None else b._node)
                node.needs_input_grad = needs = _NEEDS2[a._rg][b._rg]
            else:
                arrays = (a._data, b)
                node._in0, node._in1 = pa, b
                node.needs_input_grad = needs = _NEEDS2[a._rg][False]
        elif n == 1 and args[0].__class__ is Tensor:
            a = args[0]
            arrays = (a._data,)
            node._in0 = a if a._node is None else a._node
            node.needs_input_grad = needs = _NEEDS1[a._rg]
        else:
            arrays, parents, needs = [], [], []
            for a in args:
                if isinstance(a, Tensor):
                    arrays.append(a._data)
                    parents.append(a if a._node is None else a._node)
                    needs.append(a._rg)
                else:  # a number, an array, an axis: a constant of the op
                    arrays.append(a)
                    parents.append(a)
                    needs.append(False)
            node.parents = tuple(parents)
            node.needs_input_grad = needs = tuple(needs)
        node.saved = ()
        out = cls.forward(node, *arrays, **kwargs) if kwargs else cls.forward(node, *arrays)
        if out.__class__ is not _ndarray:
            # NOTE: numpy returns scalars, not 0-d arrays, from ops on 0-d arrays; a saved output
            # must be the very array the node keeps (create_graph and the in-place check look
            # it up by identity)
            raw, out = out, _asarray(out) if isinstance(out, np.generic) else _as_array(cls, out)
            for s in node.saved:
                if s is raw:
                    node.saved = tuple([out if s is raw else s for s in node.saved])
                    break
        if _anomaly[0]:
            check_forward(cls.__name__, out, arrays)
        t = _new(Tensor)  # NOTE: tensor._make, inlined (a call is ~5% of a small op)
        t._data = out
        t._grad = None
        t._ver = t._stamp = 0
        # NOTE: who counts in-place writes to the output (see versions.py): the node that made
        # it, or for a view (reshape, basic indexing) whoever owns the memory it views
        owner = versions.held_owner(args[0]) if cls.is_view and isinstance(args[0], Tensor) else None
        if not (True in needs and _state.enabled):
            t._node = None
            t._rg = False
            t._vown = owner
            return t
        node.seq = versions.tick()
        node.out = out
        node._ver = node._stamp = 0
        node._vown = owner
        if scope_stack:  # NOTE: the drawing hook: group nodes by the nn.Module that ran them
            node.scope = scope_stack[-1]
        t._node = node
        t._rg = True
        t._vown = node if owner is None else owner
        return t


#: what ``forward`` passed to ``save_for_backward``, in order (the ``saved`` slot under its
#: PyTorch name; a slot, not a property, since every backward reads it)
Function.saved_tensors = vars(Function)["saved"]


def _as_array(cls: type, out: Any) -> np.ndarray:
    if isinstance(out, Tensor):
        raise TypeError(
            f"{cls.__name__}.forward returned a Tensor; forward works on numpy arrays "
            f"and must return an array"
        )
    return np.asarray(out)
