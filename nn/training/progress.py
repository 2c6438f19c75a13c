"""The progress bar ``fit`` shows: tqdm's, chosen so that logs and CI stay clean.

- ``CI`` set in the environment (to anything but ``0``/``false``/empty): no bar.
- Jupyter: ``tqdm.auto`` gives the notebook widget bar.
- A terminal: the text bar on stderr; when stderr is not a terminal (a log file,
  a pipe, pytest's capture) tqdm's ``disable=None`` switches it off.
"""
from __future__ import annotations

import os
from typing import Any


class _NoBar:
    """Stands in for a tqdm bar when progress is off: every call does nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self) -> None:
        pass


def in_ci() -> bool:
    """True when the ``CI`` environment variable says we run in continuous integration.

    >>> isinstance(in_ci(), bool)
    True
    """
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def progress_bar(total: int, desc: str, enabled: bool = True) -> Any:
    """A tqdm bar over ``total`` batches, or a do-nothing stand-in when progress is off.

    >>> bar = progress_bar(3, "epoch 1/1", enabled=False)
    >>> bar.update(); bar.close()
    """
    if not enabled or in_ci():
        return _NoBar()
    from tqdm.auto import tqdm
    # NOTE: disable=None is tqdm's own "off unless the output is a terminal" rule; its
    # notebook bar turns None into False, so Jupyter still shows the widget.
    return tqdm(total=total, desc=desc, unit="batch", leave=True, disable=None, dynamic_ncols=True)
