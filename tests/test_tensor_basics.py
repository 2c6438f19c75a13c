"""Tensor construction, dtype rules and attributes."""
import numpy as np
import pytest

import autograd as ag


def test_python_floats_become_float32():
    assert ag.tensor([1.0, 2.0]).dtype == np.float32
    assert ag.Tensor(3.5).dtype == np.float32


def test_python_ints_become_int64_like_pytorch():
    assert ag.tensor([1, 2]).dtype == np.int64


def test_numpy_arrays_keep_their_dtype():
    assert ag.Tensor(np.zeros(3, dtype=np.float64)).dtype == np.float64
    assert ag.Tensor(np.zeros(3, dtype=np.float16)).dtype == np.float16


def test_explicit_dtype_is_applied():
    assert ag.tensor([1, 2], dtype=np.float64).dtype == np.float64


def test_tensor_function_copies_but_constructor_shares_memory():
    a = np.zeros(3, dtype=np.float32)
    assert not np.shares_memory(ag.tensor(a).data, a)
    assert np.shares_memory(ag.Tensor(a).data, a)


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match="int64"):
        ag.tensor([1, 2], requires_grad=True)


def test_setting_requires_grad_on_integer_tensor_is_refused_and_changes_nothing():
    t = ag.tensor([1, 2])
    with pytest.raises(TypeError, match="floating"):
        t.requires_grad = True
    assert t.requires_grad is False


def test_attributes_describe_the_array():
    t = ag.zeros(2, 3)
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and t.numel() == 6
    assert t.T.shape == (3, 2)
    assert t.is_leaf and t.grad is None and t.grad_fn is None


def test_item_numpy_and_tolist():
    t = ag.tensor([[1.5, 2.0]])
    assert t.tolist() == [[1.5, 2.0]]
    assert isinstance(t.numpy(), np.ndarray)
    assert ag.tensor([4.0]).item() == 4.0


def test_item_of_many_elements_names_the_shape():
    with pytest.raises(ValueError, match=r"\(2,\)"):
        ag.tensor([1.0, 2.0]).item()


def test_repr_shows_values_dtype_and_grad_fn():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward>)"
    assert repr(ag.tensor([1.5], dtype=np.float64)) == "tensor([1.5000], dtype=float64)"


def test_creation_functions_shapes_and_dtypes():
    assert ag.zeros(2, 3).shape == (2, 3)
    assert ag.ones((4,)).data.sum() == 4
    assert ag.full((2,), 7.0).tolist() == [7.0, 7.0]
    assert ag.arange(3).dtype == np.int64 and ag.arange(3.0).dtype == np.float32
    assert np.array_equal(ag.eye(3).data, np.eye(3))
    assert ag.zeros_like(ag.ones(2, 2)).data.sum() == 0
    assert ag.ones_like(np.zeros((2,), dtype=np.float64)).dtype == np.float64
    assert ag.linspace(0, 1, 5).shape == (5,)


def test_manual_seed_makes_random_tensors_reproducible():
    ag.manual_seed(123)
    a = (ag.randn(3), ag.rand(3), ag.uniform(-1, 1, (3,)), ag.randint(0, 5, (3,)))
    ag.manual_seed(123)
    b = (ag.randn(3), ag.rand(3), ag.uniform(-1, 1, (3,)), ag.randint(0, 5, (3,)))
    for x, y in zip(a, b):
        assert np.array_equal(x.data, y.data)


def test_random_tensors_are_float32_by_default():
    assert ag.randn(2).dtype == np.float32 and ag.rand(2).dtype == np.float32


def test_python_scalar_keeps_the_tensor_dtype():
    assert (ag.tensor([1.0]) * 2.0).dtype == np.float32
    assert (ag.tensor([1.0], dtype=np.float64) * 2).dtype == np.float64
    assert (2.5 - ag.tensor([1.0])).dtype == np.float32


def test_comparisons_give_boolean_tensors_without_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    m = x > 1.5
    assert m.dtype == np.bool_ and not m.requires_grad
    assert m.tolist() == [False, True]
    assert (x == x).all().item()


def test_tensors_are_hashable_by_identity():
    a, b = ag.tensor([1.0]), ag.tensor([1.0])
    assert len({a, b}) == 2


def test_numpy_array_on_the_left_defers_to_the_tensor():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(y, ag.Tensor) and y.requires_grad


def test_bool_of_multi_element_tensor_is_ambiguous():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(ag.tensor([1.0, 2.0]))


def test_len_and_iteration_follow_the_first_axis():
    t = ag.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert len(t) == 3
    assert [r.tolist() for r in t] == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
