"""``Module``: the base class of every layer and model.

A Module owns three ordered collections, filled by plain attribute assignment:

- parameters (``self.weight = Parameter(...)``), learnable tensors;
- buffers (``self.register_buffer('running_mean', t)``), state that is saved
  but not learned;
- submodules (``self.fc = Linear(2, 3)``), which give the dotted names of
  ``named_parameters()`` and ``state_dict()`` (``fc.weight``, ``0.bn.running_mean``).

Subclasses call ``super().__init__()`` first and define ``forward``;
``module(x)`` runs ``forward`` with the module pushed on
``autograd.function.scope_stack``, so drawings of the graph group nodes by layer.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Dict, Iterator, List, Mapping, NamedTuple, Optional, Tuple

import numpy as np

from autograd.function import scope_stack
from autograd.grad_mode import no_grad
from autograd.tensor import Tensor
from nn.parameter import Parameter


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` did not match (only non-empty when ``strict=False``)."""
    missing_keys: List[str]
    unexpected_keys: List[str]


class Module:
    """Base class for layers and models; assign Parameters, buffers and Modules as attributes.

    >>> import autograd as ag, nn
    >>> class Affine(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = nn.Parameter(ag.ones(2))
    ...         self.register_buffer("shift", ag.zeros(2))
    ...     def forward(self, x):
    ...         return x * self.scale + self.shift
    >>> m = Affine()
    >>> m(ag.tensor([1.0, 2.0]))
    tensor([1., 2.], grad_fn=<AddBackward>)
    >>> list(m.state_dict())
    ['scale', 'shift']
    """

    training: bool
    # NOTE: set in __init__ through __dict__ (so that __setattr__ can route by kind)
    _parameters: "OrderedDict[str, Optional[Parameter]]"
    _buffers: "OrderedDict[str, Optional[Tensor]]"
    _non_persistent: set
    # NOTE: containers hold only modules; elsewhere `self.child = None` leaves a None entry
    # (as in PyTorch), which the walks over the tree skip
    _modules: "OrderedDict[str, Module]"

    def __init__(self) -> None:
        # NOTE: parameters, buffers and submodules also live in the instance __dict__, so
        # reading ``self.weight`` in a hot forward is a plain attribute lookup; __setattr__
        # keeps the two places in step.
        d = self.__dict__
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent"] = set()
        d["_modules"] = OrderedDict()
        d["training"] = True

    # -- registration -----------------------------------------------------------------
    def _registry_check(self, name: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() ran; call super().__init__() "
                f"first in {type(self).__name__}.__init__"
            )

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if isinstance(value, Parameter):
            self._registry_check(name)
            self._forget(name)
            d["_parameters"][name] = value
        elif isinstance(value, Module):
            self._registry_check(name)
            self._forget(name)
            d["_modules"][name] = value
        elif "_parameters" in d and name in d["_parameters"]:
            if value is not None:
                raise TypeError(
                    f"{type(self).__name__}.{name} is a parameter; assign an nn.Parameter or None, "
                    f"not {type(value).__name__}"
                )
            d["_parameters"][name] = None
        elif "_buffers" in d and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"{type(self).__name__}.{name} is a buffer; assign a Tensor or None, "
                    f"not {type(value).__name__}"
                )
            d["_buffers"][name] = value
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"{type(self).__name__}.{name} is a submodule; assign an nn.Module or None, "
                    f"not {type(value).__name__}"
                )
            d["_modules"][name] = None
        object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            d[registry].pop(name, None)
        d["_non_persistent"].discard(name)

    def __delattr__(self, name: str) -> None:
        if "_parameters" in self.__dict__:
            self._forget(name)
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Optional[Parameter]) -> None:
        """Register ``param`` (or ``None``, a declared-but-absent parameter such as ``bias=False``)."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter({name!r}): expected an nn.Parameter or None, "
                            f"got {type(param).__name__}")
        self._registry_check(name)
        self._forget(name)
        self.__dict__["_parameters"][name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Optional[Tensor], persistent: bool = True) -> None:
        """Register a tensor that is part of the state (saved in ``state_dict`` unless
        ``persistent=False``) but is not learned, such as BatchNorm's running mean."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer({name!r}): expected a Tensor or None, "
                            f"got {type(tensor).__name__}")
        self._registry_check(name)
        self._forget(name)
        self.__dict__["_buffers"][name] = tensor
        if not persistent:
            self.__dict__["_non_persistent"].add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: Optional["Module"]) -> None:
        """Register ``module`` as a child called ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module({name!r}): expected an nn.Module, got {type(module).__name__}")
        self._registry_check(name)
        self._forget(name)
        self.__dict__["_modules"][name] = module
        object.__setattr__(self, name, module)

    # -- running -------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        scope_stack.append(self)
        try:
            return self.forward(*args, **kwargs)
        finally:
            scope_stack.pop()

    # -- walking the tree ----------------------------------------------------------------
    def named_modules(self, prefix: str = "", remove_duplicate: bool = True) -> Iterator[Tuple[str, "Module"]]:
        """This module (name ``prefix``) and every descendant, with dotted names, each once
        (``remove_duplicate=False``: a module used in several places once per place, as
        ``state_dict`` lists it).

        >>> import nn
        >>> [name for name, _ in nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU())).named_modules()]
        ['', '0', '1', '1.0']
        >>> lin = nn.Linear(1, 1)
        >>> [name for name, _ in nn.Sequential(lin, lin).named_modules(remove_duplicate=False)]
        ['', '0', '1']
        """
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if remove_duplicate and id(m) in seen:
                continue
            seen.add(id(m))
            yield name, m
            kids = [(f"{name}.{k}" if name else k, c) for k, c in m._modules.items() if c is not None]
            stack.extend(reversed(kids))

    def modules(self) -> Iterator["Module"]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[Tuple[str, "Module"]]:
        for name, m in self._modules.items():
            if m is not None:
                yield name, m

    def children(self) -> Iterator["Module"]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, registry: str, recurse: bool = True) -> Iterator[Tuple[str, Tensor]]:
        seen = set()
        for prefix, m in (self.named_modules() if recurse else [("", self)]):
            for name, t in getattr(m, registry).items():
                if t is None or id(t) in seen:
                    continue
                seen.add(id(t))
                yield (f"{prefix}.{name}" if prefix else name), t

    def named_parameters(self, recurse: bool = True) -> Iterator[Tuple[str, Parameter]]:
        """(dotted name, Parameter) for every parameter of the tree (of this module only if not
        ``recurse``); a parameter shared by several modules appears once."""
        return self._named_members("_parameters", recurse)  # type: ignore[return-value]  # NOTE: that registry holds Parameters

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse):
            yield p

    def named_buffers(self, recurse: bool = True) -> Iterator[Tuple[str, Tensor]]:
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse):
            yield b

    def num_parameters(self, trainable_only: bool = False) -> int:
        """The number of scalars in the parameters (those requiring grad only, if asked).

        >>> import nn
        >>> nn.Linear(3, 2).num_parameters()
        8
        """
        return int(sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only))

    def apply(self, fn: Callable[["Module"], Any]) -> "Module":
        """Call ``fn`` on every submodule (children first) and on this module; return ``self``.

        >>> import nn
        >>> net = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        >>> _ = net.apply(lambda m: nn.init.zeros_(m.bias) if isinstance(m, nn.Linear) else None)
        >>> net[0].bias
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
        """
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ---------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        """Set training mode (Dropout drops, BatchNorm uses batch statistics) on the whole tree.

        >>> import nn
        >>> net = nn.Sequential(nn.Dropout(0.5)).eval()
        >>> net[0].training, net.train()[0].training
        (False, True)
        """
        for m in self.modules():
            m.__dict__["training"] = bool(mode)
        return self

    def eval(self) -> "Module":
        """Set evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Freeze (``False``) or unfreeze every parameter."""
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the ``.grad`` of every parameter (set to ``None`` by default, else zero it).

        >>> import autograd as ag, nn
        >>> lin = nn.Linear(2, 1)
        >>> lin(ag.ones(1, 2)).sum().backward()
        >>> lin.zero_grad(); lin.weight.grad is None
        True
        """
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                with no_grad():
                    p.grad.zero_()

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """PyTorch's ``to(device)``, ``to(dtype)`` or ``to(device, dtype)``: cast floating
        parameters and buffers to a floating ``dtype`` in place (the same objects stay
        registered). The only device is ``"cpu"``, so moving there changes nothing.

        >>> import numpy as np, nn
        >>> nn.Linear(2, 2).to(np.float64).weight.dtype
        dtype('float64')
        >>> nn.Linear(2, 2).to("cpu").weight.dtype
        dtype('float32')
        """
        who = f"{type(self).__name__}.to"
        unknown = set(kwargs) - {"device", "dtype", "non_blocking", "copy"}
        if unknown or len(args) > 2:
            raise TypeError(f"{who}: takes (device), (dtype) or (device, dtype), got {args} {kwargs}")
        device, dtype = kwargs.get("device"), kwargs.get("dtype")
        for a in args:
            if isinstance(a, str) or type(a).__name__ == "device":
                device = a
            else:
                dtype = a
        if device is not None and str(device).split(":")[0] != "cpu":
            raise RuntimeError(f"{who}: tapegrad computes on the CPU with numpy; device {str(device)!r} "
                               f"is not available (use 'cpu')")
        if dtype is None:
            return self
        try:
            target = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"{who}: {dtype!r} is neither a device nor a dtype") from None
        if target.kind != "f":
            raise TypeError(f"{who}: only floating point dtypes are accepted (parameters must stay "
                            f"differentiable), got {target}")
        for t in list(self.parameters()) + list(self.buffers()):
            if t.dtype.kind == "f":
                t.data = t.data.astype(dtype)
        return self

    def double(self) -> "Module":
        return self.to(np.float64)

    def float(self) -> "Module":
        return self.to(np.float32)

    # -- state -----------------------------------------------------------------------------
    def state_dict(self) -> "OrderedDict[str, Tensor]":
        """Parameters and persistent buffers by dotted name (tensors share memory with the module).

        As in PyTorch, a submodule used in several places is listed under each of its names
        (``Sequential(lin, Tanh(), lin)`` has ``0.weight`` and ``2.weight``, the same tensor),
        so state dicts move between the two libraries with ``strict=True``.

        >>> import nn
        >>> list(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)).state_dict())
        ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']
        """
        out: "OrderedDict[str, Tensor]" = OrderedDict()
        for prefix, m in self.named_modules(remove_duplicate=False):
            for registry, skip in (("_parameters", False), ("_buffers", True)):
                for name, t in getattr(m, registry).items():
                    if t is None or (skip and name in m._non_persistent):
                        continue
                    out[f"{prefix}.{name}" if prefix else name] = t.detach()
        return out

    def load_state_dict(self, state: Dict[str, Any], strict: bool = True) -> "IncompatibleKeys":
        """Copy ``state`` (name -> Tensor or array) into the parameters and buffers.

        Everything is checked before anything is copied: with ``strict=True`` missing or
        unexpected keys are an error, and a shape mismatch always is; the error lists every
        offending key and the module is left unchanged. Returns ``(missing_keys, unexpected_keys)``.

        >>> import nn
        >>> a, b = nn.Linear(2, 2), nn.Linear(2, 2)
        >>> b.load_state_dict(a.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool((a.weight == b.weight).all())
        True
        """
        from nn.state import check_state, copy_state
        if not isinstance(state, Mapping):
            raise TypeError(f"{type(self).__name__}.load_state_dict: expected a mapping of names to "
                            f"tensors or arrays (a state_dict), got {type(state).__name__}")
        own = self.state_dict()
        missing, unexpected = check_state(type(self).__name__, own, state, strict)
        copy_state(own, state)
        return IncompatibleKeys(missing, unexpected)

    # -- printing ----------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text between the parentheses of this module's line in ``repr`` (override it)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, m in self._modules.items():
            lines.append(f"({name}): " + repr(m).replace("\n", "\n  "))
        head = type(self).__name__ + "("
        if not self._modules and len(lines) <= 1:
            return head + (lines[0] if lines else "") + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"
