"""Normalisation layers: ``BatchNorm1d``, ``BatchNorm2d`` (per channel, over the batch) and
``LayerNorm`` (per sample, over the trailing axes)."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

import autograd as ag
from autograd.tensor import Tensor
from nn.functional.normalization import batch_norm, layer_norm
from nn.module import Module
from nn.parameter import Parameter


class _BatchNorm(Module):
    """Shared body of the BatchNorm layers; subclasses fix the accepted input ranks."""

    #: the weight-decay helper skips parameters of modules that set this
    is_normalization = True
    _ranks: tuple = ()
    _shapes: str = ""
    # NOTE: buffers (None when not tracking running statistics)
    running_mean: Optional[Tensor]
    running_var: Optional[Tensor]
    num_batches_tracked: Optional[Tensor]

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1,
                 affine: bool = True, track_running_stats: bool = True, dtype: Any = ag.float32) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(ag.ones(num_features, dtype=dtype))
            self.bias = Parameter(ag.zeros(num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ag.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", ag.tensor(np.array(0, dtype=np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, batch count 0."""
        with ag.no_grad():
            for buffer, value in ((self.running_mean, 0.0), (self.running_var, 1.0),
                                  (self.num_batches_tracked, 0.0)):
                if buffer is not None:  # NOTE: None when not tracking running statistics
                    buffer.fill_(value)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in self._ranks or x.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}): expected input of shape {self._shapes} "
                f"with C={self.num_features}, got shape {x.shape}")
        return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          training=self.training or not self.track_running_stats,
                          momentum=self.momentum, eps=self.eps,
                          num_batches_tracked=self.num_batches_tracked)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel C.

    Training: normalise with the batch mean and (biased) variance and update the running
    statistics (``momentum`` 0.1; the running variance takes the unbiased batch variance).
    Evaluation: normalise with the running statistics. gamma (``weight``) starts at 1,
    beta (``bias``) at 0.

    >>> import autograd as ag, nn
    >>> bn = nn.BatchNorm1d(2)
    >>> bn(ag.tensor([[1.0, 10.0], [3.0, 30.0]]))
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]], grad_fn=<NormalizeBackward>)
    >>> bn.running_mean
    tensor([0.2000, 2.0000])
    """

    _ranks = (2, 3)
    _shapes = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs, per channel C (see ``BatchNorm1d``).

    >>> import autograd as ag, nn
    >>> nn.BatchNorm2d(3)(ag.randn(4, 3, 5, 5)).shape
    (4, 3, 5, 5)
    """

    _ranks = (4,)
    _shapes = "(N, C, H, W)"


class LayerNorm(Module):
    """Normalise each sample over its last axes (``normalized_shape``), then scale and shift
    elementwise (weight starts at 1, bias at 0). Same in training and evaluation.

    >>> import autograd as ag, nn
    >>> nn.LayerNorm(2)(ag.tensor([[1.0, 3.0]]))
    tensor([[-1.0000,  1.0000]], grad_fn=<NormalizeBackward>)
    """

    is_normalization = True

    def __init__(self, normalized_shape: Union[int, Sequence[int]], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, dtype: Any = ag.float32) -> None:
        super().__init__()
        shape = (int(normalized_shape),) if isinstance(normalized_shape, (int, np.integer)) \
            else tuple(int(s) for s in normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.elementwise_affine = elementwise_affine
        self.weight = Parameter(ag.ones(shape, dtype=dtype)) if elementwise_affine else None
        self.bias = Parameter(ag.zeros(shape, dtype=dtype)) if elementwise_affine and bias else None
        for name in ("weight", "bias"):
            if getattr(self, name) is None:
                self.register_parameter(name, None)

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
