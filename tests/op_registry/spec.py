"""The shape of one entry in the gradient-test registry.

Every differentiable op of the project appears in some ``tests/op_registry/<area>.py``
as an ``OpSpec`` in that module's ``SPECS`` list. The harness draws cases from
``cases``; each case is ``(args, kwargs)``:

- a floating numpy array in ``args`` becomes a float64 Tensor that requires grad
  (its gradient is checked);
- any other value (integer arrays such as class targets, Python numbers,
  index tuples) is passed as it is (integer/bool arrays as Tensors without grad);
- ``kwargs`` are passed as they are.

``fn(*tensors, **kwargs)`` returns a Tensor (or a tuple of Tensors).
``torch_fn`` takes torch tensors in the same positions and the same kwargs,
for the PyTorch cross-check; ``None`` where torch has no equivalent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from hypothesis.strategies import SearchStrategy


@dataclass
class OpSpec:
    name: str
    fn: Callable[..., Any]
    cases: SearchStrategy
    torch_fn: Optional[Callable[..., Any]] = None
    second_order: bool = True          # also checked with gradgradcheck
    atol: float = 1e-5
    rtol: float = 1e-3
    notes: str = ""
    eps: float = 1e-6                  # finite-difference step (larger where the op rounds, e.g. casts)
    extra: dict = field(default_factory=dict)
