"""Resuming ``fit`` where it stopped: everything a run's future depends on, in one file.

After every epoch ``fit`` (given a ``Checkpoint``) writes ``last.safetensors``: the model, the optimizer,
the scheduler, the early-stopping counters and best weights, the History so far, the epoch, and
every random state the next epochs draw from (the library's generator, which dropout and
unseeded loaders use, and each loader's own). ``fit(..., resume=path)`` loads it all and carries
on with the next epoch, so a run killed at any moment and resumed from its last checkpoint ends
with the parameters an uninterrupted run would have, bit for bit.
"""
from __future__ import annotations

import os
from typing import Any, Dict, Optional

from autograd.random import get_rng_state, set_rng_state

FORMAT = "tapegrad-fit-1"


def _state_of(obj: Any) -> Any:
    return obj.state_dict() if obj is not None and callable(getattr(obj, "state_dict", None)) else None


def training_state(epoch: int, model: Any, optimizer: Any, scheduler: Any, early_stopping: Any,
                   history: Any, loaders: Dict[str, Any], checkpoint: Any, es_offset: int) -> Dict[str, Any]:
    """What ``last.safetensors`` holds after ``epoch`` (1-based)."""
    return {
        "format": FORMAT, "epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
        "scheduler": _state_of(scheduler), "early_stopping": _state_of(early_stopping),
        "es_offset": es_offset, "history": [dict(r) for r in history.records],
        "rng": get_rng_state(), "loaders": {name: _state_of(loader) for name, loader in loaders.items()},
        "checkpoint_best": None if checkpoint is None else checkpoint.best_value,
    }


def restore_training(path: Any, model: Any, optimizer: Any, scheduler: Any, early_stopping: Any,
                     history: Any, loaders: Dict[str, Any], checkpoint: Any) -> Dict[str, Any]:
    """Load ``path`` (written by ``training_state``) into the objects of a new run; returns the
    state (``epoch`` is the last finished one). Everything is checked before anything changes."""
    from nn.serialization import load
    where = f"fit(resume={os.fspath(path)!r})"
    state = load(path)
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError(f"{where}: not a training checkpoint (write one with fit(checkpoint=...); its "
                         f"last.safetensors holds what a resumed run needs)")
    for name, obj in (("scheduler", scheduler), ("early_stopping", early_stopping)):
        if (state[name] is None) != (_state_of(obj) is None):
            raise ValueError(f"{where}: the checkpoint was written by a run "
                             f"{'without' if state[name] is None else 'with'} a {name}, this run has "
                             f"{'one' if state[name] is None else 'none'}; resume with the same setup")
    if set(state["loaders"]) != set(loaders):
        raise ValueError(f"{where}: the checkpoint has the loaders {sorted(state['loaders'])}, this run "
                         f"{sorted(loaders)}")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(state["scheduler"])
    if early_stopping is not None:
        early_stopping.load_state_dict(state["early_stopping"])
    for name, loader in loaders.items():
        if state["loaders"][name] is not None:
            loader.load_state_dict(state["loaders"][name])
    history.records = [dict(r) for r in state["history"]]
    if checkpoint is not None and state["checkpoint_best"] is not None:
        checkpoint.best_value = state["checkpoint_best"]
    set_rng_state(state["rng"])
    return state


def last_path(checkpoint: Optional[Any]) -> Optional[str]:
    """Where ``checkpoint`` keeps the state of the last finished epoch (None without one)."""
    if checkpoint is None or not checkpoint.save_last:
        return None
    return os.path.join(checkpoint.directory, checkpoint.last_filename)
