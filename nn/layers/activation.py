"""Activation modules: each wraps the function of the same name in ``nn.functional``."""
from __future__ import annotations

from typing import Any, Optional

import autograd as ag
from autograd.tensor import Tensor
from nn.functional import activation as A
from nn.module import Module
from nn.parameter import Parameter


class ReLU(Module):
    """max(x, 0).

    >>> import autograd as ag, nn
    >>> nn.ReLU()(ag.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def forward(self, x: Tensor) -> Tensor:
        return A.relu(x)


class LeakyReLU(Module):
    """x for x > 0, else ``negative_slope * x``.

    >>> import autograd as ag, nn
    >>> nn.LeakyReLU(0.1)(ag.tensor([-1.0, 2.0]))
    tensor([-0.1000,  2.0000])
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Tensor) -> Tensor:
        return A.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class PReLU(Module):
    """Leaky ReLU with a learned slope: one shared (``num_parameters=1``) or one per channel (axis 1).

    >>> import autograd as ag, nn
    >>> nn.PReLU()(ag.tensor([-1.0, 2.0]))
    tensor([-0.2500,  2.0000], grad_fn=<WhereBackward>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype: Any = ag.float32) -> None:
        super().__init__()
        # NOTE: PyTorch's PReLU attribute; it hides Module.num_parameters() on a PReLU
        self.num_parameters = num_parameters  # type: ignore[method-assign,assignment]
        self.weight = Parameter(ag.full((num_parameters,), init, dtype=dtype))

    def forward(self, x: Tensor) -> Tensor:
        return A.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Sigmoid(Module):
    """1 / (1 + exp(-x)).

    >>> import autograd as ag, nn
    >>> nn.Sigmoid()(ag.tensor([0.0]))
    tensor([0.5])
    """

    def forward(self, x: Tensor) -> Tensor:
        return A.sigmoid(x)


class Tanh(Module):
    """tanh(x).

    >>> import autograd as ag, nn
    >>> nn.Tanh()(ag.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, x: Tensor) -> Tensor:
        return A.tanh(x)


class GELU(Module):
    """x Phi(x), exactly (``approximate='none'``) or with the tanh approximation.

    >>> import autograd as ag, nn
    >>> nn.GELU("tanh")(ag.tensor([1.0]))
    tensor([0.8412])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return A.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x * sigmoid(x), also called Swish.

    >>> import autograd as ag, nn
    >>> nn.SiLU()(ag.tensor([1.0]))
    tensor([0.7311])
    """

    def forward(self, x: Tensor) -> Tensor:
        return A.silu(x)


Swish = SiLU


class Softplus(Module):
    """log(1 + exp(beta x)) / beta, linear above ``threshold``.

    >>> import autograd as ag, nn
    >>> nn.Softplus()(ag.tensor([0.0, 30.0]))
    tensor([ 0.6931, 30.0000])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Tensor) -> Tensor:
        return A.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """exp(x) / sum(exp(x)) along ``dim``.

    NOTE: ``dim`` defaults to the last axis; PyTorch's deprecated implicit choice is not copied.

    >>> import autograd as ag, nn
    >>> nn.Softmax(dim=1)(ag.zeros(1, 4))
    tensor([[0.2500, 0.2500, 0.2500, 0.2500]])
    """

    def __init__(self, dim: Optional[int] = -1) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, x: Tensor) -> Tensor:
        return A.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """log(softmax(x)) along ``dim``, computed stably.

    >>> import autograd as ag, nn
    >>> nn.LogSoftmax(dim=1)(ag.tensor([[0.0, 0.0]]))
    tensor([[-0.6931, -0.6931]])
    """

    def forward(self, x: Tensor) -> Tensor:
        return A.log_softmax(x, self.dim)
