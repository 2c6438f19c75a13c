"""Python numbers in arithmetic: the same values and dtypes as numpy gives with the plain number.

The arithmetic operators turn a Python number into a cached 0-d array of the
tensor's dtype (a faster ufunc call); these tests pin that nothing observable
changes, including signed zeros, nan, inf, huge ints and integer tensors.
"""
import operator

import numpy as np
import pytest

import autograd as ag
from autograd.dtypes import scalar_operand

NUMBERS = [2, 1, 0, -3, 0.5, 0.0, -0.0, float("nan"), float("inf"), -float("inf"), 1e30, 10**12, True]
OPS = [operator.add, operator.sub, operator.mul, operator.truediv]
DTYPES = [np.float16, np.float32, np.float64, np.int32, np.int64]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return (a.dtype == b.dtype and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b)))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", OPS, ids=lambda f: f.__name__)
def test_tensor_with_a_python_number_matches_numpy_on_both_sides(op, dtype):
    data = np.array([-2, -0.0, 0.0, 1.5, 3], dtype=np.float64).astype(dtype)
    with np.errstate(all="ignore"):
        for v in NUMBERS:
            for left in (True, False):
                try:
                    want = op(data, v) if left else op(v, data)
                except OverflowError:  # e.g. 10**12 with int32: the tensor must refuse it too
                    with pytest.raises(OverflowError):
                        op(ag.tensor(data), v) if left else op(v, ag.tensor(data))
                    continue
                got = (op(ag.tensor(data), v) if left else op(v, ag.tensor(data))).data
                assert _same(np.asarray(got), np.asarray(want)), (v, left, got, want)


def test_signed_zero_and_nan_are_never_taken_from_the_cache():
    f32 = np.dtype(np.float32)
    scalar_operand(0, f32)  # an int 0 in the cache must not answer for -0.0
    assert scalar_operand(-0.0, f32) == 0.0 and np.signbit(np.float32(scalar_operand(-0.0, f32)))
    assert scalar_operand(float("nan"), f32) != scalar_operand(float("nan"), f32)


def test_cached_operands_are_read_only():
    c = scalar_operand(3, np.dtype(np.float32))
    assert c.dtype == np.float32 and not c.flags.writeable


def test_a_changing_scalar_does_not_grow_the_cache_without_bound():
    from autograd import dtypes
    for i in range(5000):
        scalar_operand(1.0 + i * 1e-3, np.dtype(np.float64))
    assert len(dtypes._OPERANDS) <= 1024


def test_gradient_through_a_scalar_product_keeps_the_dtype():
    x = ag.tensor(np.ones(3, np.float16), requires_grad=True)
    (x * 3 + 1).sum().backward()
    assert x.grad.dtype == np.float16 and np.all(x.grad.data == 3)
