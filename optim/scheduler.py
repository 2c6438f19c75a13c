"""``LRScheduler``: the base of the learning-rate schedulers in ``optim.lr_scheduler``.

A scheduler owns nothing but a step counter (``last_epoch``): each ``step()``
moves it on and writes the new learning rate of every parameter group into
``optimizer.param_groups[i]['lr']``. Like PyTorch's, the schedulers are
*chainable*: most compute the next lr from the group's current lr, so two
schedulers on one optimizer compose (their factors multiply).
"""
from __future__ import annotations

import copy
import math
import numbers
from typing import Any, Dict, List, Optional

from optim.optimizer import Optimizer


class LRScheduler:
    """Base class: a subclass implements ``get_lr()`` (the chainable rule) and, where it
    exists, ``_get_closed_form_lr()`` (the lr as a function of ``last_epoch`` alone).

    Construction performs the first step, so right after it the optimizer holds the lr
    for epoch 0. Call ``scheduler.step()`` after ``optimizer.step()``.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        name = type(self).__name__
        _check_optimizer(name, optimizer)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"{name}: 'initial_lr' is not in param_groups[{i}], so the schedule "
                                   f"cannot resume at last_epoch={last_epoch}; load the optimizer's "
                                   "state first")
        self.optimizer = optimizer
        self.base_lrs: List[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> List[float]:
        """The learning rates for ``last_epoch``, computed from the groups' current ones."""
        raise NotImplementedError

    def get_last_lr(self) -> List[float]:
        """The learning rate of each parameter group, as last set by this scheduler."""
        return list(self._last_lr)

    def step(self) -> None:
        """Move on one epoch (or batch) and set the optimizer's learning rates."""
        self._step_count += 1
        self._set_lrs(None)

    def _set_lrs(self, epoch: Optional[int]) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            # NOTE: only SequentialLR jumps (to epoch 0 at a milestone); like PyTorch it
            # then uses the closed form, which does not depend on the current lr.
            self.last_epoch = epoch
            closed = getattr(self, "_get_closed_form_lr", None)
            values = closed() if closed is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> Dict[str, Any]:
        """Everything but the optimizer, copied (a snapshot later steps do not change)."""
        return {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restore a ``state_dict()`` of a scheduler of the same kind."""
        self.__dict__.update(copy.deepcopy(state_dict))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, last_lr={self._last_lr})"


def _check_number(scheduler: str, what: str, value: Any, lo: float = -math.inf, hi: float = math.inf,
                  lo_open: bool = False, hi_open: bool = False, integer: bool = False) -> None:
    """Raise ``ValueError`` naming the scheduler unless ``value`` is a number in the range."""
    kind = numbers.Integral if integer else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > lo if lo_open else value >= lo) and (value < hi if hi_open else value <= hi)
    if not ok:
        lo_b, hi_b = "(" if lo_open else "[", ")" if hi_open else "]"
        what_kind = "an integer" if integer else "a number"
        raise ValueError(f"{scheduler}: {what} must be {what_kind} in {lo_b}{lo}, {hi}{hi_b}, got {value!r}")


def _check_optimizer(scheduler: str, optimizer: Any) -> None:
    """Refuse anything but an Optimizer, and one whose lr is already a function of the step."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{scheduler}: {type(optimizer).__name__} is not an optim.Optimizer")
    for i, group in enumerate(optimizer.param_groups):
        if "lr_fn" in group:
            # NOTE: the optimizer would overwrite the scheduler's lr with the function's at each step
            raise ValueError(f"{scheduler}: parameter group {i} already has a learning rate schedule "
                             f"({group['lr_fn']!r}); use one or the other")
