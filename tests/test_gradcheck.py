"""The public gradient checkers: gradcheck, gradgradcheck, gradcheck_module and their report."""
import numpy as np
import pytest

import autograd as ag
from autograd.check.report import GradcheckError, GradcheckResult


class ScaledWrongExp(ag.Function):
    """exp with a backward that is 10% too large at the last element only ((1, 2) for a 2x3 input)."""

    def forward(self, x):
        self.saved = (x,)
        return np.exp(x)

    def backward(self, g):
        x, = self.saved
        bump = np.zeros(x.shape)
        bump[(-1,) * x.ndim] = 0.1
        return g * self.xp.exp(x) * (1 + bump)


class SquareWithConstantBackward(ag.Function):
    """x**2 whose backward reads a copy of x, so its second derivative is wrongly 0."""

    def forward(self, x):
        self.saved = (x.copy(),)  # NOTE: a derived array, treated as a constant when differentiated again
        return x * x

    def backward(self, g):
        x, = self.saved
        return g * 2 * x


def x23(requires_grad=True):
    return ag.tensor(np.linspace(-1.0, 1.0, 6).reshape(2, 3), requires_grad=requires_grad)


# -- a correct gradient passes --------------------------------------------------------------

def test_correct_gradient_passes_and_the_result_is_truthy():
    result = ag.gradcheck(lambda x: (x.sin() * x).sum(axis=0), [x23()])
    assert isinstance(result, GradcheckResult)
    assert result and result.ok and not result.failures


def test_a_single_tensor_is_accepted_as_inputs():
    assert ag.gradcheck(lambda x: x.exp(), x23())


# -- a wrong gradient is caught and located ---------------------------------------------------

def test_wrong_backward_raises_gradcheck_error_naming_input_and_element():
    with pytest.raises(GradcheckError) as info:
        ag.gradcheck(lambda a, b: ScaledWrongExp.apply(a) + b, [x23(), x23()])
    message = str(info.value)
    assert "input 0" in message and "(1, 2)" in message
    assert info.value.result.index == (1, 2)
    assert info.value.result.input == "input 0"


def test_wrong_backward_with_raise_exception_false_returns_a_falsy_result():
    result = ag.gradcheck(lambda x: ScaledWrongExp.apply(x), [x23()], raise_exception=False)
    assert not result
    assert result.index == (1, 2)
    assert result.analytic == pytest.approx(1.1 * result.numeric, rel=1e-6)


def test_report_counts_only_the_wrong_elements():
    result = ag.gradcheck(lambda x: ScaledWrongExp.apply(x), [x23()], raise_exception=False)
    assert result.inputs[0].bad_elements == 1


def test_error_names_the_second_input_when_only_it_is_wrong():
    result = ag.gradcheck(lambda a, b: a * 2.0 + ScaledWrongExp.apply(b), [x23(), x23()],
                          raise_exception=False)
    assert [r.name for r in result.failures] == ["input 1"]


def test_a_named_tensor_is_reported_by_its_name():
    w = x23()
    w.name = "w"
    result = ag.gradcheck(lambda x: ScaledWrongExp.apply(x), [w], raise_exception=False)
    assert result.input == "input 0 (w)"


def test_max_abs_and_rel_errors_are_reported():
    result = ag.gradcheck(lambda x: ScaledWrongExp.apply(x), [x23()], raise_exception=False)
    assert result.max_rel_error == pytest.approx(0.1, rel=1e-4)
    assert result.max_abs_error > 0


# -- outputs and inputs of every kind ---------------------------------------------------------

def test_tuple_outputs_are_all_checked():
    def fn(x):
        return x.tanh(), ScaledWrongExp.apply(x)
    assert ag.gradcheck(lambda x: (x.tanh(), x.exp()), [x23()])
    assert not ag.gradcheck(fn, [x23()], raise_exception=False)


def test_an_integer_output_next_to_a_float_one_is_accepted():
    assert ag.gradcheck(lambda x: (x.exp(), ag.argmax(x, axis=1)), [x23()])


def test_inputs_not_requiring_grad_are_skipped():
    c = x23(requires_grad=False)
    result = ag.gradcheck(lambda x, k: ScaledWrongExp.apply(k) + x, [x23(), c])
    assert [r.name for r in result.inputs] == ["input 0"]


