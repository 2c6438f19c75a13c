"""What ``fit`` checks before the first update, so bad input fails fast and changes nothing.

The checks: the numbers fit is given, every sample's shape (``DataLoader.check_samples``),
and a dry run of the first batch of each loader through the model, the loss and
the metrics, in eval mode under ``no_grad`` (so no BatchNorm statistic, no
gradient and no weight changes). Whatever the model, the loss or a metric rejects
- labels of the wrong dtype for the loss, inputs of the wrong width - is
reported then, naming the loader and the batch's shapes and dtypes.
"""
from __future__ import annotations

from typing import Any, Callable, List, Sequence

import numpy as np

from autograd.grad_mode import no_grad
from autograd.tensor import Tensor
from nn.training.evaluate import _Mode, scalar, split_batch


def check_positive_int(where: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{where}: {name} must be a positive integer, got {value!r}")
    return int(value)


def first_batch(loader: Any) -> Any:
    """The first batch in dataset order, without drawing from a shuffling generator."""
    from nn.data.dataloader import DataLoader
    if isinstance(loader, DataLoader):
        # NOTE: iterating would draw a permutation and so shift every later epoch's order
        return loader._fetch(np.arange(min(loader.batch_size, len(loader.dataset))))
    return next(iter(loader))


def _describe(value: Any) -> str:
    arr = value.data if isinstance(value, Tensor) else np.asarray(value)
    return f"{arr.dtype} {tuple(arr.shape)}"


def check_loader(loader: Any, name: str) -> None:
    """The loader has batches and every sample has the shape of the first."""
    if not hasattr(loader, "__iter__"):
        raise TypeError(f"fit: {name} must be a DataLoader (or an iterable of (inputs, targets) "
                        f"batches), got {type(loader).__name__}")
    if iter(loader) is loader:
        # NOTE: a generator is used up after one epoch, and the dry run would eat its first batch
        raise TypeError(f"fit: {name} is a one-shot iterator ({type(loader).__name__}); pass something "
                        f"that can be iterated once per epoch, such as a DataLoader or a list of batches")
    if hasattr(loader, "__len__") and len(loader) == 0:
        detail = ""
        if hasattr(loader, "dataset") and hasattr(loader, "batch_size"):
            detail = (f" (dataset of {len(loader.dataset)} samples, batch_size={loader.batch_size}, "
                      f"drop_last={getattr(loader, 'drop_last', False)})")
        raise ValueError(f"fit: {name} yields no batches{detail}")
    if hasattr(loader, "check_samples"):
        loader.check_samples()


def dry_run(model: Callable[[Any], Any], loss_fn: Callable[[Any, Any], Any], metrics: List[tuple],
            loader: Any, name: str) -> None:
    """Pass the first batch of ``loader`` through model, loss and metrics without changing anything."""
    x, y = split_batch(first_batch(loader), f"fit ({name})")
    what = f"fit: the first batch of {name} (inputs {_describe(x)}, targets {_describe(y)})"
    with _Mode(model, False), no_grad():
        stage = "the model"
        try:
            out = model(x)
            stage = "the loss function"
            loss = loss_fn(out, y)
            for metric_name, fn in metrics:
                stage = f"the metric {metric_name!r}"
                fn(out, y)
        except Exception as err:  # noqa: BLE001  (re-raised with context, same type when possible)
            message = f"{what} was rejected by {stage} before training: {err}"
            if stage.startswith("the metric"):
                message += ("; choose metrics that fit the task (e.g. metrics=['mse'] for "
                            "regression, or metrics=() for none)")
            try:
                new = type(err)(message)
            except Exception:  # noqa: BLE001
                new = ValueError(message)
            raise new from err
    value = scalar(loss, what)
    if not np.isfinite(value):
        raise FloatingPointError(f"{what} gives a non-finite loss ({value}) before training: check the "
                                 f"inputs and targets for NaN/inf")


# losses that compare the output with a target of the same kind: integer labels are a mistake
_FLOAT_TARGET_LOSSES = {
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss",
    "BCELoss", "BCEWithLogitsLoss"}


def check_target_dtype(loss_fn: Any, loader: Any, name: str) -> None:
    """Integer targets given to a regression or binary loss, which needs floating targets."""
    loss_name = getattr(loss_fn, "__name__", type(loss_fn).__name__)
    if loss_name not in _FLOAT_TARGET_LOSSES:
        return
    _, y = split_batch(first_batch(loader), f"fit ({name})")
    arr = y.data if isinstance(y, Tensor) else np.asarray(y)
    if arr.dtype.kind != "f":
        raise TypeError(f"fit: {loss_name} needs floating-point targets, but {name} gives {arr.dtype} "
                        f"targets of shape {arr.shape}; convert them, e.g. y.astype(np.float32)")


def check_monitor(monitor: str, keys: Sequence[str], who: str) -> None:
    if monitor not in keys:
        raise ValueError(f"fit: {who} monitors {monitor!r}, which fit will not record; it records "
                         f"{list(keys)} (val_* only with a val_loader)")
