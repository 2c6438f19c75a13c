"""``Dropout``: inverted dropout in training, the identity in evaluation."""
from __future__ import annotations

from autograd.tensor import Tensor
from nn.functional.dropout import dropout
from nn.module import Module


class Dropout(Module):
    """Zero each element with probability ``p`` while training and scale the rest by 1 / (1 - p).

    The mask is drawn from ``autograd.default_rng()`` (seeded by ``ag.manual_seed``).
    After ``.eval()`` it passes its input through.

    >>> import autograd as ag, nn
    >>> d = nn.Dropout(0.5)
    >>> _ = ag.manual_seed(0)
    >>> d(ag.ones(4))
    tensor([2., 0., 0., 0.])
    >>> d.eval()(ag.ones(4))
    tensor([1., 1., 1., 1.])
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if isinstance(p, bool) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p!r}")
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
