"""The progress bar ``fit`` shows: tqdm's, chosen so that logs and CI stay clean.

- ``CI`` set in the environment (to anything but ``0``/``false``/``no``/empty): no bar.
- Jupyter: ``tqdm.auto`` gives the notebook widget bar; without ipywidgets installed,
  a text bar on the cell's stdout instead (the kernel's streams are never terminals,
  so tqdm's own rule would hide it).
- A terminal: the text bar on stderr; when stderr is not a terminal (a log file,
  a pipe, pytest's capture) tqdm's ``disable=None`` switches it off.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import warnings
from typing import Any, Optional


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


def in_notebook() -> bool:
    """True inside a Jupyter kernel (the test tqdm itself uses).

    >>> in_notebook()
    False
    """
    return "ipykernel.zmqshell" in sys.modules


def progress_bar(total: Optional[int], desc: str, enabled: bool = True) -> Any:
    """A tqdm bar over ``total`` batches, or a do-nothing stand-in when progress is off.

    >>> bar = progress_bar(3, "epoch 1/1", enabled=False)
    >>> bar.update(); bar.close()
    """
    if not enabled or in_ci():
        return _NoBar()
    with warnings.catch_warnings():
        # NOTE: tqdm warns once when a notebook lacks ipywidgets; the text bar below covers it
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm
        from tqdm.notebook import tqdm as notebook_tqdm
    options = dict(total=total, desc=desc, unit="batch", leave=True, dynamic_ncols=True)
    # NOTE: older tqdm (4.60) picks its widget bar without ipywidgets and then fails, so the
    # widget's own package is asked too
    widgets = importlib.util.find_spec("ipywidgets") is not None
    if in_notebook() and (not widgets or not issubclass(tqdm, notebook_tqdm)):
        from tqdm.std import tqdm as text_tqdm
        return text_tqdm(file=sys.stdout, disable=False, **options)
    # NOTE: disable=None is tqdm's "off unless the output is a terminal" rule; its notebook
    # bar turns None into False, so Jupyter shows the widget.
    return tqdm(disable=None, **options)
