"""Every registered op: analytic gradients (and second derivatives) match finite differences in float64."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import gradcheck, gradgradcheck
from autograd.testing import fn_kw, to_tensors
from tests.op_registry import SPECS

SECOND_ORDER = [s for s in SPECS if s.second_order]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
@given(data=st.data())
def test_gradient_matches_finite_differences(spec, data):
    args, kwargs = data.draw(spec.cases, label="case")
    gradcheck(fn_kw(spec.fn, kwargs), to_tensors(args), eps=spec.eps, atol=spec.atol, rtol=spec.rtol)


@pytest.mark.parametrize("spec", SECOND_ORDER, ids=lambda s: s.name)
@given(data=st.data())
def test_second_derivative_matches_finite_differences(spec, data):
    args, kwargs = data.draw(spec.cases, label="case")
    gradgradcheck(fn_kw(spec.fn, kwargs), to_tensors(args), eps=spec.eps, atol=spec.atol, rtol=spec.rtol)
