"""``evaluate``: a model's loss and metrics over a whole loader, in eval mode, without a graph."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional, Sequence

import numpy as np

from autograd.grad_mode import no_grad
from autograd.tensor import Tensor
from nn.training.metrics import get_metric


def split_batch(batch: Any, where: str) -> tuple:
    """``(inputs, targets)`` of a batch, or a clear error saying what a batch must look like."""
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        return batch[0], batch[1]
    kind = f"a {type(batch).__name__} of {len(batch)}" if isinstance(batch, (tuple, list)) else \
        f"a {type(batch).__name__}"
    raise ValueError(f"{where}: each batch must be a pair (inputs, targets), got {kind}; build the "
                     f"loader from (X, y), e.g. DataLoader((X, y), batch_size=32)")


def scalar(loss: Any, where: str) -> float:
    """The value of a 0-d loss, or an error naming the shape the loss function returned."""
    arr = loss.data if isinstance(loss, Tensor) else np.asarray(loss)
    if arr.size != 1:
        raise ValueError(f"{where}: the loss function returned shape {arr.shape}, not a single number; "
                         f"use reduction='mean' (or 'sum')")
    return float(arr)


class _Mode:
    """Put a model in eval (or train) mode for a block and restore its mode afterwards."""

    def __init__(self, model: Any, training: bool) -> None:
        self.model, self.training = model, training

    def __enter__(self) -> None:
        self.was = getattr(self.model, "training", None)
        if hasattr(self.model, "train"):
            self.model.train(self.training)

    def __exit__(self, *exc: Any) -> None:
        if self.was is not None:
            self.model.train(self.was)


def evaluate(model: Callable[[Any], Any], loader: Iterable[Any],
             metrics: Optional[Sequence[Any]] = ("accuracy",),
             loss_fn: Optional[Callable[[Any, Any], Any]] = None) -> Dict[str, float]:
    """Loss (when ``loss_fn`` is given) and ``metrics`` of ``model`` on every batch of ``loader``.

    Runs in eval mode (Dropout off, BatchNorm on running statistics) under
    ``no_grad``, and puts the model back in the mode it was in. The loss is the
    batch-size-weighted mean of the batch losses; each metric is computed once on
    all outputs and targets together, so it is exact whatever the batch size.

    >>> import numpy as np, autograd as ag
    >>> from nn.data import DataLoader
    >>> X, y = np.eye(3, dtype=np.float32), np.array([0, 1, 1])
    >>> evaluate(lambda x: x * 2.0, DataLoader((X, y), batch_size=2), metrics=["accuracy"])
    {'accuracy': 0.6666666666666666}
    """
    named = [get_metric(m) for m in (metrics or ())]
    outputs, targets, total, count = [], [], 0.0, 0
    with _Mode(model, False), no_grad():
        for batch in loader:
            x, y = split_batch(batch, "evaluate")
            out = model(x)
            n = len(y.data if isinstance(y, Tensor) else y)
            if loss_fn is not None:
                total += scalar(loss_fn(out, y), "evaluate") * n
            count += n
            outputs.append(out.data if isinstance(out, Tensor) else np.asarray(out))
            targets.append(y.data if isinstance(y, Tensor) else np.asarray(y))
    if count == 0:
        raise ValueError("evaluate: the loader yielded no batches")
    result: Dict[str, float] = {}
    if loss_fn is not None:
        result["loss"] = total / count
    if named:
        out_all, tgt_all = np.concatenate(outputs), np.concatenate(targets)
        for name, fn in named:
            result[name] = fn(out_all, tgt_all)
    return result
