"""What a gradient check found: one ``InputReport`` per checked input, gathered in a ``GradcheckResult``.

The result is truthy when every input passed, prints as a small table in a
terminal and as an HTML table in Jupyter, and names, for the worst input, the
element where the analytic and numeric gradients disagree most.
``GradcheckError`` carries the same result when ``raise_exception=True``.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import List, Optional, Tuple


@dataclass
class InputReport:
    """How the gradient of one input (or parameter) compared with its numeric estimate.

    ``index`` is the position of the worst element (``None`` when the check
    compared one random direction only); ``analytic`` and ``numeric`` are the
    two values there (or the two directional derivatives).
    """
    name: str
    shape: Tuple[int, ...]
    ok: bool
    max_abs_error: float
    max_rel_error: float
    index: Optional[Tuple[int, ...]] = None
    analytic: float = 0.0
    numeric: float = 0.0
    bad_elements: int = 0
    message: str = ""

    def describe(self) -> str:
        """One line a user can act on: which input, which element, the two values."""
        where = f"element {self.index}" if self.index is not None else "a random direction"
        verdict = "ok" if self.ok else "MISMATCH"
        line = (f"{self.name} shape {self.shape}: {verdict}; worst at {where}: "
                f"analytic {self.analytic:.6g} vs numeric {self.numeric:.6g} "
                f"(max abs error {self.max_abs_error:.3g}, max rel error {self.max_rel_error:.3g}")
        if self.bad_elements:
            line += f", {self.bad_elements} element(s) out of tolerance"
        line += ")"
        if self.message:
            line += f"; {self.message}"
        return line


@dataclass
class GradcheckResult:
    """The outcome of ``gradcheck``/``gradgradcheck``/``gradcheck_module``; ``bool(result)`` is the verdict.

    >>> r = GradcheckResult("gradcheck", "exact", 1e-5, 1e-3, [InputReport("input 0", (2,), True, 0.0, 0.0)])
    >>> bool(r), r.ok
    (True, True)
    >>> print(r)
    gradcheck (exact, atol=1e-05, rtol=0.001): passed
      input 0 shape (2,): ok; worst at a random direction: analytic 0 vs numeric 0 (max abs error 0, max rel error 0)
    """
    check: str
    mode: str
    atol: float
    rtol: float
    inputs: List[InputReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.inputs)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def failures(self) -> List[InputReport]:
        """The inputs whose gradients disagree."""
        return [r for r in self.inputs if not r.ok]

    @property
    def worst(self) -> Optional[InputReport]:
        """The first failing input, or (when all passed) the one with the largest absolute error."""
        if not self.inputs:
            return None
        bad = self.failures
        if bad:
            return bad[0]
        return max(self.inputs, key=lambda r: r.max_abs_error)

    # NOTE: the worst input's numbers are exposed directly, so `result.index` works in a notebook
    @property
    def input(self) -> Optional[str]:
        return self.worst.name if self.worst else None

    @property
    def index(self) -> Optional[Tuple[int, ...]]:
        return self.worst.index if self.worst else None

    @property
    def analytic(self) -> Optional[float]:
        return self.worst.analytic if self.worst else None

    @property
    def numeric(self) -> Optional[float]:
        return self.worst.numeric if self.worst else None

    @property
    def max_abs_error(self) -> float:
        return max((r.max_abs_error for r in self.inputs), default=0.0)

    @property
    def max_rel_error(self) -> float:
        return max((r.max_rel_error for r in self.inputs), default=0.0)

    def _title(self) -> str:
        verdict = "passed" if self.ok else f"FAILED for {', '.join(r.name for r in self.failures)}"
        return f"{self.check} ({self.mode}, atol={self.atol:g}, rtol={self.rtol:g}): {verdict}"

    def __str__(self) -> str:
        return "\n".join([self._title()] + ["  " + r.describe() for r in self.inputs])

    def __repr__(self) -> str:
        return self.__str__()

    def _repr_html_(self) -> str:
        color = "#2a7d2a" if self.ok else "#b22222"
        head = ("<tr><th>input</th><th>shape</th><th>verdict</th><th>worst element</th>"
                "<th>analytic</th><th>numeric</th><th>max abs err</th><th>max rel err</th></tr>")
        rows = []
        for r in self.inputs:
            where = str(r.index) if r.index is not None else "(random direction)"
            style = "" if r.ok else ' style="color:#b22222;font-weight:bold"'
            rows.append(
                f"<tr{style}><td>{html.escape(r.name)}</td><td>{r.shape}</td>"
                f"<td>{'ok' if r.ok else 'MISMATCH'}</td><td>{html.escape(where)}</td>"
                f"<td>{r.analytic:.6g}</td><td>{r.numeric:.6g}</td>"
                f"<td>{r.max_abs_error:.3g}</td><td>{r.max_rel_error:.3g}</td></tr>")
        return (f'<div><b style="color:{color}">{html.escape(self._title())}</b>'
                f"<table>{head}{''.join(rows)}</table></div>")


class GradcheckError(RuntimeError):
    """Raised by a failing check when ``raise_exception=True``; ``.result`` holds the full report."""

    def __init__(self, result: GradcheckResult) -> None:
        self.result = result
        super().__init__(str(result))
