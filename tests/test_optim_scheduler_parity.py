"""Each learning-rate scheduler follows PyTorch's lr (and momentum) trajectory over 20 steps."""
import warnings

import numpy as np
import pytest

import autograd as ag
import optim
from optim import lr_scheduler

torch = pytest.importorskip("torch")

STEPS = 20
LRS = (0.1, 0.02)


def _ours(opt_name="SGD", **opt_kwargs):
    groups = [{"params": [ag.tensor([1.0], requires_grad=True)], "lr": lr} for lr in LRS]
    return getattr(optim, opt_name)(groups, **opt_kwargs)


def _theirs(opt_name="SGD", **opt_kwargs):
    groups = [{"params": [torch.tensor([1.0], requires_grad=True)], "lr": lr} for lr in LRS]
    return getattr(torch.optim, opt_name)(groups, **opt_kwargs)


def _record(opt, schedulers, metrics=None, momentum_key=None):
    """lr (and momentum) of every group after construction and after each of STEPS steps."""
    def snapshot():
        row = [g["lr"] for g in opt.param_groups]
        if momentum_key == "betas":
            row += [g["betas"][0] for g in opt.param_groups]
        elif momentum_key:
            row += [g[momentum_key] for g in opt.param_groups]
        row += schedulers[-1].get_last_lr()
        return [float(v) for v in row]

    rows = [snapshot()]
    for i in range(STEPS):
        opt.step()
        for s in schedulers:
            s.step(metrics[i]) if metrics is not None else s.step()
        rows.append(snapshot())
    return np.array(rows)


def assert_same_lrs(make, opt_name="SGD", opt_kwargs=None, metrics=None, momentum_key=None):
    """``make(module, optimizer)`` builds the scheduler(s) from either library's lr_scheduler."""
    opt_kwargs = opt_kwargs or {}
    ours_opt = _ours(opt_name, **opt_kwargs)
    ours = _record(ours_opt, make(lr_scheduler, ours_opt), metrics, momentum_key)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs_opt = _theirs(opt_name, **opt_kwargs)
        theirs = _record(theirs_opt, make(torch.optim.lr_scheduler, theirs_opt), metrics, momentum_key)
    assert len(set(map(tuple, ours))) > 1, "the schedule should change something"
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-15)


@pytest.mark.parametrize("kwargs", [dict(step_size=3), dict(step_size=5, gamma=0.5), dict(step_size=1, gamma=0.9)])
def test_steplr_follows_pytorch(kwargs):
    assert_same_lrs(lambda m, o: [m.StepLR(o, **kwargs)])


@pytest.mark.parametrize("kwargs", [dict(milestones=[2, 5, 11]), dict(milestones=[4, 4, 9], gamma=0.5)])
def test_multisteplr_follows_pytorch(kwargs):
    assert_same_lrs(lambda m, o: [m.MultiStepLR(o, **kwargs)])


@pytest.mark.parametrize("gamma", [0.9, 0.5])
def test_exponentiallr_follows_pytorch(gamma):
    assert_same_lrs(lambda m, o: [m.ExponentialLR(o, gamma=gamma)])


@pytest.mark.parametrize("kwargs", [dict(T_max=10), dict(T_max=7, eta_min=0.001), dict(T_max=20)])
def test_cosineannealinglr_follows_pytorch(kwargs):
    assert_same_lrs(lambda m, o: [m.CosineAnnealingLR(o, **kwargs)])


@pytest.mark.parametrize("kwargs", [dict(), dict(start_factor=0.1, total_iters=10),
                                    dict(start_factor=1.0, end_factor=0.2, total_iters=8)])
def test_linearlr_follows_pytorch(kwargs):
    assert_same_lrs(lambda m, o: [m.LinearLR(o, **kwargs)])


def test_lambdalr_follows_pytorch_with_one_function_per_group():
    fns = [lambda e: 0.95 ** e, lambda e: 1.0 / (1 + e)]
    assert_same_lrs(lambda m, o: [m.LambdaLR(o, fns)])


@pytest.mark.parametrize("kwargs", [
    dict(max_lr=1.0, total_steps=STEPS),
    dict(max_lr=[1.0, 0.5], epochs=4, steps_per_epoch=5, pct_start=0.25, anneal_strategy="linear"),
    dict(max_lr=0.3, total_steps=STEPS, three_phase=True, div_factor=10.0, final_div_factor=100.0),
])
def test_onecyclelr_follows_pytorch_for_lr_and_momentum(kwargs):
    assert_same_lrs(lambda m, o: [m.OneCycleLR(o, **kwargs)], opt_kwargs=dict(momentum=0.9),
                    momentum_key="momentum")


def test_onecyclelr_cycles_adams_beta1_like_pytorch():
    assert_same_lrs(lambda m, o: [m.OneCycleLR(o, max_lr=0.5, total_steps=STEPS)], opt_name="Adam",
                    momentum_key="betas")


PLATEAU_METRICS = [5, 4, 4, 4, 4, 3.9999, 3.5, 3.5, 3.5, 3.6, 3.7, 3.0, 3, 3, 3, 3, 3, 3, 3, 3]


@pytest.mark.parametrize("kwargs", [
    dict(patience=2),
    dict(patience=1, factor=0.5, cooldown=2, threshold=0.01, threshold_mode="abs"),
    dict(patience=0, factor=0.5, min_lr=[0.05, 0.001]),
    dict(mode="max", patience=1, factor=0.5),
])
def test_reducelronplateau_follows_pytorch(kwargs):
    assert_same_lrs(lambda m, o: [m.ReduceLROnPlateau(o, **kwargs)], metrics=PLATEAU_METRICS)


def test_sequentiallr_warmup_then_cosine_follows_pytorch():
    assert_same_lrs(lambda m, o: [m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=5),
                                                     m.CosineAnnealingLR(o, T_max=15)], milestones=[5])])


def test_sequentiallr_with_three_schedulers_follows_pytorch():
    assert_same_lrs(lambda m, o: [m.SequentialLR(o, [m.LambdaLR(o, lambda e: 0.5 if e < 3 else 1.0),
                                                     m.ExponentialLR(o, gamma=0.8),
                                                     m.StepLR(o, step_size=3, gamma=0.5)],
                                                  milestones=[4, 10])])


def test_two_schedulers_on_one_optimizer_chain_like_pytorch():
    assert_same_lrs(lambda m, o: [m.ExponentialLR(o, gamma=0.9), m.MultiStepLR(o, milestones=[3, 8], gamma=0.1)])


def test_adam_parameters_under_onecyclelr_follow_pytorch():
    rng = np.random.default_rng(1)
    A, y, x0 = rng.normal(size=(6, 3)), rng.normal(size=6), rng.normal(size=3)
    x = ag.tensor(x0.copy(), requires_grad=True)
    tx = torch.tensor(x0.copy(), requires_grad=True)
    opt, topt = optim.Adam([x]), torch.optim.Adam([tx])
    s, ts = lr_scheduler.OneCycleLR(opt, 0.1, total_steps=STEPS), torch.optim.lr_scheduler.OneCycleLR(topt, 0.1, total_steps=STEPS)
    for _ in range(STEPS):
        opt.zero_grad(); topt.zero_grad()
        ((ag.tensor(A) @ x - ag.tensor(y)) ** 2).sum().backward()
        ((torch.tensor(A) @ tx - torch.tensor(y)) ** 2).sum().backward()
        opt.step(); topt.step(); s.step(); ts.step()
        np.testing.assert_allclose(x.data, tx.detach().numpy(), rtol=1e-6, atol=1e-12)
    assert not np.allclose(x.data, x0)
