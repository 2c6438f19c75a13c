"""Indexing follows PyTorch: integers select first and the arrays index what is left, a tuple
inside an index is a list of positions (repeats accumulate), and a copy made by indexing does not
make a later write to its source refuse backward."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag

X = np.arange(24.0).reshape(2, 3, 4)


def _x(requires_grad=False):
    return ag.tensor(X.copy(), requires_grad=requires_grad)


# -- a tuple inside an index ------------------------------------------------------------------

def test_a_tuple_inside_an_index_accumulates_repeated_positions():
    a = ag.arange(4.0, requires_grad=True)
    a[(0, 0), ].sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 0.0, 0.0, 0.0])


def test_a_tuple_inside_an_index_picks_those_positions():
    np.testing.assert_array_equal(ag.arange(4.0)[(3, 0, 3), ].numpy(), [3.0, 0.0, 3.0])


def test_a_tuple_as_the_whole_index_is_one_position_per_axis():
    assert ag.arange(6.0).reshape(2, 3)[(1, 2)].item() == 5.0


def test_an_empty_list_index_picks_nothing():
    assert ag.arange(4.0)[[]].shape == (0,)


# -- integers mixed with arrays: PyTorch's rule --------------------------------------------------

#: (index, expected values of X[index] under PyTorch's rule), written out
MIXED = [
    ((0, slice(None), [0, 2]), [[0, 2], [4, 6], [8, 10]]),         # numpy: shape (2, 3)
    ((1, Ellipsis, [0, 1]), [[12, 13], [16, 17], [20, 21]]),       # numpy: shape (2, 3)
    ((None, 0, slice(None), [0, 2]), [[[0, 2], [4, 6], [8, 10]]]),  # numpy: shape (2, 1, 3)
    ((0, None, slice(None), [1, 2]), [[[1, 2], [5, 6], [9, 10]]]),
    ((slice(None), 0, [0, 1]), [[0, 1], [12, 13]]),                # the same in numpy
    (([0, 1], slice(None), 0), [[0, 4, 8], [12, 16, 20]]),         # the same in numpy
    ((0, [0, 1], [0, 2]), [0, 6]),                                 # the same in numpy
    ((Ellipsis, 0, [1, 2]), [[1, 2], [13, 14]]),
    ((0, slice(None, None, 2), [[3], [0]]), [[[3], [0]], [[11], [8]]]),
]


@pytest.mark.parametrize("index, expected", MIXED, ids=[str(i) for i, _ in MIXED])
def test_integers_select_before_arrays_index_as_in_pytorch(index, expected):
    np.testing.assert_array_equal(_x()[index].numpy(), np.array(expected, dtype=float))


def test_arrays_either_side_of_an_empty_ellipsis_stay_in_place_as_in_pytorch():
    np.testing.assert_array_equal(_x()[:, [0], ..., [1]].numpy(), [[1.0], [13.0]])  # numpy: shape (1, 2)


def test_the_issue_example_has_pytorchs_shape():
    assert ag.zeros(2, 3, 4)[0, :, [0, 2]].shape == (3, 2)


def test_a_0d_integer_tensor_in_an_index_is_read_as_an_integer():
    assert _x()[ag.tensor(0), :, [0, 2]].shape == (3, 2)


def test_an_integer_and_a_boolean_mask_index_the_rest_of_the_tensor():
    mask = np.zeros((3, 4), dtype=bool)
    mask[1, 2] = mask[2, 0] = True
    np.testing.assert_array_equal(_x()[1, mask].numpy(), [18.0, 20.0])


def test_the_gradient_of_a_mixed_index_lands_where_the_values_came_from():
    x = _x(requires_grad=True)
    (x[0, :, [0, 2]] * ag.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    expected = np.zeros((2, 3, 4))
    expected[0, :, 0], expected[0, :, 2] = [1, 3, 5], [2, 4, 6]
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_the_gradient_of_a_mixed_index_accumulates_repeats():
    x = _x(requires_grad=True)
    x[1, :, [3, 3]].sum().backward()
    expected = np.zeros((2, 3, 4))
    expected[1, :, 3] = 2.0
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_assigning_through_a_mixed_index_takes_a_value_of_pytorchs_shape():
    y = _x(requires_grad=True) * 1.0
    y[0, :, [0, 2]] = ag.tensor([[-1.0, -2.0], [-3.0, -4.0], [-5.0, -6.0]])
    np.testing.assert_array_equal(y.numpy()[0, :, 0], [-1.0, -3.0, -5.0])
    np.testing.assert_array_equal(y.numpy()[0, :, 2], [-2.0, -4.0, -6.0])


def test_assigning_in_place_through_a_mixed_index_takes_a_value_of_pytorchs_shape():
    x = _x()
    x[1, :, [1, 3]] = np.array([[7.0, 8.0], [7.0, 8.0], [7.0, 8.0]])
    np.testing.assert_array_equal(x.numpy()[1, :, 1], [7.0, 7.0, 7.0])
    np.testing.assert_array_equal(x.numpy()[1, :, 3], [8.0, 8.0, 8.0])


def test_the_gradient_of_an_assigned_mixed_index_reaches_the_value():
    v = ag.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    y = _x() * 1.0
    y[0, :, [0, 2]] = v
    (y * ag.tensor(X)).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [[0.0, 2.0], [4.0, 6.0], [8.0, 10.0]])


# -- the same rule against PyTorch, on random index expressions -----------------------------------

SHAPE = (3, 4, 5)


@st.composite
def index_expressions(draw):
    """Up to four entries: ints, positive-step slices, None, one Ellipsis, integer lists (all of
    one length, so they broadcast) and one boolean mask over an axis; at least one array."""
    n_arrays = 0
    length = draw(st.integers(1, 3))
    items, dims, ellipsis, mask = [], 0, False, False
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["int", "slice", "none", "ellipsis", "list", "mask"]))
        if kind == "none":
            items.append(None)
            continue
        if kind == "ellipsis":
            if not ellipsis:
                items.append(Ellipsis)
                ellipsis = True
            continue
        if dims == len(SHAPE):
            break
        n = SHAPE[dims]  # NOTE: the size this entry meets if no Ellipsis comes before it
        n = min(SHAPE) if ellipsis else n
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            items.append(slice(draw(st.none() | st.integers(-n, n)), draw(st.none() | st.integers(-n, n)),
                               draw(st.none() | st.integers(1, 3))))
        elif kind == "mask" and not mask and not ellipsis:
            items.append(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))))
            mask = True
            n_arrays += 1
        else:
            items.append(draw(st.lists(st.integers(-n, n - 1), min_size=length, max_size=length)))
            n_arrays += 1
        dims += 1
    if n_arrays == 0 and dims < len(SHAPE):
        n = min(SHAPE) if ellipsis else SHAPE[dims]
        items.append(draw(st.lists(st.integers(-n, n - 1), min_size=length, max_size=length)))
    return tuple(items)


def _torch_index(torch, index):
    return tuple(torch.tensor(it) if isinstance(it, (list, np.ndarray)) else it for it in index)


@settings(max_examples=40, deadline=None)
@given(index=index_expressions(), seed=st.integers(0, 2**16))
def test_random_index_expressions_give_pytorchs_values_and_gradients(index, seed):
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(seed).standard_normal(SHAPE)
    xt = torch.tensor(data, requires_grad=True)
    try:
        yt = xt[_torch_index(torch, index)]
    except (IndexError, RuntimeError):
        with pytest.raises(IndexError):  # NOTE: what PyTorch refuses is refused here too
            ag.tensor(data)[index]
        return
    x = ag.tensor(data, requires_grad=True)
    y = x[index]
    assert y.shape == tuple(yt.shape), index
    np.testing.assert_array_equal(y.numpy(), yt.detach().numpy())
    g = np.random.default_rng(seed + 1).standard_normal(y.shape)
    (y * ag.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


# -- the in-place check: copies made by indexing ---------------------------------------------------

def test_a_write_to_the_source_of_an_advanced_index_does_not_refuse_backward():
    a = ag.arange(4.0, requires_grad=True)
    b = a[[0, 2]]  # a copy: its backward needs only where the values came from
    with ag.no_grad():
        a[0] = 10.0
    b.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 0.0, 1.0, 0.0])


def test_a_write_to_the_source_of_a_tensor_index_does_not_refuse_backward():
    a = ag.arange(4.0, requires_grad=True)
    b = a[ag.tensor([3, 1])]
    with ag.no_grad():
        a[1] = 10.0
    (b * ag.tensor([1.0, 2.0])).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 2.0, 0.0, 1.0])


def test_a_later_change_to_the_index_array_does_not_change_the_gradient():
    a = ag.arange(4.0, requires_grad=True)
    index = np.array([0, 2])
    b = a[index]
    index[0] = 1  # NOTE: the recorded index is a copy
    b.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 0.0, 1.0, 0.0])


def test_a_write_to_a_tensor_after_a_sum_of_its_slice_does_not_refuse_backward():
    a = ag.arange(4.0, requires_grad=True)
    s = a[1:].sum()  # a sum's backward reads no values
    with ag.no_grad():
        a[0] = 10.0
    s.backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 1.0, 1.0, 1.0])


def test_a_write_to_an_output_read_by_backward_through_an_index_still_raises():
    a = ag.arange(4.0, requires_grad=True)
    y = a.exp()  # exp's backward reads its output
    s = y[[0, 2]].sum()
    with ag.no_grad():
        y[1] = 0.0
    with pytest.raises(RuntimeError, match="modified in place"):
        s.backward()


def test_a_write_to_an_input_of_a_product_summed_through_a_slice_still_raises():
    a = ag.arange(4.0, requires_grad=True)
    b = a * 1.0
    s = (b * b)[1:].sum()  # the product's backward reads b
    with ag.no_grad():
        b[0] = 5.0
    with pytest.raises(RuntimeError, match="modified in place"):
        s.backward()
