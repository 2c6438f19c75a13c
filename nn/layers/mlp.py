"""``MLP``: the classic multi-layer perceptron, built from a list of layer sizes."""
from __future__ import annotations

import copy
from typing import Callable, List, Sequence, Union

from nn.containers import Sequential
from nn.layers.activation import ReLU
from nn.layers.dropout import Dropout
from nn.layers.linear import Linear
from nn.layers.normalization import BatchNorm1d
from nn.module import Module


class MLP(Sequential):
    """Linear layers of the given ``sizes``; between them (not after the last): optional
    BatchNorm1d, then the activation, then optional Dropout.

    ``activation`` is a Module class, a function returning a fresh Module, or a Module instance
    (copied for each layer, so a PReLU's slopes are not shared); the default is ``nn.ReLU``.

    >>> import autograd as ag, nn
    >>> net = nn.MLP([4, 8, 3], dropout=0.1, batchnorm=True)
    >>> net
    MLP(
      (0): Linear(in_features=4, out_features=8, bias=True)
      (1): BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
      (2): ReLU()
      (3): Dropout(p=0.1)
      (4): Linear(in_features=8, out_features=3, bias=True)
    )
    >>> net(ag.zeros(5, 4)).shape
    (5, 3)
    """

    def __init__(self, sizes: Sequence[int], activation: Union[Callable[[], Module], Module] = ReLU,
                 dropout: float = 0.0, batchnorm: bool = False, bias: bool = True) -> None:
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes needs at least an input and an output size, got {sizes}")
        layers: List[Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(n_in, n_out, bias=bias))
            if i < len(sizes) - 2:
                if batchnorm:
                    layers.append(BatchNorm1d(n_out))
                act = copy.deepcopy(activation) if isinstance(activation, Module) else activation()
                if not isinstance(act, Module):
                    raise TypeError(f"MLP: activation must make an nn.Module, got {type(act).__name__}")
                layers.append(act)
                if dropout:
                    layers.append(Dropout(dropout))
        super().__init__(*layers)
        self.sizes = sizes
