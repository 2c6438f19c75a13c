"""fit and evaluate: they train, record what happened, stop early, save, and refuse bad input up front."""
import io
import os

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from nn.data import DataLoader, Dataset
from nn.data.datasets import load_digits


def _binary(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype(np.float32)
    return x, (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64)


def _loader(x, y, batch_size=32, **kw):
    return DataLoader((x, y), batch_size=batch_size, **kw)


def _linear(seed=0, n_in=5):
    ag.manual_seed(seed)
    return nn.Linear(n_in, 2)


def _weights(model):
    return {k: v.data.copy() for k, v in model.state_dict().items()}


def _same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def _run(model, epochs, val=True, **kw):
    x, y = _binary()
    kw.setdefault("progress", False)
    return nn.fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.5),
                  _loader(x, y, shuffle=True, seed=0), epochs,
                  val_loader=_loader(x, 1 - y) if val else None, **kw)


# -- it trains ------------------------------------------------------------------------------

def test_fit_trains_a_small_mlp_on_digits_to_95_percent_test_accuracy():
    x_tr, y_tr, x_te, y_te = load_digits()
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    nn.fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=1e-2),
           _loader(x_tr, y_tr, batch_size=64, shuffle=True, seed=0), epochs=15, progress=False)
    scores = nn.evaluate(model, _loader(x_te, y_te, batch_size=256), metrics=["accuracy"])
    assert scores["accuracy"] >= 0.95


def test_fit_on_augmented_digit_images_learns_with_a_transform_in_the_dataset():
    from nn.data import TensorDataset
    from nn.data.transforms import RandomShift
    x_tr, y_tr, x_te, y_te = load_digits(as_images=True)
    ag.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    train = DataLoader(TensorDataset(x_tr, y_tr, transform=RandomShift(1)), batch_size=64,
                       shuffle=True, seed=0)
    nn.fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=1e-2), train, epochs=8,
           progress=False)
    assert nn.evaluate(model, _loader(x_te, y_te, batch_size=256))["accuracy"] >= 0.9


# -- History ----------------------------------------------------------------------------------

def test_history_has_one_record_per_epoch_with_train_val_lr_and_time():
    history = _run(_linear(), epochs=3)
    assert history.keys() == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "time"]
    assert len(history) == 3 and history["epoch"] == [1, 2, 3]
    assert history["lr"] == [0.5, 0.5, 0.5] and all(t > 0 for t in history["time"])


def test_history_without_val_loader_has_no_val_keys():
    assert not any(k.startswith("val_") for k in _run(_linear(), epochs=1, val=False).keys())


def test_recorded_train_loss_is_the_sample_weighted_mean_over_the_epoch():
    x, y = _binary(n=70)  # batches of 32, 32, 6: a plain mean of batch losses would differ
    model = _linear()
    history = nn.fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.0),
                     _loader(x, y), 1, progress=False)
    expected = F.cross_entropy(model(ag.tensor(x)), ag.tensor(y)).item()
    assert history["loss"][0] == pytest.approx(expected, rel=1e-5)


def test_recorded_val_metrics_are_those_of_the_model_after_the_epoch():
    model = _linear()
    history = _run(model, epochs=2)
    x, y = _binary()
    scores = nn.evaluate(model, _loader(x, 1 - y), metrics=["accuracy"], loss_fn=F.cross_entropy)
    assert history["val_loss"][-1] == pytest.approx(scores["loss"])
    assert history["val_accuracy"][-1] == scores["accuracy"]


def test_metrics_given_by_name_and_as_functions_are_all_recorded():
    def error_rate(out, y):
        return 1.0 - nn.metrics.accuracy(out, y)
    history = _run(_linear(), epochs=1, metrics=["accuracy", "top2_accuracy", error_rate])
    assert history["val_top2_accuracy"] == [1.0]
    assert history["error_rate"][0] == pytest.approx(1.0 - history["accuracy"][0])


def test_history_records_the_lr_each_epoch_ran_with_under_a_scheduler():
    model = _linear()
    opt = optim.SGD(model.parameters(), lr=0.4)
    x, y = _binary()
    history = nn.fit(model, F.cross_entropy, opt, _loader(x, y), 3, progress=False,
                     scheduler=optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5))
    assert history["lr"] == pytest.approx([0.4, 0.2, 0.1])


def test_scheduler_interval_step_steps_the_scheduler_after_every_batch():
    model = _linear()
    opt = optim.SGD(model.parameters(), lr=1.0)
    x, y = _binary(n=96)  # 3 batches per epoch
    history = nn.fit(model, F.cross_entropy, opt, _loader(x, y), 2, progress=False,
                     scheduler=optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5),
                     scheduler_interval="step")
    assert history["lr"] == pytest.approx([1.0, 0.125])


