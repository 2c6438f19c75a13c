"""cross_entropy's class-index targets: which count, which are ignored, which are refused."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F

torch = pytest.importorskip("torch")
X = np.random.default_rng(0).standard_normal((5, 3))


def _both(y, **kw):
    ours = F.cross_entropy(ag.tensor(X), ag.tensor(np.array(y)), **kw).item()
    theirs = torch.nn.functional.cross_entropy(torch.tensor(X), torch.tensor(y), **kw).item()
    return ours, theirs


def test_an_empty_batch_gives_nan():
    assert np.isnan(F.cross_entropy(ag.tensor(np.zeros((0, 3))), ag.tensor(np.zeros(0, np.int64))).item())


def test_an_ignore_index_among_the_class_indices_drops_those_targets():
    ours, theirs = _both([0, 1, 2, 1, 1], ignore_index=1)
    assert ours == pytest.approx(theirs, rel=1e-12)


def test_ignored_targets_leave_the_mean_over_the_rest():
    ours, theirs = _both([0, -100, 2, 1, -100])
    assert ours == pytest.approx(theirs, rel=1e-12)


def test_all_targets_ignored_gives_nan():
    assert np.isnan(_both([-100] * 5)[0])


def test_a_negative_target_that_is_not_ignored_raises():
    with pytest.raises(IndexError, match=r"values from -1 to 2"):
        _both([0, 1, 2, 1, -1])
