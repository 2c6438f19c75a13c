"""Metrics: accuracy, top-k accuracy, confusion matrix, mean squared error.

Each takes the model's ``output`` and the ``target`` (Tensors or arrays) and
returns plain numbers, never a graph. Class outputs are scores ``(N, C)`` (logits
or probabilities; the class axis is 1, as in PyTorch) or predicted labels of the
target's shape; targets are integer labels, or one-hot/probability rows of the
output's shape (their argmax is the label). ``fit`` and ``evaluate`` take these
by name: ``'accuracy'``, ``'top5_accuracy'`` (any k), ``'mse'``.
"""
from __future__ import annotations

import re
from typing import Any, Optional

import numpy as np

from autograd.tensor import Tensor


def _array(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _labels(output: Any, target: Any, fn: str) -> tuple:
    """(scores or None, predicted labels or None, true labels) with their shapes checked."""
    out, tgt = _array(output), _array(target)
    if tgt.shape == out.shape and out.ndim >= 2 and out.shape[1] > 1 and tgt.dtype.kind == "f":
        tgt = tgt.argmax(axis=1)
    if tgt.dtype.kind not in "iub":
        raise TypeError(f"{fn}: targets must be integer class labels (or one-hot rows of the output's "
                        f"shape), got dtype {tgt.dtype} and shape {tgt.shape}")
    if out.ndim == tgt.ndim + 1 and out.shape[:1] + out.shape[2:] == tgt.shape:
        return out, None, tgt
    if out.shape == tgt.shape and out.dtype.kind in "iub":
        return None, out, tgt
    raise ValueError(f"{fn}: output of shape {out.shape} (dtype {out.dtype}) does not fit targets of "
                     f"shape {tgt.shape}; expected class scores of shape (N, C) for N labels, or "
                     f"integer predicted labels of the targets' shape")


def accuracy(output: Any, target: Any) -> float:
    """The fraction of samples whose predicted class (argmax over axis 1) is the target.

    >>> import numpy as np
    >>> accuracy(np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]]), np.array([0, 1, 1]))
    0.6666666666666666
    """
    scores, pred, tgt = _labels(output, target, "accuracy")
    if pred is None:
        pred = scores.argmax(axis=1)
    return float(np.mean(pred == tgt)) if tgt.size else float("nan")


def top_k_accuracy(output: Any, target: Any, k: int = 5) -> float:
    """The fraction of samples whose target is among the ``k`` highest-scoring classes.

    >>> import numpy as np
    >>> scores = np.array([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7]])
    >>> top_k_accuracy(scores, np.array([1, 0]), k=2)
    0.5
    """
    scores, _, tgt = _labels(output, target, "top_k_accuracy")
    if scores is None:
        raise ValueError("top_k_accuracy needs class scores of shape (N, C), not predicted labels")
    if isinstance(k, bool) or int(k) != k or not 1 <= k <= scores.shape[1]:
        raise ValueError(f"top_k_accuracy: k must be an integer in [1, {scores.shape[1]}] "
                         f"(the number of classes), got {k!r}")
    # NOTE: argpartition finds the k largest in linear time; their order does not matter here
    top = np.argpartition(-scores, int(k) - 1, axis=1)[:, :int(k)]
    hits = (top == np.expand_dims(tgt, 1)).any(axis=1)
    return float(np.mean(hits)) if tgt.size else float("nan")


def confusion_matrix(output: Any, target: Any, num_classes: Optional[int] = None) -> np.ndarray:
    """Counts ``M[i, j]`` of samples of true class ``i`` predicted as class ``j`` (int64).

    ``num_classes`` defaults to the number of score columns, or to the largest
    label seen plus one when ``output`` holds predicted labels.

    >>> import numpy as np
    >>> confusion_matrix(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2])).tolist()
    [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    """
    scores, pred, tgt = _labels(output, target, "confusion_matrix")
    if pred is None:
        pred = scores.argmax(axis=1)
    pred, tgt = pred.ravel().astype(np.int64), tgt.ravel().astype(np.int64)
    if num_classes is None:
        num_classes = scores.shape[1] if scores is not None else int(max(pred.max(initial=-1),
                                                                         tgt.max(initial=-1))) + 1
    for what, labels in (("target", tgt), ("prediction", pred)):
        bad = (labels < 0) | (labels >= num_classes)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"confusion_matrix: {what} {int(labels[i])} at index {i} is outside "
                             f"[0, {num_classes})")
    counts = np.bincount(tgt * num_classes + pred, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def mean_squared_error(output: Any, target: Any) -> float:
    """The mean of ``(output - target) ** 2`` over all elements (shapes must match).

    >>> mean_squared_error([1.0, 2.0], [1.0, 4.0])
    2.0
    """
    out, tgt = _array(output), _array(target)
    if out.shape != tgt.shape:
        raise ValueError(f"mean_squared_error: output shape {out.shape} differs from target "
                         f"shape {tgt.shape}")
    return float(np.mean((out.astype(np.float64) - tgt) ** 2))


_NAMED: dict = {"accuracy": accuracy, "acc": accuracy, "mse": mean_squared_error,
                "mean_squared_error": mean_squared_error}


def get_metric(metric: Any) -> tuple:
    """``(name, function)`` for a metric given by name, as a callable, or as a ``(name, callable)`` pair.

    >>> get_metric("top3_accuracy")[0], get_metric("mse")[1].__name__
    ('top3_accuracy', 'mean_squared_error')
    """
    if isinstance(metric, tuple) and len(metric) == 2 and isinstance(metric[0], str) \
            and callable(metric[1]):
        return metric
    if callable(metric):
        return getattr(metric, "__name__", type(metric).__name__), metric
    if isinstance(metric, str):
        if metric in _NAMED:
            return metric, _NAMED[metric]
        top = re.fullmatch(r"top_?(\d+)_acc(uracy)?", metric)
        if top:
            k = int(top.group(1))

            def top_k(output: Any, target: Any) -> float:
                return top_k_accuracy(output, target, k)
            return metric, top_k
    raise ValueError(f"unknown metric {metric!r}; use a callable(output, target), a (name, callable) "
                     f"pair, or one of "
                     f"{sorted(_NAMED)} or 'top<k>_accuracy'")
