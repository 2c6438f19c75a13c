"""autograd.workspace: a recycled buffer is one nothing else references; the pool stays bounded.

The graph-level cases run convolutions and pooling with every temporary forced
through the pool (``MIN_BYTES = 0``) and check that gradients equal those of a
fresh computation however graphs, outputs and views are held."""
import gc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn.functional as F
import optim
from autograd import gradcheck, gradgradcheck, workspace
from autograd.testing import fn_kw, to_tensors
from tests.op_registry import SPECS

#: the registry's entries whose temporaries come from the pool
POOLED = [s for s in SPECS if s.name in ("conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d",
                                         "conv2d_weight", "max_pool2d", "avg_pool2d", "relu")]


@pytest.fixture
def pool(monkeypatch):
    """An empty pool that takes every request (even tiny ones), restored afterwards."""
    workspace.clear()
    monkeypatch.setattr(workspace, "MIN_BYTES", 0)
    old = workspace.set_limit(256 * 2 ** 20)
    yield workspace
    workspace.set_limit(old)
    workspace.clear()


def _memory(a):
    return a.__array_interface__["data"][0]


# -- the pool itself ---------------------------------------------------------------------------

def test_empty_gives_a_c_contiguous_array_of_the_shape_and_dtype(pool):
    a = pool.empty((3, 4, 5), np.float64)
    assert (a.shape, a.dtype, a.flags.c_contiguous, a.flags.writeable) == ((3, 4, 5), np.float64, True, True)


def test_a_released_buffer_is_handed_out_again(pool):
    a = pool.empty((100,), np.float32)
    where = _memory(a)
    del a
    assert _memory(pool.empty((100,), np.float32)) == where


def test_a_buffer_of_the_same_size_serves_another_shape(pool):
    a = pool.empty((10, 10), np.float32)
    where = _memory(a)
    del a
    b = pool.empty((4, 25), np.float32)
    assert b.shape == (4, 25) and _memory(b) == where


def test_a_buffer_still_held_is_never_handed_out(pool):
    a = pool.empty((100,), np.float32)
    a[:] = 7
    b = pool.empty((100,), np.float32)
    b[:] = 1
    assert not np.shares_memory(a, b) and (a == 7).all()


def test_a_live_view_keeps_its_buffer_out_of_reuse(pool):
    a = pool.empty((10, 10), np.float32)
    view = a[2:5].T
    del a
    b = pool.empty((10, 10), np.float32)
    assert not np.shares_memory(view, b)


def test_a_strided_window_view_keeps_its_buffer_out_of_reuse(pool):
    a = pool.empty((12,), np.float32)
    window = np.lib.stride_tricks.sliding_window_view(a, 3)
    del a
    assert not np.shares_memory(window, pool.empty((12,), np.float32))


def test_a_different_dtype_is_a_different_buffer(pool):
    a = pool.empty((64,), np.float32)
    where = _memory(a)
    del a
    b = pool.empty((64,), np.int32)
    assert b.dtype == np.int32 and _memory(b) != where


def test_zeros_clears_a_recycled_buffer(pool):
    a = pool.empty((50,), np.float32)
    a[:] = 3
    del a
    assert not pool.zeros((50,), np.float32).any()


def test_small_requests_bypass_the_pool(monkeypatch):
    workspace.clear()
    monkeypatch.setattr(workspace, "MIN_BYTES", 1024)
    workspace.empty((10,), np.float32)
    assert workspace.stats()["buffers"] == 0


def test_at_most_per_size_buffers_of_one_size_are_kept(pool, monkeypatch):
    monkeypatch.setattr(workspace, "PER_SIZE", 3)
    held = [pool.empty((8,), np.float32) for _ in range(5)]
    assert len(held) == 5 and pool.stats()["buffers"] == 3


def test_kept_bytes_stay_under_the_limit_dropping_the_least_recently_used_free_buffers(pool):
    pool.set_limit(4 * 400)
    a = pool.empty((100,), np.float32)
    del a
    b = pool.empty((200,), np.float32)
    c = pool.empty((150,), np.float32)  # does not fit beside a and b: the free a goes
    assert pool.stats()["bytes"] <= 4 * 400
    assert pool.stats()["buffers"] == 2 and b.size + c.size == 350


