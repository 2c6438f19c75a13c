"""Weight initialisation, in place and without recording: He (Kaiming), Glorot (Xavier), constants.

Each ``*_`` function fills a tensor from the library's seeded generator
(``autograd.default_rng()``), so ``ag.manual_seed`` makes initialisation
reproducible, and returns the same tensor.

Fan-in and fan-out follow PyTorch: for a weight of shape (out, in, *kernel),
``fan_in = in * prod(kernel)`` and ``fan_out = out * prod(kernel)``.

Why it matters: a ReLU layer keeps half of its input's second moment, so He
init (variance 2 / fan_in) keeps activations at a steady scale through depth,
while a fixed small std (0.01) shrinks them by a constant factor per layer
until they vanish (measured in ``tests/test_nn_init.py``).
"""
from __future__ import annotations

import math
from typing import Optional, Tuple

import numpy as np

from autograd.grad_mode import no_grad
from autograd.random import default_rng
from autograd.tensor import Tensor

_LINEAR = {"linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
           "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"}


def calculate_gain(nonlinearity: str, param: Optional[float] = None) -> float:
    """The recommended scale for weights feeding ``nonlinearity`` (PyTorch's table).

    >>> from nn import init
    >>> init.calculate_gain("relu"), init.calculate_gain("tanh")
    (1.4142135623730951, 1.6666666666666667)
    >>> round(init.calculate_gain("leaky_relu", 0.2), 4)
    1.3868
    """
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of "
                     f"{sorted(_LINEAR | {'tanh', 'relu', 'leaky_relu', 'selu'})}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> Tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(f"init: fan in and fan out need a tensor with at least 2 dimensions, "
                         f"got shape {tensor.shape}")
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    with no_grad():
        tensor.copy_(values.astype(tensor.dtype, copy=False))
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with samples from U(a, b).

    >>> import autograd as ag; from nn import init
    >>> w = init.uniform_(ag.zeros(1000), -1.0, 1.0)
    >>> bool(w.data.min() >= -1.0 and w.data.max() < 1.0)
    True
    """
    return _fill(tensor, default_rng().uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with samples from N(mean, std**2).

    >>> import autograd as ag; from nn import init
    >>> w = init.normal_(ag.zeros(10000), 1.0, 0.5)
    >>> round(float(w.data.mean()), 1), round(float(w.data.std()), 1)
    (1.0, 0.5)
    """
    return _fill(tensor, default_rng().normal(mean, std, tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``.

    >>> import autograd as ag; from nn import init
    >>> init.constant_(ag.zeros(2), 0.5)
    tensor([0.5, 0.5])
    """
    return _fill(tensor, np.full(tensor.shape, val))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    >>> import autograd as ag; from nn import init
    >>> w = init.xavier_uniform_(ag.zeros(20, 30))
    >>> bool(abs(w.data).max() <= (6 / 50) ** 0.5)
    True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -a, a)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot normal: N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    >>> import autograd as ag; from nn import init
    >>> w = init.xavier_normal_(ag.zeros(400, 600))
    >>> round(float(w.data.std()), 3)
    0.045
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu") -> Tensor:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain from ``nonlinearity`` (slope ``a``).

    >>> import autograd as ag; from nn import init
    >>> w = init.kaiming_uniform_(ag.zeros(20, 30), nonlinearity="relu")
    >>> bool(abs(w.data).max() <= (2 * 3 / 30) ** 0.5)
    True
    """
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / _fan(tensor, mode))
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu") -> Tensor:
    """He normal: N(0, std**2) with std = gain / sqrt(fan); for ReLU, std = sqrt(2 / fan_in).

    >>> import autograd as ag; from nn import init
    >>> w = init.kaiming_normal_(ag.zeros(500, 200), nonlinearity="relu")
    >>> round(float(w.data.std()), 2)
    0.1
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std)
