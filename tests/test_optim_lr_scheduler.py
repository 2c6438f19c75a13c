"""Learning-rate schedulers: values worked out by hand, saving and resuming, and bad input."""
import math

import numpy as np
import pytest

import autograd as ag
import optim
from optim.lr_scheduler import (CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, MultiStepLR,
                                OneCycleLR, ReduceLROnPlateau, SequentialLR, StepLR)


def sgd(lr=1.0, **kw):
    return optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=lr, **kw)


def lrs_over(sched, steps):
    out = [sched.get_last_lr()[0]]
    for _ in range(steps):
        sched.optimizer.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def test_construction_sets_the_epoch_zero_learning_rate_on_the_optimizer():
    opt = sgd(1.0)
    LinearLR(opt, start_factor=0.1, total_iters=4)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)


def test_steplr_multiplies_by_gamma_every_step_size_epochs():
    assert lrs_over(StepLR(sgd(), step_size=2, gamma=0.1), 5) == pytest.approx([1, 1, 0.1, 0.1, 0.01, 0.01])


def test_multisteplr_multiplies_by_gamma_at_each_milestone_and_repeats_count_twice():
    assert lrs_over(MultiStepLR(sgd(), milestones=[1, 3, 3], gamma=0.5), 4) == pytest.approx([1, 0.5, 0.5, 0.125, 0.125])


def test_exponentiallr_multiplies_by_gamma_every_epoch():
    assert lrs_over(ExponentialLR(sgd(2.0), gamma=0.5), 3) == pytest.approx([2, 1, 0.5, 0.25])


def test_cosineannealinglr_reaches_eta_min_at_t_max_and_climbs_back_after():
    lrs = lrs_over(CosineAnnealingLR(sgd(1.0), T_max=4, eta_min=0.2), 8)
    expected = [0.2 + 0.8 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(9)]
    assert lrs == pytest.approx(expected)


def test_linearlr_ramps_then_holds():
    assert lrs_over(LinearLR(sgd(), start_factor=0.5, total_iters=2), 4) == pytest.approx([0.5, 0.75, 1, 1, 1])


def test_lambdalr_scales_the_initial_lr_by_the_function():
    assert lrs_over(LambdaLR(sgd(0.1), lambda e: e + 1), 2) == pytest.approx([0.1, 0.2, 0.3])


def test_onecyclelr_starts_at_max_lr_over_div_factor_and_ends_at_the_minimum():
    sched = OneCycleLR(sgd(momentum=0.9), max_lr=1.0, total_steps=10, div_factor=10.0, final_div_factor=100.0)
    lrs = lrs_over(sched, 9)
    assert lrs[0] == pytest.approx(0.1) and max(lrs) == pytest.approx(1.0) and lrs[-1] == pytest.approx(1e-3)


def test_onecyclelr_refuses_to_step_past_total_steps():
    sched = OneCycleLR(sgd(momentum=0.9), max_lr=1.0, total_steps=3)
    sched.step(); sched.step()
    with pytest.raises(ValueError, match="OneCycleLR: stepped 4 times, but total_steps is 3"):
        sched.step(); sched.step()


def test_onecyclelr_needs_an_optimizer_with_momentum_when_cycling_it():
    opt = optim.Adagrad([ag.tensor([1.0], requires_grad=True)])
    with pytest.raises(ValueError, match="cycle_momentum"):
        OneCycleLR(opt, max_lr=1.0, total_steps=10)


def test_reducelronplateau_cuts_after_more_than_patience_bad_epochs():
    opt = sgd(1.0)
    sched = ReduceLROnPlateau(opt, factor=0.5, patience=2)
    seen = []
    for loss in [1.0, 1.0, 1.0, 1.0, 0.5, 0.5]:
        sched.step(loss)
        seen.append(sched.get_last_lr()[0])
    assert seen == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]


def test_reducelronplateau_accepts_a_one_element_tensor_metric():
    sched = ReduceLROnPlateau(sgd(1.0), patience=0)
    sched.step(ag.tensor(2.0))
    sched.step(ag.tensor([3.0]))
    assert sched.get_last_lr() == pytest.approx([0.1])


def test_reducelronplateau_never_goes_below_min_lr():
    sched = ReduceLROnPlateau(sgd(1.0), patience=0, min_lr=0.05)
    for _ in range(5):
        sched.step(1.0)
    assert sched.get_last_lr() == [0.05]


@pytest.mark.parametrize("make", [
    lambda o: StepLR(o, step_size=3, gamma=0.5),
    lambda o: MultiStepLR(o, milestones=[2, 6]),
    lambda o: CosineAnnealingLR(o, T_max=7, eta_min=0.01),
    lambda o: LinearLR(o, start_factor=0.2, total_iters=6),
    lambda o: OneCycleLR(o, max_lr=2.0, total_steps=20),
    lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.2, total_iters=3), ExponentialLR(o, gamma=0.9)],
                           milestones=[3]),
], ids=["StepLR", "MultiStepLR", "CosineAnnealingLR", "LinearLR", "OneCycleLR", "SequentialLR"])
def test_scheduler_state_dict_round_trip_resumes_the_same_learning_rates(make):
    opt = sgd(1.0, momentum=0.9)
    sched = make(opt)
    lrs_over(sched, 5)
    opt_state, sched_state = opt.state_dict(), sched.state_dict()
    rest = lrs_over(sched, 10)

    fresh_opt = sgd(1.0, momentum=0.9)
    fresh = make(fresh_opt)
    fresh_opt.load_state_dict(opt_state)
    fresh.load_state_dict(sched_state)
    assert lrs_over(fresh, 10) == rest


