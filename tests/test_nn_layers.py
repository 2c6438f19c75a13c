"""Layers: values and gradients against PyTorch with the same weights, defaults, train/eval
behaviour of Dropout and BatchNorm, and bad-input errors."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

RNG = np.random.default_rng(0)


def randn(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def copy_to_torch(ours, theirs):
    torch = pytest.importorskip("torch")
    with torch.no_grad():
        for name, t in theirs.named_parameters():
            t.copy_(torch.from_numpy(dict(ours.named_parameters())[name].data.copy()))


def run_both(ours, theirs, x):
    """Forward and backward (of sum(out * g)) in both libraries; returns outputs and input grads."""
    torch = pytest.importorskip("torch")
    xa = ag.tensor(x, requires_grad=True)
    ya = ours(xa)
    g = RNG.standard_normal(ya.shape).astype(np.float32)
    (ya * ag.tensor(g)).sum().backward()
    xt = torch.tensor(x, requires_grad=True)
    yt = theirs(xt)
    (yt * torch.from_numpy(g)).sum().backward()
    return ya, yt, xa, xt


def assert_params_grads_match(ours, theirs, atol=1e-5):
    ours_p = dict(ours.named_parameters())
    for name, t in theirs.named_parameters():
        np.testing.assert_allclose(ours_p[name].grad.data, t.grad.numpy(), atol=atol, rtol=1e-4, err_msg=name)


# -- Linear ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3), (3,)])
def test_linear_matches_pytorch_with_copied_weights(shape):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Linear(3, 4), torch.nn.Linear(3, 4)
    copy_to_torch(ours, theirs)
    ya, yt, xa, xt = run_both(ours, theirs, randn(*shape))
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), atol=1e-6)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), atol=1e-5)
    assert_params_grads_match(ours, theirs)


def test_linear_records_a_single_node():
    y = nn.Linear(3, 2)(ag.randn(4, 3))
    assert [type(n).__name__ for n in [y.grad_fn]] == ["LinearFn"]
    assert len(ag.tape(y)) == 1


def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in():
    ag.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = lin.weight.data, lin.bias.data
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # a uniform on [-a, a] has variance a**2 / 3
    assert abs(w.var() - bound ** 2 / 3) / (bound ** 2 / 3) < 0.02
    assert w.dtype == np.float32


def test_linear_wrong_feature_size_names_the_layer_and_both_sizes():
    lin = nn.Linear(4, 3)
    with pytest.raises(ValueError, match=r"Linear\(in_features=4, out_features=3\): input of shape \(2, 5\) "
                                         r"has 5 features in its last axis, expected 4"):
        lin(ag.zeros(2, 5))


def test_functional_linear_checks_bias_shape():
    with pytest.raises(ValueError, match=r"bias of shape \(3,\) does not match weight of shape \(2, 4\)"):
        F.linear(ag.zeros(1, 4), ag.zeros(2, 4), ag.zeros(3))


def test_flatten_and_identity():
    x = ag.randn(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Identity(54, unused=1)(x) is x


# -- activations -------------------------------------------------------------------------------------

ACTIVATIONS = [
    (lambda: nn.ReLU(), "ReLU()"), (lambda: nn.LeakyReLU(0.2), "LeakyReLU(0.2)"),
    (lambda: nn.Sigmoid(), "Sigmoid()"), (lambda: nn.Tanh(), "Tanh()"), (lambda: nn.GELU(), "GELU()"),
    (lambda: nn.GELU("tanh"), "GELU(approximate='tanh')"), (lambda: nn.SiLU(), "SiLU()"),
    (lambda: nn.Softplus(2.0, 5.0), "Softplus(2.0, 5.0)"), (lambda: nn.Softmax(dim=1), "Softmax(dim=1)"),
    (lambda: nn.LogSoftmax(dim=1), "LogSoftmax(dim=1)"),
]


@pytest.mark.parametrize("make, torch_expr", ACTIVATIONS, ids=[t for _, t in ACTIVATIONS])
def test_activation_matches_pytorch(make, torch_expr):
    torch = pytest.importorskip("torch")
    theirs = eval("torch.nn." + torch_expr, {"torch": torch})
    ya, yt, xa, xt = run_both(make(), theirs, randn(4, 5) * 3)
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), atol=1e-6)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), atol=1e-5)


@pytest.mark.parametrize("num_parameters", [1, 3])
def test_prelu_matches_pytorch_and_learns_its_slope(num_parameters):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.PReLU(num_parameters), torch.nn.PReLU(num_parameters)
    ya, yt, xa, xt = run_both(ours, theirs, randn(4, 3, 2))
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), atol=1e-6)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), atol=1e-5)
    assert_params_grads_match(ours, theirs)


def test_prelu_with_wrong_channel_count_is_an_error():
    with pytest.raises(ValueError, match="weight has 3 slopes but the input of shape \\(2, 4\\) has 4 channels"):
        nn.PReLU(3)(ag.zeros(2, 4))


# -- Dropout -----------------------------------------------------------------------------------------

def test_dropout_zeroes_about_p_and_scales_survivors_in_training():
    ag.manual_seed(0)
    y = nn.Dropout(0.3)(ag.ones(100_000)).data
    assert abs((y == 0).mean() - 0.3) < 0.01
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-6)


def test_dropout_is_the_identity_in_eval_mode():
    d = nn.Dropout(0.5).eval()
    x = ag.randn(10)
    assert d(x) is x


def test_dropout_mask_is_reproducible_with_manual_seed():
    d = nn.Dropout(0.5)
    ag.manual_seed(7)
    a = d(ag.ones(50)).data
    ag.manual_seed(7)
    b = d(ag.ones(50)).data
    np.testing.assert_array_equal(a, b)


def test_dropout_gradient_uses_the_same_mask_as_the_forward():
    ag.manual_seed(3)
    x = ag.ones(20, requires_grad=True)
    y = nn.Dropout(0.5)(x)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_probabilities_outside_zero_one(p):
    with pytest.raises(ValueError, match="Dropout: p must be a probability"):
        nn.Dropout(p)


# -- BatchNorm and LayerNorm ---------------------------------------------------------------------------

@pytest.mark.parametrize("cls, shape", [("BatchNorm1d", (8, 3)), ("BatchNorm1d", (6, 3, 5)),
                                        ("BatchNorm2d", (4, 3, 5, 5))])
def test_batchnorm_matches_pytorch_in_training_and_then_in_eval(cls, shape):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, cls)(3), getattr(torch.nn, cls)(3)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor([0.5, 1.0, 2.0]))
        theirs.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
    with ag.no_grad():
        ours.weight.copy_(theirs.weight.detach().numpy())
        ours.bias.copy_(theirs.bias.detach().numpy())
    for step in range(3):  # running statistics accumulate over several batches
        x = randn(*shape) * 2 + step
        ya, yt, xa, xt = run_both(ours, theirs, x)
        np.testing.assert_allclose(ya.data, yt.detach().numpy(), atol=1e-5)
        np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), atol=1e-4)
        assert_params_grads_match(ours, theirs, atol=1e-4)
        ours.zero_grad(), theirs.zero_grad()
    np.testing.assert_allclose(ours.running_mean.data, theirs.running_mean.numpy(), atol=1e-6)
    np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), rtol=1e-5)
    assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item() == 3
    ours.eval(), theirs.eval()
    ya, yt, xa, xt = run_both(ours, theirs, randn(*shape))
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), atol=1e-5)
    assert_params_grads_match(ours, theirs, atol=1e-4)


def test_batchnorm_eval_uses_running_stats_and_does_not_update_them():
    bn = nn.BatchNorm1d(2)
    with ag.no_grad():
        bn.running_mean.copy_(np.array([1.0, -1.0]))
        bn.running_var.copy_(np.array([4.0, 0.25]))
    bn.eval()
    y = bn(ag.tensor([[3.0, 0.0]]))
    np.testing.assert_allclose(y.data, [[2 / math.sqrt(4 + 1e-5), 1 / math.sqrt(0.25 + 1e-5)]], rtol=1e-6)
    np.testing.assert_array_equal(bn.running_mean.data, [1.0, -1.0])
    assert bn.num_batches_tracked.item() == 0


def test_batchnorm_training_output_does_not_depend_on_running_stats():
    bn = nn.BatchNorm1d(2)
    x = ag.tensor([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(bn(x).data, [[-1, -1], [1, 1]], atol=1e-4)
    # unbiased batch variances are 2 and 8: running_var = 0.9 * 1 + 0.1 * var
    np.testing.assert_allclose(bn.running_var.data, [1.1, 1.7], rtol=1e-6)
    np.testing.assert_allclose(bn.running_mean.data, [0.2, 0.4], rtol=1e-6)


def test_batchnorm_momentum_none_keeps_a_cumulative_average():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.BatchNorm1d(2, momentum=None), torch.nn.BatchNorm1d(2, momentum=None)
    for _ in range(4):
        x = randn(5, 2)
        ours(ag.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(ours.running_mean.data, theirs.running_mean.numpy(), atol=1e-6)
    np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), atol=1e-6)


def test_batchnorm_in_training_needs_more_than_one_value_per_channel():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(ag.zeros(1, 3))


def test_batchnorm_rejects_the_wrong_channel_count_and_rank():
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\): expected input of shape \(N, C\) or \(N, C, L\) "
                                         r"with C=3, got shape \(4, 5\)"):
        nn.BatchNorm1d(3)(ag.zeros(4, 5))
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\).*got shape \(4, 3\)"):
        nn.BatchNorm2d(3)(ag.zeros(4, 3))


def test_functional_batch_norm_takes_any_n_c_star_input():
    x = ag.tensor(randn(3, 2, 2, 2, 2))
    y = F.batch_norm(x, None, None, training=True)
    axes = (0, 2, 3, 4)
    expected = (x.data - x.data.mean(axes, keepdims=True)) / np.sqrt(x.data.var(axes, keepdims=True) + 1e-5)
    np.testing.assert_allclose(y.data, expected, atol=1e-5)


@pytest.mark.parametrize("normalized_shape", [5, (4, 5)])
def test_layernorm_matches_pytorch(normalized_shape):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.LayerNorm(normalized_shape), torch.nn.LayerNorm(normalized_shape)
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
        theirs.bias.uniform_(-0.5, 0.5)
    with ag.no_grad():
        ours.weight.copy_(theirs.weight.detach().numpy())
        ours.bias.copy_(theirs.bias.detach().numpy())
    ya, yt, xa, xt = run_both(ours, theirs, randn(3, 4, 5) * 3 + 1)
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), atol=1e-4)
    assert_params_grads_match(ours, theirs, atol=1e-4)


def test_layernorm_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match=r"normalized_shape \(4,\) must match the last axes"):
        nn.LayerNorm(4)(ag.zeros(2, 5))


def test_normalize_second_derivative_matches_pytorch():
    torch = pytest.importorskip("torch")
    x = randn(4, 3).astype(np.float64)
    xa = ag.tensor(x, requires_grad=True)
    (g,) = ag.grad((F.layer_norm(xa, 3) ** 3).sum(), xa, create_graph=True)
    (gg,) = ag.grad((g * g).sum(), xa)
    xt = torch.tensor(x, requires_grad=True)
    (gt,) = torch.autograd.grad((torch.nn.functional.layer_norm(xt, (3,)) ** 3).sum(), xt, create_graph=True)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), xt)
    np.testing.assert_allclose(gg.data, ggt.numpy(), rtol=1e-8, atol=1e-10)


# -- MLP ------------------------------------------------------------------------------------------------

def test_mlp_builds_linear_layers_with_activations_between_but_not_after():
    net = nn.MLP([4, 8, 8, 2], activation=nn.Tanh)
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert [(m.in_features, m.out_features) for m in net if isinstance(m, nn.Linear)] == [(4, 8), (8, 8), (8, 2)]


def test_mlp_with_batchnorm_and_dropout_orders_them_norm_activation_dropout():
    net = nn.MLP([4, 8, 2], dropout=0.5, batchnorm=True)
    assert [type(m).__name__ for m in net] == ["Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear"]


def test_mlp_copies_an_activation_instance_for_each_layer():
    net = nn.MLP([2, 3, 3, 1], activation=nn.PReLU())
    assert net[1] is not net[3]
    assert net.num_parameters() == (2 * 3 + 3) + (3 * 3 + 3) + (3 + 1) + 2


def test_mlp_needs_two_sizes():
    with pytest.raises(ValueError, match="at least an input and an output size"):
        nn.MLP([3])


def test_batchnorm_bad_input_leaves_running_stats_untouched():
    bn = nn.BatchNorm1d(3)
    for bad in (ag.ones(1, 3), ag.ones(4, 2)):
        with pytest.raises(ValueError):
            bn(bad)
    np.testing.assert_array_equal(bn.running_mean.data, np.zeros(3))
    np.testing.assert_array_equal(bn.running_var.data, np.ones(3))
    assert bn.num_batches_tracked.item() == 0
