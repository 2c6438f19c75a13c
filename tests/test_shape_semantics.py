"""Shape ops follow PyTorch: transpose(a, b) swaps two axes, squeeze of a scalar, and nonsense sizes
(reshape, repeat, expand, split, chunk, cat) refused with the exception type PyTorch raises."""
import numpy as np
import pytest

import autograd as ag

M = ag.arange(6.0).reshape(2, 3)


def test_transpose_of_two_axes_swaps_them_on_a_2d_tensor():
    np.testing.assert_array_equal(M.transpose(0, 1).numpy(), [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]])


def test_the_function_transpose_of_two_axes_swaps_them_on_a_2d_tensor():
    assert ag.transpose(ag.zeros(2, 3), 0, 1).shape == (3, 2)


def test_transpose_of_the_same_axis_twice_is_the_identity():
    np.testing.assert_array_equal(M.transpose(1, -1).numpy(), M.numpy())


def test_transpose_of_two_axes_gives_the_gradient_back_transposed():
    x = ag.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], requires_grad=True)
    (x.transpose(0, 1) * ag.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])


@pytest.mark.parametrize("dim", [0, -1])
def test_squeeze_of_a_0d_tensor_with_dim_0_or_minus_1_returns_it(dim):
    out = ag.tensor(3.0).squeeze(dim)
    assert out.shape == () and out.item() == 3.0


def test_squeeze_of_a_0d_tensor_with_another_dim_raises_index_error():
    with pytest.raises(IndexError, match=r"squeeze\(\): dim 1 is out of range for a 0-D tensor"):
        ag.tensor(3.0).squeeze(1)


#: (call, exception type, message) -- PyTorch raises the same type for the same call
NONSENSE = [
    (lambda: M.reshape(-2, 3), RuntimeError, r"reshape\(\): invalid size -2 at index 0 of shape \(-2, 3\)"),
    (lambda: M.reshape(-1, -1), RuntimeError, r"reshape\(\): only one dimension can be inferred"),
    (lambda: M.reshape(4, -1), RuntimeError, r"cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into shape \(4, -1\)"),
    (lambda: M.reshape(0, -1), RuntimeError, r"into shape \(0, -1\)"),
    (lambda: ag.zeros(0, 3).reshape(-1, 0), RuntimeError, r"into shape \(-1, 0\)"),
    (lambda: M.view(4), RuntimeError, r"cannot reshape a tensor of shape \(2, 3\)"),
    (lambda: M.reshape(6.0), TypeError, r"reshape\(\): sizes must be ints, got float 6.0"),
    (lambda: M.repeat(2), RuntimeError, r"repeat\(\): 1 repeat counts \(2,\) for a tensor of shape \(2, 3\)"),
    (lambda: M.repeat(2, -1), RuntimeError, r"repeat\(\): repeat counts must be non-negative"),
    (lambda: ag.cat(M), TypeError, r"cat\(\): expected a list or tuple of tensors, got Tensor of shape \(2, 3\)"),
    (lambda: ag.stack(M), TypeError, r"stack\(\): expected a list or tuple of tensors, got Tensor"),
    (lambda: ag.cat([ag.tensor(1.0)]), RuntimeError, r"cat\(\): 0-d tensors cannot be concatenated"),
    (lambda: ag.cat([M, ag.zeros(3, 3)], axis=1), RuntimeError, r"cat\(\): shapes \[\(2, 3\), \(3, 3\)\] differ outside axis 1"),
    (lambda: M.expand(3, 3), RuntimeError, r"expand\(\): a tensor of shape \(2, 3\) cannot be expanded to \(3, 3\)"),
    (lambda: M.expand(3), RuntimeError, r"expand\(\): 1 sizes \(3,\) for a tensor of shape \(2, 3\)"),
    (lambda: M.expand(-1, -1, 3), RuntimeError, r"expand\(\): size -1 is not allowed in a new leading dimension"),
    (lambda: M.expand(2, -2), RuntimeError, r"expand\(\): a tensor of shape \(2, 3\) cannot be expanded to \(2, -2\)"),
    (lambda: M.broadcast_to((3, 3)), RuntimeError, r"broadcast_to\(\): a tensor of shape \(2, 3\) cannot be broadcast"),
    (lambda: M.split([1, 1], axis=1), RuntimeError, r"split\(\): sizes \[1, 1\] must be non-negative and add up to 3"),
    (lambda: M.split([3, -1], axis=0), RuntimeError, r"split\(\): sizes \[3, -1\] must be non-negative"),
    (lambda: M.split(0), RuntimeError, r"split\(\): split_size must be positive"),
    (lambda: M.split(-1), RuntimeError, r"split\(\): split_size must be positive"),
    (lambda: M.split(1.5), TypeError, r"split\(\): split_size_or_sections must be an int or a list of ints"),
    (lambda: M.chunk(0), RuntimeError, r"chunk\(\): chunks must be greater than 0, got 0"),
    (lambda: M.chunk(-1), RuntimeError, r"chunk\(\): chunks must be greater than 0, got -1"),
    (lambda: M.chunk(1.5), TypeError, r"chunk\(\): chunks must be an int, got float"),
    (lambda: ag.tensor(1.0).chunk(1), RuntimeError, r"chunk\(\): expects a tensor with at least one dimension"),
    (lambda: M.flatten(1, 0), RuntimeError, r"flatten\(\): start_dim 1 comes after end_dim 0"),
]


