"""``OneCycleLR``: the 1cycle policy (Smith & Topin, 2018), stepped after every batch."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Union

from optim.optimizer import Optimizer
from optim.scheduler import LRScheduler, _check_number, _check_optimizer


class OneCycleLR(LRScheduler):
    """Warm the lr up from ``max_lr / div_factor`` to ``max_lr``, then anneal it far below.

    Over ``total_steps`` steps (or ``epochs * steps_per_epoch``) the phases are, with
    ``initial = max_lr / div_factor`` and ``min = initial / final_div_factor``:

    - two phases (default): ``initial -> max_lr`` over the first ``pct_start`` of the
      steps (ending at step ``pct_start * total_steps - 1``), then ``max_lr -> min``
      until step ``total_steps - 1``;
    - ``three_phase=True``: ``initial -> max_lr``, back ``max_lr -> initial`` (ending at
      step ``2 * pct_start * total_steps - 2``), then ``initial -> min``.

    Each phase anneals with a half cosine (``anneal_strategy='cos'``) or a straight line
    (``'linear'``). With ``cycle_momentum`` the momentum (or Adam's ``beta1``) moves the
    opposite way, between ``max_momentum`` and ``base_momentum``. Stepping more than
    ``total_steps`` times is an error.

    >>> import autograd as ag, optim
    >>> opt = optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
    >>> sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=6, pct_start=0.5,
    ...                                         anneal_strategy='linear')
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for _ in range(5):
    ...     sched.step(); lrs.append(round(sched.get_last_lr()[0], 4))
    >>> lrs
    [0.04, 0.52, 1.0, 0.6667, 0.3333, 0.0]
    """

    def __init__(self, optimizer: Optimizer, max_lr: Union[float, Sequence[float]],
                 total_steps: Optional[int] = None, epochs: Optional[int] = None,
                 steps_per_epoch: Optional[int] = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: Union[float, Sequence[float]] = 0.85,
                 max_momentum: Union[float, Sequence[float]] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        name = "OneCycleLR"
        _check_optimizer(name, optimizer)
        if total_steps is not None:
            _check_number(name, "total_steps", total_steps, lo=1, integer=True)
        elif epochs is not None and steps_per_epoch is not None:
            _check_number(name, "epochs", epochs, lo=1, integer=True)
            _check_number(name, "steps_per_epoch", steps_per_epoch, lo=1, integer=True)
            total_steps = epochs * steps_per_epoch
        else:
            raise ValueError(f"{name}: give either total_steps or both epochs and steps_per_epoch")
        _check_number(name, "pct_start", pct_start, lo=0.0, hi=1.0)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{name}: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        _check_number(name, "div_factor", div_factor, lo=0.0, lo_open=True)
        _check_number(name, "final_div_factor", final_div_factor, lo=0.0, lo_open=True)
        groups = optimizer.param_groups
        max_lrs = _per_group(name, "max_lr", max_lr, len(groups))
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(f"{name}: cycle_momentum needs an optimizer with momentum or betas, "
                                 f"{type(optimizer).__name__} has neither; pass cycle_momentum=False")
            max_moms = _per_group(name, "max_momentum", max_momentum, len(groups))
            base_moms = _per_group(name, "base_momentum", base_momentum, len(groups))
        self.total_steps = total_steps
        self.anneal_strategy = anneal_strategy
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = "betas" in optimizer.defaults
        T = float(total_steps)
        if three_phase:
            self._phases = [
                (pct_start * T - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (2 * pct_start * T - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (T - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self._phases = [
                (pct_start * T - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (T - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        if last_epoch == -1:
            for i, group in enumerate(groups):
                group["initial_lr"] = max_lrs[i] / div_factor
                group["max_lr"] = max_lrs[i]
                group["min_lr"] = group["initial_lr"] / final_div_factor
                if cycle_momentum:
                    self._set_momentum(group, max_moms[i])
                    group["max_momentum"], group["base_momentum"] = max_moms[i], base_moms[i]
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group: Dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> List[float]:
        t = self.last_epoch
        if t > self.total_steps:
            raise ValueError(f"OneCycleLR: stepped {t} times, but total_steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr_a, lr_b, mom_a, mom_b) in enumerate(self._phases):
                if t <= end or i == len(self._phases) - 1:
                    pct = (t - start) / (end - start)
                    lrs.append(self._anneal(group[lr_a], group[lr_b], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(group[mom_a], group[mom_b], pct))
                    break
                start = end
        return lrs


def _per_group(scheduler: str, what: str, value: Any, n: int) -> List[float]:
    values = list(value) if isinstance(value, (list, tuple)) else [value] * n
    if len(values) != n:
        raise ValueError(f"{scheduler}: expected {n} values of {what} (one per parameter group), "
                         f"got {len(values)}")
    for v in values:
        _check_number(scheduler, what, v, lo=0.0)
    return values
