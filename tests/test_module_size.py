"""Every library module stays readable: at most 400 lines (the project's limit; ~300 is the aim)."""
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIMIT = 400
MODULES = sorted(p for pkg in ("autograd", "nn", "optim") for p in (ROOT / pkg).rglob("*.py"))


def test_the_library_modules_are_found():
    assert len(MODULES) > 50 and ROOT / "autograd" / "engine.py" in MODULES


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_library_module_has_at_most_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{path.relative_to(ROOT)} has {lines} lines; split it by concept"
