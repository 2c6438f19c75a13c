"""The Optimizer base: groups, state, zero_grad, step, closures, in-place updates, saving and loading."""
import copy

import numpy as np
import pytest

import autograd as ag
import optim
from optim.schedules import step as step_schedule

OPTIMIZERS = {
    "SGD": lambda ps, **kw: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01, **kw),
    "SGD-plain": lambda ps, **kw: optim.SGD(ps, lr=0.05, **kw),
    "Adam": lambda ps, **kw: optim.Adam(ps, lr=0.05, amsgrad=True, weight_decay=0.01, **kw),
    "AdamW": lambda ps, **kw: optim.AdamW(ps, lr=0.05, **kw),
    "RMSprop": lambda ps, **kw: optim.RMSprop(ps, lr=0.01, momentum=0.9, centered=True, **kw),
    "Adagrad": lambda ps, **kw: optim.Adagrad(ps, lr=0.1, lr_decay=0.01, **kw),
}
ALL = pytest.mark.parametrize("name", list(OPTIMIZERS))


def make_params(seed=0):
    rng = np.random.default_rng(seed)
    return [ag.tensor(rng.normal(size=(3, 2)), requires_grad=True),
            ag.tensor(rng.normal(size=()), requires_grad=True)]


def loss_of(params, t):
    W, b = params
    x = ag.tensor(np.linspace(-1, 1, 6).reshape(2, 3) * (1 + 0.1 * t))
    return ((x @ W + b).tanh() ** 2).sum() + (W * W).sum() * 0.1


def train(opt, params, start, stop):
    for t in range(start, stop):
        opt.zero_grad()
        loss_of(params, t).backward()
        opt.step()


# -- step ------------------------------------------------------------------------------------------

@ALL
def test_step_updates_the_parameter_array_in_place(name):
    params = make_params()
    arrays = [p.data for p in params]
    before = [a.copy() for a in arrays]
    opt = OPTIMIZERS[name](params)
    train(opt, params, 0, 1)
    for p, a, b in zip(params, arrays, before):
        assert p.data is a
        assert not np.array_equal(a, b)


@ALL
def test_step_bumps_the_version_counter(name):
    params = make_params()
    opt = OPTIMIZERS[name](params)
    versions = [p._version for p in params]
    train(opt, params, 0, 1)
    assert [p._version for p in params] == [v + 1 for v in versions]


def test_backward_through_a_graph_made_before_the_step_refuses():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    stale = (w * w).sum()          # saved w's array for backward
    (w * w).sum().backward()
    opt.step()
    with pytest.raises(RuntimeError):
        stale.backward()


@ALL
def test_step_skips_parameters_without_a_gradient(name):
    used, unused = ag.tensor([1.0, 2.0], requires_grad=True), ag.tensor([3.0, 4.0], requires_grad=True)
    opt = OPTIMIZERS[name]([used, unused])
    (used * used).sum().backward()
    opt.step()
    np.testing.assert_array_equal(unused.data, [3.0, 4.0])
    assert unused not in opt.state and used in opt.state


def test_state_of_a_parameter_not_yet_stepped_reads_as_empty():
    w = ag.tensor([1.0], requires_grad=True)
    assert optim.Adam([w]).state[w] == {}


@ALL
def test_step_keeps_float32_parameters_float32(name):
    w = ag.tensor([1.0, -2.0], requires_grad=True)
    opt = OPTIMIZERS[name]([w])
    (w * w).sum().backward()
    opt.step()
    assert w.dtype == np.float32
    assert all(v.dtype == np.float32 for v in opt.state[w].values() if isinstance(v, np.ndarray))


def test_step_returns_the_closures_loss():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == pytest.approx(5.0)
    np.testing.assert_allclose(w.data, [0.8, 1.6])


def test_closure_runs_with_grad_enabled_even_under_no_grad():
    w = ag.tensor([1.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.5)

    def closure():
        loss = (w * w).sum()
        loss.backward()
        return loss

    with ag.no_grad():
        opt.step(closure)
    np.testing.assert_allclose(w.data, [0.0])


# -- zero_grad -------------------------------------------------------------------------------------

def test_zero_grad_sets_gradients_to_none_by_default():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    opt.zero_grad()
    assert w.grad is None


def test_zero_grad_without_set_to_none_zeros_the_same_array():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    grad_array = w.grad.data
    opt.zero_grad(set_to_none=False)
    assert w.grad.data is grad_array
    np.testing.assert_array_equal(grad_array, [0.0, 0.0])


# -- parameter groups ------------------------------------------------------------------------------

def test_groups_override_defaults_and_inherit_the_rest():
    a, b = ag.tensor([1.0], requires_grad=True), ag.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.9]


