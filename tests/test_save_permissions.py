"""Files written by nn.save and Checkpoint get the mode open(path, "w") would give them."""
import os
import stat

import pytest

import autograd as ag
import nn
import optim
from nn.data import DataLoader

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_checkpoint_gets_0o666_less_the_umask(tmp_path, umask_022):
    nn.save(nn.Linear(2, 3), tmp_path / "m.npz")
    assert _mode(tmp_path / "m.npz") == 0o644


def test_a_stricter_umask_is_respected(tmp_path):
    old = os.umask(0o077)
    try:
        nn.save(nn.Linear(2, 3), tmp_path / "m.npz")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "m.npz") == 0o600


def test_overwriting_a_checkpoint_keeps_its_mode(tmp_path, umask_022):
    path = tmp_path / "m.npz"
    nn.save(nn.Linear(2, 3), path)
    os.chmod(path, 0o640)
    nn.save(nn.Linear(2, 3), path)
    assert _mode(path) == 0o640


def test_a_save_leaves_no_temporary_file_beside_the_target(tmp_path):
    nn.save(nn.Linear(2, 3), tmp_path / "m.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_checkpoint_files_written_by_fit_respect_the_umask(tmp_path, umask_022):
    ag.manual_seed(0)
    x, y = ag.randn(16, 3).data, ag.randint(0, 2, (16,)).data
    model = nn.Linear(3, 2)
    nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
           DataLoader((x, y), batch_size=8), epochs=2, val_loader=DataLoader((x, y), batch_size=8),
           checkpoint=nn.Checkpoint(str(tmp_path), every=1), progress=False)
    written = sorted(tmp_path.iterdir())
    assert written and all(_mode(p) == 0o644 for p in written)
