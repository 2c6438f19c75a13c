"""EarlyStopping: when to stop, and keeping (and restoring) the best model state."""
import numpy as np
import pytest

import autograd as ag
from optim import EarlyStopping


class Model:
    """The duck type EarlyStopping needs: state_dict() sharing live arrays, load_state_dict()."""

    def __init__(self, value):
        self.w = np.array([value], dtype=float)

    def state_dict(self):
        return {"w": self.w}

    def load_state_dict(self, state):
        self.w[...] = state["w"]


def run(stopper, metrics, model=None):
    """The epoch at which the stopper says stop (None if it never does)."""
    for epoch, m in enumerate(metrics):
        if model is not None:
            model.w[...] = m
        if stopper.step(m, model):
            return epoch
    return None


def test_stops_after_patience_epochs_without_improvement():
    assert run(EarlyStopping(patience=3), [1.0, 0.5, 0.6, 0.7, 0.8, 0.1]) == 4


def test_an_improvement_resets_the_count():
    assert run(EarlyStopping(patience=2), [1.0, 1.1, 0.9, 1.0, 0.8, 0.9, 1.0]) == 6


def test_patience_zero_stops_at_the_first_epoch_without_improvement():
    assert run(EarlyStopping(patience=0), [1.0, 0.9, 0.95]) == 2


def test_never_stops_while_the_metric_keeps_improving():
    assert run(EarlyStopping(patience=1), [5.0, 4.0, 3.0, 2.0]) is None


def test_changes_smaller_than_min_delta_do_not_count_as_improvement():
    stopper = EarlyStopping(patience=2, min_delta=0.1)
    assert run(stopper, [1.0, 0.95, 0.92, 0.5]) == 2
    assert stopper.best == 1.0


def test_mode_max_looks_for_increases():
    stopper = EarlyStopping(patience=1, mode="max")
    assert run(stopper, [0.5, 0.8, 0.7]) == 2
    assert (stopper.best, stopper.best_epoch) == (0.8, 1)


def test_nan_never_counts_as_an_improvement():
    stopper = EarlyStopping(patience=1)
    assert run(stopper, [1.0, float("nan")]) == 1
    assert stopper.best == 1.0


def test_accepts_a_one_element_tensor_metric():
    stopper = EarlyStopping(patience=1)
    stopper.step(ag.tensor(2.0))
    assert stopper.best == 2.0


def test_keeps_a_deep_copy_of_the_best_state():
    model, stopper = Model(0.0), EarlyStopping(patience=5)
    run(stopper, [3.0, 2.0, 4.0], model)
    assert stopper.best_state["w"][0] == 2.0 and model.w[0] == 4.0


def test_restores_the_best_state_into_the_model_when_it_says_stop():
    model = Model(0.0)
    assert run(EarlyStopping(patience=2), [3.0, 1.0, 2.0, 5.0], model) == 3
    assert model.w[0] == 1.0


def test_restore_best_false_leaves_the_model_as_it_is():
    model = Model(0.0)
    run(EarlyStopping(patience=1, restore_best=False), [1.0, 2.0], model)
    assert model.w[0] == 2.0


def test_restore_without_a_kept_state_raises():
    with pytest.raises(RuntimeError, match="no model state was kept"):
        EarlyStopping().restore(Model(0.0))


def test_state_dict_round_trip_resumes_the_count():
    stopper = EarlyStopping(patience=3)
    run(stopper, [1.0, 2.0, 2.0])
    fresh = EarlyStopping(patience=3)
    fresh.load_state_dict(stopper.state_dict())
    assert fresh.step(3.0) is True


@pytest.mark.parametrize("kwargs,message", [
    (dict(patience=-1), "patience must be an integer >= 0, got -1"),
    (dict(patience=1.5), "patience must be an integer"),
    (dict(min_delta=-0.1), "min_delta must be a finite number >= 0, got -0.1"),
    (dict(mode="lowest"), "mode must be 'min' or 'max', got 'lowest'"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match="EarlyStopping: " + message):
        EarlyStopping(**kwargs)


def test_a_model_without_state_dict_is_refused():
    with pytest.raises(TypeError, match="state_dict"):
        EarlyStopping().step(1.0, object())