def test_add_param_group_adds_a_group_that_the_next_step_updates():
    a, b = ag.tensor([1.0], requires_grad=True), ag.tensor([1.0], requires_grad=True)
    opt = optim.SGD([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 1.0})
    (a + b).sum().backward()
    opt.step()
    np.testing.assert_allclose([a.item(), b.item()], [0.9, 0.0])


def test_add_param_group_with_a_parameter_already_present_raises_and_changes_nothing():
    a = ag.tensor([1.0], requires_grad=True)
    opt = optim.SGD([a], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [ag.tensor([2.0], requires_grad=True), a]})
    assert len(opt.param_groups) == 1


def test_add_param_group_with_a_bad_hyperparameter_raises_and_changes_nothing():
    opt = optim.Adam([ag.tensor([1.0], requires_grad=True)])
    with pytest.raises(ValueError, match=r"Adam: invalid learning rate -1"):
        opt.add_param_group({"params": [ag.tensor([2.0], requires_grad=True)], "lr": -1})
    assert len(opt.param_groups) == 1


def test_an_empty_group_is_allowed_next_to_a_non_empty_one():
    opt = optim.AdamW([{"params": [ag.tensor([1.0], requires_grad=True)]},
                       {"params": [], "weight_decay": 0.0}])
    assert [len(g["params"]) for g in opt.param_groups] == [1, 0]


# -- a learning rate given as a function of the step -----------------------------------------------

def test_a_callable_lr_is_evaluated_at_the_optimizers_step_count():
    x = ag.tensor([0.0], requires_grad=True)
    opt = optim.SGD([x], lr=step_schedule(1.0, step_size=2, gamma=0.5))
    xs = []
    for _ in range(5):
        opt.zero_grad()
        x.sum().backward()      # gradient 1: each step moves x by -lr
        opt.step()
        xs.append(x.item())
    assert xs == [-1.0, -2.0, -2.5, -3.0, -3.25]


def test_a_callable_lr_that_returns_a_negative_value_raises_before_any_update():
    a, b = ag.tensor([1.0], requires_grad=True), ag.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": lambda t: 0.1 - t}], lr=0.1)
    (a + b).sum().backward()
    opt.step()
    with pytest.raises(ValueError, match="SGD: invalid learning rate -0.9"):
        opt.step()
    np.testing.assert_allclose([a.item(), b.item()], [0.9, 0.9])


# -- bad input at construction ---------------------------------------------------------------------

@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad])
def test_negative_learning_rate_is_refused_naming_the_optimizer_and_value(cls):
    with pytest.raises(ValueError, match=rf"{cls.__name__}: invalid learning rate -0.01"):
        cls([ag.tensor([1.0], requires_grad=True)], lr=-0.01)


@pytest.mark.parametrize("cls", [optim.Adam, optim.AdamW])
@pytest.mark.parametrize("betas", [(1.0, 0.999), (0.9, 1.0), (-0.1, 0.999), (0.9, 1.5)])
def test_betas_outside_zero_one_are_refused(cls, betas):
    with pytest.raises(ValueError, match=rf"{cls.__name__}: invalid beta"):
        cls([ag.tensor([1.0], requires_grad=True)], betas=betas)


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad])
def test_an_empty_parameter_list_is_refused(cls):
    with pytest.raises(ValueError, match=rf"{cls.__name__}: got an empty parameter list"):
        cls([])


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam, optim.RMSprop, optim.Adagrad])
def test_a_parameter_given_twice_is_refused(cls):
    w = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="given twice"):
        cls([w, w])


def test_a_parameter_given_in_two_groups_is_refused():
    w = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.Adam([{"params": [w]}, {"params": [w]}])


@pytest.mark.parametrize("bad", [np.ones(2), [1.0, 2.0], None])
def test_a_non_tensor_in_params_is_refused(bad):
    with pytest.raises(TypeError, match=r"SGD: can only optimize Tensors, but parameter 1"):
        optim.SGD([ag.tensor([1.0], requires_grad=True), bad], lr=0.1)


def test_a_single_tensor_instead_of_a_list_is_refused():
    with pytest.raises(TypeError, match="wrap it in a list"):
        optim.SGD(ag.tensor([1.0], requires_grad=True), lr=0.1)


def test_a_non_leaf_tensor_is_refused():
    w = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)


