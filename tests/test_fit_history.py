"""History: lookup by key, best epoch, and the curves History.plot draws (Agg backend)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nn.training.history import History  # noqa: E402


def _history():
    h = History()
    h.append({"epoch": 1, "loss": 1.0, "accuracy": 0.5, "val_loss": 1.2, "val_accuracy": 0.4, "lr": 0.1, "time": 0.2})
    h.append({"epoch": 2, "loss": 0.6, "accuracy": 0.7, "val_loss": 0.9, "val_accuracy": 0.6, "lr": 0.05, "time": 0.2})
    h.append({"epoch": 3, "loss": 0.4, "accuracy": 0.8, "val_loss": 1.0, "val_accuracy": 0.65, "lr": 0.01, "time": 0.2})
    return h


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_indexing_by_key_gives_that_value_for_every_epoch():
    assert _history()["val_accuracy"] == [0.4, 0.6, 0.65]


def test_history_dict_maps_every_key_to_its_column():
    assert _history().history["lr"] == [0.1, 0.05, 0.01] and len(_history().history) == 7


def test_unknown_key_raises_listing_the_recorded_keys():
    with pytest.raises(KeyError, match="no 'val_f1'.*'val_loss'"):
        _history()["val_f1"]


def test_best_finds_the_lowest_loss_or_highest_accuracy_epoch():
    h = _history()
    assert h.best("val_loss") == (2, 0.9) and h.best("val_accuracy", mode="max") == (3, 0.65)


def test_metric_names_are_the_quantities_with_curves():
    assert _history().metric_names() == ["loss", "accuracy"]


def _lines(ax):
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def test_plot_draws_a_loss_panel_and_a_metric_panel_with_train_and_validation_curves():
    fig = _history().plot()
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    assert _lines(axes[0]) == {"train": ([1, 2, 3], [1.0, 0.6, 0.4]), "validation": ([1, 2, 3], [1.2, 0.9, 1.0])}
    assert _lines(axes[1])["validation"][1] == [0.4, 0.6, 0.65]


def test_plot_can_add_the_learning_rate_on_a_log_axis():
    axes = _history().plot(keys=["loss"], lr=True).get_axes()
    assert [ax.get_title() for ax in axes] == ["loss", "lr"] and axes[1].get_yscale() == "log"
    assert _lines(axes[1])["train"][1] == [0.1, 0.05, 0.01]


def test_plot_marks_the_best_epoch_when_fit_set_it():
    h = _history()
    h.best_epoch = 2
    ax = h.plot(keys=["loss"]).get_axes()[0]
    marks = [line.get_xdata()[0] for line in ax.get_lines() if line.get_label().startswith("_")]
    assert marks == [2]


def test_plot_of_a_run_without_validation_has_only_train_curves():
    h = History()
    h.append({"epoch": 1, "loss": 1.0})
    h.append({"epoch": 2, "loss": 0.5})
    assert set(_lines(h.plot().get_axes()[0])) == {"train"}


def test_plot_of_an_unknown_key_is_refused():
    with pytest.raises(KeyError, match="no 'f1' recorded"):
        _history().plot(keys=["f1"])


def test_plot_of_an_empty_history_is_refused():
    with pytest.raises(ValueError, match="the history is empty"):
        History().plot()


def test_history_module_does_not_import_matplotlib_until_plot_is_called():
    import pathlib
    import subprocess
    import sys
    code = "import sys, nn; from nn.training import History; History(); print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=pathlib.Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "False"
