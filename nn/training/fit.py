"""``fit``: the training loop (minibatch, forward, loss, backward, update) with the usual extras.

Per epoch: train on every batch of ``train_loader``, evaluate on ``val_loader``,
step the scheduler, save checkpoints, ask early stopping whether to stop, and
record one row of the ``History``. Everything checkable is checked before the
first update (see ``nn/training/checks.py``).
"""
from __future__ import annotations

import math
import os
import time
from typing import Any, Callable, Dict, Iterable, Optional, Sequence, Sized, Union

from autograd.tensor import Tensor
from nn.training.checkpoint import Checkpoint
from nn.training.checks import (check_loader, check_monitor, check_positive_int, check_target_dtype,
                                dry_run)
from nn.training.evaluate import evaluate, scalar, split_batch
from nn.training.history import History
from nn.training.metrics import get_metric
from nn.training.progress import progress_bar
from nn.training.resume import last_path, restore_training, training_state


def _lr(optimizer: Any) -> Optional[float]:
    groups = getattr(optimizer, "param_groups", None)
    # NOTE: with several parameter groups the History shows the first group's lr
    return float(groups[0]["lr"]) if groups else None


def _mode_for(monitor: str, early_stopping: Any) -> str:
    mode = getattr(early_stopping, "mode", None)
    if mode in ("min", "max"):
        return mode
    return "min" if any(word in monitor for word in ("loss", "mse", "error")) else "max"


def _wants_metric(scheduler: Any) -> bool:
    from optim.lr_scheduler import ReduceLROnPlateau
    return isinstance(scheduler, ReduceLROnPlateau)


def fit(model: Callable[[Any], Any], loss_fn: Callable[[Any, Any], Any], optimizer: Any,
        train_loader: Iterable[Any], epochs: int, val_loader: Optional[Iterable[Any]] = None,
        scheduler: Any = None, early_stopping: Any = None,
        metrics: Optional[Sequence[Any]] = ("accuracy",),
        progress: bool = True, checkpoint: Union[Checkpoint, str, "os.PathLike[str]", None] = None,
        monitor: Optional[str] = None, scheduler_interval: str = "epoch",
        resume: Union[str, "os.PathLike[str]", None] = None) -> History:
    """Train ``model`` for up to ``epochs`` epochs and return the ``History``.

    - ``metrics``: names (``'accuracy'``, ``'top5_accuracy'``, ``'mse'``) or functions
      ``f(output, target) -> float``, recorded for training and validation batches.
    - ``scheduler``: stepped once per epoch (``scheduler_interval='step'``: once per
      batch, as ``OneCycleLR`` wants); ``ReduceLROnPlateau`` gets the ``monitor`` value.
    - ``early_stopping``: an ``optim.EarlyStopping`` fed the ``monitor`` value each epoch;
      when it says stop, training ends. With its ``restore_best`` the model ends with the
      weights of the best epoch, whether training stopped early or ran every epoch.
    - ``monitor``: the History key they watch, ``'val_loss'`` (``'loss'`` without a val_loader).
    - ``checkpoint``: a ``Checkpoint`` (or a directory: the best weights by the monitored value
      and ``last.safetensors``, the whole training state after the last finished epoch).
    - ``resume``: a ``last.safetensors`` written by an earlier run with the same model, optimizer,
      scheduler, early stopping and loaders: this run loads it and continues with the next
      epoch, so it ends as the interrupted run would have (``epochs`` counts from the start).
    - ``progress``: a tqdm bar per epoch, in the terminal or as a Jupyter widget; off when
      output is not a terminal or ``CI`` is set.

    The model ends in the train/eval mode it started in.

    >>> import numpy as np, autograd as ag, nn, optim
    >>> from nn.data import DataLoader
    >>> _ = ag.manual_seed(0)
    >>> X = ag.randn(64, 2).data; y = (X[:, 0] > 0).astype(np.int64)
    >>> model = nn.Linear(2, 2)
    >>> history = fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.5),
    ...               DataLoader((X, y), batch_size=16, shuffle=True, seed=0), epochs=10)
    >>> len(history), history["accuracy"][-1] > 0.9
    (10, True)
    """
    epochs = check_positive_int("fit", "epochs", epochs)
    if scheduler_interval not in ("epoch", "step"):
        raise ValueError(f"fit: scheduler_interval must be 'epoch' or 'step', got {scheduler_interval!r}")
    for method in ("zero_grad", "step"):
        if not callable(getattr(optimizer, method, None)):
            raise TypeError(f"fit: the optimizer ({type(optimizer).__name__}) has no {method}() method")
    named = [get_metric(m) for m in (metrics or ())]
    keys = ["loss"] + [name for name, _ in named]
    keys += [f"val_{k}" for k in keys] if val_loader is not None else []
    monitor = monitor or ("val_loss" if val_loader is not None else "loss")
    check_monitor(monitor, keys, "fit")
    if scheduler is not None and not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"fit: scheduler must be an optim.lr_scheduler object (with step()), got "
                        f"{type(scheduler).__name__} {scheduler!r}; for a schedule function such as "
                        f"optim.schedules.cosine, pass it as the optimizer's lr")
    if early_stopping is not None and not callable(getattr(early_stopping, "step", None)):
        raise TypeError(f"fit: early_stopping must be an optim.EarlyStopping (with step(metric, model)), "
                        f"got {type(early_stopping).__name__}")
    if isinstance(checkpoint, (str, os.PathLike)):
        checkpoint = Checkpoint(checkpoint, monitor=monitor, mode=_mode_for(monitor, early_stopping))
    if checkpoint is not None and checkpoint.save_best:
        check_monitor(checkpoint.monitor, keys, "the checkpoint")
    for loader, name in ((train_loader, "train_loader"), (val_loader, "val_loader")):
        if loader is not None:
            check_loader(loader, name)
            check_target_dtype(loss_fn, loader, name)
            dry_run(model, loss_fn, named, loader, name)

    history = History()
    mode = _mode_for(monitor, early_stopping)
    # NOTE: EarlyStopping counts the epochs it has seen; a stopper reused across fit calls
    # has a head start, which this offset removes from its best_epoch
    es_offset = getattr(early_stopping, "epoch", -1) + 1
    loaders = {name: loader for name, loader in (("train_loader", train_loader), ("val_loader", val_loader))
               if loader is not None}
    first = 1
    if resume is not None:
        state = restore_training(resume, model, optimizer, scheduler, early_stopping, history, loaders,
                                 checkpoint)
        first, es_offset = state["epoch"] + 1, state["es_offset"]
    was_training = getattr(model, "training", None)
    try:
        for epoch in range(first, epochs + 1):
            start, lr = time.perf_counter(), _lr(optimizer)
            record: Dict[str, Any] = {"epoch": epoch}
            total = len(train_loader) if isinstance(train_loader, Sized) else None
            bar = progress_bar(total, f"epoch {epoch}/{epochs}", progress)
            try:
                record.update(_train_epoch(model, loss_fn, optimizer, train_loader, named, epoch, bar,
                                           scheduler if scheduler_interval == "step" else None))
                if val_loader is not None:
                    scores = evaluate(model, val_loader, named, loss_fn)
                    record.update({f"val_{key}": value for key, value in scores.items()})
                bar.set_postfix({k: f"{v:.4g}" for k, v in record.items() if k != "epoch"})
            finally:
                bar.close()
            record["lr"], record["time"] = lr, time.perf_counter() - start
            history.append(record)
            if scheduler is not None and scheduler_interval == "epoch":
                if _wants_metric(scheduler):
                    scheduler.step(record[monitor])
                else:
                    scheduler.step()
            if checkpoint is not None:
                checkpoint.after_epoch(epoch, model, record)
            stop = early_stopping is not None and early_stopping.step(record[monitor], model)
            last = last_path(checkpoint)
            if last is not None:
                from nn.serialization import save
                save(training_state(epoch, model, optimizer, scheduler, early_stopping, history, loaders,
                                    checkpoint, es_offset), last)
            if stop:
                history.stopped_early = True
                break
    except FloatingPointError as e:
        # NOTE: the epochs finished before the loss diverged are worth plotting
        e.history = history  # type: ignore[attr-defined]
        raise
    finally:
        if was_training is not None:
            model.train(was_training)  # type: ignore[attr-defined]  # NOTE: a model with .training
    es_best = getattr(early_stopping, "best_epoch", None)
    if es_best is not None and es_best >= es_offset:
        history.best_epoch = es_best - es_offset + 1
        if early_stopping.restore_best and not history.stopped_early and \
                getattr(early_stopping, "best_state", None) is not None:
            # NOTE: EarlyStopping restores when it says stop; a run that used every epoch
            # ends with the best weights too, so restore_best means the same either way
            early_stopping.restore(model)
    elif any(r.get(monitor) is not None for r in history.records):
        history.best_epoch = history.best(monitor, mode)[0]
    return history


