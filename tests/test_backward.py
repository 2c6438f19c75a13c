"""The tape walk: backward, accumulation, retain_graph, grad, hooks, grad modes."""
import threading

import numpy as np
import pytest

import autograd as ag


def test_backward_of_a_scalar_fills_leaf_grads():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    assert np.allclose(x.grad.data, [2.0, 4.0, 6.0])


def test_leaf_grads_accumulate_across_backward_calls():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    assert np.allclose(x.grad.data, [6.0, 6.0])


def test_non_leaves_keep_no_grad_unless_retain_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    k = x * 3
    k.retain_grad()
    (h * k).sum().backward()
    assert h.grad is None
    assert np.allclose(k.grad.data, h.data)


def test_a_tensor_used_twice_gets_both_contributions():
    x = ag.tensor(3.0, requires_grad=True)
    y = x * x + x
    y.backward()
    assert x.grad.item() == pytest.approx(7.0)


def test_diamond_graph_sums_paths():
    x = ag.tensor(2.0, requires_grad=True)
    a = x.exp()
    y = a * a.sin() + a
    y.backward()
    e = np.exp(2.0)
    expected = e * (np.sin(e) + e * np.cos(e)) + e
    assert x.grad.item() == pytest.approx(expected, rel=1e-5)


def test_gradient_argument_seeds_a_non_scalar_output():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).backward(gradient=np.array([1.0, 10.0]))
    assert np.allclose(x.grad.data, [2.0, 20.0])


def test_leaf_grad_is_a_writable_array_of_its_own():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.tensor([1.0, 2.0], requires_grad=True)
    (x + y).sum().backward()
    x.grad.data[0] = 100.0
    assert y.grad.data[0] == 1.0


def test_grad_dtype_and_shape_follow_the_input():
    x = ag.tensor(np.ones((2, 1), dtype=np.float32), requires_grad=True)
    (x * np.ones((2, 3), dtype=np.float64)).sum().backward()
    assert x.grad.shape == (2, 1) and x.grad.dtype == np.float32
    assert np.allclose(x.grad.data, 3.0)


def test_backward_frees_saved_arrays_and_a_second_call_explains_retain_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert np.allclose(x.grad.data, [4.0, 8.0])


def test_grad_returns_gradients_without_touching_dot_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    (gx,) = ag.grad((x * w).sum(), x)
    assert np.allclose(gx.data, [3.0, 4.0])
    assert x.grad is None and w.grad is None


def test_grad_with_respect_to_an_intermediate_tensor():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    (gh,) = ag.grad((h * h).sum(), [h])
    assert np.allclose(gh.data, 2 * h.data)


def test_grad_of_an_unused_input_needs_allow_unused():
    x = ag.tensor(1.0, requires_grad=True)
    z = ag.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused"):
        ag.grad(x * 2, [x, z], retain_graph=True)
    gx, gz = ag.grad(x * 2, [x, z], allow_unused=True)
    assert gx.item() == 2.0 and gz is None


def test_hook_on_a_leaf_can_replace_the_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 0)
    (x * 5).sum().backward()
    assert np.allclose(x.grad.data, 0.0)


def test_hook_on_a_non_leaf_sees_and_replaces_its_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    seen = []
    h.register_hook(lambda g: seen.append(g.tolist()) or g * 10)
    (h * 1).sum().backward()
    assert seen == [[1.0, 1.0]]
    assert np.allclose(x.grad.data, [20.0, 20.0])


