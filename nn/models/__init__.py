"""Ready-made models built from the layers (``nn.models.resnet``: residual networks for small images)."""
from nn.models.resnet import BasicBlock, Bottleneck, ResNet

__all__ = ["BasicBlock", "Bottleneck", "ResNet"]
