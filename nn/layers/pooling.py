"""Pooling layers: ``MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d`` (no parameters)."""
from __future__ import annotations

from typing import Any, Optional, Tuple, Union

from autograd.tensor import Tensor
from nn.functional import pooling as Fp
from nn.module import Module

Size = Union[int, Tuple[int, int]]


class _Pool(Module):
    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Tensor:
        try:
            return fn(*args, **kwargs)
        except ValueError as e:
            raise ValueError(f"{self!r}: {str(e).split(': ', 1)[-1]}") from None


class MaxPool2d(_Pool):
    """Maximum over (kh, kw) windows of (N, C, H, W) inputs; ``stride`` defaults to the kernel size.

    PyTorch's arguments in PyTorch's order; ``return_indices=True`` makes ``forward`` return
    ``(output, indices)``.

    >>> import autograd as ag, nn
    >>> nn.MaxPool2d(2)(ag.zeros(8, 16, 28, 28)).shape
    (8, 16, 14, 14)
    >>> nn.MaxPool2d(3, stride=2, padding=1)
    MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)
    >>> nn.MaxPool2d(2, 2, 0, 1, False, True)(ag.zeros(1, 1, 5, 5)).shape  # ceil_mode is 6th
    (1, 1, 3, 3)
    """

    def __init__(self, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0,
                 dilation: Size = 1, return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)
        # NOTE: checked now, so a bad layer fails where it is built, not at its first batch
        Fp.pool_params("MaxPool2d", self.kernel_size, self.stride, self.padding, self.dilation)

    def forward(self, x: Tensor) -> Any:
        return self._call(Fp.max_pool2d, x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(_Pool):
    """Mean over (kh, kw) windows of (N, C, H, W) inputs; ``stride`` defaults to the kernel size.

    PyTorch's arguments in PyTorch's order (``ceil_mode`` before ``count_include_pad``).

    >>> import autograd as ag, nn
    >>> nn.AvgPool2d(2)(ag.ones(1, 1, 4, 4)).tolist()
    [[[[1.0, 1.0], [1.0, 1.0]]]]
    >>> nn.AvgPool2d(3, 2, 1, False).ceil_mode, nn.AvgPool2d(3, 2, 1, False).count_include_pad
    (False, True)
    """

    def __init__(self, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: Optional[int] = None) -> None:
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        self.ceil_mode, self.count_include_pad = bool(ceil_mode), bool(count_include_pad)
        self.divisor_override = divisor_override
        Fp.pool_params("AvgPool2d", self.kernel_size, self.stride, self.padding)

    def forward(self, x: Tensor) -> Tensor:
        return self._call(Fp.avg_pool2d, x, self.kernel_size, self.stride, self.padding,
                          self.ceil_mode, self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(_Pool):
    """Average pooling of (N, C, H, W) inputs to a fixed ``output_size`` (1: global average pooling).

    >>> import autograd as ag, nn
    >>> nn.AdaptiveAvgPool2d(1)(ag.ones(2, 8, 5, 7)).shape
    (2, 8, 1, 1)
    """

    def __init__(self, output_size: Union[int, Tuple[Optional[int], Optional[int]]]) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return self._call(Fp.adaptive_avg_pool2d, x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
