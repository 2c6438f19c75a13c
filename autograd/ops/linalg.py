"""Linear algebra: matmul (1-D, 2-D, batched) and einsum (primitives); dot, outer (composed)."""
from __future__ import annotations

import string
from typing import Any, Dict, List, Tuple

import numpy as np

from autograd.function import Array, Function, Grads
from autograd.tensor import Tensor


class MatMul(Function):
    """Z = A @ B;  dL/dA = G @ B^T,  dL/dB = A^T @ G  (batch axes are summed by the engine)"""
    __slots__ = ()

    def forward(self, a: Array, b: Array) -> Array:
        self.save_for_backward(a, b)
        return np.matmul(a, b)

    def backward(self, g: Array) -> Grads:
        a, b = self.saved_tensors
        xp = self.xp
        need = self.needs_input_grad
        a1, b1 = a.ndim == 1, b.ndim == 1
        # NOTE: a 1-D operand is a row (left) or column (right) matrix; its axis is dropped after
        A = xp.expand_dims(a, 0) if a1 else a
        B = xp.expand_dims(b, -1) if b1 else b
        G = g
        # NOTE: the column axis first: for 1-D @ 1-D, g is 0-d and has no axis -2 yet
        if b1:
            G = xp.expand_dims(G, -1)
        if a1:
            G = xp.expand_dims(G, -2)
        ga = gb = None
        if need[0]:
            ga = xp.matmul(G, xp.swapaxes(B, -1, -2))
            if a1:
                ga = xp.squeeze(ga, -2)
        if need[1]:
            gb = xp.matmul(xp.swapaxes(A, -1, -2), G)
            if b1:
                gb = xp.squeeze(gb, -1)
        return ga, gb


class Einsum(Function):
    """z = einsum(s, x1, x2, ...);  dL/dxi = einsum of the gradient with the other operands"""
    __slots__ = ()

    def forward(self, *ops: Array, spec: Any) -> Array:
        self.save_for_backward(*ops, spec)
        ins, out = spec
        return np.einsum(",".join(ins) + "->" + out, *ops, optimize=len(ops) > 2)

    def backward(self, g: Array) -> Grads:
        ops, (ins, out) = self.saved_tensors[:-1], self.saved_tensors[-1]
        xp = self.xp
        grads: List[Any] = []
        for i, (sub, op) in enumerate(zip(ins, ops)):
            if not self.needs_input_grad[i]:
                grads.append(None)
                continue
            grads.append(_einsum_grad(xp, g, out, ins, ops, i))
        return tuple(grads)


def _einsum_grad(xp: Any, g: Any, out: str, ins: List[str], ops: tuple, i: int) -> Any:
    """d/d(operand i) of einsum: contract g with the other operands, then restore repeated
    letters (diagonals, via identity matrices) and letters only operand i had (broadcast, via ones)."""
    sub = ins[i]
    others = [(s, o) for j, (s, o) in enumerate(zip(ins, ops)) if j != i]
    present = set(out).union(*[set(s) for s, _ in others]) if others else set(out)
    unique = "".join(dict.fromkeys(sub))
    terms = [out] + [s for s, _ in others]
    arrays = [g] + [o for _, o in others]
    used = set("".join(ins) + out)
    free = iter(c for c in string.ascii_letters if c not in used)
    shape = np.shape(ops[i])
    size = {c: shape[k] for k, c in enumerate(sub)}
    for c in unique:
        if c not in present:
            terms.append(c)
            arrays.append(np.ones(size[c], dtype=np.result_type(ops[i])))
    target, seen = [], set()
    for c in sub:
        if c in seen:
            d = next(free)
            terms.append(c + d)
            arrays.append(np.eye(size[c], dtype=np.result_type(ops[i])))
            target.append(d)
        else:
            seen.add(c)
            target.append(c)
    return xp.einsum(",".join(terms) + "->" + "".join(target), *arrays)


def _parse_einsum(subscripts: str, shapes: List[tuple]) -> Tuple[List[str], str]:
    """Explicit subscripts with '...' expanded into letters; implicit output made explicit."""
    s = subscripts.replace(" ", "")
    if "->" in s:
        lhs, out = s.split("->")
    else:
        lhs, out = s, None
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: '{subscripts}' names {len(ins)} operands but {len(shapes)} were given")
    used = set(c for c in s if c.isalpha())
    spare = [c for c in string.ascii_letters if c not in used]
    n_ell = max((len(sh) - (len(t) - 3) for t, sh in zip(ins, shapes) if "..." in t), default=0)
    ell = "".join(spare[:n_ell])
    new_ins = []
    for t, sh in zip(ins, shapes):
        if "..." in t:
            k = len(sh) - (len(t) - 3)
            t = t.replace("...", ell[n_ell - k:] if k else "")
        if len(t) != len(sh):
            raise ValueError(f"einsum: subscript '{t}' does not match an operand of shape {sh}")
        new_ins.append(t)
    if out is None:
        counts: Dict[str, int] = {}
        for c in "".join(new_ins):
            counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return new_ins, out


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with numpy's rules for 1-D and batched operands.

    >>> import autograd as ag
    >>> ag.matmul(ag.ones(2, 3), ag.ones(3)).tolist()
    [3.0, 3.0]
    """
    sa, sb = np.shape(a), np.shape(b)
    if not sa or not sb:
        raise ValueError(f"matmul: operands must have at least one dimension, got shapes {sa} and {sb}")
    ka = sa[-1]
    kb = sb[0] if len(sb) == 1 else sb[-2]
    if ka != kb:
        raise ValueError(f"matmul: shapes {sa} and {sb} are not aligned: {ka} (last axis of the first) "
                         f"!= {kb} (the contracted axis of the second)")
    try:
        return MatMul.apply(a, b)
    except ValueError:
        raise ValueError(f"matmul: batch shapes of {sa} and {sb} cannot be broadcast together") from None


def dot(a: Tensor, b: Tensor) -> Tensor:
    """Inner product of two 1-D tensors.

    >>> import autograd as ag
    >>> ag.dot(ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0]))
    tensor(11.)
    """
    if np.ndim(a) != 1 or np.ndim(b) != 1:
        raise ValueError(f"dot: expects two 1-D tensors, got shapes {np.shape(a)} and {np.shape(b)}")
    return matmul(a, b)


def outer(a: Tensor, b: Tensor) -> Tensor:
    """Outer product of two 1-D tensors: ``a[:, None] * b[None, :]``."""
    if np.ndim(a) != 1 or np.ndim(b) != 1:
        raise ValueError(f"outer: expects two 1-D tensors, got shapes {np.shape(a)} and {np.shape(b)}")
    return a.reshape(-1, 1) * b.reshape(1, -1)


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation with a general backward (diagonals, broadcasting, '...').

    >>> import autograd as ag
    >>> ag.einsum('ij,jk->ik', ag.ones(2, 3), ag.ones(3, 4)).shape
    (2, 4)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ins, out = _parse_einsum(subscripts, [np.shape(o) for o in operands])
    try:
        return Einsum.apply(*operands, spec=(ins, out))
    except ValueError as e:
        raise ValueError(f"einsum '{subscripts}' with shapes {[np.shape(o) for o in operands]}: {e}") from None
