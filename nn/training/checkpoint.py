"""``Checkpoint``: save the model during ``fit``, every N epochs and whenever it is the best so far."""
from __future__ import annotations

import math
import os
from typing import Any, Dict, List, Optional, Union


class Checkpoint:
    """Tell ``fit`` where and when to save ``model.state_dict()`` with ``nn.save`` (atomic writes).

    - ``every=N``: save ``epoch_{N}.safetensors``, ``epoch_{2N}.safetensors``, ... (``filename`` is a
      format string with ``{epoch}``).
    - ``save_best``: keep ``best.safetensors`` holding the weights of the epoch with the best
      ``monitor`` value (``'val_loss'`` by default; any key of the History works,
      e.g. ``'val_accuracy'`` with ``mode='max'``).
    - ``save_last`` (default): keep ``last.safetensors`` holding the whole training state after the
      last finished epoch; ``fit(..., resume="<directory>/last.safetensors")`` continues from it
      exactly (see ``nn/training/resume.py``).

    Load weights back with ``model.load_state_dict(nn.load(path))``.

    >>> ckpt = Checkpoint("runs/mlp", every=5)
    >>> ckpt.due(10), ckpt.due(7)
    (True, False)
    """

    def __init__(self, directory: Union[str, "os.PathLike[str]"], every: Optional[int] = None, save_best: bool = True,
                 monitor: str = "val_loss", mode: str = "min", filename: str = "epoch_{epoch:03d}.safetensors",
                 best_filename: str = "best.safetensors", save_last: bool = True,
                 last_filename: str = "last.safetensors") -> None:
        if every is not None and (isinstance(every, bool) or not isinstance(every, int) or every <= 0):
            raise ValueError(f"Checkpoint: every must be a positive number of epochs or None, got {every!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"Checkpoint: mode must be 'min' or 'max', got {mode!r}")
        if every is None and not save_best and not save_last:
            raise ValueError("Checkpoint: nothing to save; give every=N, save_best=True or save_last=True")
        self.directory = os.fspath(directory)
        self.every, self.save_best, self.monitor, self.mode = every, save_best, monitor, mode
        self.filename, self.best_filename = filename, best_filename
        self.save_last, self.last_filename = bool(save_last), last_filename
        self.best_value = math.inf if mode == "min" else -math.inf
        self.saved: List[str] = []

    def due(self, epoch: int) -> bool:
        """True when ``epoch`` (1-based) is a multiple of ``every``."""
        return self.every is not None and epoch % self.every == 0

    def _improved(self, value: float) -> bool:
        return value < self.best_value if self.mode == "min" else value > self.best_value

    def after_epoch(self, epoch: int, model: Any, record: Dict[str, Any]) -> List[str]:
        """Save what is due after ``epoch`` given its History ``record``; return the paths written."""
        from nn.serialization import save
        written = []
        os.makedirs(self.directory, exist_ok=True)
        if self.due(epoch):
            path = os.path.join(self.directory, self.filename.format(epoch=epoch))
            save(model.state_dict(), path)
            written.append(path)
        value = record.get(self.monitor)
        if self.save_best and value is not None and not math.isnan(value) and self._improved(value):
            self.best_value = value
            path = os.path.join(self.directory, self.best_filename)
            save(model.state_dict(), path)
            written.append(path)
        self.saved.extend(written)
        return written

    def __repr__(self) -> str:
        return (f"Checkpoint({self.directory!r}, every={self.every}, save_best={self.save_best}, "
                f"monitor={self.monitor!r}, mode={self.mode!r})")
