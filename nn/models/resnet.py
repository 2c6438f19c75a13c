"""Residual networks for small images: ``BasicBlock``, ``Bottleneck`` and the ``ResNet`` builder.

A residual block computes ``relu(F(x) + shortcut(x))``: the layers ``F`` only
learn a correction to their input, so deep stacks still train. The shortcut is
the identity when the block keeps the shape of its input, and a 1x1 convolution
with batch norm (a projection) when the block changes the channel count or the
stride.
"""
from __future__ import annotations

from typing import Sequence, Type, Union

from autograd.tensor import Tensor
from nn import functional as F
from nn import init
from nn.containers import Sequential
from nn.layers.conv import Conv2d
from nn.layers.linear import Flatten, Identity, Linear
from nn.layers.normalization import BatchNorm2d
from nn.layers.pooling import AdaptiveAvgPool2d
from nn.module import Module


def _shortcut(in_channels: int, out_channels: int, stride: int) -> Module:
    if stride == 1 and in_channels == out_channels:
        return Identity()
    return Sequential(Conv2d(in_channels, out_channels, 1, stride=stride, bias=False), BatchNorm2d(out_channels))


class BasicBlock(Module):
    """Two 3x3 convolutions with batch norm: ``relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))``.

    ``stride`` 2 halves the image (in the first convolution and the projection).

    >>> import autograd as ag, nn
    >>> block = nn.models.BasicBlock(16, 32, stride=2)
    >>> block(ag.randn(2, 16, 8, 8)).shape
    (2, 32, 4, 4)
    >>> type(block.shortcut).__name__, type(nn.models.BasicBlock(16, 16).shortcut).__name__
    ('Sequential', 'Identity')
    """

    #: output channels per unit of ``channels``
    expansion = 1

    def __init__(self, in_channels: int, channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = Conv2d(in_channels, channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = BatchNorm2d(channels)
        self.conv2 = Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = BatchNorm2d(channels)
        self.shortcut = _shortcut(in_channels, channels, stride)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class Bottleneck(Module):
    """1x1 reduce to ``channels``, 3x3 (carrying the stride), 1x1 expand to ``4 * channels``; plus the shortcut.

    >>> import autograd as ag, nn
    >>> block = nn.models.Bottleneck(64, 16)
    >>> block(ag.randn(2, 64, 8, 8)).shape
    (2, 64, 8, 8)
    >>> type(block.shortcut).__name__
    'Identity'
    >>> nn.models.Bottleneck(16, 8, stride=2)(ag.randn(2, 16, 8, 8)).shape
    (2, 32, 4, 4)
    """

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int = 1) -> None:
        super().__init__()
        out_channels = channels * self.expansion
        self.conv1 = Conv2d(in_channels, channels, 1, bias=False)
        self.bn1 = BatchNorm2d(channels)
        self.conv2 = Conv2d(channels, channels, 3, stride=stride, padding=1, bias=False)
        self.bn2 = BatchNorm2d(channels)
        self.conv3 = Conv2d(channels, out_channels, 1, bias=False)
        self.bn3 = BatchNorm2d(out_channels)
        self.shortcut = _shortcut(in_channels, out_channels, stride)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + self.shortcut(x))


class ResNet(Module):
    """A residual network for small images (CIFAR-style: a 3x3 stem, no early downsampling).

    ``stages[i]`` blocks of width ``widths[i]`` per stage; every stage after the
    first starts with stride 2. Then global average pooling and a linear classifier.

    >>> import autograd as ag, nn
    >>> net = nn.models.ResNet(nn.models.BasicBlock, stages=(1, 1), widths=(8, 16), num_classes=10, in_channels=1)
    >>> net(ag.randn(4, 1, 8, 8)).shape
    (4, 10)
    >>> [name for name, _ in net.named_children()]
    ['stem', 'stages', 'pool', 'flatten', 'fc']
    """

    def __init__(self, block: Type[Union[BasicBlock, Bottleneck]] = BasicBlock,
                 stages: Sequence[int] = (2, 2, 2), widths: Sequence[int] = (16, 32, 64),
                 num_classes: int = 10, in_channels: int = 3) -> None:
        super().__init__()
        if len(stages) != len(widths) or not stages:
            raise ValueError(f"ResNet: stages {tuple(stages)} and widths {tuple(widths)} must be "
                             f"non-empty and of the same length")
        if any(n < 1 for n in stages) or any(w < 1 for w in widths):
            raise ValueError(f"ResNet: every stage needs at least one block and a positive width, "
                             f"got stages {tuple(stages)}, widths {tuple(widths)}")
        self.stem = Sequential(Conv2d(in_channels, widths[0], 3, padding=1, bias=False),
                               BatchNorm2d(widths[0]))
        blocks, channels = [], widths[0]
        for i, (n, w) in enumerate(zip(stages, widths)):
            for j in range(n):
                blocks.append(block(channels, w, stride=2 if i > 0 and j == 0 else 1))
                channels = w * block.expansion
        self.stages = Sequential(*blocks)
        self.pool = AdaptiveAvgPool2d(1)
        self.flatten = Flatten()
        self.fc = Linear(channels, num_classes)
        # NOTE: He initialisation for the convolutions (fan_out, as in the ResNet paper's code)
        for m in self.modules():
            if isinstance(m, Conv2d):
                init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.stem(x))
        return self.fc(self.flatten(self.pool(self.stages(x))))
