"""``Function``: one differentiable op, and the node it leaves on the tape.

An op is a subclass with ``forward`` and ``backward`` side by side::

    class Mul(Function):
        '''z = x * y;  dz/dx = y,  dz/dy = x'''
        def forward(self, x, y):          # numpy arrays (or Python scalars) in,
            self.saved = (x, y)           # an array out
            return x * y
        def backward(self, g):            # upstream gradient in,
            x, y = self.saved             # one gradient per forward argument out
            return g * y, g * x

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
``xp.py``). Rules may therefore only use operators, ``xp.*`` functions,
inputs and the output (``self.out``); anything else a rule reads is treated
as a constant when differentiated again.

Gradients may come back in the broadcast shape of the output: the engine
reduces them to each input's shape in one place (``engine._reduce_to``).
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

from autograd.anomaly import check_forward
from autograd.anomaly import enabled as _anomaly
from autograd.grad_mode import _state

_ndarray = np.ndarray
_asarray = np.asarray
_UNARY = object()  # _p1 of a one-argument node
_MANY = object()   # _p0 of a node with three or more arguments (then _p1 holds them all)
_scalar_types = frozenset({np.float16, np.float32, np.float64, np.longdouble, np.int8, np.int16,
                           np.int32, np.int64, np.uint8, np.bool_, float, int, bool})
_new = object.__new__

#: the modules whose forward is running (pushed by nn.Module.__call__); a node
#: records the innermost one as its ``scope``, so drawings can group by module
scope_stack: list = []


class Function:
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

    # NOTE: ``_ver``, ``_stamp`` (as the owner of its output's memory, see tensor.writes) and
    # ``_vown`` (a view's owner) are set only when needed and read with getattr defaults.
    # NOTE: one or two parents are kept in slots of their own rather than in a tuple: the
    # tuple would be one more object for Python's cyclic GC to traverse per node, and GC
    # time grows with the number of live graph objects (see ``parents``).
    # NOTE: ``seq`` is also the node's time on the clock that stamps in-place writes (see
    # tensor.clock), so a node needs no slot of its own for the time it was recorded: a node
    # of 12 slots takes 128 bytes instead of 144, less memory for the GC to walk per node.
    __slots__ = ("_p0", "_p1", "saved", "out", "seq", "xp", "meta", "scope", "_ver",
                 "_stamp", "_vown", "__weakref__")

    #: a node always wants its gradient; with Tensor._rg this makes ``_wants_grad`` one getattr
    _rg = True

    #: ops whose backward reads ``self.out`` set this, so the output survives until backward
    keeps_output = False
    #: ops whose output shares memory with their first input (reshape, transpose, basic indexing)
    is_view = False
    #: ops whose backward reads only shapes or axes from ``saved``, never the inputs' values, set
    #: this False: an in-place change of an input cannot corrupt them, so no versions are kept
    reads_inputs = True

    # -- what subclasses write -------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must define forward")

    def backward(self, g: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must define backward")

    # -- PyTorch-style context API for user Functions ----------------------------
    def save_for_backward(self, *arrays: Any) -> None:
        """Keep ``arrays`` (inputs or the output) for ``backward``; read them as ``saved_tensors``."""
        self.saved = arrays

    @property
    def saved_tensors(self) -> Tuple[Any, ...]:
        return self.saved

    @property
    def parents(self) -> Tuple[Any, ...]:
        """For each forward argument: its node (a non-leaf input), the leaf Tensor, or the raw value."""
        p1 = self._p1
        if p1 is _UNARY:
            return (self._p0,)
        if self._p0 is _MANY:
            return p1
        return (self._p0, p1)

    @property
    def needs_input_grad(self) -> Tuple[bool, ...]:
        """For each forward argument, whether a gradient for it is wanted."""
        return tuple(_wants_grad(p) for p in self.parents)

    @property
    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__}Backward>"

    # -- applying an op ----------------------------------------------------------
    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> "Tensor":
        """Run ``forward`` on the arrays of ``args`` and record a node if any input requires grad."""
        # NOTE: this is the per-op hot path; it is written for speed (one pass over the
        # arguments, no helper calls) and is the only place that builds nodes.
        # NOTE: the parent entries are set before ``forward`` runs, so that forward can see which
        # arguments are constants (their own entries) or want a gradient (``needs_input_grad``)
        # and save only what backward will read (see ``Mul``).
        node = _new(cls)
        node.saved = ()
        if len(args) == 2:
            # NOTE: binary ops are most of the traffic; their arguments are unpacked without lists
            a, b = args
            if isinstance(a, Tensor):
                da = a._data
                record = a._rg
                pa = a._node
                if pa is None:  # NOTE: a leaf is its own parent entry
                    pa = a
            else:
                da = pa = a
                record = False
            if isinstance(b, Tensor):
                db = b._data
                if b._rg:
                    record = True
                pb = b._node
                if pb is None:
                    pb = b
            else:
                db = pb = b
            node._p0 = pa
            node._p1 = pb
            out = cls.forward(node, da, db, **kwargs) if kwargs else cls.forward(node, da, db)
        elif len(args) == 1:
            a = args[0]
            if isinstance(a, Tensor):
                da = a._data
                record = a._rg
                pa = a._node
                if pa is None:
                    pa = a
            else:
                da = pa = a
                record = False
            node._p0 = pa
            node._p1 = _UNARY
            out = cls.forward(node, da, **kwargs) if kwargs else cls.forward(node, da)
        else:
            record = False
            arrays = []
            parents = []
            for a in args:
                if isinstance(a, Tensor):
                    arrays.append(a._data)
                    if a._rg:
                        record = True
                    parents.append(a if a._node is None else a._node)
                else:
                    arrays.append(a)
                    parents.append(a)
            node._p0 = _MANY
            node._p1 = tuple(parents)
            out = cls.forward(node, *arrays, **kwargs)
        if out.__class__ is not _ndarray:
            # NOTE: numpy returns scalars, not 0-d arrays, from ops on 0-d arrays
            out = _asarray(out) if out.__class__ in _scalar_types else _as_output(cls, out)
        if _anomaly[0]:
            check_forward(cls.__name__, out, [a._data if isinstance(a, Tensor) else a for a in args])
        t = _new(Tensor)  # NOTE: tensor._make, inlined
        t._data = out
        t._grad = None
        if not (record and _state.enabled):
            t._node = None
            t._rg = False
            t._vown = _owner_entry(args[0]) if cls.is_view and isinstance(args[0], Tensor) else None
            return t
        t._node = node
        t._rg = True
        node.seq = next(_seq)
        node.out = out
        if scope_stack:
            node.scope = scope_stack[-1]
        if cls.is_view and isinstance(args[0], Tensor):
            # NOTE: a view's writes are counted by whoever owns the memory it views
            node._vown = t._vown = _owner_entry(args[0])
        else:
            t._vown = None
        return t


def _wants_grad(p: Any) -> bool:
    """Whether a parent entry wants a gradient: a node, or a tensor that requires grad."""
    return getattr(p, "_rg", False)


def _as_output(cls: type, out: Any) -> np.ndarray:
    if isinstance(out, Tensor):
        raise TypeError(
            f"{cls.__name__}.forward returned a Tensor; forward works on numpy arrays "
            f"and must return an array"
        )
    return _asarray(out)


from autograd.tensor import Tensor, _make, _owner_entry, clock as _seq  # noqa: E402  (Tensor imports nothing from here at import time)