def test_reduce_lr_on_plateau_receives_the_monitored_value_each_epoch():
    seen = []

    class Spy(optim.lr_scheduler.ReduceLROnPlateau):
        def step(self, metrics):
            seen.append(metrics)
            super().step(metrics)

    model = _linear()
    opt = optim.SGD(model.parameters(), lr=0.5)
    x, y = _binary()
    history = nn.fit(model, F.cross_entropy, opt, _loader(x, y), 3, val_loader=_loader(x, y),
                     scheduler=Spy(opt), progress=False)
    assert seen == history["val_loss"]


def test_fit_puts_the_model_back_in_the_mode_it_started_in():
    model = _linear().eval()
    _run(model, epochs=1)
    assert model.training is False


# -- early stopping ---------------------------------------------------------------------------
# The validation labels are the training labels flipped, so every epoch of learning makes the
# validation loss worse: the best epoch is the first.

def test_early_stopping_stops_after_patience_epochs_without_improvement():
    history = _run(_linear(), epochs=20, early_stopping=optim.EarlyStopping(patience=2))
    assert history.stopped_early and len(history) == 3 and history.best_epoch == 1


def test_early_stopping_restores_the_weights_of_the_best_epoch():
    model = _linear()
    _run(model, epochs=20, early_stopping=optim.EarlyStopping(patience=2))
    after_one_epoch = _linear()
    _run(after_one_epoch, epochs=1)
    assert _same(_weights(model), _weights(after_one_epoch))


def test_restore_best_also_applies_when_every_epoch_ran():
    model = _linear()
    history = _run(model, epochs=3, early_stopping=optim.EarlyStopping(patience=10))
    after_one_epoch = _linear()
    _run(after_one_epoch, epochs=1)
    assert not history.stopped_early and _same(_weights(model), _weights(after_one_epoch))


def test_early_stopping_without_restore_keeps_the_last_weights():
    model = _linear()
    _run(model, epochs=20, early_stopping=optim.EarlyStopping(patience=2, restore_best=False))
    three_epochs = _linear()
    _run(three_epochs, epochs=3)
    assert _same(_weights(model), _weights(three_epochs))


def test_early_stopping_can_monitor_a_metric_to_maximise():
    history = _run(_linear(), epochs=20, monitor="val_accuracy",
                   early_stopping=optim.EarlyStopping(patience=2, mode="max"))
    assert history.stopped_early and len(history) < 20


# -- checkpoints ------------------------------------------------------------------------------

def test_checkpoint_saves_every_n_epochs_and_the_best_model(tmp_path):
    _run(_linear(), epochs=4, checkpoint=nn.Checkpoint(tmp_path, every=2))
    assert sorted(os.listdir(tmp_path)) == ["best.safetensors", "epoch_002.safetensors", "epoch_004.safetensors", "last.safetensors"]


def test_best_checkpoint_holds_the_weights_of_the_best_validation_epoch(tmp_path):
    _run(_linear(), epochs=3, checkpoint=str(tmp_path))
    after_one_epoch = _linear()
    _run(after_one_epoch, epochs=1)
    best = nn.load(tmp_path / "best.safetensors")
    assert _same({k: np.asarray(v.data if isinstance(v, ag.Tensor) else v) for k, v in best.items()},
                 _weights(after_one_epoch))


def test_periodic_checkpoint_holds_the_weights_after_that_epoch(tmp_path):
    model = _linear()
    _run(model, epochs=2, checkpoint=nn.Checkpoint(tmp_path, every=2, save_best=False))
    saved = nn.load(tmp_path / "epoch_002.safetensors")
    assert _same({k: np.asarray(v.data if isinstance(v, ag.Tensor) else v) for k, v in saved.items()},
                 _weights(model))


# -- progress output --------------------------------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_is_drawn_on_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    _run(_linear(), epochs=2, progress=True)
    assert "epoch 1/2" in terminal.getvalue() and "epoch 2/2" in terminal.getvalue()


def test_no_progress_output_when_ci_is_set_even_on_a_terminal(monkeypatch, capfd):
    monkeypatch.setenv("CI", "1")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    _run(_linear(), epochs=2, progress=True)
    out, err = capfd.readouterr()
    assert terminal.getvalue() == "" and out == "" and err == ""


def test_no_progress_output_when_stderr_is_not_a_terminal(monkeypatch, capfd):
    monkeypatch.delenv("CI", raising=False)
    _run(_linear(), epochs=2, progress=True)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_progress_false_draws_nothing_on_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    _run(_linear(), epochs=1, progress=False)
    assert terminal.getvalue() == ""


