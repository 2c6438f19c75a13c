"""``Tensor``: a numpy array that remembers how it was made.

A Tensor holds ``.data`` (an ``np.ndarray``), ``.grad``, ``.requires_grad`` and,
when it is the result of a recorded op, that op's node (``.grad_fn``). The
named methods (``exp``, ``sum``, ``reshape``, ...) live in ``tensor_methods.py``.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

import numpy as np

import autograd  # NOTE: the engine, called by backward() at run time (it imports this module)
from autograd import versions
from autograd.dtypes import as_array, is_floating
from autograd.tensor_methods import TensorMethods

if TYPE_CHECKING:  # NOTE: function.py imports this module
    from autograd.function import Function

_new = object.__new__


class Tensor(TensorMethods, versions.Versioned):
    """A multi-dimensional array with reverse-mode automatic differentiation.

    >>> import autograd as ag
    >>> x = ag.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    # NOTE: the hot attributes are slots; rarely used ones (hooks, name) live in
    # the lazily created __dict__ with class-level defaults, so making a Tensor
    # stays cheap.
    __slots__ = ("_data", "_node", "_rg", "_grad", "__dict__", "__weakref__")
    # the slots' types, for type checkers (annotations without values add no class attributes)
    _data: np.ndarray
    _node: Optional[Function]  # the node that made it; None for a leaf
    _rg: bool
    _grad: Optional[Tensor]
    __array_ufunc__ = None  # so `ndarray + Tensor` calls Tensor.__radd__
    __array_priority__ = 1000

    _hooks: Optional[list] = None
    name: Optional[str] = None

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        if isinstance(data, Tensor):
            data = data._data
        self._data = as_array(data, dtype)
        self._node = None
        self._rg = False
        self._grad = None
        self._ver = self._stamp = 0
        self._vown = None
        if requires_grad:
            self.requires_grad = True

    # -- attributes ----------------------------------------------------------------
    @property
    def data(self) -> np.ndarray:
        """The underlying numpy array (shares memory; writes to it bypass autograd)."""
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        if value is self._data:
            # NOTE: `t.data -= x` mutates the array in place and then assigns it back here
            self._bump_version()
            return
        self._data = as_array(value._data if isinstance(value, Tensor) else value, None)
        self._vown = None

    @property
    def requires_grad(self) -> bool:
        """Whether gradients are computed for this tensor (settable on leaves, floating dtypes only)."""
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        flag = bool(flag)
        if flag == self._rg:
            return
        if self._node is not None:
            raise RuntimeError(
                "requires_grad can only be changed on leaf tensors; use .detach() for a "
                f"non-leaf tensor of shape {self.shape} made by {self._node.name}"
            )
        if flag and not is_floating(self._data.dtype):
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype "
                f"{self._data.dtype} (shape {self.shape}); cast with .float() first"
            )
        self._rg = flag

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set ``requires_grad`` in place and return ``self``."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Optional["Tensor"]:
        """The accumulated gradient (a Tensor of the same shape), or ``None``."""
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                value = Tensor(np.asarray(value, dtype=self._data.dtype))
            if value.shape != self.shape:
                raise ValueError(
                    f"assigned grad has shape {value.shape} but the tensor has shape {self.shape}"
                )
        self._grad = value

    @property
    def grad_fn(self) -> Any:
        """The node that made this tensor (``None`` for a leaf)."""
        return self._node

    @property
    def is_leaf(self) -> bool:
        """True for a tensor no recorded op made (a parameter, an input, a constant)."""
        return self._node is None

    @property
    def shape(self) -> tuple:
        """The size of each axis, a tuple of ints."""
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of axes."""
        return self._data.ndim

    def dim(self) -> int:
        """The number of axes (PyTorch's name for ``ndim``)."""
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The numpy dtype of the elements."""
        return self._data.dtype

    @property
    def size(self) -> int:
        """Number of elements (numpy's meaning; ``numel()`` is its PyTorch name)."""
        return self._data.size

    def numel(self) -> int:
        """The number of elements."""
        return self._data.size

    @property
    def _version(self) -> int:
        """How many times the memory under this tensor was changed in place."""
        return versions.owner(self)._ver

    def _bump_version(self) -> None:
        """Record that the array under this tensor was changed in place (optimizers call this)."""
        versions.bump(versions.owner(self))

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number.

        >>> import autograd as ag
        >>> ag.tensor([2.5]).item()
        2.5
        """
        if self._data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self._data.item()

    def numpy(self) -> np.ndarray:
        """The underlying array (shares memory)."""
        return self._data

    def tolist(self) -> Any:
        """The values as nested Python lists (a number for a 0-d tensor)."""
        return self._data.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self._data.size} elements (shape {self.shape}) "
                "is ambiguous; use .any() or .all()"
            )
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if np.issubdtype(self._data.dtype, np.integer) and self._data.size == 1:
            return int(self._data)
        raise TypeError(f"only integer tensors of one element can be used as an index, got {self.dtype}")

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        body = _format(self._data)
        extras = []
        if self._data.dtype != np.float32:
            extras.append(f"dtype={self._data.dtype}")
        if self._node is not None:
            extras.append(f"grad_fn=<{self._node.name}Backward>")
        elif self._rg:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

    # -- autograd --------------------------------------------------------------------
    def backward(self, gradient: Any = None, retain_graph: Optional[bool] = None,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into ``.grad`` of every leaf that requires grad.

        ``gradient`` is d(loss)/d(self) and may be left out only for a one-element tensor.
        The graph's saved arrays are released afterwards unless ``retain_graph=True``.

        >>> import autograd as ag
        >>> w = ag.tensor(3.0, requires_grad=True)
        >>> (w * w).backward()
        >>> w.grad
        tensor(6.)
        """
        engine = autograd.engine
        g = engine._root_gradient(self, gradient, create_graph, "backward()")
        engine._run((self,), (g,), create_graph if retain_graph is None else retain_graph, create_graph)

    def detach(self) -> "Tensor":
        """A tensor sharing this one's data (and version counter) but cut off from the graph."""
        t = _make(self._data, None, False)
        o = versions.held_owner(self)
        # NOTE: a node that owns the memory is held weakly: its parents would otherwise keep
        # the whole graph behind it alive for as long as the detached tensor lives (truncated
        # BPTT carries a detached state from chunk to chunk, and every earlier chunk's graph
        # stayed reachable: 170k live nodes after 10,000 steps). While the node lives, writes
        # are still counted on it; once it is gone, nothing recorded reads the memory through it.
        t._vown = o if (o.__class__ is weakref.ref or isinstance(o, Tensor)) else weakref.ref(o)
        return t

    def register_hook(self, hook: Callable[["Tensor"], Optional["Tensor"]]) -> "_HookHandle":
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor replaces it.

        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 10)
        >>> (x * 1).sum().backward()
        >>> x.grad
        tensor([10., 10.])
        """
        if not self._rg:
            raise RuntimeError(f"cannot register a hook on a tensor (shape {self.shape}) that does not require grad")
        if self._node is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            hooks = autograd.engine.node_hooks.setdefault(self._node, [])
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (a no-op on leaves)."""
        if self._node is None:
            return
        if getattr(self, "_retains", False):
            return
        ref = weakref.ref(self)

        def _store(g: "Tensor") -> None:
            t = ref()
            if t is not None:
                t._grad = g if t._grad is None else t._grad + g

        _store.retains_grad = True  # type: ignore[attr-defined]  # NOTE: drawings skip it (viz/grads.py)
        self.register_hook(_store)
        self._retains = True


class _HookHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list, hook: Callable) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _format(a: np.ndarray) -> str:
    """Values as PyTorch prints them: ``1.`` for whole numbers, else four decimals."""
    fixed = a.dtype.kind == "f" and a.size > 0
    if fixed:
        finite = a[np.isfinite(a)]
        big = finite.size and (np.abs(finite).max() >= 1e8 or 0 < np.abs(finite[finite != 0]).min(initial=1) < 1e-4)
        fixed = not big and not np.all(finite == np.round(finite))
    return np.array2string(a, separator=", ", prefix="tensor(", threshold=200, edgeitems=3,
                           precision=4, floatmode="fixed" if fixed else "maxprec")


def _make(data: np.ndarray, node: Any, rg: bool) -> Tensor:
    """Wrap an array the engine made, skipping validation."""
    t = _new(Tensor)
    t._data = data
    t._node = node
    t._rg = rg
    t._grad = None
    t._ver = t._stamp = 0
    t._vown = None
    return t
