"""The tape as a textbook draws it: the recorded operations that led to a tensor, in order.

>>> import autograd as ag
>>> x = ag.tensor([1.0, 2.0], requires_grad=True)
>>> print(ag.tape((x * 2 + 1).sum()))
#  op   inputs           output  dtype
1  Mul  x0(2,), 2        v1(2,)  float32
2  Add  v1(2,), 1        v2(2,)  float32
3  Sum  v2(2,)           v3()    float32
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

import numpy as np

from autograd.function import Function
from autograd.tensor import Tensor


@dataclass
class TapeEntry:
    """One recorded operation: ``output = op(inputs)``."""
    index: int
    op: str
    inputs: List[str]
    output: str
    shape: Optional[Tuple[int, ...]]
    dtype: Optional[np.dtype]
    node: Function


def _shape_str(shape: Any) -> str:
    return "?" if shape is None else "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


class Tape(list):
    """A list of ``TapeEntry``; prints as a numbered table."""

    def __str__(self) -> str:
        rows = [("#", "op", "inputs", "output", "dtype")]
        for e in self:
            rows.append((str(e.index), e.op, ", ".join(e.inputs), e.output + _shape_str(e.shape),
                         str(e.dtype) if e.dtype is not None else "?"))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        widths[2] = max(widths[2], 15)
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.__str__()


def _meta(n: Function) -> Tuple[Any, Any]:
    """Shape and dtype of a node's output, also after backward has freed it."""
    if n.out is not None:
        return n.out.shape, n.out.dtype
    return getattr(n, "meta", (None, None))


def nodes_of(*tensors: Tensor) -> List[Function]:
    """Every node the tensors depend on, in recording order (found without recursion)."""
    seen, stack = set(), [t._node for t in tensors if t._node is not None]
    nodes = []
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        nodes.append(n)
        stack.extend(p for p in n.parents if isinstance(p, Function))
    nodes.sort(key=lambda n: n.seq)
    return nodes


def tape(*tensors: Tensor) -> Tape:
    """The recorded operations that led to ``tensors``, oldest first (a Wengert list)."""
    nodes = nodes_of(*tensors)
    names = {id(n): f"v{i}" for i, n in enumerate(nodes, 1)}
    leaf_names: dict = {}
    entries = Tape()
    for i, n in enumerate(nodes, 1):
        inputs = []
        for p in n.parents:
            if isinstance(p, Function):
                shape = _meta(p)[0]
                inputs.append(names[id(p)] + _shape_str(shape))
            elif isinstance(p, Tensor):
                if id(p) not in leaf_names:
                    leaf_names[id(p)] = p.name or (f"x{len(leaf_names)}" if p.requires_grad else f"c{len(leaf_names)}")
                inputs.append(leaf_names[id(p)] + _shape_str(p.shape))
            elif isinstance(p, np.ndarray) and p.ndim == 0:
                inputs.append(format(p.item(), "g"))  # NOTE: a Python number turned 0-d by an operator
            elif isinstance(p, np.ndarray):
                inputs.append("array" + _shape_str(p.shape))
            else:
                inputs.append(repr(p))
        shape, dtype = _meta(n)
        entries.append(TapeEntry(i, n.name, inputs, names[id(n)], shape, dtype, n))
    return entries
