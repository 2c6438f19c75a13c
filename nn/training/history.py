"""``History``: what ``fit`` measured, one record per epoch, and a plot of it."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence


class History:
    """Per-epoch records of a training run: ``loss``, metrics, ``val_*``, ``lr``, ``time``.

    ``history['val_loss']`` is the list of one key over epochs, ``history.records``
    the list of per-epoch dicts, ``history.history`` all keys at once (as in Keras).
    ``fit`` also sets ``stopped_early`` and ``best_epoch`` (1-based, or ``None``).

    >>> h = History()
    >>> h.append({"epoch": 1, "loss": 0.9, "val_loss": 0.8})
    >>> h.append({"epoch": 2, "loss": 0.5, "val_loss": 0.6})
    >>> h["val_loss"], len(h), h.best("val_loss")
    ([0.8, 0.6], 2, (2, 0.6))
    """

    def __init__(self) -> None:
        self.records: List[Dict[str, Any]] = []
        self.stopped_early = False
        self.best_epoch: Optional[int] = None

    def append(self, record: Dict[str, Any]) -> None:
        """Add one epoch's record."""
        self.records.append(dict(record))

    def __len__(self) -> int:
        return len(self.records)

    def keys(self) -> List[str]:
        """Every key recorded in any epoch, in first-seen order."""
        seen: Dict[str, None] = {}
        for record in self.records:
            seen.update(dict.fromkeys(record))
        return list(seen)

    def __contains__(self, key: str) -> bool:
        return key in self.keys()

    def __getitem__(self, key: str) -> list:
        if key not in self:
            raise KeyError(f"History has no {key!r}; recorded keys are {self.keys()}")
        return [record.get(key) for record in self.records]

    @property
    def history(self) -> Dict[str, list]:
        """``{key: [value per epoch]}`` for every recorded key."""
        return {key: self[key] for key in self.keys()}

    def best(self, key: str = "val_loss", mode: str = "min") -> tuple:
        """``(epoch, value)`` of the lowest (``mode='min'``) or highest (``'max'``) value of ``key``."""
        if mode not in ("min", "max"):
            raise ValueError(f"History.best: mode must be 'min' or 'max', got {mode!r}")
        values = [(v, r.get("epoch", i + 1)) for i, (r, v) in enumerate(zip(self.records, self[key]))
                  if v is not None]
        if not values:
            raise ValueError(f"History.best: no epoch recorded {key!r}")
        value, epoch = (min if mode == "min" else max)(values, key=lambda p: p[0])
        return epoch, value

    def metric_names(self) -> List[str]:
        """The training-side quantities with curves: ``loss`` and each metric (not lr/time/epoch)."""
        return [k for k in self.keys() if not k.startswith("val_") and k not in ("epoch", "lr", "time")]

    def plot(self, keys: Optional[Sequence[str]] = None, lr: bool = False, figsize: Any = None) -> Any:
        """Draw one panel per quantity (loss, then each metric) with train and validation curves.

        ``keys`` picks the quantities (default: all, see ``metric_names``); ``lr``
        adds a panel for the learning rate. Returns the matplotlib ``Figure``;
        matplotlib is imported only here (``pip install tapegrad[plot]``).
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError as err:
            raise ImportError("History.plot needs matplotlib: pip install matplotlib") from err
        if not self.records:
            raise ValueError("History.plot: nothing to plot, the history is empty")
        names = list(keys) if keys is not None else self.metric_names()
        for name in names:
            if name not in self and f"val_{name}" not in self:
                raise KeyError(f"History.plot: no {name!r} recorded; recorded keys are {self.keys()}")
        panels = names + (["lr"] if lr else [])
        fig, axes = plt.subplots(1, len(panels), figsize=figsize or (4.5 * len(panels), 3.5),
                                 squeeze=False)
        epochs = self["epoch"] if "epoch" in self else list(range(1, len(self) + 1))
        for ax, name in zip(axes[0], panels):
            for key, label in ((name, "train"), (f"val_{name}", "validation")):
                if key in self:
                    ax.plot(*_present(epochs, self[key]), marker=".", label=label)
            if self.best_epoch is not None and name != "lr":
                ax.axvline(self.best_epoch, color="grey", linestyle=":", linewidth=1)
            ax.set_title(name)
            ax.set_xlabel("epoch")
            if name == "lr":
                ax.set_yscale("log")
            else:
                ax.legend()
        fig.tight_layout()
        return fig

    def __repr__(self) -> str:
        if not self.records:
            return "History(no epochs)"
        keys = [k for k in self.keys() if k != "epoch"]
        last = self.records[-1]
        shown = ", ".join(f"{k}={last[k]:.4g}" for k in keys if isinstance(last.get(k), (int, float)))
        return f"History({len(self)} epochs; last: {shown})"


def _present(xs: Iterable[Any], ys: Iterable[Any]) -> tuple:
    pairs = [(x, y) for x, y in zip(xs, ys) if y is not None]
    return [p[0] for p in pairs], [p[1] for p in pairs]