def test_non_tensor_arguments_are_passed_through():
    assert ag.gradcheck(lambda x, axis: ag.logsumexp(x, axis=axis), [x23(), 1])


def test_integer_tensors_are_passed_without_a_gradient():
    idx = ag.tensor(np.array([2, 0, 2]))
    assert ag.gradcheck(lambda x, i: x[:, i], [x23(), idx])


def test_inputs_are_not_mutated():
    x = ag.tensor(np.array([0.25, -0.5], dtype=np.float32), requires_grad=True)
    before, version = x.numpy().copy(), x._version
    ag.gradcheck(lambda t: (t * t).sum(), [x])
    ag.gradgradcheck(lambda t: (t * t * t).sum(), [x])
    assert x.dtype == np.float32 and x._version == version and x.grad is None
    np.testing.assert_array_equal(x.numpy(), before)


def test_the_check_runs_in_float64_even_for_float32_inputs():
    seen = []
    x = ag.tensor([0.5, 1.5], requires_grad=True)
    ag.gradcheck(lambda t: seen.append(t.dtype) or t.exp(), [x])
    assert set(seen) == {np.dtype(np.float64)}


def test_non_contiguous_inputs_keep_their_layout():
    layouts = []
    base = np.arange(12.0).reshape(3, 4)[::-1, ::2]
    x = ag.from_numpy(base).requires_grad_()
    ag.gradcheck(lambda t: layouts.append(t.data.strides) or t * 2.0, [x])
    assert set(layouts) == {base.strides}


# -- fast mode --------------------------------------------------------------------------------

def test_fast_mode_passes_a_correct_gradient():
    x = ag.tensor(np.random.default_rng(1).standard_normal((30, 20)), requires_grad=True)
    result = ag.gradcheck(lambda t: ag.softmax(t, axis=1), [x], mode="fast")
    assert result and result.mode == "fast"


def test_fast_mode_catches_a_wrong_gradient_and_locates_the_element():
    result = ag.gradcheck(lambda x: ScaledWrongExp.apply(x), [x23()], mode="fast", raise_exception=False)
    assert not result
    assert result.index == (1, 2)


def test_fast_mode_on_a_large_input_reports_a_direction_instead_of_an_element():
    x = ag.tensor(np.full((4, 8), 0.5), requires_grad=True)
    result = ag.gradcheck(lambda t: ScaledWrongExp.apply(t), [x], mode="fast", raise_exception=False,
                          locate_limit=10)
    assert not result and result.index is None


# -- second derivatives -----------------------------------------------------------------------

def test_gradgradcheck_passes_correct_second_derivatives():
    assert ag.gradgradcheck(lambda x, y: (x * y).tanh(), [x23(), x23()])


def test_gradgradcheck_catches_a_wrong_second_derivative():
    assert ag.gradcheck(lambda x: SquareWithConstantBackward.apply(x), [x23()])
    with pytest.raises(GradcheckError, match="gradgradcheck"):
        ag.gradgradcheck(lambda x: SquareWithConstantBackward.apply(x), [x23()])


def test_gradgradcheck_fast_mode_catches_a_wrong_second_derivative():
    result = ag.gradgradcheck(lambda x: SquareWithConstantBackward.apply(x), [x23()], mode="fast",
                              raise_exception=False)
    assert not result and result.mode == "fast"


def test_gradgradcheck_of_a_linear_function_passes():
    assert ag.gradgradcheck(lambda x: x * 3.0 + 1.0, [x23()])


# -- bad input ----------------------------------------------------------------------------------

def test_a_non_tensor_output_is_rejected():
    with pytest.raises(TypeError, match="gradcheck: fn must return a Tensor"):
        ag.gradcheck(lambda x: x.numpy(), [x23()])


def test_a_non_tensor_inside_a_tuple_output_is_rejected():
    with pytest.raises(TypeError, match="output 1"):
        ag.gradcheck(lambda x: (x, 1.0), [x23()])


def test_inputs_without_a_floating_tensor_are_rejected():
    with pytest.raises(TypeError, match="no input is a floating-point Tensor.*int64"):
        ag.gradcheck(lambda i: i * 2, [ag.tensor([1, 2])])


def test_floating_inputs_that_do_not_require_grad_are_rejected():
    with pytest.raises(ValueError, match="requires grad"):
        ag.gradcheck(lambda x: x * 2, [x23(requires_grad=False)])