@pytest.mark.parametrize("cls,kwargs,message", [
    (optim.SGD, dict(lr=0.1, momentum=-0.5), "SGD: invalid momentum value -0.5"),
    (optim.SGD, dict(lr=0.1, nesterov=True), "SGD: Nesterov momentum needs momentum > 0"),
    (optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening=0.1"),
    (optim.SGD, dict(lr=0.1, weight_decay=-1), "SGD: invalid weight_decay value -1"),
    (optim.Adam, dict(eps=-1e-8), "Adam: invalid epsilon value -1e-08"),
    (optim.Adam, dict(betas=(0.9,)), "Adam: betas must be a pair"),
    (optim.RMSprop, dict(alpha=-0.1), "RMSprop: invalid alpha value -0.1"),
    (optim.RMSprop, dict(momentum=-0.1), "RMSprop: invalid momentum value -0.1"),
    (optim.Adagrad, dict(lr_decay=-0.1), "Adagrad: invalid lr_decay value -0.1"),
    (optim.Adagrad, dict(initial_accumulator_value=-1.0), "Adagrad: invalid initial_accumulator_value -1.0"),
    (optim.Adam, dict(lr=float("nan")), "Adam: invalid learning rate nan"),
])
def test_invalid_hyperparameters_are_refused_by_name(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls([ag.tensor([1.0], requires_grad=True)], **kwargs)


# -- state_dict ------------------------------------------------------------------------------------

@ALL
def test_state_dict_round_trip_resumes_bit_identically(name):
    params = make_params()
    opt = OPTIMIZERS[name](params)
    train(opt, params, 0, 10)
    saved_params = [p.data.copy() for p in params]
    saved = opt.state_dict()
    train(opt, params, 10, 20)

    fresh_params = [ag.tensor(a, requires_grad=True) for a in saved_params]
    fresh = OPTIMIZERS[name](fresh_params)
    fresh.load_state_dict(saved)
    train(fresh, fresh_params, 10, 20)
    for p, q in zip(params, fresh_params):
        assert np.array_equal(p.data, q.data)


def test_state_dict_round_trip_resumes_a_callable_learning_rate_where_it_was():
    schedule = step_schedule(0.1, step_size=3, gamma=0.5)
    params = make_params()
    opt = optim.SGD(params, lr=schedule, momentum=0.9)
    train(opt, params, 0, 5)
    saved, saved_params = opt.state_dict(), [p.data.copy() for p in params]
    train(opt, params, 5, 10)
    fresh_params = [ag.tensor(a, requires_grad=True) for a in saved_params]
    fresh = optim.SGD(fresh_params, lr=schedule, momentum=0.9)
    fresh.load_state_dict(saved)
    train(fresh, fresh_params, 5, 10)
    assert all(np.array_equal(p.data, q.data) for p, q in zip(params, fresh_params))


def test_state_dict_is_a_snapshot_that_later_steps_do_not_change():
    params = make_params()
    opt = optim.Adam(params, lr=0.1)
    train(opt, params, 0, 3)
    saved = opt.state_dict()
    frozen = copy.deepcopy(saved)
    train(opt, params, 3, 6)
    for key, state in frozen["state"].items():
        for k, v in state.items():
            np.testing.assert_array_equal(saved["state"][key][k], v)


def test_state_dict_numbers_parameters_and_keeps_hyperparameters():
    params = make_params()
    opt = optim.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.5}], lr=0.1)
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.1, 0.5]


def test_load_state_dict_restores_the_saved_hyperparameters():
    params = make_params()
    opt = optim.Adam(params, lr=0.1)
    sd = opt.state_dict()
    sd["param_groups"][0]["lr"] = 0.003
    opt.load_state_dict(sd)
    assert opt.param_groups[0]["lr"] == 0.003


def test_load_state_dict_with_a_different_parameter_count_raises_and_changes_nothing():
    params = make_params()
    opt = optim.Adam(params, lr=0.1)
    train(opt, params, 0, 2)
    other = optim.Adam([ag.tensor([1.0], requires_grad=True)], lr=0.5)
    before = other.state_dict()
    with pytest.raises(ValueError, match="Adam: parameter group 0 has 1 parameters but the loaded group has 2"):
        other.load_state_dict(opt.state_dict())
    assert other.state_dict()["param_groups"] == before["param_groups"] and dict(other.state) == {}


def test_load_state_dict_with_a_wrong_state_shape_raises_and_changes_nothing():
    a = ag.tensor(np.ones(3), requires_grad=True)
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    (a * a).sum().backward()
    opt.step()
    b = ag.tensor(np.ones(4), requires_grad=True)
    other = optim.SGD([b], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match=r"has shape \(3,\), but the parameter has shape \(4,\)"):
        other.load_state_dict(opt.state_dict())
    assert dict(other.state) == {}


def test_repr_lists_each_groups_hyperparameters():
    opt = optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
    text = repr(opt)
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "momentum: 0.9" in text