@pytest.mark.parametrize("call, error, message", NONSENSE, ids=[m.split("\\(")[0] + f"-{i}" for i, (_, _, m) in enumerate(NONSENSE)])
def test_a_nonsense_size_argument_is_refused_with_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


#: the same nonsense, asked of PyTorch: (call on torch.arange(6.).reshape(2, 3) as m, type it raises)
TORCH_NONSENSE = [
    (lambda T, m: m.reshape(-2, 3), RuntimeError), (lambda T, m: m.reshape(-1, -1), RuntimeError),
    (lambda T, m: m.reshape(4, -1), RuntimeError), (lambda T, m: m.repeat(2), RuntimeError),
    (lambda T, m: T.cat(m), TypeError), (lambda T, m: m.expand(3, 3), RuntimeError),
    (lambda T, m: m.expand(3), RuntimeError), (lambda T, m: m.expand(-1, -1, 3), RuntimeError),
    (lambda T, m: m.split([1, 1], 1), RuntimeError), (lambda T, m: m.split(-1), RuntimeError),
    (lambda T, m: m.chunk(0), RuntimeError), (lambda T, m: m.flatten(1, 0), RuntimeError),
    (lambda T, m: T.cat([T.tensor(1.0)]), RuntimeError), (lambda T, m: T.cat([m, T.zeros(3, 3)], 1), RuntimeError),
]


@pytest.mark.parametrize("call, error", TORCH_NONSENSE)
def test_pytorch_raises_the_same_exception_type_for_the_same_nonsense(call, error):
    torch = pytest.importorskip("torch")
    with pytest.raises(error):
        call(torch, torch.arange(6.0).reshape(2, 3))


def test_a_refused_reshape_changes_nothing():
    x = ag.arange(6.0, requires_grad=True)
    with pytest.raises(RuntimeError):
        x.reshape(-2, 3)
    assert x.shape == (6,) and x.grad is None


def test_reshape_still_infers_one_size():
    assert M.reshape(-1, 2).shape == (3, 2) and ag.zeros(0, 3).reshape(-1, 3).shape == (0, 3)


def test_repeat_with_one_count_per_dim_or_more_tiles():
    np.testing.assert_array_equal(ag.tensor([1.0, 2.0]).repeat(2, 2).numpy(), [[1, 2, 1, 2], [1, 2, 1, 2]])


def test_tile_keeps_numpys_rule_of_fewer_counts_than_dims():
    assert M.tile(2).shape == (2, 6)  # NOTE: numpy's tile pads the counts with 1s; repeat does not


def test_cat_takes_a_tuple_or_a_generator_of_tensors():
    assert ag.cat((M, M)).shape == (4, 3) and ag.cat(t for t in (M, M)).shape == (4, 3)


def test_split_with_size_0_on_an_empty_axis_gives_one_empty_piece():
    assert [t.shape for t in ag.zeros(0, 2).split(0)] == [(0, 2)]


def test_expand_with_minus_1_keeps_a_dimension_and_grows_a_new_leading_one():
    assert M.expand(3, -1, 3).shape == (3, 2, 3)
