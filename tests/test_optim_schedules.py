"""Plain-function schedules (cosine, step, exponential, linear_warmup, join) and plot_schedule."""
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

import autograd as ag
import optim
from optim import lr_scheduler
from optim.schedules import cosine, exponential, join, linear_warmup, plot_schedule, step

matplotlib.use("Agg")


def scheduler_lrs(make, steps):
    opt = optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=0.4)
    sched = make(opt)
    out = []
    for _ in range(steps):
        out.append(sched.get_last_lr()[0])
        sched.step()
    return out


def values(schedule, steps):
    return [schedule(t) for t in range(steps)]


def test_cosine_equals_cosineannealinglr_up_to_total_steps():
    expected = scheduler_lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.01), 11)
    assert values(cosine(0.4, 10, min_lr=0.01), 11) == pytest.approx(expected)


def test_cosine_stays_at_min_lr_after_total_steps():
    assert values(cosine(1.0, 4, min_lr=0.1), 8)[4:] == [0.1] * 4


def test_step_equals_steplr():
    expected = scheduler_lrs(lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 12)
    assert values(step(0.4, 3, gamma=0.5), 12) == pytest.approx(expected)


def test_exponential_equals_exponentiallr():
    expected = scheduler_lrs(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.8), 12)
    assert values(exponential(0.4, 0.8), 12) == pytest.approx(expected)


def test_linear_warmup_equals_linearlr():
    expected = scheduler_lrs(lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=5), 9)
    assert values(linear_warmup(0.4, 5, start_factor=0.25), 9) == pytest.approx(expected)


def test_linear_warmup_starts_at_zero_by_default():
    assert values(linear_warmup(1.0, 2), 4) == [0.0, 0.5, 1.0, 1.0]


def test_join_equals_sequentiallr():
    expected = scheduler_lrs(lambda o: lr_scheduler.SequentialLR(
        o, [lr_scheduler.LinearLR(o, start_factor=0.5, total_iters=4),
            lr_scheduler.CosineAnnealingLR(o, T_max=6)], milestones=[4]), 11)
    ours = join([linear_warmup(0.4, 4, start_factor=0.5), cosine(0.4, 6)], milestones=[4])
    assert values(ours, 11) == pytest.approx(expected)


def test_join_restarts_each_schedule_at_its_milestone_and_accepts_constants():
    sched = join([0.3, exponential(1.0, 0.5), 0.01], milestones=[2, 4])
    assert values(sched, 6) == [0.3, 0.3, 1.0, 0.5, 0.01, 0.01]


@pytest.mark.parametrize("schedule,make_sched", [
    (cosine(0.3, 10), lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10)),
    (step(0.3, 4, 0.5), lambda o: lr_scheduler.StepLR(o, 4, 0.5)),
])
def test_an_optimizer_given_a_schedule_moves_like_one_driven_by_the_matching_scheduler(schedule, make_sched):
    def run(opt, sched=None):
        x = opt.param_groups[0]["params"][0]
        for _ in range(10):
            opt.zero_grad()
            (x * x).sum().backward()
            opt.step()
            if sched is not None:
                sched.step()
        return x.data

    def param():
        return [ag.tensor(np.array([1.0, -2.0]), requires_grad=True)]

    with_function = run(optim.SGD(param(), lr=schedule, momentum=0.5))
    opt = optim.SGD(param(), lr=0.3, momentum=0.5)
    with_scheduler = run(opt, make_sched(opt))
    assert not np.array_equal(with_function, [1.0, -2.0])
    np.testing.assert_allclose(with_function, with_scheduler, rtol=1e-12)


def test_a_schedule_names_itself():
    assert repr(cosine(0.1, 100)) == "cosine(lr=0.1, total_steps=100, min_lr=0.0)"


@pytest.mark.parametrize("make,message", [
    (lambda: cosine(-0.1, 10), "cosine: lr must be a number >= 0"),
    (lambda: cosine(0.1, 0), "cosine: total_steps must be an integer >= 1"),
    (lambda: step(0.1, 2.5), "step: step_size must be an integer"),
    (lambda: exponential(0.1, -1.0), "exponential: gamma must be"),
    (lambda: linear_warmup(0.1, 10, start_factor=2.0), "linear_warmup: start_factor"),
    (lambda: join([0.1, 0.2], milestones=[]), "join: needs one milestone fewer"),
    (lambda: join([0.1, 0.2, 0.3], milestones=[5, 3]), "join: milestones must be increasing"),
])
def test_bad_schedule_arguments_are_refused_by_name(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_schedule_refuses_a_negative_step():
    with pytest.raises(ValueError, match="the step must be an integer >= 0, got -1"):
        cosine(0.1, 10)(-1)


def test_plot_schedule_draws_the_values_of_a_function():
    fig = plot_schedule(step(1.0, 2, gamma=0.5), steps=6)
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == [0, 1, 2, 3, 4, 5]
    assert list(line.get_ydata()) == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]


def test_plot_schedule_steps_a_copy_of_a_scheduler_and_leaves_it_untouched():
    opt = optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=1.0)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    fig = plot_schedule(sched, steps=4)
    assert list(fig.axes[0].lines[0].get_ydata()) == [1.0, 0.5, 0.25, 0.125]
    assert sched.last_epoch == 0 and opt.param_groups[0]["lr"] == 1.0


def test_plot_schedule_draws_into_a_given_axes_with_a_label():
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    assert plot_schedule(cosine(1.0, 5), 5, ax=ax, label="cos") is fig
    assert ax.lines[0].get_label() == "cos"


def test_plot_schedule_refuses_reducelronplateau():
    opt = optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=1.0)
    with pytest.raises(TypeError, match="ReduceLROnPlateau"):
        plot_schedule(lr_scheduler.ReduceLROnPlateau(opt), steps=5)


def test_importing_optim_does_not_import_matplotlib():
    code = "import sys, optim; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
