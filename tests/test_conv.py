"""conv1d / conv2d / conv_transpose1d / conv_transpose2d: values and gradients equal PyTorch's,
output shapes follow PyTorch's formula, and bad input gets a clear error."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")

CONV2D_CONFIGS = [
    dict(),
    dict(stride=2),
    dict(padding=1),
    dict(stride=(2, 3), padding=(2, 1), dilation=(2, 1)),
    dict(groups=2),
    dict(groups=4, stride=2, padding=1, dilation=2),
    dict(padding="same"),
    dict(padding="same", dilation=2),
    dict(padding="valid", stride=3),
]

CONV_T2D_CONFIGS = [
    dict(),
    dict(stride=2),
    dict(stride=2, padding=1, output_padding=1),
    dict(stride=(2, 3), padding=(1, 0), dilation=(1, 2), output_padding=(1, 1), groups=2),
    dict(dilation=3, output_padding=2),
]


def _pair(rng, x_shape, w_shape, bias_len):
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(bias_len)
    ours = [ag.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    return ours, theirs


def _assert_matches_torch(fn, tfn, x_shape, w_shape, out_channels, cfg, seed=0):
    rng = np.random.default_rng(seed)
    ours, theirs = _pair(rng, x_shape, w_shape, out_channels)
    y, ty = fn(*ours, **cfg), tfn(*theirs, **cfg)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    u = rng.standard_normal(y.shape)
    (y * ag.tensor(u)).sum().backward()
    (ty * torch.tensor(u)).sum().backward()
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("cfg", CONV2D_CONFIGS, ids=str)
def test_conv2d_values_and_gradients_equal_pytorch(cfg):
    g = cfg.get("groups", 1)
    _assert_matches_torch(F.conv2d, TF.conv2d, (2, 4, 9, 8), (8, 4 // g, 3, 2), 8, cfg)


@pytest.mark.parametrize("cfg", CONV_T2D_CONFIGS, ids=str)
def test_conv_transpose2d_values_and_gradients_equal_pytorch(cfg):
    g = cfg.get("groups", 1)
    _assert_matches_torch(F.conv_transpose2d, TF.conv_transpose2d, (2, 4, 4, 3), (4, 6 // g, 3, 2), 6, cfg)


@pytest.mark.parametrize("cfg", [dict(), dict(stride=2, padding=1), dict(padding="same", dilation=2, groups=2)],
                         ids=str)
def test_conv1d_values_and_gradients_equal_pytorch(cfg):
    g = cfg.get("groups", 1)
    _assert_matches_torch(F.conv1d, TF.conv1d, (2, 4, 11), (6, 4 // g, 3), 6, cfg)


@pytest.mark.parametrize("cfg", [dict(), dict(stride=3, padding=1, output_padding=2, dilation=2)], ids=str)
def test_conv_transpose1d_values_and_gradients_equal_pytorch(cfg):
    _assert_matches_torch(F.conv_transpose1d, TF.conv_transpose1d, (2, 4, 5), (4, 3, 3), 3, cfg)


def test_conv2d_on_the_cnn_benchmark_shapes_equals_pytorch_in_float32():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((8, 16, 14, 14)).astype(np.float32)
    w = rng.standard_normal((32, 16, 3, 3)).astype(np.float32)
    y = F.conv2d(ag.tensor(x), ag.tensor(w), padding=1)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), TF.conv2d(torch.tensor(x), torch.tensor(w), padding=1).numpy(),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("fn, tfn, w_shape", [
    (F.conv2d, TF.conv2d, (6, 2, 3, 2)),
    (F.conv_transpose2d, TF.conv_transpose2d, (4, 3, 3, 2)),
], ids=["conv2d", "conv_transpose2d"])
def test_second_derivatives_equal_pytorch(fn, tfn, w_shape):
    rng = np.random.default_rng(2)
    cfg = dict(stride=2, padding=1, dilation=(1, 2), groups=2)
    ours, theirs = _pair(rng, (2, 4, 6, 7), w_shape, w_shape[0] if fn is F.conv2d else w_shape[1] * 2)
    (x, w, b), (tx, tw, tb) = ours, theirs
    y, ty = fn(x, w, b, **cfg), tfn(tx, tw, tb, **cfg)
    u = rng.standard_normal(y.shape)
    gx, gw = ag.grad((y * ag.tensor(u)).sum(), [x, w], create_graph=True)
    tgx, tgw = torch.autograd.grad((ty * torch.tensor(u)).sum(), [tx, tw], create_graph=True)
    vx, vw = rng.standard_normal(gx.shape), rng.standard_normal(gw.shape)
    hx, hw = ag.grad((gx * ag.tensor(vx)).sum() + (gw * gw).sum(), [x, w])
    thx, thw = torch.autograd.grad((tgx * torch.tensor(vx)).sum() + (tgw * tgw).sum(), [tx, tw])
    np.testing.assert_allclose(hx.numpy(), thx.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(hw.numpy(), thw.numpy(), rtol=1e-10, atol=1e-10)


def test_conv2d_weight_equals_pytorchs_kernel_gradient():
    rng = np.random.default_rng(3)
    x, gy = rng.standard_normal((2, 4, 7, 6)), rng.standard_normal((2, 6, 4, 2))
    cfg = dict(stride=(2, 3), padding=1, groups=2)
    ours = F.conv2d_weight(ag.tensor(x), (6, 2, 3, 3), ag.tensor(gy), **cfg)
    theirs = torch.nn.grad.conv2d_weight(torch.tensor(x), (6, 2, 3, 3), torch.tensor(gy), **cfg)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("size, k, s, p, d", [(28, 3, 1, 1, 1), (28, 3, 2, 1, 1), (7, 2, 3, 0, 1), (10, 3, 2, 2, 3),
                                              (5, 5, 1, 0, 1), (1, 1, 1, 0, 1)])
def test_conv2d_output_size_follows_the_floor_formula(size, k, s, p, d):
    y = F.conv2d(ag.zeros(1, 1, size, size + 1), ag.zeros(2, 1, k, k), stride=s, padding=p, dilation=d)
    expected = lambda n: (n + 2 * p - d * (k - 1) - 1) // s + 1  # noqa: E731
    assert y.shape == (1, 2, expected(size), expected(size + 1))


@pytest.mark.parametrize("k, d", [(3, 1), (4, 1), (2, 3), (4, 2)])
def test_same_padding_keeps_the_spatial_size_for_odd_and_even_kernels(k, d):
    assert F.conv2d(ag.zeros(1, 1, 7, 6), ag.zeros(1, 1, k, k), padding="same", dilation=d).shape == (1, 1, 7, 6)


@pytest.mark.parametrize("size, k, s, p, op, d", [(4, 3, 2, 1, 1, 1), (3, 2, 3, 0, 2, 1), (5, 3, 1, 0, 0, 2)])
def test_conv_transpose2d_output_size_follows_the_formula(size, k, s, p, op, d):
    y = F.conv_transpose2d(ag.zeros(1, 1, size, size), ag.zeros(1, 3, k, k), stride=s, padding=p,
                           output_padding=op, dilation=d)
    assert y.shape == (1, 3) + ((size - 1) * s - 2 * p + d * (k - 1) + op + 1,) * 2


def test_unbatched_input_gives_the_batched_result_without_the_batch_axis():
    rng = np.random.default_rng(4)
    x, w = ag.tensor(rng.standard_normal((3, 5, 5))), ag.tensor(rng.standard_normal((2, 3, 3, 3)))
    np.testing.assert_array_equal(F.conv2d(x, w, padding=1).numpy(),
                                  F.conv2d(x.reshape(1, 3, 5, 5), w, padding=1).numpy()[0])


def test_conv2d_is_the_adjoint_of_conv_transpose2d():
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 4, 9, 8)), rng.standard_normal((6, 2, 3, 3))
    y = rng.standard_normal(F.conv2d(ag.tensor(x), ag.tensor(w), stride=2, padding=1, groups=2).shape)
    lhs = (F.conv2d(ag.tensor(x), ag.tensor(w), stride=2, padding=1, groups=2).numpy() * y).sum()
    xt = F.conv_transpose2d(ag.tensor(y), ag.tensor(w), stride=2, padding=1, groups=2, output_padding=(0, 1))
    assert xt.shape == x.shape
    assert np.isclose(lhs, (xt.numpy() * x).sum(), rtol=1e-10)


def test_input_gradient_is_not_computed_for_an_input_that_does_not_require_it():
    x, w = ag.ones(1, 1, 4, 4), ag.ones(1, 1, 3, 3, requires_grad=True)
    F.conv2d(x, w).sum().backward()
    assert x.grad is None and w.grad.shape == (1, 1, 3, 3)


def test_input_smaller_than_the_kernel_raises_naming_op_and_shapes():
    with pytest.raises(ValueError, match=r"conv2d: input of shape \(1, 1, 2, 5\) is too small for kernel \(3, 3\)"):
        F.conv2d(ag.zeros(1, 1, 2, 5), ag.zeros(1, 1, 3, 3))


def test_input_smaller_than_the_dilated_kernel_raises():
    with pytest.raises(ValueError, match="too small"):
        F.conv1d(ag.zeros(1, 1, 4), ag.zeros(1, 1, 3), dilation=2)


def test_channel_mismatch_raises_naming_both_shapes():
    with pytest.raises(ValueError, match=r"input of shape \(1, 3, 5, 5\) has 3 channels.*\(4, 2, 3, 3\).*groups=1"):
        F.conv2d(ag.zeros(1, 3, 5, 5), ag.zeros(4, 2, 3, 3))


def test_same_padding_with_a_stride_raises():
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        F.conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(1, 1, 3, 3), stride=2, padding="same")


def test_unknown_padding_string_raises():
    with pytest.raises(ValueError, match="padding must be"):
        F.conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(1, 1, 3, 3), padding="full")


def test_output_padding_not_below_stride_or_dilation_raises():
    with pytest.raises(ValueError, match="output_padding"):
        F.conv_transpose2d(ag.zeros(1, 1, 3, 3), ag.zeros(1, 1, 3, 3), stride=2, output_padding=2)


def test_groups_not_dividing_the_channels_raises():
    with pytest.raises(ValueError, match="divisible by groups=2"):
        F.conv2d(ag.zeros(1, 2, 5, 5), ag.zeros(3, 1, 3, 3), groups=2)


def test_wrong_bias_shape_raises():
    with pytest.raises(ValueError, match=r"bias must have shape \(2,\)"):
        F.conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(2, 1, 3, 3), ag.zeros(3))
