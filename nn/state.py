"""Checking and copying a state dict: every key and shape is validated before anything is written."""
from __future__ import annotations

from typing import Any, List, Mapping, Tuple

import numpy as np

from autograd.grad_mode import no_grad
from autograd.tensor import Tensor


class StateDictError(KeyError):
    """A state dict does not fit a module; ``missing``, ``unexpected`` and ``mismatched`` say how."""

    def __init__(self, message: str, missing: List[str], unexpected: List[str],
                 mismatched: List[Tuple[str, tuple, tuple]]) -> None:
        super().__init__(message)
        self.missing, self.unexpected, self.mismatched = missing, unexpected, mismatched

    def __str__(self) -> str:  # NOTE: KeyError's default str() would quote the whole message
        return self.args[0]


def _as_array(v: Any) -> np.ndarray:
    return v.data if isinstance(v, Tensor) else np.asarray(v)


def check_state(owner: str, own: Mapping[str, Tensor], state: Mapping[str, Any],
                strict: bool) -> Tuple[List[str], List[str]]:
    """Raise ``StateDictError`` listing every problem; return ``(missing, unexpected)`` otherwise."""
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    mismatched = []
    for k, t in own.items():
        if k in state:
            shape = tuple(np.shape(_as_array(state[k])))
            if shape != t.shape:
                mismatched.append((k, shape, t.shape))
    bad_dtype = [k for k, t in own.items() if k in state and not _castable(_as_array(state[k]), t)]
    if mismatched or bad_dtype or (strict and (missing or unexpected)):
        parts = [f"load_state_dict: the state does not fit {owner}"]
        if missing and strict:
            parts.append(f"missing keys: {missing}")
        if unexpected and strict:
            parts.append(f"unexpected keys: {unexpected}")
        for k, got, want in mismatched:
            parts.append(f"shape mismatch for {k!r}: the state has {got}, the module has {want}")
        for k in bad_dtype:
            parts.append(f"dtype mismatch for {k!r}: the state has {_as_array(state[k]).dtype}, "
                         f"the module has {own[k].dtype}")
        parts.append("nothing was loaded")
        raise StateDictError("\n  ".join(parts), missing, unexpected, mismatched)
    return missing, unexpected


def _castable(src: np.ndarray, dst: Tensor) -> bool:
    # NOTE: float64 -> float32 is allowed (as PyTorch's copy_), floats into an integer buffer are not
    return np.can_cast(src.dtype, dst.dtype, casting="same_kind")


def copy_state(own: Mapping[str, Tensor], state: Mapping[str, Any]) -> None:
    """Copy the values of ``state`` into the tensors of ``own`` (already checked to fit)."""
    with no_grad():
        for k, t in own.items():
            if k in state:
                t.copy_(_as_array(state[k]))
