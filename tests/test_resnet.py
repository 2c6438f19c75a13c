"""Residual blocks and the ResNet builder: structure (shortcuts, kernel sizes, strides), and the
same outputs and gradients as the same blocks written in PyTorch with the same weights."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.models import BasicBlock, Bottleneck, ResNet


def _kernels(block):
    return [m.kernel_size for m in block.modules() if isinstance(m, nn.Conv2d) and m not in
            list(block.shortcut.modules())]


def test_basic_block_keeping_the_shape_has_an_identity_shortcut():
    assert isinstance(BasicBlock(16, 16).shortcut, nn.Identity)


@pytest.mark.parametrize("args", [(16, 32, 1), (16, 16, 2)], ids=["channels", "stride"])
def test_basic_block_changing_channels_or_stride_projects_the_shortcut(args):
    block = BasicBlock(*args)
    conv, bn = block.shortcut[0], block.shortcut[1]
    assert conv.kernel_size == (1, 1) and conv.stride == (args[2],) * 2 and conv.out_channels == args[1]
    assert isinstance(bn, nn.BatchNorm2d)


def test_bottleneck_is_1x1_reduce_3x3_1x1_expand_by_four():
    block = Bottleneck(64, 16, stride=2)
    assert _kernels(block) == [(1, 1), (3, 3), (1, 1)]
    assert [block.conv1.out_channels, block.conv2.out_channels, block.conv3.out_channels] == [16, 16, 64]
    assert block.conv2.stride == (2, 2) and block.conv1.stride == (1, 1) and block.conv3.stride == (1, 1)


def test_bottleneck_whose_output_matches_its_input_has_an_identity_shortcut():
    assert isinstance(Bottleneck(64, 16).shortcut, nn.Identity)
    assert isinstance(Bottleneck(32, 16).shortcut, nn.Sequential)


@pytest.mark.parametrize("block, in_c, c, stride, out_shape", [
    (BasicBlock, 8, 8, 1, (2, 8, 6, 6)),
    (BasicBlock, 8, 16, 2, (2, 16, 3, 3)),
    (Bottleneck, 8, 4, 2, (2, 16, 3, 3)),
])
def test_block_output_shape(block, in_c, c, stride, out_shape):
    assert block(in_c, c, stride)(ag.randn(2, in_c, 6, 6)).shape == out_shape


def test_block_output_is_relu_of_residual_plus_input_so_never_negative():
    out = BasicBlock(4, 4)(ag.randn(3, 4, 5, 5))
    assert out.numpy().min() >= 0


def test_resnet_builder_strides_every_stage_after_the_first():
    net = ResNet(BasicBlock, stages=(2, 1, 1), widths=(8, 16, 32), num_classes=5, in_channels=1)
    blocks = list(net.stages)
    assert len(blocks) == 4
    assert [b.conv1.stride for b in blocks] == [(1, 1), (1, 1), (2, 2), (2, 2)]
    assert net(ag.randn(2, 1, 8, 8)).shape == (2, 5)
    assert net.fc.in_features == 32


def test_resnet_with_bottlenecks_classifies_from_four_times_the_last_width():
    net = ResNet(Bottleneck, stages=(1, 1), widths=(4, 8), num_classes=3, in_channels=2)
    assert net.fc.in_features == 32
    assert net(ag.randn(2, 2, 8, 8)).shape == (2, 3)


def test_resnet_backward_reaches_every_parameter():
    net = ResNet(Bottleneck, stages=(1,), widths=(4,), num_classes=3, in_channels=1)
    net(ag.randn(2, 1, 6, 6)).sum().backward()
    missing = [n for n, p in net.named_parameters() if p.grad is None]
    assert not missing


@pytest.mark.parametrize("stages, widths", [((), ()), ((1, 1), (8,)), ((0,), (8,))])
def test_resnet_with_bad_stages_raises(stages, widths):
    with pytest.raises(ValueError, match="ResNet: "):
        ResNet(BasicBlock, stages=stages, widths=widths)


# -- against PyTorch ---------------------------------------------------------------------------

def _torch_blocks(torch):
    tnn = torch.nn

    def shortcut(cin, cout, stride):
        if stride == 1 and cin == cout:
            return tnn.Identity()
        return tnn.Sequential(tnn.Conv2d(cin, cout, 1, stride=stride, bias=False), tnn.BatchNorm2d(cout))

    class TBasic(tnn.Module):
        def __init__(self, cin, c, stride):
            super().__init__()
            self.conv1 = tnn.Conv2d(cin, c, 3, stride=stride, padding=1, bias=False)
            self.bn1 = tnn.BatchNorm2d(c)
            self.conv2 = tnn.Conv2d(c, c, 3, padding=1, bias=False)
            self.bn2 = tnn.BatchNorm2d(c)
            self.shortcut = shortcut(cin, c, stride)

        def forward(self, x):
            out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
            return torch.relu(out + self.shortcut(x))

    class TBottleneck(tnn.Module):
        def __init__(self, cin, c, stride):
            super().__init__()
            self.conv1 = tnn.Conv2d(cin, c, 1, bias=False)
            self.bn1 = tnn.BatchNorm2d(c)
            self.conv2 = tnn.Conv2d(c, c, 3, stride=stride, padding=1, bias=False)
            self.bn2 = tnn.BatchNorm2d(c)
            self.conv3 = tnn.Conv2d(c, 4 * c, 1, bias=False)
            self.bn3 = tnn.BatchNorm2d(4 * c)
            self.shortcut = shortcut(cin, 4 * c, stride)

        def forward(self, x):
            out = torch.relu(self.bn1(self.conv1(x)))
            out = torch.relu(self.bn2(self.conv2(out)))
            return torch.relu(self.bn3(self.conv3(out)) + self.shortcut(x))

    return {BasicBlock: TBasic, Bottleneck: TBottleneck}


@pytest.mark.parametrize("block, args", [(BasicBlock, (4, 8, 2)), (BasicBlock, (4, 4, 1)),
                                         (Bottleneck, (8, 4, 2)), (Bottleneck, (16, 4, 1))],
                         ids=["basic-projection", "basic-identity", "bottleneck-projection", "bottleneck-identity"])
def test_block_in_training_mode_matches_pytorch_forward_and_backward(block, args):
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    ours = block(*args)
    theirs = _torch_blocks(torch)[block](*args).double()
    ours.double()
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.numpy())) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((3, args[0], 6, 6))
    y, ty = ours(ag.tensor(x)), theirs(torch.from_numpy(x))
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-9, atol=1e-9)
    u = np.random.default_rng(1).standard_normal(y.shape)
    (y * ag.tensor(u)).sum().backward()
    (ty * torch.from_numpy(u)).sum().backward()
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tparams[name].grad.numpy(), rtol=1e-7, atol=1e-9, err_msg=name)
    for name, b in theirs.named_buffers():
        if "running" in name:
            np.testing.assert_allclose(dict(ours.named_buffers())[name].numpy(), b.numpy(), rtol=1e-9, err_msg=name)