def test_reducelronplateau_state_dict_round_trip_keeps_best_and_counters():
    sched = ReduceLROnPlateau(sgd(1.0), patience=2)
    for loss in [1.0, 2.0, 2.0]:
        sched.step(loss)
    fresh = ReduceLROnPlateau(sgd(1.0), patience=2)
    fresh.load_state_dict(sched.state_dict())
    assert (fresh.best, fresh.num_bad_epochs, fresh.last_epoch) == (1.0, 2, 3)


def test_lambdalr_state_dict_leaves_out_plain_functions():
    sched = LambdaLR(sgd(), lambda e: 1.0)
    assert sched.state_dict()["lr_lambdas"] == [None]


def test_get_last_lr_returns_a_copy():
    sched = StepLR(sgd(), step_size=1)
    sched.get_last_lr().append(99)
    assert sched.get_last_lr() == [1.0]


def test_two_schedulers_on_one_optimizer_compose():
    opt = sgd(1.0)
    a, b = ExponentialLR(opt, gamma=0.5), StepLR(opt, step_size=2, gamma=0.1)
    for _ in range(2):
        a.step(); b.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.25 * 0.1)


@pytest.mark.parametrize("make,message", [
    (lambda o: StepLR(o, step_size=0), "StepLR: step_size must be an integer"),
    (lambda o: ExponentialLR(o, gamma=-0.5), "ExponentialLR: gamma must be a number"),
    (lambda o: CosineAnnealingLR(o, T_max=0), "CosineAnnealingLR: T_max must be an integer"),
    (lambda o: LinearLR(o, start_factor=0.0), "LinearLR: start_factor must be a number"),
    (lambda o: MultiStepLR(o, milestones=[-1]), "MultiStepLR: each milestone"),
    (lambda o: OneCycleLR(o, max_lr=1.0), "OneCycleLR: give either total_steps"),
    (lambda o: OneCycleLR(o, max_lr=1.0, total_steps=10, anneal_strategy="exp"), "anneal_strategy"),
    (lambda o: ReduceLROnPlateau(o, factor=1.0), "ReduceLROnPlateau: factor must be"),
    (lambda o: ReduceLROnPlateau(o, mode="best"), "ReduceLROnPlateau: mode must be 'min' or 'max'"),
    (lambda o: LambdaLR(o, [lambda e: 1, lambda e: 2]), "LambdaLR: expected 1 lr_lambdas"),
    (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(o, 3)], milestones=[]), "one milestone fewer"),
    (lambda o: SequentialLR(o, [ReduceLROnPlateau(o)], milestones=[]), "ReduceLROnPlateau"),
])
def test_bad_scheduler_arguments_are_refused_by_name(make, message):
    with pytest.raises(ValueError, match=message):
        make(sgd(momentum=0.9))


def test_a_scheduler_needs_an_optim_optimizer():
    with pytest.raises(TypeError, match="StepLR: list is not an optim.Optimizer"):
        StepLR([], step_size=1)


def test_sequentiallr_refuses_schedulers_of_another_optimizer():
    opt, other = sgd(), sgd()
    with pytest.raises(ValueError, match="different optimizer"):
        SequentialLR(opt, [StepLR(opt, 2), StepLR(other, 2)], milestones=[3])


@pytest.mark.parametrize("make", [lambda o: StepLR(o, step_size=1), lambda o: ReduceLROnPlateau(o),
                                  lambda o: OneCycleLR(o, max_lr=1.0, total_steps=10)],
                         ids=["StepLR", "ReduceLROnPlateau", "OneCycleLR"])
def test_a_scheduler_refuses_an_optimizer_whose_lr_is_already_a_function_and_changes_nothing(make):
    opt = optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=lambda t: 0.1, momentum=0.5)
    before = dict(opt.param_groups[0])
    with pytest.raises(ValueError, match="already has a learning rate schedule"):
        make(opt)
    assert opt.param_groups[0] == before


def test_resuming_with_last_epoch_needs_initial_lr_in_the_groups():
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(sgd(), step_size=2, last_epoch=4)


def test_schedulers_drive_every_parameter_group():
    opt = optim.SGD([{"params": [ag.tensor([1.0], requires_grad=True)], "lr": 1.0},
                     {"params": [ag.tensor([1.0], requires_grad=True)], "lr": 0.1}], lr=0.5)
    sched = ExponentialLR(opt, gamma=0.5)
    sched.step()
    assert sched.get_last_lr() == pytest.approx([0.5, 0.05])
    assert np.allclose([g["lr"] for g in opt.param_groups], [0.5, 0.05])
