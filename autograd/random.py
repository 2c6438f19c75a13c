"""The library's random number generator: one seeded ``np.random.Generator`` per process.

Everything random in tapegrad (``randn``, ``nn.init``, ``Dropout``, data shuffling
without its own seed) draws from ``default_rng()``, so ``manual_seed(n)`` makes
a whole run reproducible.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional

import numpy as np

if TYPE_CHECKING:
    from autograd.tensor import Tensor

_rng = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the library's generator and return it.

    >>> import autograd as ag
    >>> _ = ag.manual_seed(0); a = ag.randn(2)
    >>> _ = ag.manual_seed(0); b = ag.randn(2)
    >>> bool((a == b).all())
    True
    """
    global _rng
    _rng = np.random.default_rng(seed)
    return _rng


def default_rng() -> np.random.Generator:
    """The generator that ``manual_seed`` controls."""
    return _rng


def get_rng_state() -> Dict[str, Any]:
    """The state of the library's generator, to hand to ``set_rng_state`` (resuming a run).

    A plain dict of numbers and strings (numpy's ``bit_generator.state``), so ``nn.save``
    stores it.

    >>> import autograd as ag
    >>> _ = ag.manual_seed(0); state = ag.get_rng_state(); a = ag.randn(2)
    >>> ag.set_rng_state(state); b = ag.randn(2)
    >>> bool((a == b).all())
    True
    """
    return dict(_rng.bit_generator.state)


def set_rng_state(state: Dict[str, Any]) -> None:
    """Put the library's generator back where ``get_rng_state`` found it."""
    if not isinstance(state, dict) or "bit_generator" not in state:
        raise TypeError(f"set_rng_state: expected a dict from get_rng_state(), got {type(state).__name__}")
    if state["bit_generator"] != type(_rng.bit_generator).__name__:
        raise ValueError(f"set_rng_state: the state is of a {state['bit_generator']} generator, the "
                         f"library's is a {type(_rng.bit_generator).__name__}")
    _rng.bit_generator.state = state


def _shape(size: tuple) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


def _wrap(arr: np.ndarray, dtype: Any, requires_grad: bool) -> "Tensor":
    from autograd.tensor import Tensor
    return Tensor(arr.astype(dtype, copy=False), requires_grad=requires_grad)


def randn(*size: Any, dtype: Any = np.float32, requires_grad: bool = False) -> "Tensor":
    """Standard normal samples of the given shape (float32 by default).

    >>> import autograd as ag
    >>> ag.randn(2, 3).shape
    (2, 3)
    """
    return _wrap(_rng.standard_normal(_shape(size)), dtype, requires_grad)


def rand(*size: Any, dtype: Any = np.float32, requires_grad: bool = False) -> "Tensor":
    """Uniform samples on [0, 1)."""
    return _wrap(_rng.random(_shape(size)), dtype, requires_grad)


def uniform(low: float = 0.0, high: float = 1.0, size: Any = (), dtype: Any = np.float32,
            requires_grad: bool = False) -> "Tensor":
    """Uniform samples on [low, high)."""
    size = (size,) if isinstance(size, int) else tuple(size)
    return _wrap(_rng.uniform(low, high, size), dtype, requires_grad)


def normal(mean: float = 0.0, std: float = 1.0, size: Any = (), dtype: Any = np.float32,
           requires_grad: bool = False) -> "Tensor":
    """Normal samples with the given mean and standard deviation."""
    size = (size,) if isinstance(size, int) else tuple(size)
    return _wrap(_rng.normal(mean, std, size), dtype, requires_grad)


def randint(low: int, high: Optional[int] = None, size: Any = ()) -> "Tensor":
    """Integers in [low, high) (or [0, low) when ``high`` is left out), as int64."""
    from autograd.tensor import Tensor
    if high is None:
        low, high = 0, low
    size = (size,) if isinstance(size, int) else tuple(size)
    return Tensor(_rng.integers(low, high, size, dtype=np.int64))
