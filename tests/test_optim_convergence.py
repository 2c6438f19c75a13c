"""Each optimizer minimises the Rosenbrock function and a small least-squares regression."""
import numpy as np
import pytest

import autograd as ag
import optim


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def minimise(make_opt, loss_fn, p0, steps):
    p = ag.tensor(np.array(p0, dtype=np.float64), requires_grad=True)
    opt = make_opt([p])
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(p).backward()
        opt.step()
    return p


@pytest.mark.parametrize("make_opt,steps", [
    (lambda ps: optim.SGD(ps, lr=1e-3, momentum=0.9), 3000),
    (lambda ps: optim.SGD(ps, lr=1e-3, momentum=0.9, nesterov=True), 3000),
    (lambda ps: optim.Adam(ps, lr=0.02), 3000),
    (lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True), 3000),
    (lambda ps: optim.AdamW(ps, lr=0.02, weight_decay=1e-4), 3000),
    (lambda ps: optim.RMSprop(ps, lr=1e-3, momentum=0.9), 3000),
    (lambda ps: optim.RMSprop(ps, lr=2e-3, momentum=0.5, centered=True), 3000),
    (lambda ps: optim.Adagrad(ps, lr=0.5), 5000),
], ids=["SGD-momentum", "SGD-nesterov", "Adam", "Adam-amsgrad", "AdamW", "RMSprop", "RMSprop-centered",
        "Adagrad"])
def test_optimizer_minimises_rosenbrock(make_opt, steps):
    p = minimise(make_opt, rosenbrock, [-1.2, 1.0], steps)
    assert rosenbrock(p).item() < 1e-3
    np.testing.assert_allclose(p.data, [1.0, 1.0], atol=0.05)


RNG = np.random.default_rng(3)
X = RNG.normal(size=(40, 3))
Y = X @ np.array([1.5, -2.0, 0.5]) + 0.3 + 0.01 * RNG.normal(size=40)
# NOTE: the reference solution comes from numpy's least squares, not from the optimizers
BEST = np.linalg.lstsq(np.c_[X, np.ones(40)], Y, rcond=None)[0]


@pytest.mark.parametrize("make_opt", [
    lambda ps: optim.SGD(ps, lr=0.05),
    lambda ps: optim.SGD(ps, lr=0.02, momentum=0.9),
    lambda ps: optim.Adam(ps, lr=0.05),
    lambda ps: optim.AdamW(ps, lr=0.05, weight_decay=0.0),
    lambda ps: optim.RMSprop(ps, lr=0.01),
    lambda ps: optim.Adagrad(ps, lr=0.5),
], ids=["SGD", "SGD-momentum", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_optimizer_fits_least_squares_regression(make_opt):
    w = ag.zeros(3, dtype=np.float64, requires_grad=True)
    b = ag.zeros((), dtype=np.float64, requires_grad=True)
    opt = make_opt([w, b])
    Xt, Yt = ag.tensor(X), ag.tensor(Y)
    for _ in range(600):
        opt.zero_grad()
        r = Xt @ w + b - Yt
        (r * r).mean().backward()
        opt.step()
    np.testing.assert_allclose(np.r_[w.data, b.data], BEST, atol=2e-2)
