"""Each optimizer follows PyTorch's parameter trajectory, step for step, to 1e-6 relative."""
import numpy as np
import pytest

import autograd as ag
import optim

torch = pytest.importorskip("torch")

STEPS = 20
RNG = np.random.default_rng(0)
X = RNG.normal(size=(8, 3))
Y = RNG.normal(size=(8, 2))
W0 = RNG.normal(size=(3, 2))
B0 = RNG.normal(size=(2,))


def _loss(lib, W, b, X, Y):
    """A small nonlinear regression: mean((tanh(X W + b) - Y)^2) + 0.1 sum(W^2)."""
    r = lib.tanh(X @ W + b) - Y
    return (r * r).mean() + 0.1 * (W * W).sum()


def trajectory_ours(cls, kwargs, groups=None, steps=STEPS):
    W = ag.tensor(W0.copy(), requires_grad=True)
    b = ag.tensor(B0.copy(), requires_grad=True)
    params = [W, b] if groups is None else [dict(params=[W], **groups[0]), dict(params=[b], **groups[1])]
    opt = cls(params, **kwargs)
    Xt, Yt = ag.tensor(X), ag.tensor(Y)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        _loss(ag, W, b, Xt, Yt).backward()
        opt.step()
        out.append(np.concatenate([W.data.ravel(), b.data.ravel()]))
    return np.array(out)


def trajectory_torch(name, kwargs, groups=None, steps=STEPS):
    W = torch.tensor(W0.copy(), requires_grad=True)
    b = torch.tensor(B0.copy(), requires_grad=True)
    params = [W, b] if groups is None else [dict(params=[W], **groups[0]), dict(params=[b], **groups[1])]
    opt = getattr(torch.optim, name)(params, **kwargs)
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        _loss(torch, W, b, Xt, Yt).backward()
        opt.step()
        out.append(np.concatenate([W.detach().numpy().ravel(), b.detach().numpy().ravel()]))
    return np.array(out)


def assert_same_trajectory(name, kwargs, groups=None):
    ours = trajectory_ours(getattr(optim, name), kwargs, groups)
    theirs = trajectory_torch(name, kwargs, groups)
    assert not np.allclose(ours[0], ours[-1]), "the parameters should move"
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("kwargs", [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.1, momentum=0.9, dampening=0.5),
    dict(lr=0.1, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.5, weight_decay=0.1),
    dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01, maximize=True),
])
def test_sgd_follows_pytorch(kwargs):
    assert_same_trajectory("SGD", kwargs)


@pytest.mark.parametrize("kwargs", [
    dict(lr=0.01),
    dict(lr=0.05, amsgrad=True),
    dict(lr=0.05, weight_decay=0.1),
    dict(lr=0.05, betas=(0.5, 0.9), eps=1e-3),
    dict(lr=0.05, amsgrad=True, weight_decay=0.2, maximize=True),
    dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True),
])
def test_adam_follows_pytorch(kwargs):
    assert_same_trajectory("Adam", kwargs)


@pytest.mark.parametrize("kwargs", [
    dict(lr=0.01),
    dict(lr=0.05, weight_decay=0.5),
    dict(lr=0.05, weight_decay=0.5, amsgrad=True, betas=(0.8, 0.99)),
])
def test_adamw_follows_pytorch(kwargs):
    assert_same_trajectory("AdamW", kwargs)


@pytest.mark.parametrize("kwargs", [
    dict(lr=0.01),
    dict(lr=0.01, centered=True),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.1),
    dict(lr=0.01, eps=1e-4, maximize=True),
])
def test_rmsprop_follows_pytorch(kwargs):
    assert_same_trajectory("RMSprop", kwargs)


@pytest.mark.parametrize("kwargs", [
    dict(lr=0.1),
    dict(lr=0.1, lr_decay=0.1),
    dict(lr=0.1, initial_accumulator_value=0.5, weight_decay=0.1),
    dict(lr=0.1, eps=1e-3, maximize=True),
])
def test_adagrad_follows_pytorch(kwargs):
    assert_same_trajectory("Adagrad", kwargs)


@pytest.mark.parametrize("name,kwargs,groups", [
    ("SGD", dict(lr=0.1, momentum=0.9), [dict(), dict(lr=0.01, momentum=0.5, nesterov=True)]),
    ("Adam", dict(lr=0.01), [dict(weight_decay=0.1), dict(lr=0.1, amsgrad=True)]),
    ("RMSprop", dict(lr=0.01), [dict(centered=True), dict(momentum=0.9)]),
])
def test_parameter_groups_follow_pytorch(name, kwargs, groups):
    assert_same_trajectory(name, kwargs, groups)


def test_default_hyperparameters_match_pytorch():
    w = ag.tensor([1.0], requires_grad=True)
    tw = torch.tensor([1.0], requires_grad=True)
    for name in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]:
        ours = getattr(optim, name)([w]).defaults
        theirs = getattr(torch.optim, name)([tw]).defaults
        for key, value in ours.items():
            if key in theirs:
                assert value == theirs[key], (name, key)
