"""Gradients of broadcast inputs are summed back to each input's shape."""
import itertools

import numpy as np
import pytest

import autograd as ag

SHAPE_PAIRS = [((3, 1), (1, 4)), ((), (2, 3)), ((2, 3, 4), (4,)), ((2, 1, 4), (3, 1)), ((1,), ())]
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "pow": (lambda a, b: a ** b, lambda a, b: a ** b),
    "maximum": (ag.maximum, np.maximum),
    "minimum": (ag.minimum, np.minimum),
    "where": (lambda a, b: ag.where((a.data + b.data) > 1.5, a, b),
              lambda a, b: np.where((a + b) > 1.5, a, b)),
}


def numeric_grad(f, arrays, i, eps=1e-6):
    """Central differences of sum(f(...) * w) with respect to arrays[i]."""
    x = arrays[i]
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        hi = f(*arrays)
        x[idx] = old - eps
        lo = f(*arrays)
        x[idx] = old
        g[idx] = (hi - lo) / (2 * eps)
    return g


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_op_gradient_is_reduced_to_each_input_shape(op, shapes):
    fn, ref = BINARY[op]
    rng = np.random.default_rng(hash((op, str(shapes))) % 2**32)
    a = rng.uniform(0.5, 1.5, shapes[0])
    b = rng.uniform(0.2, 1.4, shapes[1])
    out_shape = np.broadcast_shapes(a.shape, b.shape)
    w = rng.standard_normal(out_shape)
    ta = ag.tensor(a, dtype=np.float64, requires_grad=True)
    tb = ag.tensor(b, dtype=np.float64, requires_grad=True)
    (fn(ta, tb) * ag.tensor(w)).sum().backward()
    f = lambda x, y: float(np.sum(ref(x, y) * w))  # noqa: E731
    assert ta.grad.shape == a.shape and tb.grad.shape == b.shape
    assert np.allclose(ta.grad.data, numeric_grad(f, [a.copy(), b.copy()], 0), atol=1e-6)
    assert np.allclose(tb.grad.data, numeric_grad(f, [a.copy(), b.copy()], 1), atol=1e-6)


def test_matmul_batch_broadcast_gradient_is_summed_over_the_batch():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((5, 2, 3))
    b = rng.standard_normal((3, 4))
    ta = ag.tensor(a, requires_grad=True)
    tb = ag.tensor(b, requires_grad=True)
    (ta @ tb).sum().backward()
    assert np.allclose(tb.grad.data, a.sum(axis=(0, 1))[:, None] * np.ones((3, 4)))
    assert np.allclose(ta.grad.data, np.ones((5, 2, 4)) @ b.T)


def test_expand_gradient_sums_over_expanded_axes():
    x = ag.tensor(np.ones((3, 1)), requires_grad=True)
    x.expand(3, 5).sum().backward()
    assert np.allclose(x.grad.data, 5.0)


def test_a_numpy_scalar_gradient_is_broadcast_into_an_owned_writable_array():
    from autograd.xp import NP
    # NOTE: numpy returns scalars from arithmetic on 0-d arrays, so a full reduction's
    # upstream gradient often arrives as np.float32 rather than a 0-d array
    out = NP.broadcast_to(np.float32(2.5), (3, 2))
    assert out.shape == (3, 2) and out.dtype == np.float32
    assert out.flags.writeable and out.flags.owndata
    np.testing.assert_array_equal(out, np.full((3, 2), 2.5, np.float32))


def test_the_mean_of_a_large_tensor_gets_a_read_only_constant_gradient_view():
    from autograd.xp import NP
    out = NP.broadcast_to(np.float64(0.5), (300, 300))
    assert out.shape == (300, 300) and out.strides == (0, 0) and not out.flags.writeable
    assert out[123, 45] == 0.5