def test_a_buffer_that_cannot_fit_is_not_kept(pool):
    pool.set_limit(400)
    a = pool.empty((50,), np.float32)
    b = pool.empty((200,), np.float32)
    assert a.size + b.size == 250 and pool.stats()["bytes"] == 200


def test_limit_zero_turns_the_pool_off(pool):
    pool.set_limit(0)
    pool.empty((100,), np.float32)
    assert pool.stats()["buffers"] == 0 and pool.limit() == 0


def test_lowering_the_limit_drops_free_buffers(pool):
    a, b = pool.empty((100,), np.float32), pool.empty((100,), np.float32)
    del a
    pool.set_limit(400)
    assert pool.stats()["buffers"] == 1 and pool.stats()["in_use"] == 1
    del b


def test_a_negative_limit_raises():
    with pytest.raises(ValueError, match="set_limit"):
        workspace.set_limit(-1)


# -- the ops, every temporary pooled -----------------------------------------------------------
# NOTE: the registry's images are tiny, below MIN_BYTES; these rerun its finite-difference
# checks with MIN_BYTES = 0, where each of gradcheck's many forwards recycles the last one's buffers

@pytest.mark.parametrize("spec", POOLED, ids=lambda s: s.name)
@given(data=st.data())
def test_gradients_through_pooled_buffers_match_finite_differences(spec, data):
    with pytest.MonkeyPatch.context() as m:
        m.setattr(workspace, "MIN_BYTES", 0)
        args, kwargs = data.draw(spec.cases, label="case")
        gradcheck(fn_kw(spec.fn, kwargs), to_tensors(args), eps=spec.eps, atol=spec.atol, rtol=spec.rtol)


@pytest.mark.parametrize("spec", [s for s in POOLED if s.second_order], ids=lambda s: s.name)
@given(data=st.data())
def test_second_derivatives_through_pooled_buffers_match_finite_differences(spec, data):
    with pytest.MonkeyPatch.context() as m:
        m.setattr(workspace, "MIN_BYTES", 0)
        args, kwargs = data.draw(spec.cases, label="case")
        gradgradcheck(fn_kw(spec.fn, kwargs), to_tensors(args), eps=spec.eps, atol=spec.atol, rtol=spec.rtol)


# -- graphs with recycled buffers --------------------------------------------------------------

def _cnn_params(seed=0):
    rng = np.random.default_rng(seed)
    return [ag.tensor(rng.standard_normal(s).astype(np.float32) * 0.3, requires_grad=True)
            for s in ((4, 2, 3, 3), (4,), (6, 4, 3, 3), (6,))]


def _cnn(x, params):
    w1, b1, w2, b2 = params
    h = F.max_pool2d(F.relu(F.conv2d(x, w1, b1, padding=1)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, w2, b2, padding=1, stride=1)), 2, stride=1)
    return F.conv_transpose2d(h, w2, None, stride=2)


def _batch(seed):
    return ag.tensor(np.random.default_rng(seed).standard_normal((3, 2, 8, 8)).astype(np.float32))


def _fresh_grads(seed, params, monkeypatch):
    """Gradients with the pool off: every temporary a new array."""
    with monkeypatch.context() as m:
        m.setattr(workspace, "_state", dict(workspace._state, limit=0))
        for p in params:
            p.grad = None
        (_cnn(_batch(seed), params) ** 2).sum().backward()
        return [p.grad.numpy().copy() for p in params]


def _grads(params):
    out = [p.grad.numpy().copy() for p in params]
    for p in params:
        p.grad = None
    return out


def _assert_same(got, want):
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_two_live_graphs_backwarded_afterwards_give_the_fresh_gradients(pool, monkeypatch):
    params = _cnn_params()
    want0, want1 = _fresh_grads(0, params, monkeypatch), _fresh_grads(1, params, monkeypatch)
    for p in params:
        p.grad = None
    loss0 = (_cnn(_batch(0), params) ** 2).sum()
    loss1 = (_cnn(_batch(1), params) ** 2).sum()
    loss1.backward()
    got1 = _grads(params)
    (_cnn(_batch(2), params) ** 2).sum()  # a third pass runs between the two backwards
    loss0.backward()
    _assert_same(_grads(params), want0)
    _assert_same(got1, want1)


