"""Axis arguments: out of range is an IndexError naming the op and the tensor's dimensions (never
wrapped around), a non-integer axis a TypeError, a repeated one a RuntimeError, as in PyTorch."""
import numpy as np
import pytest

import autograd as ag
import nn
from autograd.axes import normalise_axes, normalise_axis

M = ag.zeros(2, 3)   # a 2-D tensor: valid axes -2..1
V = ag.zeros(3)      # a 1-D tensor: valid axes -1..0

#: (op name in the message, the bad axis, the call) -- every op taking an axis, out of range
OUT_OF_RANGE = [
    ("transpose", 2, lambda: M.transpose(1, 2)),
    ("transpose", 5, lambda: ag.transpose(M, 0, 5)),
    ("swapaxes", -3, lambda: M.swapaxes(-3, 0)),
    ("permute", 2, lambda: M.permute(2, 1)),
    ("flatten", 3, lambda: M.flatten(start_dim=3)),
    ("flatten", -3, lambda: M.flatten(0, -3)),
    ("squeeze", 5, lambda: M.squeeze(axis=5)),
    ("squeeze", 2, lambda: M.squeeze(dim=(0, 2))),
    ("split", 3, lambda: M.split(2, axis=3)),
    ("chunk", 2, lambda: M.chunk(2, axis=2)),
    ("flip", 2, lambda: V.flip(axis=2)),
    ("moveaxis", 5, lambda: ag.moveaxis(M, 0, 5)),
    ("sum", 2, lambda: M.sum(axis=2)),
    ("mean", 2, lambda: M.mean(dim=2)),
    ("max", -3, lambda: M.max(axis=-3)),
    ("min", 2, lambda: M.min(axis=2)),
    ("argmax", 2, lambda: M.argmax(axis=2)),
    ("argmin", 2, lambda: M.argmin(dim=2)),
    ("var", 2, lambda: M.var(axis=2)),
    ("std", 2, lambda: ag.std(M, axis=2)),
    ("prod", 2, lambda: M.prod(axis=2)),
    ("logsumexp", 2, lambda: ag.logsumexp(M, axis=2)),
    ("softmax", 2, lambda: ag.softmax(M, axis=2)),
    ("log_softmax", -3, lambda: ag.log_softmax(M, dim=-3)),
    ("cat", 2, lambda: ag.cat([M, M], axis=2)),
]


@pytest.mark.parametrize("op, axis, call", OUT_OF_RANGE, ids=[f"{o}-{a}" for o, a, _ in OUT_OF_RANGE])
def test_an_out_of_range_axis_raises_index_error_naming_op_axis_and_ndim(op, axis, call):
    with pytest.raises(IndexError, match=rf"^{op}\(\): \w+ {axis} is out of range for a \d-D tensor"):
        call()


def test_the_message_gives_the_valid_range():
    with pytest.raises(IndexError, match=r"^transpose\(\): dim1 2 is out of range for a 2-D tensor \(valid -2\.\.1\)$"):
        M.transpose(1, 2)


def test_unsqueeze_accepts_one_more_position_than_ndim_and_no_more():
    assert M.unsqueeze(2).shape == (2, 3, 1) and M.unsqueeze(-3).shape == (1, 2, 3)
    with pytest.raises(IndexError, match=r"unsqueeze\(\): dim 3 is out of range for a 2-D tensor \(valid -3\.\.2\)"):
        M.unsqueeze(3)


def test_stack_accepts_one_more_position_than_ndim_and_no_more():
    assert ag.stack([M, M], axis=2).shape == (2, 3, 2)
    with pytest.raises(IndexError, match=r"stack\(\): dim 3 is out of range for a 2-D tensor"):
        ag.stack([M, M], axis=3)


def test_nn_flatten_with_an_out_of_range_start_dim_raises_at_forward():
    layer = nn.Flatten(start_dim=5)  # NOTE: PyTorch builds it too; the tensor's ndim is known at forward
    with pytest.raises(IndexError, match=r"flatten\(\): start_dim 5 is out of range for a 2-D tensor"):
        layer(M)


