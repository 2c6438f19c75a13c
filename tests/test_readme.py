"""Every ```python block of README.md runs on its own, and prints what the README says it prints.

How the README shows output (the rules this test reads):

- a ``print(...)`` line expects its trailing comment and the comment-only lines right below it
  as its output, one line each;
- at most one ``print(...)`` line without a comment, the last print of the block, takes as its
  expected output the next fenced block of the README when that block is tagged ``text``;
- ``...`` in an expected line stands for any text; integers must match exactly, and a decimal
  number may differ by one unit of its last shown digit, as last bits differ between machines.

Each block runs in a fresh interpreter in an empty temporary directory (it may write files),
so no block can lean on names defined by an earlier one.
"""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
from dataclasses import dataclass, field
from typing import List, Optional

import pytest

README = pathlib.Path(__file__).parents[1] / "README.md"
FENCE = re.compile(r"^```(\w*)\s*\n(.*?)^```\s*$", re.S | re.M)
NUMBER = r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"


@dataclass
class Block:
    code: str
    line: int                                   # where the block starts in README.md
    expected: Optional[List[str]] = field(default=None)


def _blocks(text: str) -> List[Block]:
    fences = list(FENCE.finditer(text))
    blocks = []
    for i, m in enumerate(fences):
        if m.group(1) != "python":
            continue
        block = Block(m.group(2), text.count("\n", 0, m.start()) + 1)
        following = fences[i + 1] if i + 1 < len(fences) else None
        shown = following.group(2).splitlines() if following and following.group(1) == "text" else None
        block.expected = _expected_output(block, shown)
        blocks.append(block)
    return blocks


def _expected_output(block: Block, shown: Optional[List[str]]) -> Optional[List[str]]:
    """The lines the README says the block prints, or None when it shows none."""
    lines = block.code.splitlines()
    shown_by = {}                               # print line -> the output the README shows for it
    for i, s in enumerate(lines):
        if not re.match(r"\s*print\(", s):
            continue
        out = [s.split("#", 1)[1].strip()] if "#" in s else []
        for follow in lines[i + 1:]:
            if not follow.strip().startswith("#"):
                break
            out.append(follow.strip()[1:].strip())
        shown_by[i] = out
    if not shown_by:
        return None
    bare = [i for i, out in shown_by.items() if not out]
    assert len(bare) <= 1 and (not bare or bare[0] == max(shown_by)), (
        f"README.md line {block.line}: only the last print of a block may go without its output comment")
    if bare:
        assert shown is not None, (f"README.md line {block.line}: the last print has no comment and "
                                   f"no ```text block follows to show its output")
        shown_by[bare[0]] = shown
    return [line for i in sorted(shown_by) for line in shown_by[i]]


def _matches(expected: str, actual: str) -> bool:
    pattern, numbers = [], []
    for token in re.split(rf"(\.\.\.|{NUMBER}|\s+)", expected.strip()):
        if not token:
            continue
        if token == "...":
            pattern.append(".*?")
        elif token.isspace():
            pattern.append(r"\s+")
        elif re.fullmatch(NUMBER, token):
            pattern.append(f"({NUMBER})")
            numbers.append(token)
        else:
            pattern.append(re.escape(token))
    m = re.fullmatch("".join(pattern), " ".join(actual.split()))
    return bool(m) and all(_close(got, want) for got, want in zip(m.groups(), numbers))


def _close(got: str, want: str) -> bool:
    """Integers exactly; a decimal within one unit of its last shown digit (relatively, for 1e-5)."""
    if re.fullmatch(r"[-+]?\d+", want):
        return got == want
    mantissa = re.split("[eE]", want)[0]
    places = len(mantissa.split(".")[1]) if "." in mantissa else 0
    unit = 10.0 ** -places * (10.0 ** int(re.split("[eE]", want)[1]) if "e" in want.lower() else 1.0)
    return abs(float(got) - float(want)) <= unit * (1 + 1e-9)


BLOCKS = _blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 5


def test_number_and_ellipsis_matching_is_strict_enough_to_fail():
    assert _matches("tensor([0.1712, 0.2568])", "tensor([0.1713, 0.2568])")
    assert not _matches("tensor([0.1712, 0.2568])", "tensor([0.1715, 0.2568])")
    assert not _matches("1386", "1387")
    assert _matches("atol=1e-05", "atol=1.5e-05") and not _matches("atol=1e-05", "atol=3e-05")
    assert not _matches("tensor(0.0856)", "array(0.0856)")
    assert _matches("worst at (2,): 0.58 vs -0.27 (...)", "worst at (2,): 0.58 vs -0.27 (tolerance 1e-3)")


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: f"line{b.line}")
def test_readme_block_runs_alone_and_prints_what_the_readme_shows(block, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(README.parent))
    run = subprocess.run([sys.executable, "-c", block.code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"README.md block at line {block.line} failed:\n{run.stderr[-3000:]}"
    if block.expected is None:
        return
    printed = run.stdout.rstrip("\n").splitlines()
    assert len(printed) == len(block.expected), (
        f"README.md block at line {block.line} printed {len(printed)} lines, the README shows "
        f"{len(block.expected)}:\n" + "\n".join(printed))
    for want, got in zip(block.expected, printed):
        assert _matches(want, got), f"README.md block at line {block.line}: expected {want!r}, printed {got!r}"
