"""``SequentialLR``: hand the learning rate from one scheduler to the next at given epochs."""
from __future__ import annotations

import copy
from bisect import bisect_right
from typing import Any, Dict, List, Sequence

from optim.optimizer import Optimizer
from optim.reduce_lr_on_plateau import ReduceLROnPlateau
from optim.scheduler import LRScheduler


class SequentialLR(LRScheduler):
    """Run ``schedulers[0]`` until ``milestones[0]``, then ``schedulers[1]`` (from its epoch 0), and so on.

    All schedulers must drive ``optimizer``; there is one milestone fewer than schedulers.
    At a milestone the next scheduler starts afresh from its closed form at epoch 0.

    >>> import autograd as ag, optim
    >>> from optim.lr_scheduler import LinearLR, ExponentialLR, SequentialLR
    >>> opt = optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=1.0)
    >>> warm = LinearLR(opt, start_factor=0.5, total_iters=2)
    >>> decay = ExponentialLR(opt, gamma=0.5)
    >>> sched = SequentialLR(opt, [warm, decay], milestones=[2])
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for _ in range(4):
    ...     sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler],
                 milestones: Sequence[int], last_epoch: int = -1) -> None:
        name = "SequentialLR"
        schedulers, milestones = list(schedulers), list(milestones)
        if not schedulers:
            raise ValueError(f"{name}: expects at least one scheduler, got none")
        for i, s in enumerate(schedulers):
            if isinstance(s, ReduceLROnPlateau):
                raise ValueError(f"{name}: scheduler {i} is a ReduceLROnPlateau, whose step() needs a "
                                 "metric; it cannot be sequenced")
            if not isinstance(s, LRScheduler):
                raise TypeError(f"{name}: scheduler {i} is a {type(s).__name__}, not an LRScheduler")
            if s.optimizer is not optimizer:
                raise ValueError(f"{name}: scheduler {i} ({type(s).__name__}) drives a different optimizer")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"{name}: expects one milestone fewer than schedulers, got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        if any(b <= a for a, b in zip(milestones, milestones[1:])):
            raise ValueError(f"{name}: milestones must be increasing, got {milestones}")
        self._schedulers = schedulers
        self._milestones = milestones
        self.optimizer = optimizer
        self.last_epoch = last_epoch + 1
        self._step_count = 1
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        # NOTE: each scheduler already took its first step when it was built; undo that, then
        # let only the one that runs at epoch 0 take it again (PyTorch's procedure).
        for s in schedulers:
            _undo_initial_step(s)
        idx = bisect_right(milestones, 0)
        schedulers[idx]._initial_step()
        self._last_lr = schedulers[idx].get_last_lr()

    def step(self) -> None:
        """Step the scheduler in charge now; at a milestone, restart the next one at its epoch 0."""
        self.last_epoch += 1
        self._step_count += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._set_lrs(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def get_lr(self) -> List[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> Dict[str, Any]:
        """The sequence's counters and, under ``'_schedulers'``, each scheduler's own state."""
        state = {k: copy.deepcopy(v) for k, v in self.__dict__.items()
                 if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        state = dict(state_dict)
        inner = state.pop("_schedulers")
        if len(inner) != len(self._schedulers):
            raise ValueError(f"SequentialLR: the loaded state has {len(inner)} schedulers, "
                             f"this one has {len(self._schedulers)}")
        self.__dict__.update(copy.deepcopy(state))
        for s, sd in zip(self._schedulers, inner):
            s.load_state_dict(sd)


def _undo_initial_step(scheduler: LRScheduler) -> None:
    if isinstance(scheduler, SequentialLR):
        for s in scheduler._schedulers:
            _undo_initial_step(s)
    else:
        scheduler.last_epoch -= 1