@pytest.mark.parametrize("eps", [0.0, -1e-6])
def test_non_positive_eps_is_rejected(eps):
    with pytest.raises(ValueError, match=f"eps must be a positive number, got {eps}"):
        ag.gradcheck(lambda x: x, [x23()], eps=eps)


def test_an_unknown_mode_is_rejected():
    with pytest.raises(ValueError, match="mode must be 'exact' or 'fast'"):
        ag.gradgradcheck(lambda x: x, [x23()], mode="quick")


def test_a_nan_output_is_explained_in_the_report():
    x = ag.tensor(np.array([1.0, -1.0]), requires_grad=True)
    with np.errstate(invalid="ignore"):
        result = ag.gradcheck(lambda t: t.sqrt(), [x], raise_exception=False)
    assert not result and "nan/inf" in repr(result)


def test_gradcheck_error_is_exported_from_autograd():
    with pytest.raises(ag.GradcheckError):
        ag.gradcheck(lambda x: ScaledWrongExp.apply(x), [x23()])


# -- the report object --------------------------------------------------------------------------

def test_repr_names_verdict_input_element_and_values():
    result = ag.gradcheck(lambda x: ScaledWrongExp.apply(x), [x23()], raise_exception=False)
    text = repr(result)
    assert text.startswith("gradcheck (exact, atol=1e-05, rtol=0.001): FAILED for input 0")
    assert "element (1, 2)" in text and "analytic" in text and "numeric" in text


def test_html_repr_is_a_table_with_one_row_per_input():
    result = ag.gradcheck(lambda a, b: a * b, [x23(), x23()])
    page = result._repr_html_()
    assert page.count("<tr>") == 3 and "passed" in page


def test_html_repr_escapes_names():
    x = x23()
    x.name = "<w>"
    page = ag.gradcheck(lambda t: t * 2.0, [x])._repr_html_()
    assert "&lt;w&gt;" in page and "<w>" not in page


# -- modules --------------------------------------------------------------------------------------

class TinyAffine:
    """A stand-in module: anything with named_parameters() and __call__."""

    def __init__(self, backward_bug=False):
        rng = np.random.default_rng(0)
        self.weight = ag.tensor(rng.standard_normal((3, 2)).astype(np.float32), requires_grad=True)
        self.bias = ag.tensor(np.zeros(2, dtype=np.float32), requires_grad=True)
        self.backward_bug = backward_bug

    def named_parameters(self):
        yield "weight", self.weight
        yield "bias", self.bias

    def __call__(self, x):
        h = x @ self.weight
        if self.backward_bug:
            h = ScaledWrongExp.apply(h)
        return (h + self.bias).tanh()


def _mse(out, y):
    return ((out - y) ** 2).mean()


def _batch():
    return ag.tensor(np.linspace(-1, 1, 6).reshape(2, 3)), ag.tensor(np.ones((2, 2)) * 0.1)


def test_gradcheck_module_reports_every_parameter_by_name():
    result = ag.gradcheck_module(TinyAffine(), _mse, *_batch())
    assert result and [r.name for r in result.inputs] == ["weight", "bias"]


def test_gradcheck_module_names_the_parameter_with_a_wrong_gradient():
    result = ag.gradcheck_module(TinyAffine(backward_bug=True), _mse, *_batch(), raise_exception=False)
    assert not result and result.input == "weight"


def test_gradcheck_module_restores_parameters():
    model = TinyAffine()
    before = model.weight.numpy().copy()
    ag.gradcheck_module(model, _mse, *_batch(), mode="exact")
    assert model.weight.dtype == np.float32 and model.weight.grad is None
    np.testing.assert_array_equal(model.weight.numpy(), before)


def test_gradcheck_module_without_loss_checks_the_output():
    assert ag.gradcheck_module(TinyAffine(), None, _batch()[0])


def test_a_random_function_is_rejected_as_non_deterministic():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="different results on two calls"):
        ag.gradcheck(lambda x: x * float(rng.uniform()), [x23()])


def test_gradcheck_module_rejects_an_object_without_parameters():
    with pytest.raises(TypeError, match="named_parameters"):
        ag.gradcheck_module(lambda x: x, _mse, *_batch())


def test_gradcheck_module_checks_nn_linear_by_parameter_name():
    import nn
    result = ag.gradcheck_module(nn.Linear(3, 2), _mse, *_batch())
    assert result and [r.name for r in result.inputs] == ["weight", "bias"]
