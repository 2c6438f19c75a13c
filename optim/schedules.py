"""Learning-rate schedules as plain functions of the step number, and ``plot_schedule``.

Each function here returns a ``Schedule``: a callable ``schedule(step) -> lr``
with no state of its own. Pass one wherever a learning rate goes
(``optim.SGD(params, lr=cosine(0.1, 1000))``): the optimizer evaluates it at
its own step count (0 for the first ``step()``), and it survives
``state_dict()``/``load_state_dict()`` because the step count is saved.

>>> import autograd as ag, optim
>>> from optim.schedules import join, linear_warmup, cosine
>>> sched = join([linear_warmup(0.1, 4), cosine(0.1, 8)], milestones=[4])
>>> [round(sched(t), 4) for t in range(0, 13, 2)]
[0.0, 0.05, 0.1, 0.0854, 0.05, 0.0146, 0.0]
>>> opt = optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=sched)
>>> for _ in range(3): opt.step()
>>> opt.param_groups[0]['lr']   # the value used by the last step (step 2)
0.05
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable, List, Optional, Sequence, Union

__all__ = ["Schedule", "cosine", "step", "exponential", "linear_warmup", "join", "plot_schedule"]


class Schedule:
    """A learning rate as a function of the step: ``schedule(step) -> float`` (``step >= 0``)."""

    def __init__(self, fn: Callable[[int], float], description: str) -> None:
        self._fn = fn
        self._description = description

    def __call__(self, step: int) -> float:
        if not isinstance(step, numbers.Integral) or isinstance(step, bool) or step < 0:
            raise ValueError(f"{self._description}: the step must be an integer >= 0, got {step!r}")
        return float(self._fn(int(step)))

    def __repr__(self) -> str:
        return self._description


def _need(fn: str, what: str, value: Any, lo: float = 0.0, integer: bool = False, lo_open: bool = False,
          hi: Optional[float] = None) -> None:
    kind = numbers.Integral if integer else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > lo if lo_open else value >= lo) and (hi is None or value <= hi)
    if not ok:
        bound = f"{'>' if lo_open else '>='} {lo}" + (f" and <= {hi}" if hi is not None else "")
        raise ValueError(f"{fn}: {what} must be {'an integer' if integer else 'a number'} {bound}, "
                         f"got {value!r}")


def cosine(lr: float, total_steps: int, min_lr: float = 0.0) -> Schedule:
    """Half a cosine from ``lr`` at step 0 down to ``min_lr`` at ``total_steps``, then ``min_lr``.

    Equal to ``CosineAnnealingLR(T_max=total_steps, eta_min=min_lr)`` over its first half period.

    >>> from optim.schedules import cosine
    >>> [cosine(1.0, 4)(t) for t in (0, 2, 4, 9)]
    [1.0, 0.5, 0.0, 0.0]
    """
    _need("cosine", "lr", lr)
    _need("cosine", "total_steps", total_steps, lo=1, integer=True)
    _need("cosine", "min_lr", min_lr)
    return Schedule(lambda t: min_lr + (lr - min_lr) * (1 + math.cos(math.pi * min(t, total_steps) / total_steps)) / 2,
                    f"cosine(lr={lr}, total_steps={total_steps}, min_lr={min_lr})")


def step(lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """``lr * gamma ** (t // step_size)``: multiply by ``gamma`` every ``step_size`` steps (as ``StepLR``).

    >>> from optim.schedules import step
    >>> [step(1.0, 2, gamma=0.5)(t) for t in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    _need("step", "lr", lr)
    _need("step", "step_size", step_size, lo=1, integer=True)
    _need("step", "gamma", gamma)
    return Schedule(lambda t: lr * gamma ** (t // step_size),
                    f"step(lr={lr}, step_size={step_size}, gamma={gamma})")


def exponential(lr: float, gamma: float) -> Schedule:
    """``lr * gamma ** t`` (as ``ExponentialLR``).

    >>> from optim.schedules import exponential
    >>> [exponential(1.0, 0.5)(t) for t in range(4)]
    [1.0, 0.5, 0.25, 0.125]
    """
    _need("exponential", "lr", lr)
    _need("exponential", "gamma", gamma)
    return Schedule(lambda t: lr * gamma ** t, f"exponential(lr={lr}, gamma={gamma})")


def linear_warmup(lr: float, warmup_steps: int, start_factor: float = 0.0) -> Schedule:
    """Rise linearly from ``start_factor * lr`` at step 0 to ``lr`` at ``warmup_steps``, then stay at ``lr``.

    Equal to ``LinearLR(start_factor=start_factor, total_iters=warmup_steps)`` (which needs
    ``start_factor > 0``). Follow it with a decay using :func:`join`.

    >>> from optim.schedules import linear_warmup
    >>> [linear_warmup(1.0, 4)(t) for t in range(6)]
    [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    """
    _need("linear_warmup", "lr", lr)
    _need("linear_warmup", "warmup_steps", warmup_steps, lo=1, integer=True)
    _need("linear_warmup", "start_factor", start_factor, hi=1.0)
    return Schedule(lambda t: lr * (start_factor + (1 - start_factor) * min(t, warmup_steps) / warmup_steps),
                    f"linear_warmup(lr={lr}, warmup_steps={warmup_steps}, start_factor={start_factor})")


def join(schedules: Sequence[Union[Callable[[int], float], float]], milestones: Sequence[int]) -> Schedule:
    """Use ``schedules[i]`` from ``milestones[i-1]`` on, restarted there at its own step 0 (as ``SequentialLR``).

    A number in ``schedules`` stands for a constant learning rate.

    >>> from optim.schedules import join, exponential
    >>> sched = join([0.5, exponential(1.0, 0.5)], milestones=[2])
    >>> [sched(t) for t in range(5)]
    [0.5, 0.5, 1.0, 0.5, 0.25]
    """
    parts: List[Callable[[int], float]] = []
    for i, s in enumerate(schedules):
        if isinstance(s, numbers.Real) and not isinstance(s, bool):
            _need("join", f"the constant learning rate schedules[{i}]", s)
            parts.append(_constant(float(s)))
        elif callable(s):
            parts.append(s)
        else:
            raise TypeError(f"join: schedules[{i}] must be a function of the step or a number, "
                            f"got {type(s).__name__}")
    marks = list(milestones)
    if not parts:
        raise ValueError("join: needs at least one schedule")
    if len(marks) != len(parts) - 1:
        raise ValueError(f"join: needs one milestone fewer than schedules, got {len(parts)} schedules "
                         f"and {len(marks)} milestones")
    for m in marks:
        _need("join", "each milestone", m, lo=1, integer=True)
    if any(b <= a for a, b in zip(marks, marks[1:])):
        raise ValueError(f"join: milestones must be increasing, got {marks}")
    starts = [0] + marks

    def joined(t: int) -> float:
        i = sum(1 for m in marks if t >= m)
        return parts[i](t - starts[i])

    return Schedule(joined, f"join({list(schedules)!r}, milestones={marks})")


class _constant:
    def __init__(self, lr: float) -> None:
        self.lr = lr

    def __call__(self, t: int) -> float:
        return self.lr

    def __repr__(self) -> str:
        return repr(self.lr)


def plot_schedule(schedule: Any, steps: int, ax: Any = None, label: Optional[str] = None) -> Any:
    """Plot a learning rate over ``steps`` steps and return the matplotlib Figure.

    ``schedule`` is a function of the step (e.g. from this module), or an
    ``LRScheduler``: a copy of it (and of its optimizer) is stepped, so the one
    given is left as it was. Draws into ``ax`` if given. matplotlib is imported
    only when this is called.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from optim.schedules import plot_schedule, cosine
    >>> fig = plot_schedule(cosine(0.1, 50), steps=50)
    >>> len(fig.axes[0].lines[0].get_ydata())
    50
    """
    _need("plot_schedule", "steps", steps, lo=1, integer=True)
    from optim.scheduler import LRScheduler
    if isinstance(schedule, LRScheduler):
        lrs = _scheduler_lrs(schedule, steps)
        name = type(schedule).__name__
    elif callable(schedule):
        lrs = [float(schedule(t)) for t in range(steps)]
        name = repr(schedule)
    else:
        raise TypeError(f"plot_schedule: expected a function of the step or an LRScheduler, "
                        f"got {type(schedule).__name__}")
    import matplotlib.pyplot as plt  # NOTE: lazily, so `import optim` never needs matplotlib
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.5))
    else:
        fig = ax.figure
    ax.plot(range(steps), lrs, label=label if label is not None else name)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    if label is not None:
        ax.legend()
    return fig


def _scheduler_lrs(scheduler: Any, steps: int) -> List[float]:
    import copy
    from optim.reduce_lr_on_plateau import ReduceLROnPlateau
    if isinstance(scheduler, ReduceLROnPlateau):
        raise TypeError("plot_schedule: ReduceLROnPlateau depends on the metric, so it has no "
                        "schedule to plot in advance")
    s = copy.deepcopy(scheduler)
    lrs = []
    for _ in range(steps):
        lrs.append(float(s.get_last_lr()[0]))
        s.step()
    return lrs
