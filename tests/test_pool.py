"""max_pool2d / avg_pool2d / adaptive_avg_pool2d: values and gradients equal PyTorch's, the max
gradient goes to one location per window, and bad arguments get a clear error."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _assert_matches_torch(fn, tfn, x, cfg, second_order=True):
    X, TX = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, ty = fn(X, **cfg), tfn(TX, **cfg)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    u = np.random.default_rng(0).standard_normal(y.shape)
    (gx,) = ag.grad((y * ag.tensor(u)).sum(), [X], create_graph=second_order)
    (tgx,) = torch.autograd.grad((ty * torch.tensor(u)).sum(), [TX], create_graph=second_order)
    np.testing.assert_allclose(gx.numpy(), tgx.detach().numpy(), rtol=1e-12, atol=1e-12)
    if second_order:
        (h,) = ag.grad((gx * gx * X).sum(), [X])
        (th,) = torch.autograd.grad((tgx * tgx * TX).sum(), [TX])
        np.testing.assert_allclose(h.numpy(), th.numpy(), rtol=1e-12, atol=1e-12)


MAX_CONFIGS = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(3, 2), stride=1, dilation=(1, 2)),
    dict(kernel_size=2, stride=1),
    dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), dilation=2),
]


@pytest.mark.parametrize("cfg", MAX_CONFIGS, ids=str)
def test_max_pool2d_values_and_gradients_equal_pytorch(cfg):
    _assert_matches_torch(F.max_pool2d, TF.max_pool2d, np.random.default_rng(1).standard_normal((2, 3, 7, 6)), cfg)


@pytest.mark.parametrize("cfg", [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1)], ids=str)
def test_max_pool2d_ties_send_the_gradient_to_the_first_maximum_like_pytorch(cfg):
    x = np.round(np.random.default_rng(2).standard_normal((2, 3, 6, 6)))  # many equal values
    _assert_matches_torch(F.max_pool2d, TF.max_pool2d, x, cfg)


def test_max_pool2d_gradient_of_a_constant_window_goes_to_one_element():
    x = ag.zeros(1, 1, 2, 2, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.numpy().tolist() == [[[[1.0, 0.0], [0.0, 0.0]]]]


def test_max_pool2d_on_a_conv_output_layout_equals_pytorch():
    # NOTE: a conv output is NHWC in memory behind an NCHW shape; pooling must not care
    x = np.random.default_rng(3).standard_normal((2, 5, 6, 4)).transpose(0, 3, 1, 2)
    _assert_matches_torch(F.max_pool2d, TF.max_pool2d, x, dict(kernel_size=2))


AVG_CONFIGS = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 1), count_include_pad=False),
    dict(kernel_size=2, divisor_override=3),
]


@pytest.mark.parametrize("cfg", AVG_CONFIGS, ids=str)
def test_avg_pool2d_values_and_gradients_equal_pytorch(cfg):
    _assert_matches_torch(F.avg_pool2d, TF.avg_pool2d, np.random.default_rng(4).standard_normal((2, 3, 7, 6)), cfg)


@pytest.mark.parametrize("size", [1, (3, 4), (2, None), 5, (7, 6)], ids=str)
def test_adaptive_avg_pool2d_values_and_gradients_equal_pytorch(size):
    x = np.random.default_rng(5).standard_normal((2, 3, 7, 6))
    _assert_matches_torch(F.adaptive_avg_pool2d, TF.adaptive_avg_pool2d, x, dict(output_size=size))


def test_adaptive_avg_pool2d_to_one_is_the_mean_over_the_image():
    x = np.random.default_rng(6).standard_normal((2, 3, 5, 4))
    np.testing.assert_allclose(F.adaptive_avg_pool2d(ag.tensor(x), 1).numpy(), x.mean(axis=(2, 3), keepdims=True))


@pytest.mark.parametrize("fn", [F.max_pool2d, F.avg_pool2d], ids=["max", "avg"])
def test_unbatched_pooling_gives_the_batched_result_without_the_batch_axis(fn):
    x = ag.tensor(np.random.default_rng(7).standard_normal((3, 6, 6)))
    np.testing.assert_array_equal(fn(x, 2).numpy(), fn(x.reshape(1, 3, 6, 6), 2).numpy()[0])


@pytest.mark.parametrize("size, k, s, p", [(28, 2, 2, 0), (7, 3, 2, 1), (5, 2, 1, 1), (9, 3, 3, 0)])
def test_pool_output_size_follows_the_floor_formula(size, k, s, p):
    expected = (size + 2 * p - k) // s + 1
    assert F.max_pool2d(ag.zeros(1, 1, size, size), k, s, p).shape == (1, 1, expected, expected)
    assert F.avg_pool2d(ag.zeros(1, 1, size, size), k, s, p).shape == (1, 1, expected, expected)


def test_pooling_float32_stays_float32():
    x = ag.zeros(1, 1, 4, 4, dtype=ag.float32)
    assert F.max_pool2d(x, 2).dtype == np.float32 and F.avg_pool2d(x, 2).dtype == np.float32


def test_max_pool_input_smaller_than_the_kernel_raises_naming_op_and_shape():
    with pytest.raises(ValueError, match=r"max_pool2d: input of shape \(1, 1, 1, 4\) is too small for kernel \(2, 2\)"):
        F.max_pool2d(ag.zeros(1, 1, 1, 4), 2)


def test_padding_over_half_the_kernel_raises():
    with pytest.raises(ValueError, match="padding .* at most half the kernel size"):
        F.max_pool2d(ag.zeros(1, 1, 6, 6), 2, padding=2)


def test_pooling_a_2d_input_raises():
    with pytest.raises(ValueError, match=r"avg_pool2d: input must be 3-D .* or 4-D .* got shape \(4, 4\)"):
        F.avg_pool2d(ag.zeros(4, 4), 2)


def test_adaptive_pool_to_a_non_positive_size_raises():
    with pytest.raises(ValueError, match="adaptive_avg_pool2d: output_size must be >= 1"):
        F.adaptive_avg_pool2d(ag.zeros(1, 1, 4, 4), 0)
