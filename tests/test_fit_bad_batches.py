"""nn.fit and a bad batch: the failure comes before any update and leaves the model, its
BatchNorm statistics included, exactly as it was before that batch."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim


def _model():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def _state(model):
    return {k: v.data.copy() for k, v in model.state_dict().items()}


def _batches(n=4, bad=None, nan=None):
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        x = rng.standard_normal((8, 3)).astype(np.float32)
        y = rng.integers(0, 2, 8)
        if i == nan:
            x[0, 0] = np.nan
        if i == bad:
            y = y + 5               # class indices out of range for 2 classes
        out.append((x, y))
    return out


def test_a_nan_in_the_first_batch_is_refused_before_training_and_changes_nothing():
    model = _model()
    before = _state(model)
    with pytest.raises(FloatingPointError, match="non-finite loss"):
        nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), _batches(nan=0),
               epochs=1, progress=False)
    after = _state(model)
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_bad_labels_in_batch_3_fail_before_its_update_and_leave_batchnorm_as_after_batch_2():
    model, reference = _model(), _model()
    with pytest.raises(IndexError):
        nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), _batches(bad=2),
               epochs=1, progress=False)
    nn.fit(reference, nn.CrossEntropyLoss(), optim.SGD(reference.parameters(), lr=0.1), _batches(n=2),
           epochs=1, progress=False)
    got, want = _state(model), _state(reference)
    assert all(np.array_equal(got[k], want[k]) for k in want)


def test_a_nan_in_a_later_batch_leaves_the_running_statistics_finite():
    model = _model()
    with pytest.raises(FloatingPointError, match="batch 3"):
        nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), _batches(nan=2),
               epochs=1, progress=False)
    assert np.all(np.isfinite(model[1].running_mean.data)) and np.all(np.isfinite(model[1].running_var.data))
