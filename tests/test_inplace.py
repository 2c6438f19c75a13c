"""Augmented assignment and in-place changes: recorded correctly, or refused; never a wrong gradient."""
import numpy as np
import pytest

import autograd as ag


def test_iadd_chain_on_a_non_leaf_is_recorded():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = x * 1
    c += c + 1          # c = 2x + 1
    c += c + 1          # c = 4x + 3
    c.sum().backward()
    assert np.allclose(c.data, 4 * np.array([1.0, 2.0]) + 3)
    assert np.allclose(x.grad.data, [4.0, 4.0])


def test_imul_on_a_non_leaf_is_recorded():
    x = ag.tensor([1.0, 3.0], requires_grad=True)
    c = x + 0
    c *= x               # c = x**2
    c.sum().backward()
    assert np.allclose(x.grad.data, [2.0, 6.0])


def test_iadd_keeps_the_tensor_object_so_aliases_see_the_new_value():
    x = ag.tensor([1.0], requires_grad=True)
    c = x * 2
    alias = c
    c += 1
    assert alias is c and alias.item() == 3.0


def test_in_place_on_a_leaf_that_requires_grad_is_refused_and_changes_nothing():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"leaf tensor that requires grad \(shape \(2,\)\)"):
        w += 1
    assert w.tolist() == [1.0, 2.0] and w.is_leaf


def test_in_place_update_of_a_parameter_under_no_grad_mutates_the_array():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    arr = w.data
    with ag.no_grad():
        w -= 0.5 * ag.tensor([2.0, 2.0])
    assert w.data is arr and w.tolist() == [0.0, 1.0]
    assert w.is_leaf and w.requires_grad


def test_changing_a_saved_leaf_before_backward_is_detected():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    x = ag.tensor([3.0, 4.0], requires_grad=True)
    y = (w * x).sum()
    with ag.no_grad():
        w -= 1.0
    with pytest.raises(RuntimeError, match="Mul.*modified in place"):
        y.backward()


def test_changing_a_saved_constant_input_before_backward_is_detected():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    x = ag.tensor([3.0, 4.0])
    y = (w * x).sum()
    x += 1
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_setitem_on_a_saved_constant_is_detected():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    x = ag.tensor([3.0, 4.0])
    y = (w * x).sum()
    x[0] = 10.0
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_data_augmented_assignment_counts_as_an_in_place_change():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    w.data -= 1.0
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_in_place_change_through_a_view_is_detected():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    v = w.detach()
    v[0] = 5.0
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_change_of_an_op_output_it_reads_in_backward_is_detected():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    e = x.exp()
    with ag.no_grad():
        e.detach().zero_()
    with pytest.raises(RuntimeError, match="Exp.*modified in place"):
        e.sum().backward()


def test_in_place_change_of_an_input_an_op_does_not_read_is_harmless():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    x = ag.tensor([3.0, 4.0])
    y = (w + x).sum()
    x += 1
    y.backward()
    assert np.allclose(w.grad.data, [1.0, 1.0])


def test_setitem_on_a_non_leaf_records_gradients_for_both_sides():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = ag.tensor(10.0, requires_grad=True)
    c = x * 2
    c[1] = v * 3
    (c * ag.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert np.allclose(x.grad.data, [2.0, 0.0, 6.0])
    assert v.grad.item() == pytest.approx(6.0)


def test_in_place_shape_change_is_refused():
    c = ag.zeros(3)
    with pytest.raises(ValueError, match=r"\(3,\)"):
        c += ag.ones(2, 3)
    assert c.shape == (3,)


def test_zero_and_fill_under_no_grad():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        w.fill_(3.0)
        assert w.tolist() == [3.0, 3.0]
        w.zero_()
    assert w.tolist() == [0.0, 0.0]


def test_copy_into_a_constant_tensor_keeps_the_array():
    t = ag.zeros(2)
    arr = t.data
    t.copy_(ag.tensor([1.0, 2.0]))
    assert t.data is arr and t.tolist() == [1.0, 2.0]


def test_updating_a_parameter_whose_view_was_saved_is_detected():
    w = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = ag.tensor([[1.0, 0.0], [0.0, 1.0]], requires_grad=True)
    y = (x @ w.T).sum()          # MatMul saves the transposed view of w's array
    with ag.no_grad():
        w -= 1.0                  # e.g. optimizer.step() before loss.backward()
    with pytest.raises(RuntimeError, match="MatMul.*modified in place"):
        y.backward()


def test_in_place_write_into_a_view_of_a_non_leaf_is_detected():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = (h * h).sum()
    with ag.no_grad():
        h[0:1].detach().fill_(0.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_version_counts_are_shared_by_views_of_the_same_memory():
    w = ag.zeros(2, 3)
    v = w.reshape(6)
    before = w._version
    v[0] = 1.0
    assert w._version == before + 1 and w.data[0, 0] == 1.0


def test_changing_a_summed_input_in_place_is_harmless_because_sum_reads_only_its_shape():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    y = (w * 2).sum() + c.sum()
    c += 1
    y.backward()
    assert np.allclose(w.grad.data, [2.0, 2.0])


def test_a_write_after_an_unrelated_write_is_still_detected():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    other = ag.tensor([0.0])
    y = (w * c).sum()
    other += 1  # a write elsewhere first: the node must still compare c's own version
    c += 1
    with pytest.raises(RuntimeError, match="Mul.*modified in place"):
        y.backward()


def test_an_unrelated_write_alone_does_not_refuse_a_backward():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    other = ag.tensor([0.0])
    y = (w * c).sum()
    other += 1
    y.backward()
    assert np.allclose(w.grad.data, [3.0, 4.0])


def test_add_with_alpha_scales_a_list_operand_instead_of_repeating_it():
    x = ag.zeros(2)
    x.add_([1.0, 2.0], alpha=2)
    np.testing.assert_array_equal(x.data, [2.0, 4.0])


def test_sub_with_alpha_scales_a_tensor_operand_and_records_it():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    h = w * 1.0
    h.sub_(w, alpha=3.0)  # h = w - 3 w = -2 w
    h.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [-2.0, -2.0])
