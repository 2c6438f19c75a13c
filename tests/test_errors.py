"""Bad input: a clear message naming the op and shapes, and nothing changed."""
import numpy as np
import pytest

import autograd as ag


def test_broadcast_mismatch_names_op_and_shapes():
    a, b = ag.ones(2, 3), ag.ones(4)
    for op, fn in [("add", lambda: a + b), ("mul", lambda: a * b), ("sub", lambda: a - b),
                   ("div", lambda: a / b)]:
        with pytest.raises(ValueError, match=rf"{op}: shapes \(2, 3\) and \(4,\)"):
            fn()


def test_matmul_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\)"):
        ag.ones(2, 3) @ ag.ones(4, 5)


def test_matmul_of_a_scalar_is_refused():
    with pytest.raises(ValueError, match="at least one dimension"):
        ag.matmul(ag.tensor(1.0), ag.ones(2))


def test_backward_on_non_scalar_without_gradient():
    x = ag.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\).*gradient="):
        (x * 2).backward()


def test_backward_gradient_of_wrong_shape():
    x = ag.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\) but the output has shape \(2, 3\)"):
        (x * 2).backward(gradient=np.ones(3))
    assert x.grad is None


def test_backward_on_a_tensor_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.ones(2).sum().backward()


def test_second_backward_through_a_freed_graph_names_the_op():
    x = ag.ones(2, requires_grad=True)
    y = x.exp().sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()


def test_reshape_to_incompatible_shape():
    with pytest.raises(RuntimeError, match=r"reshape\(\): cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into shape \(4,\)"):
        ag.ones(2, 3).reshape(4)


def test_axis_out_of_range():
    with pytest.raises(IndexError, match=r"sum\(\): dim 2 is out of range for a 2-D tensor \(valid -2..1\)"):
        ag.ones(2, 3).sum(axis=2)


def test_cat_with_mismatched_shapes():
    with pytest.raises(RuntimeError, match=r"cat\(\): shapes \[\(2, 3\), \(2, 4\)\] differ outside axis 0"):
        ag.cat([ag.ones(2, 3), ag.ones(2, 4)])


def test_stack_with_different_shapes():
    with pytest.raises(RuntimeError, match=r"stack\(\): all tensors must have the same shape"):
        ag.stack([ag.ones(2), ag.ones(3)])


def test_float_index_is_refused():
    with pytest.raises(IndexError, match="float index"):
        ag.ones(3)[1.0]


def test_index_out_of_bounds_names_the_shape():
    with pytest.raises(IndexError, match=r"shape \(3,\)"):
        ag.ones(3)[5]


def test_broadcast_to_impossible_shape():
    with pytest.raises(RuntimeError, match=r"broadcast_to\(\): a tensor of shape \(3,\) cannot be broadcast to \(2, 4\)"):
        ag.ones(3).broadcast_to((2, 4))


def test_einsum_with_wrong_number_of_operands():
    with pytest.raises(ValueError, match="names 2 operands but 1 were given"):
        ag.einsum("ij,jk->ik", ag.ones(2, 2))


def test_max_of_an_empty_tensor():
    with pytest.raises(ValueError, match=r"max: cannot reduce an empty tensor of shape \(0,\)"):
        ag.zeros(0).max()


def test_custom_function_returning_wrong_number_of_gradients():
    class Bad(ag.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return (g,)

    x = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Bad.backward returned 1 gradients for 2 forward arguments"):
        Bad.apply(x, x).sum().backward()


def test_custom_function_returning_gradient_of_impossible_shape():
    class Bad(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return np.ones(5)

    x = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Bad.backward returned a gradient of shape \(5,\) for an input of shape \(2,\)"):
        Bad.apply(x).sum().backward()


def test_setting_grad_of_the_wrong_shape():
    x = ag.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        x.grad = np.ones(3)


def test_requires_grad_cannot_be_changed_on_a_non_leaf():
    y = ag.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


def test_where_with_a_non_boolean_condition():
    with pytest.raises(TypeError, match="where: condition must be boolean"):
        ag.where(ag.ones(2), ag.ones(2), ag.zeros(2))


def test_no_warnings_in_normal_use(recwarn):
    x = ag.randn(4, 3, requires_grad=True)
    w = ag.randn(3, 2, requires_grad=True)
    loss = (x @ w).relu().log_softmax(axis=1).mean()
    loss.backward()
    assert len(recwarn) == 0


def test_numpy_call_in_a_backward_under_create_graph_names_the_op_and_ctx_xp():
    class NumpyTanh(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return np.tanh(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * (1 - np.tanh(x) ** 2)

    x = ag.tensor([0.5], dtype=np.float64, requires_grad=True)
    with pytest.raises(TypeError, match="NumpyTanh.backward called a numpy function.*ctx.xp"):
        ag.grad(NumpyTanh.apply(x).sum(), x, create_graph=True)


def test_detect_anomaly_names_the_forward_op_that_made_a_nan():
    x = ag.tensor([-1.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"Sqrt produced nan in forward \(output shape \(2,\)"):
            x.sqrt()


def test_detect_anomaly_names_the_backward_op_that_made_an_inf():
    x = ag.tensor([0.0, 4.0], requires_grad=True)
    y = x.sqrt().sum()          # finite forward, but d sqrt / dx = inf at 0
    with ag.detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"Sqrt.backward produced inf in the gradient of its input 0"):
            y.backward()


def test_without_detect_anomaly_nan_passes_silently_as_in_numpy():
    x = ag.tensor([-1.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        assert np.isnan(x.sqrt().item())