def test_removed_hook_is_not_called():
    x = ag.tensor([1.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 0)
    handle.remove()
    (x * 2).sum().backward()
    assert x.grad.item() == 2.0


def test_no_grad_records_nothing():
    x = ag.tensor([1.0], requires_grad=True)
    with ag.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None


def test_no_grad_works_as_a_decorator_and_enable_grad_inside_it():
    x = ag.tensor([1.0], requires_grad=True)

    @ag.no_grad()
    def f():
        with ag.enable_grad():
            inner = x * 2
        return x * 2, inner

    outer, inner = f()
    assert not outer.requires_grad and inner.requires_grad


def test_grad_mode_is_thread_local():
    x = ag.tensor([1.0], requires_grad=True)
    seen = {}

    def worker():
        seen["y"] = (x * 2).requires_grad

    with ag.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen["y"] is True


def test_detach_cuts_the_graph_and_shares_data():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.grad_fn is None
    y = (x * d).sum()
    y.backward()
    assert np.allclose(x.grad.data, [2.0, 4.0])


def test_requires_grad_underscore_turns_a_leaf_on():
    x = ag.tensor([1.0]).requires_grad_()
    (x * 3).sum().backward()
    assert x.grad.item() == 3.0


def test_custom_function_with_save_for_backward():
    class Square(ag.Function):
        """y = x**2;  dy/dx = 2x"""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x

    x = ag.tensor([3.0], requires_grad=True)
    Square.apply(x).sum().backward()
    assert x.grad.item() == 6.0


def test_custom_function_can_keep_attributes_on_ctx():
    class Scale(ag.Function):
        """y = k x;  dy/dx = k"""

        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    x = ag.tensor([1.0], requires_grad=True)
    Scale.apply(x, 4.0).sum().backward()
    assert x.grad.item() == 4.0


def test_readme_example_runs_as_printed():
    import re
    import contextlib
    import io
    import pathlib

    readme = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    block = re.search(r"## A first graph\s+```python\n(.*?)```", readme, re.S).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    printed = out.getvalue().splitlines()
    for line in block.splitlines():
        m = re.match(r"print\((.*?)\)\s*# (.*)", line)
        if m:
            assert m.group(2) in printed, f"README says {m.group(2)!r}; the code printed {printed}"


@pytest.mark.parametrize("n", [64, 20000], ids=["small-filled", "large-stride-0-view"])
def test_the_gradient_of_a_full_sum_is_ones_for_small_and_large_inputs(n):
    x = ag.tensor(np.arange(n, dtype=np.float32), requires_grad=True)
    x.sum().backward()
    x.sum().backward()  # the second accumulates into the first, in place
    assert x.grad.data.flags.writeable and np.array_equal(x.grad.data, np.full(n, 2.0, np.float32))


def test_one_gradient_handed_to_three_leaves_gives_each_its_own_array():
    a, b, c = (ag.tensor([1.0, 2.0], requires_grad=True) for _ in range(3))
    (a + b + c).sum().backward()
    a.grad.data[0] = 100.0
    assert b.grad.data[0] == 1.0 and c.grad.data[0] == 1.0


def test_a_parent_waits_for_every_consumer_before_its_own_backward():
    x = ag.tensor([0.5, -1.0], requires_grad=True)
    a = x * 2
    b = a * 3           # recorded before c: the walk reaches b first and must not run a yet
    c = a.exp()
    (b + c).sum().backward()
    assert np.allclose(x.grad.data, 6 + 2 * np.exp(2 * x.data))


def test_a_node_used_twice_by_one_op_gets_both_contributions():
    x = ag.tensor([1.5, 2.0], requires_grad=True)
    h = x * 1
    (h * h).sum().backward()
    assert np.allclose(x.grad.data, 2 * x.data)



@pytest.mark.parametrize("n", [8, 4096])  # NOTE: below and at the size where sums go in place
def test_many_contributions_to_one_node_are_all_summed(n):
    x = ag.tensor(np.ones(n), requires_grad=True)
    p, q = x * 2, x * 3
    # NOTE: p + q is recorded last, so its backward runs first and hands one array (also the
    # gradient of the sum before it) to p and to q as their first contribution
    loss = (p * 5 + q * 7 + p * 11 + q * 13 + (p + q)).sum()
    loss.backward()
    assert np.array_equal(x.grad.data, np.full(n, 2 * (5 + 11 + 1) + 3 * (7 + 13 + 1.0)))


@pytest.mark.parametrize("n", [8, 4096])
def test_many_contributions_to_one_leaf_are_all_summed(n):
    w = ag.tensor(np.ones(n), requires_grad=True)
    loss = (w * 2 + w * 3 + w.reshape(n) * 4 + (w + w)).sum()
    loss.backward()
    assert np.array_equal(w.grad.data, np.full(n, 11.0))
