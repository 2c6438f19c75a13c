"""create_graph=True: gradients that can be differentiated again."""
import numpy as np
import pytest

import autograd as ag


def test_second_derivative_of_tanh():
    x = ag.tensor([0.3, -1.2, 2.0], dtype=np.float64, requires_grad=True)
    (g,) = ag.grad(ag.tanh(x).sum(), x, create_graph=True)
    (gg,) = ag.grad(g.sum(), x)
    t = np.tanh(x.data)
    assert np.allclose(g.data, 1 - t ** 2)
    assert np.allclose(gg.data, -2 * t * (1 - t ** 2))


def test_hessian_vector_product_of_a_quadratic_form():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 4))
    x = ag.tensor(rng.standard_normal(4), requires_grad=True)
    v = rng.standard_normal(4)
    f = (x @ ag.tensor(a) @ x) * 0.5
    (g,) = ag.grad(f, x, create_graph=True)
    (hv,) = ag.grad((g * ag.tensor(v)).sum(), x)
    assert np.allclose(hv.data, 0.5 * (a + a.T) @ v)


def test_hessian_vector_product_through_softmax_cross_entropy():
    rng = np.random.default_rng(1)
    w = ag.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    xb = ag.tensor(rng.standard_normal((5, 3)))
    y = np.array([0, 1, 3, 2, 1])
    v = rng.standard_normal((3, 4))

    def loss_of(wt):
        logp = (xb @ wt).log_softmax(axis=1)
        return -logp[np.arange(5), y].mean()

    (g,) = ag.grad(loss_of(w), w, create_graph=True)
    (hv,) = ag.grad((g * ag.tensor(v)).sum(), w)
    # numeric: directional derivative of the gradient along v
    eps = 1e-6
    wp = ag.tensor(w.data + eps * v, requires_grad=True)
    wm = ag.tensor(w.data - eps * v, requires_grad=True)
    (gp,) = ag.grad(loss_of(wp), wp)
    (gm,) = ag.grad(loss_of(wm), wm)
    assert np.allclose(hv.data, (gp.data - gm.data) / (2 * eps), atol=1e-6)


def test_backward_create_graph_gives_a_differentiable_leaf_grad():
    x = ag.tensor(3.0, dtype=np.float64, requires_grad=True)
    (x ** 3).backward(create_graph=True)
    assert x.grad.requires_grad
    g = x.grad
    x.grad = None
    g.backward()
    assert x.grad.item() == pytest.approx(18.0)


def test_gradient_penalty_style_double_backward():
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    w = ag.tensor([0.5, -0.3], dtype=np.float64, requires_grad=True)
    out = (ag.sigmoid(x * w)).sum()
    (gx,) = ag.grad(out, x, create_graph=True)
    penalty = (gx * gx).sum()
    penalty.backward()
    # numeric check of d penalty / d w
    def pen(wv):
        s = 1 / (1 + np.exp(-x.data * wv))
        return np.sum((s * (1 - s) * wv) ** 2)
    eps = 1e-6
    num = [(pen(w.data + eps * e) - pen(w.data - eps * e)) / (2 * eps) for e in np.eye(2)]
    assert np.allclose(w.grad.data, num, atol=1e-7)


def test_third_derivative_of_exp():
    x = ag.tensor(0.7, dtype=np.float64, requires_grad=True)
    y = x.exp()
    for _ in range(3):
        (y,) = ag.grad(y, x, create_graph=True)
    assert y.item() == pytest.approx(np.exp(0.7))


def test_create_graph_through_matmul_with_a_constant_numpy_operand():
    w = ag.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    a = np.array([[0.5, -1.0], [2.0, 1.0]])
    (g,) = ag.grad(((w @ a) ** 2).sum(), w, create_graph=True)
    (gg,) = ag.grad(g.sum(), w)
    # d/dw sum(2 (w a) a^T) = 2 * ones @ (a a^T)
    assert np.allclose(gg.data, 2 * np.ones((2, 2)) @ (a @ a.T))
