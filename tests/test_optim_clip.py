"""Gradient clipping: clip_grad_norm_ and clip_grad_value_."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

import autograd as ag
from optim import clip_grad_norm_, clip_grad_value_


def with_grads(*grads):
    params = []
    for g in grads:
        p = ag.tensor(np.zeros_like(np.asarray(g, dtype=np.float64)), requires_grad=True)
        p.grad = ag.tensor(np.asarray(g, dtype=np.float64))
        params.append(p)
    return params


def test_clip_grad_norm_returns_the_total_norm_of_all_gradients_together():
    params = with_grads([3.0, 0.0], [[4.0]])
    assert clip_grad_norm_(params, max_norm=100.0).item() == pytest.approx(5.0)


def test_clip_grad_norm_scales_every_gradient_to_the_max_norm():
    params = with_grads([3.0, 0.0], [[4.0]])
    clip_grad_norm_(params, max_norm=1.0)
    np.testing.assert_allclose(params[0].grad.data, [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(params[1].grad.data, [[0.8]], rtol=1e-5)


def test_clip_grad_norm_leaves_gradients_below_the_max_norm_alone():
    params = with_grads([0.3, 0.4])
    clip_grad_norm_(params, max_norm=1.0)
    np.testing.assert_array_equal(params[0].grad.data, [0.3, 0.4])


def test_clip_grad_norm_changes_the_gradient_arrays_in_place():
    params = with_grads([30.0, 40.0])
    array = params[0].grad.data
    clip_grad_norm_(params, max_norm=1.0)
    assert params[0].grad.data is array


@pytest.mark.parametrize("norm_type,expected", [(1.0, 8.0), (float("inf"), 4.0), (3.0, (27 + 64 + 1) ** (1 / 3))])
def test_clip_grad_norm_supports_other_norm_types(norm_type, expected):
    params = with_grads([3.0, -4.0], [1.0])
    assert clip_grad_norm_(params, 100.0, norm_type=norm_type).item() == pytest.approx(expected)


def test_clip_grad_norm_skips_parameters_without_gradients_and_accepts_one_tensor():
    p = with_grads([6.0, 8.0])[0]
    q = ag.tensor([1.0], requires_grad=True)
    assert clip_grad_norm_([p, q], 5.0).item() == pytest.approx(10.0)
    assert q.grad is None
    assert clip_grad_norm_(p, 5.0).item() == pytest.approx(5.0, rel=1e-5)


def test_clip_grad_norm_of_no_gradients_is_zero():
    assert clip_grad_norm_([ag.tensor([1.0], requires_grad=True)], 1.0).item() == 0.0


def test_clip_grad_norm_can_refuse_a_non_finite_norm():
    params = with_grads([math.inf, 1.0])
    with pytest.raises(RuntimeError, match="clip_grad_norm_: the total norm"):
        clip_grad_norm_(params, 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("kwargs,message", [(dict(max_norm=-1.0), "max_norm must be a number >= 0"),
                                            (dict(max_norm=1.0, norm_type=0), "norm_type must be > 0")])
def test_clip_grad_norm_refuses_bad_arguments_and_changes_nothing(kwargs, message):
    params = with_grads([30.0, 40.0])
    with pytest.raises(ValueError, match=message):
        clip_grad_norm_(params, **kwargs)
    np.testing.assert_array_equal(params[0].grad.data, [30.0, 40.0])


def test_clip_grad_norm_refuses_a_non_tensor():
    with pytest.raises(TypeError, match="item 1 is a list"):
        clip_grad_norm_([with_grads([1.0])[0], [1.0]], 1.0)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_matches_pytorch(norm_type):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(4, 3)), rng.normal(size=(5,))]
    ours = with_grads(*grads)
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(theirs, grads):
        t.grad = torch.tensor(g)
    n1 = clip_grad_norm_(ours, 0.5, norm_type=norm_type).item()
    n2 = torch.nn.utils.clip_grad_norm_(theirs, 0.5, norm_type=norm_type).item()
    assert n1 == pytest.approx(n2, rel=1e-12)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-12)


def test_clip_grad_value_clamps_each_entry():
    params = with_grads([3.0, -0.5, -7.0])
    assert clip_grad_value_(params, 1.0) is None
    np.testing.assert_array_equal(params[0].grad.data, [1.0, -0.5, -1.0])


def test_clip_grad_value_refuses_a_negative_value():
    with pytest.raises(ValueError, match="clip_grad_value_: clip_value must be a number >= 0, got -1"):
        clip_grad_value_(with_grads([1.0]), -1)


def test_clipping_a_gradient_that_is_part_of_a_graph_leaves_the_graph_alone():
    x = ag.tensor([3.0], requires_grad=True)
    (g,) = ag.grad((x ** 3).sum(), x, create_graph=True)   # 3x^2 = 27, recorded
    x.grad = None
    p = ag.tensor([0.0], requires_grad=True)
    p._grad = g
    clip_grad_value_([p], 1.0)
    np.testing.assert_array_equal(p.grad.data, [1.0])
    np.testing.assert_array_equal(g.data, [27.0])


@settings(max_examples=60, deadline=None)
@given(st.lists(arrays(np.float64, st.integers(0, 5), elements=st.floats(-1e3, 1e3)), min_size=1, max_size=4),
       st.floats(1e-3, 1e3))
def test_clip_grad_norm_leaves_a_total_norm_of_at_most_max_norm_and_keeps_smaller_ones(grads, max_norm):
    params = with_grads(*grads)
    before = clip_grad_norm_(params, max_norm).item()
    after = math.sqrt(sum(float(np.sum(p.grad.data ** 2)) for p in params))
    assert before == pytest.approx(math.sqrt(sum(float(np.sum(g ** 2)) for g in grads)), rel=1e-9, abs=1e-12)
    assert after <= max_norm * (1 + 1e-9)
    # NOTE: like PyTorch, the scale is max_norm / (norm + 1e-6), so a norm within 1e-6 of
    # max_norm is still scaled (by a hair); only norms clearly below it are left alone
    if before <= max_norm - 1e-6:
        assert all(np.array_equal(p.grad.data, g) for p, g in zip(params, grads))