def test_backward_twice_with_retain_graph_gives_twice_the_fresh_gradients(pool, monkeypatch):
    params = _cnn_params()
    want = _fresh_grads(0, params, monkeypatch)
    for p in params:
        p.grad = None
    loss = (_cnn(_batch(0), params) ** 2).sum()
    loss.backward(retain_graph=True)
    first = _grads(params)
    (_cnn(_batch(1), params) ** 2).sum().backward()  # recycles whatever the pool can
    _grads(params)
    loss.backward()
    _assert_same(first, want)
    _assert_same(_grads(params), want)


def test_an_output_held_by_the_user_survives_later_convolutions(pool):
    w = ag.tensor(np.random.default_rng(0).standard_normal((4, 2, 3, 3)).astype(np.float32))
    y = F.conv2d(_batch(0), w, padding=1)
    kept = y.numpy().copy()
    for seed in (1, 2, 3):
        F.conv2d(_batch(seed), w, padding=1)
        F.max_pool2d(F.conv2d(_batch(seed), w, padding=1), 2)
    np.testing.assert_array_equal(y.numpy(), kept)


def test_a_view_of_an_output_survives_later_convolutions(pool):
    w = ag.tensor(np.random.default_rng(0).standard_normal((4, 2, 3, 3)).astype(np.float32))
    part = F.conv2d(_batch(0), w, padding=1).numpy()[1:, ::2]
    kept = part.copy()
    for seed in (1, 2):
        F.conv2d(_batch(seed), w, padding=1)
    np.testing.assert_array_equal(part, kept)


def test_a_max_pool_output_held_by_the_user_survives_later_pooling(pool):
    p = F.max_pool2d(_batch(0), 2)
    kept = p.numpy().copy()
    for seed in (1, 2):
        F.max_pool2d(_batch(seed), 2)
    np.testing.assert_array_equal(p.numpy(), kept)


def test_second_derivatives_through_recycled_buffers_equal_the_fresh_ones(pool, monkeypatch):
    x = ag.tensor(np.random.default_rng(3).standard_normal((2, 2, 6, 6)), requires_grad=True)
    w = ag.tensor(np.random.default_rng(4).standard_normal((3, 2, 3, 3)), requires_grad=True)

    def hvp():
        y = F.max_pool2d(F.conv2d(x, w, padding=1), 2)
        gx, = ag.grad((y ** 2).sum(), x, create_graph=True)
        (F.conv2d(gx, w) ** 2).sum().backward()
        out = (x.grad.numpy().copy(), w.grad.numpy().copy())
        x.grad = w.grad = None
        return out

    with monkeypatch.context() as m:
        m.setattr(workspace, "_state", dict(workspace._state, limit=0))
        want = hvp()
    hvp()
    _assert_same(hvp(), want)


def test_the_pool_stops_growing_over_training_steps(pool):
    params = _cnn_params()
    opt = optim.SGD(params, lr=0.01)
    sizes = []
    for step in range(8):
        opt.zero_grad()
        (_cnn(_batch(step % 2), params) ** 2).mean().backward()
        opt.step()
        gc.collect()
        sizes.append(pool.stats()["bytes"])
    assert sizes[-1] == sizes[2] and pool.stats()["in_use"] == 0
    assert pool.stats()["hits"] > pool.stats()["misses"]


def test_large_relu_outputs_held_by_the_user_are_never_overwritten(pool):
    x = ag.tensor(np.linspace(-1, 1, 256 * 256).reshape(256, 256))
    a = x.relu()
    kept = a.data.copy()
    b = (x * -1).relu()
    assert not np.shares_memory(a.data, b.data) and np.array_equal(a.data, kept)


def test_large_relu_gradients_of_two_live_graphs_match_the_mask(pool):
    data = np.linspace(-1, 1, 256 * 256).reshape(256, 256)
    x = ag.tensor(data, requires_grad=True)
    y1, y2 = (x.relu() * 2).sum(), (x.relu() * 3).sum()
    y1.backward()
    y2.backward()
    assert np.array_equal(x.grad.data, 5.0 * (data > 0))
