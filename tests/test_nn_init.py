"""nn.init: gains, fans, the distributions' scales, and why He init matters for deep ReLU nets."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
from nn import init


@pytest.mark.parametrize("nonlinearity, param", [("linear", None), ("sigmoid", None), ("tanh", None),
                                                 ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                                                 ("selu", None), ("conv2d", None)])
def test_calculate_gain_matches_pytorch(nonlinearity, param):
    torch = pytest.importorskip("torch")
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param))


def test_calculate_gain_rejects_unknown_names():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swishy'"):
        init.calculate_gain("swishy")


def test_fans_count_the_receptive_field_for_conv_weights():
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(ag.zeros(8, 3, 5, 5))
    assert (fan_in, fan_out) == (3 * 25, 8 * 25)


def test_fans_need_at_least_two_dimensions():
    with pytest.raises(ValueError, match="at least 2 dimensions, got shape \\(5,\\)"):
        init.kaiming_normal_(ag.zeros(5))


def test_kaiming_normal_std_is_gain_over_sqrt_fan():
    ag.manual_seed(0)
    w = init.kaiming_normal_(ag.zeros(300, 500), mode="fan_out", nonlinearity="relu")
    assert w.data.std() == pytest.approx(math.sqrt(2 / 300), rel=0.02)


def test_kaiming_uniform_bound_is_gain_times_sqrt_three_over_fan():
    ag.manual_seed(0)
    w = init.kaiming_uniform_(ag.zeros(300, 500), nonlinearity="relu").data
    bound = math.sqrt(2) * math.sqrt(3 / 500)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound


def test_xavier_uniform_bound_and_xavier_normal_std():
    ag.manual_seed(0)
    u = init.xavier_uniform_(ag.zeros(200, 300), gain=2.0).data
    bound = 2.0 * math.sqrt(6 / 500)
    assert np.abs(u).max() <= bound and np.abs(u).max() > 0.99 * bound
    n = init.xavier_normal_(ag.zeros(200, 300)).data
    assert n.std() == pytest.approx(math.sqrt(2 / 500), rel=0.02)


def test_initialisers_fill_in_place_keep_dtype_and_are_not_recorded():
    p = nn.Parameter(np.zeros((3, 4), dtype=np.float32))
    version = p._version
    out = init.normal_(p, 1.0, 0.1)
    assert out is p and p.dtype == np.float32 and p.is_leaf and p._version > version
    assert init.constant_(p, 2.5).data.tolist() == [[2.5] * 4] * 3
    assert init.zeros_(p).data.sum() == 0 and init.ones_(p).data.sum() == 12


def test_initialisation_is_reproducible_with_manual_seed():
    ag.manual_seed(5)
    a = nn.Linear(4, 4).weight.data.copy()
    ag.manual_seed(5)
    b = nn.Linear(4, 4).weight.data.copy()
    np.testing.assert_array_equal(a, b)


def _activation_second_moments(weight_init, depth=20, width=512, seed=0):
    """Mean square of each ReLU layer's output in a deep MLP (zero biases), over that of its input.

    NOTE: He et al.'s derivation tracks the second moment E[h**2] (the variance about zero),
    which is what a factor-2 scale error compounds on; with fan_in = 512 its layer-to-layer
    fluctuation stays well inside a factor of 2 over 20 layers.
    """
    ag.manual_seed(seed)
    x = ag.randn(256, width)
    moments = []
    with ag.no_grad():
        h = x
        for _ in range(depth):
            layer = nn.Linear(width, width)
            weight_init(layer.weight)
            init.zeros_(layer.bias)
            h = ag.relu(layer(h))
            moments.append(float((h.data ** 2).mean()))
    return np.array(moments) / float((x.data ** 2).mean())


def test_he_init_keeps_activation_variance_within_a_factor_of_two_through_20_relu_layers():
    ratios = _activation_second_moments(lambda w: init.kaiming_normal_(w, nonlinearity="relu"))
    assert np.all((ratios > 0.5) & (ratios < 2.0)), ratios


def test_small_normal_init_makes_activations_collapse_through_20_relu_layers():
    ratios = _activation_second_moments(lambda w: init.normal_(w, 0.0, 0.01))
    # each layer multiplies the second moment by about 0.01**2 * 512 / 2 = 0.0256
    assert ratios[9] < 1e-12
    assert ratios[-1] < 1e-25
