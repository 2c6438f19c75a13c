"""Conv and pooling layers: parameters and defaults like PyTorch's, outputs equal the PyTorch layer
with the same weights, and errors that name the layer."""
import math

import numpy as np
import pytest

import autograd as ag
import nn


def _copy_into_torch(layer, tlayer, torch):
    with torch.no_grad():
        tlayer.weight.copy_(torch.from_numpy(layer.weight.numpy()))
        if layer.bias is not None:
            tlayer.bias.copy_(torch.from_numpy(layer.bias.numpy()))


@pytest.mark.parametrize("make, args, x_shape", [
    ("Conv2d", (4, 6, 3), (2, 4, 9, 8)),
    ("Conv2d", dict(in_channels=4, out_channels=6, kernel_size=(3, 2), stride=2, padding=1, groups=2, bias=False),
     (2, 4, 9, 8)),
    ("Conv1d", dict(in_channels=4, out_channels=2, kernel_size=3, padding="same", dilation=2), (2, 4, 10)),
    ("ConvTranspose2d", dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, output_padding=1, groups=2),
     (2, 4, 3, 5)),
    ("ConvTranspose1d", (4, 3, 2, 2), (2, 4, 5)),
], ids=["conv2d", "conv2d-grouped", "conv1d-same", "convT2d", "convT1d"])
def test_conv_layer_matches_the_pytorch_layer_with_the_same_weights(make, args, x_shape):
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    layer = getattr(nn, make)(**args) if isinstance(args, dict) else getattr(nn, make)(*args)
    tlayer = getattr(torch.nn, make)(**args) if isinstance(args, dict) else getattr(torch.nn, make)(*args)
    assert layer.weight.shape == tuple(tlayer.weight.shape)
    _copy_into_torch(layer, tlayer, torch)
    x = np.random.default_rng(0).standard_normal(x_shape).astype(np.float32)
    y, ty = layer(ag.tensor(x)), tlayer(torch.from_numpy(x))
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(layer.weight.grad.numpy(), tlayer.weight.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_conv2d_registers_weight_and_bias_as_parameters():
    conv = nn.Conv2d(3, 8, 5)
    assert [n for n, _ in conv.named_parameters()] == ["weight", "bias"]
    assert conv.weight.shape == (8, 3, 5, 5) and conv.bias.shape == (8,)


def test_conv2d_without_bias_has_only_a_weight():
    assert [n for n, _ in nn.Conv2d(3, 8, 5, bias=False).named_parameters()] == ["weight"]


def test_conv_default_init_stays_within_pytorchs_bound():
    ag.manual_seed(0)
    conv = nn.Conv2d(4, 64, 3, groups=2)
    bound = 1 / math.sqrt(2 * 3 * 3)  # fan_in = in_channels / groups * kh * kw
    w, b = conv.weight.numpy(), conv.bias.numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(b).max() <= bound


def test_conv_transpose_weight_has_pytorchs_layout():
    assert nn.ConvTranspose2d(16, 8, 3, groups=2).weight.shape == (16, 4, 3, 3)


def test_conv2d_parameters_are_float32_by_default():
    assert nn.Conv2d(1, 2, 3).weight.dtype == np.float32


def test_conv2d_repr_reads_like_pytorchs():
    assert repr(nn.Conv2d(1, 16, 3, stride=2, padding=1, bias=False)) == \
        "Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)"


def test_conv_layer_error_names_the_layer_and_the_input_shape():
    conv = nn.Conv2d(1, 4, 5)
    with pytest.raises(ValueError, match=r"^Conv2d\(1, 4, kernel_size=\(5, 5\).*input of shape \(2, 1, 3, 3\) "
                                         r"is too small"):
        conv(ag.zeros(2, 1, 3, 3))


def test_conv_layer_channel_error_names_the_layer():
    with pytest.raises(ValueError, match=r"^Conv2d\(3, 4.*has 1 channels"):
        nn.Conv2d(3, 4, 3)(ag.zeros(1, 1, 5, 5))


def test_a_failed_forward_leaves_the_weights_unchanged():
    conv = nn.Conv2d(1, 4, 5)
    before = conv.weight.numpy().copy()
    with pytest.raises(ValueError):
        conv(ag.zeros(2, 1, 3, 3))
    np.testing.assert_array_equal(conv.weight.numpy(), before)


@pytest.mark.parametrize("kwargs, message", [
    (dict(in_channels=3, out_channels=4, kernel_size=3, groups=2), "in_channels .* divisible by groups=2"),
    (dict(in_channels=2, out_channels=3, kernel_size=3, groups=2), "out_channels .* divisible by groups=2"),
    (dict(in_channels=1, out_channels=1, kernel_size=3, stride=2, padding="same"), "padding='same' needs stride 1"),
    (dict(in_channels=1, out_channels=1, kernel_size=(3, 3, 3)), "kernel_size must be an int or a tuple of 2"),
])
def test_bad_conv_layer_arguments_raise_at_construction(kwargs, message):
    with pytest.raises(ValueError, match=r"^Conv2d: " + message):
        nn.Conv2d(**kwargs)


@pytest.mark.parametrize("make, args", [("MaxPool2d", (3, 2, 1)), ("AvgPool2d", (2,)), ("AdaptiveAvgPool2d", ((2, 3),))],
                         ids=["max", "avg", "adaptive"])
def test_pool_layer_matches_the_pytorch_layer(make, args):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 6)).astype(np.float32)
    np.testing.assert_allclose(getattr(nn, make)(*args)(ag.tensor(x)).numpy(),
                               getattr(torch.nn, make)(*args)(torch.from_numpy(x)).numpy(), rtol=1e-6, atol=1e-6)


def test_pool_layers_have_no_parameters():
    for layer in (nn.MaxPool2d(2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1)):
        assert list(layer.parameters()) == []


def test_max_pool_stride_defaults_to_the_kernel_size():
    assert nn.MaxPool2d(3).stride == 3


def test_pool_layer_with_too_much_padding_raises_at_construction():
    with pytest.raises(ValueError, match="MaxPool2d: padding .* at most half the kernel size"):
        nn.MaxPool2d(2, padding=2)


def test_pool_layer_error_names_the_layer():
    with pytest.raises(ValueError, match=r"^MaxPool2d\(kernel_size=4.*input of shape \(1, 1, 3, 3\) is too small"):
        nn.MaxPool2d(4)(ag.zeros(1, 1, 3, 3))