# -- bad input, refused before the first update -----------------------------------------------

class _Samples(Dataset):
    def __init__(self, samples):
        self.samples = samples

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        return self.samples[i]


def _refused(model, loss_fn, loader, match, error=ValueError, **kw):
    before = _weights(model)
    opt = optim.SGD(model.parameters(), lr=0.5)
    with pytest.raises(error, match=match):
        nn.fit(model, loss_fn, opt, loader, 2, progress=False, **kw)
    assert _same(_weights(model), before) and opt._step_count == 0


def test_float_labels_for_cross_entropy_are_refused_before_training():
    x, y = _binary()
    _refused(_linear(), F.cross_entropy, _loader(x, y.astype(np.float32)),
             "first batch of train_loader .*targets float32 .*integers", TypeError)


def test_integer_targets_for_mse_loss_are_refused_before_training():
    x, y = _binary()
    model = nn.Linear(5, 1)
    _refused(model, F.mse_loss, _loader(x, y.reshape(-1, 1)), "mse_loss needs floating-point targets",
             TypeError, metrics=())


def test_a_sample_of_another_shape_late_in_the_dataset_is_refused_naming_its_index():
    samples = [(np.zeros(5, np.float32), 0)] * 40 + [(np.zeros(4, np.float32), 1)]
    _refused(_linear(), F.cross_entropy, DataLoader(_Samples(samples), batch_size=8),
             "sample 40 of the dataset has shape")


def test_inputs_of_the_wrong_width_are_refused_before_training():
    x, y = _binary()
    _refused(_linear(n_in=4), F.cross_entropy, _loader(x, y), "first batch of train_loader .*rejected by the model")


def test_bad_validation_labels_are_refused_before_training():
    x, y = _binary()
    _refused(_linear(), F.cross_entropy, _loader(x, y), "first batch of val_loader", TypeError,
             val_loader=_loader(x, y.astype(np.float64)))


def test_a_loss_that_is_not_a_single_number_is_refused():
    x, y = _binary()
    _refused(_linear(), lambda out, t: F.cross_entropy(out, t, reduction="none"), _loader(x, y),
             r"returned shape \(32,\), not a single number")


@pytest.mark.parametrize("epochs", [0, -1, 2.0])
def test_non_positive_epochs_are_refused(epochs):
    x, y = _binary()
    model = _linear()
    with pytest.raises(ValueError, match=f"epochs must be a positive integer, got {epochs!r}"):
        nn.fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), _loader(x, y), epochs)


def test_a_loader_without_batches_is_refused_with_its_sizes():
    x, y = _binary(n=10)
    _refused(_linear(), F.cross_entropy, _loader(x, y, batch_size=32, drop_last=True),
             "train_loader yields no batches .*10 samples, batch_size=32, drop_last=True")


def test_monitoring_a_key_fit_will_not_record_is_refused():
    x, y = _binary()
    _refused(_linear(), F.cross_entropy, _loader(x, y), "monitors 'val_accuracy'",
             monitor="val_accuracy", early_stopping=optim.EarlyStopping())


def test_unknown_metric_is_refused_before_training():
    x, y = _binary()
    _refused(_linear(), F.cross_entropy, _loader(x, y), "unknown metric 'f1'", metrics=["f1"])


def test_the_pre_training_check_leaves_batchnorm_statistics_alone():
    x, y = _binary()
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    _refused(model, F.cross_entropy, _loader(x, y.astype(np.float32)), "integers", TypeError)


def test_a_loss_that_turns_nan_stops_training_naming_epoch_and_batch():
    x, y = _binary()
    x[40] = np.nan  # in the second batch
    model = _linear()
    with pytest.raises(FloatingPointError, match="loss became nan at epoch 1, batch 2"):
        nn.fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), _loader(x, y), 2,
               progress=False)
    assert np.isfinite(model.weight.data).all()


def test_a_diverging_run_keeps_the_finished_epochs_on_the_exception():
    x, y = _binary()
    model = _linear()
    calls = []

    def loss_fn(out, target):
        calls.append(1)
        loss = F.cross_entropy(out, target)
        # NOTE: finite during the pre-training check and epoch 1, nan from epoch 2 on
        return loss * float("nan") if model.training and len(calls) > 1 + len(_loader(x, y)) else loss

    with pytest.raises(FloatingPointError) as info:
        nn.fit(model, loss_fn, optim.SGD(model.parameters(), lr=0.1), _loader(x, y), 3, progress=False)
    assert [r["epoch"] for r in info.value.history.records] == [1]


# -- evaluate ---------------------------------------------------------------------------------

