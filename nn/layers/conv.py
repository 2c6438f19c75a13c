"""Convolution layers: ``Conv1d``, ``Conv2d``, ``ConvTranspose1d``, ``ConvTranspose2d``.

Each holds its kernel and bias and calls the matching op of
``nn.functional.conv``; an input the op rejects (wrong channels, too small for
the kernel) raises an error that starts with the layer's own description.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Tuple, Union

import autograd as ag
from autograd.tensor import Tensor
from nn import init
from nn.functional import conv as Fc
from nn.module import Module
from nn.parameter import Parameter

Size = Union[int, Tuple[int, ...]]


def _tuple(value: Any, n: int, name: str, layer: str) -> Tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        out: Tuple[int, ...] = (value,) * n
    elif isinstance(value, (tuple, list)) and len(value) == n and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        out = tuple(value)
    else:
        raise ValueError(f"{layer}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    least = 0 if name in ("padding", "output_padding") else 1
    if any(v < least for v in out):
        raise ValueError(f"{layer}: {name} must be {'non-negative' if least == 0 else 'positive'}, "
                         f"got {value!r}")
    return out


class _ConvNd(Module):
    """Shared by every convolution layer: parameters, PyTorch's default init, checks, printing."""

    _dims = 2
    _transposed = False
    _op: Callable[..., Tensor]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1,
                 padding: Union[Size, str] = 0, dilation: Size = 1, groups: int = 1, bias: bool = True,
                 output_padding: Size = 0, dtype: Any = ag.float32) -> None:
        super().__init__()
        layer, n = type(self).__name__, self._dims
        if not isinstance(groups, int) or groups < 1:
            raise ValueError(f"{layer}: groups must be a positive int, got {groups!r}")
        for name, c in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(c, int) or c < 1 or c % groups:
                raise ValueError(f"{layer}: {name} ({c!r}) must be a positive int divisible by groups={groups}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _tuple(kernel_size, n, "kernel_size", layer)
        self.stride = _tuple(stride, n, "stride", layer)
        self.dilation = _tuple(dilation, n, "dilation", layer)
        self.output_padding = _tuple(output_padding, n, "output_padding", layer)
        if isinstance(padding, str):
            if self._transposed or padding not in ("same", "valid"):
                allowed = "an int or a tuple" + ("" if self._transposed else ", 'same' or 'valid'")
                raise ValueError(f"{layer}: padding must be {allowed}, got {padding!r}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{layer}: padding='same' needs stride 1, got stride {self.stride}")
            self.padding: Any = padding
        else:
            self.padding = _tuple(padding, n, "padding", layer)
        if self._transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(ag.zeros(*shape, dtype=dtype))
        if bias:
            self.bias = Parameter(ag.zeros(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's defaults: kaiming_uniform_(a=sqrt(5)) kernel, U(-1/sqrt(fan_in), +) bias."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def _call(self, *args: Any, **kwargs: Any) -> Tensor:
        try:
            return type(self)._op(*args, **kwargs)
        except ValueError as e:
            raise ValueError(f"{self!r}: {str(e).split(': ', 1)[-1]}") from None

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self._dims:
            s += f", padding={self.padding!r}"
        if self.dilation != (1,) * self._dims:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._dims:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class _Conv(_ConvNd):
    """A (non-transposed) convolution's constructor and forward, shared by Conv1d and Conv2d."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1,
                 padding: Union[Size, str] = 0, dilation: Size = 1, groups: int = 1, bias: bool = True,
                 dtype: Any = ag.float32) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         dtype=dtype)

    def forward(self, x: Tensor) -> Tensor:
        return self._call(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


# NOTE: Conv1d is not a Conv2d (nor the other way round), as in PyTorch, so isinstance checks in
# user code (init loops, layer surgery) treat them apart; both share _Conv
class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W) inputs; kernel (C_out, C_in/groups, kh, kw).

    >>> import autograd as ag, nn
    >>> conv = nn.Conv2d(1, 16, 3, padding=1)
    >>> conv(ag.zeros(8, 1, 28, 28)).shape
    (8, 16, 28, 28)
    >>> conv
    Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    """

    _op: Callable[..., Tensor] = staticmethod(Fc.conv2d)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L) inputs; kernel (C_out, C_in/groups, k).

    >>> import autograd as ag, nn
    >>> nn.Conv1d(4, 8, 3, stride=2)(ag.zeros(2, 4, 11)).shape
    (2, 8, 5)
    """

    _dims = 1
    _op: Callable[..., Tensor] = staticmethod(Fc.conv1d)


class _ConvTranspose(_ConvNd):
    """A transposed convolution's constructor and forward, shared by ConvTranspose1d and 2d."""

    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1,
                 padding: Size = 0, output_padding: Size = 0, groups: int = 1, bias: bool = True,
                 dilation: Size = 1, dtype: Any = ag.float32) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         output_padding, dtype=dtype)

    def forward(self, x: Tensor) -> Tensor:
        return self._call(x, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                          self.groups, self.dilation)


class ConvTranspose2d(_ConvTranspose):
    """Transposed 2-D convolution (upsampling); kernel (C_in, C_out/groups, kh, kw).

    Output size per axis: (H - 1)*stride - 2*padding + dilation*(k-1) + output_padding + 1.

    >>> import autograd as ag, nn
    >>> up = nn.ConvTranspose2d(16, 8, 2, stride=2)
    >>> up(ag.zeros(1, 16, 7, 7)).shape
    (1, 8, 14, 14)
    """

    _op: Callable[..., Tensor] = staticmethod(Fc.conv_transpose2d)


class ConvTranspose1d(_ConvTranspose):
    """Transposed 1-D convolution over (N, C_in, L) inputs; kernel (C_in, C_out/groups, k).

    >>> import autograd as ag, nn
    >>> nn.ConvTranspose1d(4, 2, 3, stride=2, output_padding=1)(ag.zeros(1, 4, 5)).shape
    (1, 2, 12)
    """

    _dims = 1
    _op: Callable[..., Tensor] = staticmethod(Fc.conv_transpose1d)
