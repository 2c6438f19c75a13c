"""Turning a drawing into SVG or PNG, with or without a system Graphviz.

The ``graphviz`` Python package only writes DOT text; the picture itself is
made by a ``dot`` program. ``draw_graph`` returns a ``GraphDrawing``, a
``graphviz.Digraph`` whose ``render``, ``pipe`` and notebook display run:

1. the system Graphviz ``dot`` when it is on ``PATH``, else
2. ``graphviz-pure``, a self-contained dot-compatible binary installed by
   ``pip`` with this package (a dependency), so a plain ``pip install`` can
   draw in a notebook or write files with nothing else on the machine.

>>> from autograd.viz.render import dot_binary
>>> dot_binary().endswith(("dot", "graphviz-pure", "dot.exe", "graphviz-pure.exe"))
True
"""
from __future__ import annotations

import os
import pathlib
import shutil
import sysconfig
import threading
from typing import Any, Optional

import graphviz
from graphviz.backend import dot_command

#: what graphviz-pure 0.2 accepts after ``-T`` (it has no pdf/ps writer)
PURE_FORMATS = frozenset(
    "canon dot dot_json gv jpe jpeg jpg json json0 plain plain-ext png svg xdot xdot1.2 "
    "xdot1.4 xdot_json".split()
)

# NOTE: graphviz reads the module global DOT_BINARY each time it builds a command;
# we point it at our choice only for the duration of our own calls (under a lock,
# so a concurrent caller never sees a half-swapped value) instead of changing it
# for every graphviz user in the process.
_swap_lock = threading.RLock()


def _pure_binary() -> Optional[str]:
    names = ("graphviz-pure.exe", "graphviz-pure") if os.name == "nt" else ("graphviz-pure",)
    # NOTE: look next to this Python first: a notebook kernel started without
    # activating its virtualenv may not have the env's bin/ on PATH.
    for name in names:
        candidate = os.path.join(sysconfig.get_path("scripts"), name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def dot_binary() -> str:
    """The program that lays out drawings: the system ``dot`` if on PATH, else ``graphviz-pure``.

    >>> import os
    >>> os.path.basename(dot_binary()) in ("dot", "dot.exe", "graphviz-pure", "graphviz-pure.exe")
    True
    """
    found = shutil.which("dot")
    if found:
        return found
    pure = _pure_binary()
    if pure:
        return pure
    raise RuntimeError(
        "draw_graph: cannot render, found neither Graphviz's `dot` on PATH nor the "
        "`graphviz-pure` binary; `pip install graphviz-pure` (a tapegrad dependency) or install "
        "Graphviz. The DOT text is still available as `.source`."
    )


def _check_format(binary: str, fmt: Optional[str], where: str) -> None:
    if fmt is None or "graphviz-pure" not in os.path.basename(binary):
        return
    base = fmt.split(":")[0].lower()
    if base not in PURE_FORMATS:
        raise ValueError(
            f"{where}: the graphviz-pure renderer (used because no system `dot` is on PATH) "
            f"cannot write format {fmt!r}; use one of {', '.join(sorted(PURE_FORMATS))}, "
            "or install Graphviz for other formats"
        )


class GraphDrawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with ``dot_binary()`` (system dot, else graphviz-pure).

    Everything else is the ``graphviz`` package's API: ``.source`` is the DOT
    text, ``.render(name, format='svg')`` writes a file, and in Jupyter the
    object displays itself as inline SVG.

    >>> g = GraphDrawing()
    >>> g.node("a"); g.node("b"); g.edge("a", "b")
    >>> g.pipe(format="svg", encoding="utf-8").count("<g id=\\"node")
    2
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # NOTE: graphviz's default format is pdf, which graphviz-pure cannot write
        kwargs.setdefault("format", "svg")
        super().__init__(*args, **kwargs)

    def _with_binary(self, method: Any, fmt: Optional[str], where: str, *args: Any,
                     **kwargs: Any) -> Any:
        binary = dot_binary()
        _check_format(binary, fmt or self.format, where)
        if "graphviz-pure" in os.path.basename(binary):
            # NOTE: graphviz-pure warns on stderr for every non-ASCII character (it has no
            # width table for them) though it draws them; failures still raise with stderr.
            kwargs.setdefault("quiet", True)
        with _swap_lock:
            saved = dot_command.DOT_BINARY
            dot_command.DOT_BINARY = pathlib.Path(binary)
            try:
                return method(*args, **kwargs)
            finally:
                dot_command.DOT_BINARY = saved

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """Render and return the bytes (or text with ``encoding=``), like ``graphviz.Digraph.pipe``."""
        fmt = kwargs.get("format", args[0] if args else None)
        return self._with_binary(super().pipe, fmt, "GraphDrawing.pipe", *args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Write the DOT source and the rendered file; return the rendered file's path."""
        return self._with_binary(super().render, kwargs.get("format"), "GraphDrawing.render",
                                 *args, **kwargs)

    def _repr_svg_(self) -> str:
        return self.pipe(format="svg", encoding="utf-8")