def _train_epoch(model: Any, loss_fn: Callable[[Any, Any], Any], optimizer: Any, loader: Iterable[Any],
                 named: list, epoch: int, bar: Any, batch_scheduler: Any) -> Dict[str, float]:
    """One pass over ``loader`` updating the model; returns the epoch's mean loss and metrics."""
    if hasattr(model, "train"):
        model.train()
    sums = dict.fromkeys(["loss"] + [name for name, _ in named], 0.0)
    count = 0
    buffers = list(model.buffers()) if callable(getattr(model, "buffers", None)) else []
    for step, batch in enumerate(loader, start=1):
        x, y = split_batch(batch, "fit")
        optimizer.zero_grad()
        # NOTE: a training-mode forward updates BatchNorm's running statistics before the loss is
        # known; a batch that fails (bad labels, a non-finite loss) must leave them as they were
        before = [b.data.copy() for b in buffers]
        try:
            out = model(x)
            loss = loss_fn(out, y)
            value = scalar(loss, "fit")
            if not math.isfinite(value):
                # NOTE: raised before backward/step, so the weights are still the last finite ones
                raise FloatingPointError(f"fit: the loss became {value} at epoch {epoch}, batch {step}; "
                                         f"try a lower learning rate or check the inputs for NaN/inf")
        except BaseException:
            for b, saved in zip(buffers, before):
                b.data[...] = saved
            raise
        loss.backward()
        optimizer.step()
        if batch_scheduler is not None:
            batch_scheduler.step()
        n = len(y.data if isinstance(y, Tensor) else y)
        count += n
        sums["loss"] += value * n
        detached = out.data if isinstance(out, Tensor) else out
        for name, fn in named:
            sums[name] += fn(detached, y) * n
        bar.update(1)
        bar.set_postfix({k: f"{v / count:.4f}" for k, v in sums.items()}, refresh=False)
    return {k: v / count for k, v in sums.items()}
