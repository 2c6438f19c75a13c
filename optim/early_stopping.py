"""``EarlyStopping``: watch a validation metric, remember the best model, say when to stop."""
from __future__ import annotations

import copy
import math
import numbers
from typing import Any, Dict, Optional


def _is_number(value: object, kind: type) -> bool:
    """``isinstance(value, kind)`` for a ``numbers`` ABC, bools excluded."""
    # NOTE: a function, not an inline isinstance: mypy does not count int or float as numbers.Real
    # and would take the code after such a check for unreachable
    return isinstance(value, kind) and not isinstance(value, bool)


class EarlyStopping:
    """Stop training once the metric has not improved for ``patience`` epochs in a row.

    Call ``step(metric, model)`` once per epoch; it returns True when it is time to
    stop. A metric improves on the best so far when it is lower by more than
    ``min_delta`` (``mode='min'``) or higher by more than ``min_delta`` (``mode='max'``);
    NaN never improves. On each improvement a deep copy of ``model.state_dict()`` is
    kept (the model is anything with ``state_dict()`` and ``load_state_dict()``; the
    model is optional). With ``restore_best=True`` the best state is loaded back into
    the model at the moment ``step`` says stop; ``restore(model)`` does it at any time.

    >>> from optim import EarlyStopping
    >>> stopper = EarlyStopping(patience=2)
    >>> for epoch, val_loss in enumerate([0.9, 0.7, 0.8, 0.75, 0.6]):
    ...     if stopper.step(val_loss):
    ...         break
    >>> epoch, stopper.best, stopper.best_epoch
    (3, 0.7, 1)
    """

    def __init__(self, patience: int = 10, min_delta: float = 0.0, mode: str = "min",
                 restore_best: bool = True) -> None:
        if not _is_number(patience, numbers.Integral) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an integer >= 0, got {patience!r}")
        if not _is_number(min_delta, numbers.Real) or not math.isfinite(min_delta) or min_delta < 0:
            raise ValueError(f"EarlyStopping: min_delta must be a finite number >= 0, got {min_delta!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min' or 'max', got {mode!r}")
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.mode = mode
        self.restore_best = bool(restore_best)
        self.best: float = math.inf if mode == "min" else -math.inf
        self.best_epoch: Optional[int] = None
        self.best_state: Optional[Dict[str, Any]] = None
        self.num_bad_epochs = 0
        self.epoch = -1
        self.should_stop = False

    def is_better(self, metric: float) -> bool:
        """Whether ``metric`` improves on the best so far by more than ``min_delta``."""
        if self.mode == "min":
            return metric < self.best - self.min_delta
        return metric > self.best + self.min_delta

    def step(self, metric: Any, model: Any = None) -> bool:
        """Record this epoch's metric (a number or one-element tensor); return True to stop."""
        value = float(metric)
        if model is not None and not (hasattr(model, "state_dict") and hasattr(model, "load_state_dict")):
            raise TypeError(f"EarlyStopping: the model must have state_dict() and load_state_dict(), "
                            f"got a {type(model).__name__}")
        self.epoch += 1
        if self.is_better(value):
            self.best, self.best_epoch, self.num_bad_epochs = value, self.epoch, 0
            if model is not None:
                # NOTE: a deep copy, because a state_dict shares the arrays training keeps changing
                self.best_state = copy.deepcopy(model.state_dict())
        else:
            self.num_bad_epochs += 1
        self.should_stop = 0 < self.num_bad_epochs >= self.patience
        if self.should_stop and self.restore_best and model is not None and self.best_state is not None:
            self.restore(model)
        return self.should_stop

    __call__ = step

    def restore(self, model: Any) -> None:
        """Load the best state seen so far into ``model``."""
        if self.best_state is None:
            raise RuntimeError("EarlyStopping: no model state was kept yet (pass the model to step())")
        model.load_state_dict(copy.deepcopy(self.best_state))

    def state_dict(self) -> Dict[str, Any]:
        """The counters and the best state, copied, to resume early stopping with training."""
        return copy.deepcopy(self.__dict__)

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        self.__dict__.update(copy.deepcopy(state_dict))
