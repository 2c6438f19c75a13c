"""The start-here engine (autograd/reference.py) and the real one give the same gradients.

Every op of the gradient registry is run once; the textbook walk and ``ag.grad`` then
differentiate the same recorded graph with the same upstream gradient.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import reference
from autograd.ops.arith import Add, Mul
from autograd.testing import to_tensors
from tests.op_registry import SPECS


def _scalar_output(out, rng):
    """One output to differentiate: a tuple of outputs becomes a weighted sum of them."""
    outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,)) if o.requires_grad]
    if len(outs) == 1:
        return outs[0], rng.standard_normal(outs[0].shape).astype(outs[0].dtype)
    total = sum((o * ag.tensor(rng.standard_normal(o.shape))).sum() for o in outs)
    return total, None


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_reference_walk_gives_the_engines_gradients(spec, data):
    args, kwargs = data.draw(spec.cases, label="case")
    inputs = to_tensors(args)
    leaves = [t for t in inputs if isinstance(t, ag.Tensor) and t.requires_grad]
    y, dy = _scalar_output(spec.fn(*inputs, **kwargs), np.random.default_rng(0))
    expected = ag.grad(y, leaves, grad_outputs=None if dy is None else ag.tensor(dy),
                       retain_graph=True, allow_unused=True)
    got = reference.backward(y, dy)
    for i, (leaf, want) in enumerate(zip(leaves, expected)):
        if want is None:
            assert leaf not in got, f"input {i}: the reference found a gradient the engine did not"
        else:
            assert leaf in got, f"input {i}: the reference found no gradient"
            np.testing.assert_allclose(got[leaf], want.numpy(), rtol=1e-10, atol=1e-12,
                                       err_msg=f"input {i} of {spec.name}")


def test_reference_apply_records_parents_in_order_and_the_walk_sums_every_use():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 5.0])
    y = reference.apply(Add, reference.apply(Mul, x, c), x)  # y = c*x + x: dy/dx = c + 1
    mul = y.grad_fn.parents[0]
    assert mul.parents == (x, c) and mul.needs_input_grad == (True, False)
    assert y.grad_fn.parents[1] is x
    g = reference.backward(y, np.ones(2))
    np.testing.assert_array_equal(g[x], [4.0, 6.0])
    assert c not in g


def test_reference_walk_sums_a_broadcast_gradient_back_to_the_input_shape():
    b = ag.tensor([[1.0], [2.0]], requires_grad=True)      # (2, 1), broadcast against (3,)
    y = reference.apply(Add, b, np.ones(3))
    assert reference.backward(y, np.ones((2, 3)))[b].tolist() == [[3.0], [3.0]]
