"""autograd.testing: the strategies draw what they promise, and check_op catches wrong ops."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd.check.report import GradcheckError
from autograd.testing import (LAYOUTS, arrays, broadcastable_shapes, check_op, index_expressions,
                              shapes, valid_axes, well_conditioned, with_layout)


@given(broadcastable_shapes(num_shapes=3))
def test_broadcastable_shapes_broadcast_together(shps):
    np.broadcast_shapes(*shps)


@given(st.data())
def test_valid_axes_are_accepted_by_numpy(data):
    shape = data.draw(shapes())
    axis = data.draw(valid_axes(len(shape)))
    np.sum(np.zeros(shape), axis=axis)


@given(st.data())
def test_index_expressions_are_valid_numpy_indices(data):
    shape = data.draw(shapes())
    np.zeros(shape)[data.draw(index_expressions(shape))]


@given(well_conditioned((4, 3), avoid=(0.0, 1.0), margin=0.1))
def test_well_conditioned_values_keep_away_from_the_points_to_avoid(x):
    assert np.all(np.abs(x) >= 0.1) and np.all(np.abs(x - 1.0) >= 0.1)


@given(well_conditioned((12,), distinct=True, margin=0.2))
def test_distinct_values_have_no_near_ties(x):
    assert np.diff(np.sort(x)).min() >= 0.05


@pytest.mark.parametrize("layout", LAYOUTS)
def test_with_layout_keeps_values_and_shape(layout):
    a = np.arange(24.0).reshape(2, 3, 4)
    b = with_layout(a, layout)
    np.testing.assert_array_equal(a, b)
    assert b.flags.c_contiguous == (layout == "contiguous")


def test_with_layout_keeps_a_0d_array_0d():
    assert with_layout(np.array(2.0), "contiguous").shape == ()


@given(arrays((3, 2), layouts=("reversed",)))
def test_arrays_in_reversed_layout_have_negative_strides(a):
    assert all(s < 0 for s in a.strides)


def test_check_op_passes_a_correct_op():
    assert check_op(lambda x, y: x * y.exp(), lambda x, y: x * np.exp(y), np.array([0.5, 1.0]), np.array(0.3))


def test_check_op_catches_a_forward_that_differs_from_the_reference():
    with pytest.raises(AssertionError, match="differs from the reference"):
        check_op(ag.sin, np.cos, np.array([0.5, 1.0]))


def test_check_op_catches_a_wrong_gradient():
    class Twice(ag.Function):
        def forward(self, x):
            return 2 * x

        def backward(self, g):
            return g * 3

    with pytest.raises(GradcheckError, match="input 0"):
        check_op(Twice.apply, lambda x: 2 * x, np.array([0.5, 1.0]))


def test_check_op_passes_keyword_arguments_to_both():
    assert check_op(ag.sum, np.sum, np.ones((2, 3)), axis=1, keepdims=True)
