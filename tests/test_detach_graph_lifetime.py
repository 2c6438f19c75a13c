"""``detach()`` shares memory and the version counter with its source, but does not keep the source's
graph alive (a detached recurrent state carried across chunks must not pin every earlier chunk)."""
import gc
import weakref

import pytest

import autograd as ag


def test_a_detached_result_does_not_keep_its_graph_alive():
    x = ag.randn(3, requires_grad=True)
    y = (x * 2).exp()
    node = weakref.ref(y._node)
    d = y.detach()
    del y
    gc.collect()
    assert node() is None
    assert d.shape == (3,)


def test_in_place_write_through_a_detached_tensor_is_still_detected_while_the_graph_lives():
    x = ag.randn(3, requires_grad=True)
    y = x.exp()
    z = (y * y).sum()  # Mul saved y
    d = y.detach()
    d += 1
    with pytest.raises(RuntimeError, match="modified in place"):
        z.backward()


def test_a_view_of_a_detached_tensor_does_not_keep_the_graph_alive():
    x = ag.randn(2, 3, requires_grad=True)
    y = x * 3
    node = weakref.ref(y._node)
    v = y.detach()[0]
    w = ag.randn(3, requires_grad=True)
    out = (v * w).sum()  # a new graph whose input is a view of the detached tensor
    del y
    gc.collect()
    assert node() is None
    out.backward()
    assert w.grad is not None