def test_evaluate_weights_batch_losses_by_batch_size():
    x, y = _binary(n=70)
    model = _linear()
    expected = F.cross_entropy(model(ag.tensor(x)), ag.tensor(y)).item()
    scores = nn.evaluate(model, _loader(x, y, batch_size=32), metrics=[], loss_fn=F.cross_entropy)
    assert scores == {"loss": pytest.approx(expected, rel=1e-5)}


def test_evaluate_runs_in_eval_mode_and_restores_train_mode():
    modes = []

    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(5, 2)

        def forward(self, x):
            modes.append(self.training)
            return self.fc(x)

    model = Probe()
    x, y = _binary()
    nn.evaluate(model, _loader(x, y))
    assert modes and not any(modes) and model.training


def test_evaluate_runs_without_recording_a_graph():
    grad_modes = []

    def model(x):
        grad_modes.append(ag.is_grad_enabled())
        return x[:, :2]

    x, y = _binary()
    nn.evaluate(model, _loader(x, y))
    assert grad_modes and not any(grad_modes) and ag.is_grad_enabled()


def test_in_a_notebook_without_widgets_a_text_bar_goes_to_the_cell_output(monkeypatch):
    import types
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setitem(__import__("sys").modules, "ipykernel.zmqshell", types.ModuleType("zmqshell"))
    cell = io.StringIO()  # a kernel's stream: not a terminal
    monkeypatch.setattr("sys.stdout", cell)
    _run(_linear(), epochs=1, progress=True)
    assert "epoch 1/1" in cell.getvalue()


def test_in_a_notebook_ci_still_turns_the_bar_off(monkeypatch):
    import types
    monkeypatch.setenv("CI", "true")
    monkeypatch.setitem(__import__("sys").modules, "ipykernel.zmqshell", types.ModuleType("zmqshell"))
    cell = io.StringIO()
    monkeypatch.setattr("sys.stdout", cell)
    _run(_linear(), epochs=1, progress=True)
    assert cell.getvalue() == ""


def test_fit_trains_a_regression_with_mse_and_records_the_mse_metric():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    ag.manual_seed(0)
    model = nn.Linear(3, 1)
    history = nn.fit(model, F.mse_loss, optim.SGD(model.parameters(), lr=0.1), _loader(x, y, shuffle=True, seed=0),
                     20, metrics=["mse"], progress=False)
    assert history["mse"][-1] < 1e-3 and history["mse"][-1] < history["mse"][0]


def test_a_classification_metric_on_a_regression_is_refused_with_a_hint():
    x = np.zeros((8, 3), np.float32)
    y = np.zeros((8, 1), np.float32)
    ag.manual_seed(0)
    _refused(nn.Linear(3, 1), F.mse_loss, _loader(x, y), r"metric 'accuracy'.*metrics=\['mse'\]", TypeError)


def test_metrics_none_records_only_the_loss():
    assert _run(_linear(), epochs=1, val=False, metrics=None).keys() == ["epoch", "loss", "lr", "time"]


@pytest.mark.parametrize("kwargs, match", [({"every": 0}, "every must be a positive"),
                                           ({"mode": "best"}, "mode must be 'min' or 'max'"),
                                           ({"save_best": False, "save_last": False}, "nothing to save")])
def test_checkpoint_settings_are_checked_at_construction(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        nn.Checkpoint(tmp_path, **kwargs)


def test_a_one_shot_generator_of_batches_is_refused():
    x, y = _binary()
    batches = ((ag.tensor(x[i:i + 32]), ag.tensor(y[i:i + 32])) for i in range(0, 96, 32))
    _refused(_linear(), F.cross_entropy, batches, "one-shot iterator", TypeError)


def test_a_list_of_batches_works_as_a_loader():
    x, y = _binary()
    batches = [(ag.tensor(x[i:i + 32]), ag.tensor(y[i:i + 32])) for i in range(0, 96, 32)]
    model = _linear()
    history = nn.fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.5), batches, 2, progress=False)
    assert len(history) == 2 and history["loss"][1] < history["loss"][0]


def test_checkpoint_directory_may_be_a_path_object(tmp_path):
    _run(_linear(), epochs=1, checkpoint=tmp_path / "run")
    assert sorted(os.listdir(tmp_path / "run")) == ["best.safetensors", "last.safetensors"]


def test_an_early_stopper_reused_for_a_second_fit_reports_best_epoch_within_that_fit():
    stopper = optim.EarlyStopping(patience=100)
    _run(_linear(), epochs=2, early_stopping=stopper)
    stopper.best, stopper.best_state = float("inf"), None  # start the comparison afresh
    history = _run(_linear(), epochs=2, early_stopping=stopper)
    assert history.best_epoch == 1
