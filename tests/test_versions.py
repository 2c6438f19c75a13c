"""The in-place check (autograd/versions.py) follows what an op saved, with nothing to declare."""
import math

import numpy as np
import pytest

import autograd as ag


class _SavesItsOutput(ag.Function):
    """y = exp(x);  dy/dx = y  (a user op: saves its output, declares nothing else)"""

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


def test_a_user_op_that_saves_its_output_refuses_after_the_output_changed_in_place():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    y = _SavesItsOutput.apply(x)
    with ag.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="_SavesItsOutput.*its output.*modified in place"):
        y.sum().backward()


def test_an_op_that_saved_only_shapes_ignores_an_in_place_change_of_its_input():
    w = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = w.reshape(4).sum()  # Reshape and Sum save shapes and axes, never values
    w.data += 1.0
    y.backward()
    assert w.grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_a_change_through_a_detached_view_is_counted_on_the_memory_owner():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    before = w._version
    with ag.no_grad():
        w.detach()[0] = 3.0
    assert w._version == before + 1


def test_second_derivative_through_a_0d_op_that_saves_its_output():
    # NOTE: numpy returns a scalar from exp of a 0-d array; the saved output must still be
    # recognised as the node's output, or create_graph treats it as a constant
    x = ag.tensor(0.5, dtype="float64", requires_grad=True)
    (dx,) = ag.grad(x.exp(), x, create_graph=True)
    (ddx,) = ag.grad(dx, x)
    assert math.isclose(ddx.item(), math.exp(0.5), rel_tol=1e-12)