@pytest.mark.parametrize("call", [
    lambda: M.sum(axis=1.5), lambda: M.mean(dim=1.0), lambda: M.argmax(axis=0.0),
    lambda: M.transpose(0.0, 1), lambda: M.unsqueeze(1.0), lambda: M.squeeze(True),
    lambda: M.flatten(0, 0.5), lambda: ag.softmax(M, axis="1"), lambda: M.sum(axis=(0, None)),
], ids=["sum", "mean", "argmax", "transpose", "unsqueeze", "squeeze-bool", "flatten", "softmax", "sum-tuple"])
def test_a_non_integer_axis_raises_type_error_naming_the_op(call):
    with pytest.raises(TypeError, match=r"^\w+\(\): \w+ must be an int, got"):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: M.sum(axis=(0, -2)), r"sum\(\): dim 0 appears more than once"),
    (lambda: V.flip((0, 0)), r"flip\(\): dim 0 appears more than once"),
    (lambda: M.permute(0, 0), r"permute\(\): dim 0 appears more than once"),
])
def test_a_repeated_axis_raises_runtime_error(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


def test_permute_with_the_wrong_number_of_dims_raises_runtime_error():
    with pytest.raises(RuntimeError, match=r"permute\(\): got 1 dims \(0,\) for a 2-D tensor of shape \(2, 3\)"):
        M.permute(0)


def test_numpy_integer_axes_are_accepted():
    assert M.sum(axis=np.int64(1)).shape == (2,)
    assert M.transpose(np.int32(0), np.int32(1)).shape == (3, 2)


@pytest.mark.parametrize("call, shape", [
    (lambda: M.sum(dim=1), (2,)), (lambda: M.mean(dim=-1, keepdim=True), (2, 1)),
    (lambda: M.argmax(dim=0), (3,)), (lambda: M.split(1, dim=1)[0], (2, 1)),
    (lambda: M.chunk(2, dim=0)[0], (1, 3)), (lambda: ag.cat([M, M], dim=-1), (2, 6)),
    (lambda: ag.stack([M, M], dim=-1), (2, 3, 2)), (lambda: M.squeeze(dim=0), (2, 3)),
    (lambda: ag.softmax(M, dim=0), (2, 3)), (lambda: M.flip(dims=(0, 1)), (2, 3)),
])
def test_the_dim_alias_keeps_working(call, shape):
    assert call().shape == shape


@pytest.mark.parametrize("call, shape", [
    (lambda s: s.sum(0), ()), (lambda s: s.sum(dim=-1), ()), (lambda s: s.squeeze(0), ()),
    (lambda s: s.squeeze(-1), ()), (lambda s: s.unsqueeze(0), (1,)), (lambda s: s.unsqueeze(-1), (1,)),
    (lambda s: s.transpose(0, -1), ()), (lambda s: s.flip(0), ()), (lambda s: s.flatten(0), (1,)),
    (lambda s: s.argmax(0), ()), (lambda s: ag.softmax(s, 0), ()),
])
def test_a_0d_tensor_accepts_axis_0_and_minus_1(call, shape):
    assert call(ag.tensor(3.0)).shape == shape  # PyTorch's rule: a scalar has dims -1..0


@pytest.mark.parametrize("call", [
    lambda s: s.sum(1), lambda s: s.squeeze(1), lambda s: s.unsqueeze(1), lambda s: s.unsqueeze(-2),
    lambda s: s.transpose(0, 1), lambda s: s.argmax(-2),
])
def test_a_0d_tensor_refuses_other_axes(call):
    with pytest.raises(IndexError, match=r"is out of range for a 0-D tensor \(valid -1\.\.0\)"):
        call(ag.tensor(3.0))


def test_a_refused_axis_leaves_no_gradient_behind():
    x = ag.ones(2, 3, requires_grad=True)
    with pytest.raises(IndexError):
        x.sum(axis=2)
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 2.0))


def test_normalise_axis_maps_negatives_to_positions():
    assert [normalise_axis(a, 3, "op") for a in (-3, -1, 0, 2)] == [0, 2, 0, 2]


def test_normalise_axes_keeps_the_order_given():
    assert normalise_axes([2, -3], 3, "op") == (2, 0)


def test_out_of_range_axes_raise_index_error_in_pytorch_too():
    torch = pytest.importorskip("torch")
    m = torch.zeros(2, 3)
    for call in (lambda: m.transpose(1, 2), lambda: m.permute(2, 1), lambda: m.flatten(3),
                 lambda: m.squeeze(5), lambda: m.sum(2), lambda: m.argmax(2), lambda: torch.cat([m, m], 2),
                 lambda: torch.zeros(3).flip(2), lambda: torch.movedim(m, 0, 5), lambda: m.unsqueeze(3)):
        with pytest.raises(IndexError):
            call()
