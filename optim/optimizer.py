"""``Optimizer``: the base every optimizer extends.

It holds the parameter groups (each a dict of ``params`` and hyperparameters),
the per-parameter state (``self.state[p]``, a dict of numpy arrays and numbers),
and does the bookkeeping every optimizer shares: validating its input,
skipping parameters without a gradient, ``zero_grad``, the optional closure,
a learning rate given as a function of the step, and saving/loading state.
A subclass says which hyperparameters it has (``defaults``), how to check them
(``_check_group``), what state a parameter starts with (``_init_state``) and
how one parameter is updated (``_update``).
"""
from __future__ import annotations

import copy
import math
import numbers
from collections import defaultdict
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

import numpy as np

from autograd.grad_mode import enable_grad
from autograd.tensor import Tensor

ParamsT = Union[Iterable[Tensor], Iterable[Dict[str, Any]]]


class _Required:
    """Marks a hyperparameter that has no default and must be given."""

    def __repr__(self) -> str:
        return "<required>"


required = _Required()


class Optimizer:
    """Base class of all optimizers.

    ``params`` is an iterable of Tensors, or of dicts ``{'params': [...], 'lr': ...}``
    (parameter groups: each may override any of ``defaults``).

    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
    >>> b = ag.tensor(0.5, requires_grad=True)
    >>> opt = optim.SGD([{'params': [w]}, {'params': [b], 'lr': 0.5}], lr=0.1)
    >>> [g['lr'] for g in opt.param_groups]
    [0.1, 0.5]
    >>> ((w * w).sum() + b * b).backward()
    >>> opt.step()
    >>> w, b
    (tensor([ 0.8000, -1.6000], requires_grad=True), tensor(0., requires_grad=True))
    """

    def __init__(self, params: ParamsT, defaults: Dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        # NOTE: a defaultdict, as in PyTorch, so `opt.state[p]` is {} for a parameter not yet stepped
        self.state: Dict[Tensor, Dict[str, Any]] = defaultdict(dict)
        self.param_groups: List[Dict[str, Any]] = []
        self._step_count = 0  # how many times step() ran; a callable lr is evaluated at it
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(f"{name}: params should be an iterable of Tensors or of dicts, "
                            f"got a single Tensor of shape {params.shape}; wrap it in a list")
        if isinstance(params, dict):
            params = [params]
        try:
            groups: List[Any] = list(params)
        except TypeError:
            raise TypeError(f"{name}: params should be an iterable of Tensors or of dicts, "
                            f"got {type(params).__name__}") from None
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list (note that a generator such as "
                             "model.parameters() is used up after one pass)")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)
        if not any(g["params"] for g in self.param_groups):
            raise ValueError(f"{name}: got an empty parameter list (every group is empty)")

    # -- parameter groups ------------------------------------------------------------------
    def add_param_group(self, param_group: Dict[str, Any]) -> None:
        """Add a group of parameters, with hyperparameters overriding ``defaults``.

        Checks everything first: on bad input it raises and the optimizer is unchanged.
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: a parameter group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{name}: a parameter group needs a 'params' entry")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: parameters must be given in an ordered collection, not a set "
                            "(the order decides how state_dict() numbers them)")
        else:
            params = list(params)
        seen = set()
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: can only optimize Tensors, but parameter {i} of the group "
                                f"is a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{name}: can't optimize a non-leaf Tensor (parameter {i}, shape "
                                 f"{p.shape}, made by {p.grad_fn.name}); use .detach().requires_grad_()")
            if p.dtype.kind != "f":
                raise TypeError(f"{name}: can only optimize floating-point Tensors, parameter {i} "
                                f"has dtype {p.dtype}")
            if id(p) in seen:
                raise ValueError(f"{name}: parameter {i} (shape {p.shape}) is given twice in one group")
            seen.add(id(p))
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if seen & existing:
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        group = {"params": params, **{k: v for k, v in param_group.items() if k != "params"}}
        for key, default in self.defaults.items():
            if default is required and key not in group:
                raise ValueError(f"{name}: parameter group didn't specify a value of required "
                                 f"hyperparameter {key!r}")
            group.setdefault(key, default)
        lr = group.get("lr")
        if callable(lr):
            group["lr_fn"] = lr
            group["lr"] = _evaluate_lr(name, lr, self._step_count)
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: Dict[str, Any]) -> None:
        """Raise ``ValueError`` naming the optimizer and the value if a hyperparameter is invalid."""
        _check(type(self).__name__, "learning rate", group["lr"], lo=0.0)

    # -- the step --------------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set each ``.grad`` to None (default) or fill it with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                elif g.grad_fn is not None or not g.data.flags.writeable:
                    p.grad = Tensor(np.zeros_like(g.data))
                else:
                    g.data.fill(0)
                    g._bump_version()

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """Update every parameter that has a gradient; return ``closure()``'s value if given.

        ``closure`` re-evaluates the model and returns the loss (it runs with grad enabled).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        name = type(self).__name__
        # NOTE: every scheduled lr is evaluated before any parameter moves, so a schedule
        # that returns a bad value leaves the whole model untouched.
        lrs = [_evaluate_lr(name, g["lr_fn"], self._step_count) if "lr_fn" in g else None
               for g in self.param_groups]
        for group, lr in zip(self.param_groups, lrs):
            if lr is not None:
                group["lr"] = lr
        states, update = self.state, self._update
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                state = states.get(p)
                if not state:
                    state = states[p] = self._init_state(p._data, group)
                update(p._data, g._data, state, group)
                p._bump_version()  # the array changed in place: a graph that saved it must refuse
        self._step_count += 1
        return loss

    def _init_state(self, x: np.ndarray, group: Dict[str, Any]) -> Dict[str, Any]:
        """The state of a parameter (array ``x``) before its first update."""
        return {}

    def _update(self, x: np.ndarray, g: np.ndarray, state: Dict[str, Any],
                group: Dict[str, Any]) -> None:
        """Update the parameter array ``x`` in place from its gradient array ``g``."""
        raise NotImplementedError

    # -- saving and loading ------------------------------------------------------------------------
    def state_dict(self) -> Dict[str, Any]:
        """The optimizer's state: ``{'state': {index: {...}}, 'param_groups': [...], 'step_count': n}``.

        Parameters are numbered in group order, as in PyTorch. The arrays are copies,
        so the dict is a snapshot that later steps do not change.
        """
        index: Dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            for p in group["params"]:
                index[id(p)] = len(index)
            saved = {"params": [index[id(p)] for p in group["params"]],
                     **{k: copy.deepcopy(v) for k, v in group.items() if k not in ("params", "lr_fn")}}
            groups.append(saved)
        state = {index[id(p)]: copy.deepcopy(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups, "step_count": self._step_count}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restore a ``state_dict()``; the optimizer must hold parameters of the same shapes.

        Everything is checked before anything changes.
        """
        name = type(self).__name__
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError(f"{name}: load_state_dict expects a dict with 'state' and 'param_groups' "
                             "as returned by state_dict()")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}: the loaded state has {len(saved_groups)} parameter groups, "
                             f"this optimizer has {len(self.param_groups)}")
        by_index: Dict[Any, Tensor] = {}
        for i, (mine, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError(f"{name}: parameter group {i} has {len(mine['params'])} parameters but "
                                 f"the loaded group has {len(saved['params'])}")
            by_index.update(zip(saved["params"], mine["params"]))
        new_state: Dict[Tensor, Dict[str, Any]] = {}
        for key, s in state_dict["state"].items():
            if key not in by_index:
                raise ValueError(f"{name}: the loaded state refers to parameter {key!r}, which no group has")
            p = by_index[key]
            new_state[p] = {}
            for k, v in s.items():
                if isinstance(v, np.ndarray):
                    if v.shape != p.shape:
                        raise ValueError(f"{name}: state {k!r} of parameter {key} has shape {v.shape}, "
                                         f"but the parameter has shape {p.shape}")
                    v = v.astype(p.dtype) if v.dtype.kind == "f" else v.copy()
                else:
                    v = copy.deepcopy(v)
                new_state[p][k] = v
        new_groups = []
        for i, (mine, saved) in enumerate(zip(self.param_groups, saved_groups)):
            missing = sorted(k for k in self.defaults if k not in saved)
            if missing:
                # NOTE: the state of another optimizer (SGD's for an Adam) lacks this one's settings
                raise ValueError(f"{name}: parameter group {i} of the loaded state has no {missing}; "
                                 f"it has {sorted(k for k in saved if k != 'params')} (the state of "
                                 f"another optimizer?)")
            group = {"params": mine["params"],
                     **{k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}}
            if "lr_fn" in mine:
                group["lr_fn"] = mine["lr_fn"]
            self._check_group(group)        # NOTE: a negative lr or beta is refused as at construction
            new_groups.append(group)
        self.state = defaultdict(dict, new_state)
        self.param_groups = new_groups
        self._step_count = int(state_dict.get("step_count", 0))

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]!r}")
        lines.append(")")
        return "\n".join(lines)


# -- helpers the optimizers share ------------------------------------------------------------------

def _is_real(value: object) -> bool:
    # NOTE: a function, not an inline isinstance: mypy does not count int or float as numbers.Real
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check(optimizer: str, what: str, value: Any, lo: float = 0.0, hi: Optional[float] = None,
           hi_open: bool = True) -> None:
    """Raise ``ValueError`` unless ``value`` is a finite number in ``[lo, hi)`` (or ``[lo, hi]``)."""
    ok = _is_real(value) and math.isfinite(value) and value >= lo
    if ok and hi is not None:
        ok = value < hi if hi_open else value <= hi
    if not ok:
        where = f">= {lo}" if hi is None else f"in [{lo}, {hi}{')' if hi_open else ']'}"
        raise ValueError(f"{optimizer}: invalid {what} {value!r} (must be a number {where})")


def _evaluate_lr(optimizer: str, fn: Callable[[int], float], step: int) -> float:
    lr = fn(step)
    try:
        _check(optimizer, "learning rate", lr)
    except ValueError as e:
        raise ValueError(f"{e}; it came from the schedule {fn!r} at step {step}") from None
    return float(lr)


def _direction(x: np.ndarray, g: np.ndarray, weight_decay: float, maximize: bool) -> np.ndarray:
    """The gradient the update follows: ``g`` (negated if maximizing) plus L2 weight decay.

    Returns ``g`` itself when there is nothing to add, so the caller must not write into it.
    """
    if weight_decay == 0:
        return np.negative(g, out=np.empty_like(g)) if maximize else g
    # NOTE: out= everywhere, because without it numpy turns 0-d results into scalars
    d = np.multiply(x, weight_decay, out=np.empty_like(x))
    if maximize:
        d -= g
    else:
        d += g
    return d
