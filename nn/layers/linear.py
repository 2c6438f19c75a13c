"""``Linear`` (a fully connected layer), ``Identity`` and ``Flatten``."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag
from autograd.tensor import Tensor
from nn import init
from nn.functional.linear import LinearFn
from nn.module import Module
from nn.parameter import Parameter


class Linear(Module):
    """y = x W^T + b for inputs of shape (*, in_features).

    Defaults (PyTorch's): W (out, in) from ``kaiming_uniform_(a=sqrt(5))``, which is
    U(-1/sqrt(in), 1/sqrt(in)); b from the same U(-1/sqrt(in), 1/sqrt(in)). Parameters are
    float32 unless ``dtype`` says otherwise.

    >>> import autograd as ag, nn
    >>> layer = nn.Linear(3, 2)
    >>> layer(ag.zeros(4, 3)).shape
    (4, 2)
    >>> layer.weight.shape, layer.bias.shape
    ((2, 3), (2,))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: Any = ag.float32) -> None:
        super().__init__()
        for name, n in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
                raise TypeError(f"Linear: {name} must be an int, got {type(n).__name__} {n!r}")
            if n < 0:
                raise ValueError(f"Linear: {name} must be >= 0, got {n}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight = Parameter(ag.zeros(out_features, in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(ag.zeros(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw the weights and bias with the default initialisation."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        shape = x.shape
        if not shape or shape[-1] != self.in_features:
            raise ValueError(
                f"Linear(in_features={self.in_features}, out_features={self.out_features}): input of "
                f"shape {shape} has {shape[-1] if shape else 0} features in its last axis, expected "
                f"{self.in_features}")
        return LinearFn.apply(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to switch a layer off).

    >>> import autograd as ag, nn
    >>> nn.Identity()(ag.tensor([1.0]))
    tensor([1.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return x


class Flatten(Module):
    """Merges axes ``start_dim..end_dim`` (by default all but the batch axis).

    >>> import autograd as ag, nn
    >>> nn.Flatten()(ag.zeros(2, 3, 4)).shape
    (2, 12)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return ag.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
