"""nn.save / nn.load under faults: stale temporaries of killed saves are cleaned up, a bad file is
refused with a message naming it and what it is, and every scheduler's and optimizer's state
round-trips through a file."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from optim import lr_scheduler as S


def _ckpt(tmp_path, name="m.npz"):
    path = tmp_path / name
    nn.save(nn.Linear(2, 3), path)
    return path


# -- stale temporaries ---------------------------------------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="kills a child process with SIGKILL")
def test_a_save_killed_midway_leaves_a_temporary_that_the_next_save_removes(tmp_path):
    path = tmp_path / "m.npz"
    child = textwrap.dedent(f"""
        import os, signal, nn, nn.serialization as s
        def die(f, entries):
            f.write(b"partial")
            f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        s._write = die
        nn.save(nn.Linear(2, 3), {str(path)!r})
    """)
    run = subprocess.run([sys.executable, "-c", child], cwd=os.path.dirname(os.path.dirname(__file__)))
    assert run.returncode == -signal.SIGKILL
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".m.npz.tmp-")
    nn.save(nn.Linear(2, 3), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_loading_removes_stale_temporaries_of_that_file_only(tmp_path):
    path = _ckpt(tmp_path)
    dead = tmp_path / ".m.npz.tmp-999999999-ab"
    other = tmp_path / ".other.npz.tmp-999999999-ab"
    dead.write_bytes(b"x")
    other.write_bytes(b"x")
    nn.load(path)
    assert not dead.exists() and other.exists()


def test_a_temporary_of_a_running_process_is_left_alone(tmp_path):
    live = tmp_path / f".m.npz.tmp-{os.getppid()}-ab"
    live.write_bytes(b"x")
    _ckpt(tmp_path)
    assert live.exists()


def test_a_failed_save_leaves_no_temporary(tmp_path, monkeypatch):
    import nn.serialization as s

    def fail(f, entries):
        raise OSError("disk full")
    monkeypatch.setattr(s, "_write", fail)
    with pytest.raises(OSError, match="disk full"):
        nn.save(nn.Linear(2, 3), tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


# -- bad files ---------------------------------------------------------------------------------

def test_a_text_file_is_not_a_checkpoint(tmp_path):
    (tmp_path / "a.npz").write_text("hello")
    with pytest.raises(nn.CheckpointError, match="'a.npz' is not a tapegrad checkpoint"):
        nn.load(tmp_path / "a.npz")


def test_a_truncated_checkpoint_is_called_truncated(tmp_path):
    path = _ckpt(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(nn.CheckpointError, match="'m.npz' is truncated"):
        nn.load(path)


def test_an_npy_file_is_named_as_one(tmp_path):
    np.save(tmp_path / "w.npy", np.zeros(3))
    with pytest.raises(nn.CheckpointError, match=r"'w.npy' is a single numpy array \(.npy\)"):
        nn.load(tmp_path / "w.npy")


def test_a_pickle_is_refused_without_unpickling_it(tmp_path):
    import pickle
    (tmp_path / "m.pt").write_bytes(pickle.dumps({"weight": [1.0]}))
    with pytest.raises(nn.CheckpointError, match="pickle"):
        nn.load(tmp_path / "m.pt")


def test_a_torch_zip_checkpoint_is_named_as_one(tmp_path):
    with zipfile.ZipFile(tmp_path / "m.pt", "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
    with pytest.raises(nn.CheckpointError, match="PyTorch checkpoint"):
        nn.load(tmp_path / "m.pt")


def test_a_truncated_npz_checkpoint_is_called_truncated(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, arr_0=np.zeros(1000))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(nn.CheckpointError, match="'m.npz' is truncated or corrupt"):
        nn.load(path)


def test_an_npz_header_claiming_an_absurd_size_is_refused_before_allocating(tmp_path):
    path = tmp_path / "m.npz"
    header = {"descr": "<f8", "fortran_order": False, "shape": (10 ** 12,)}
    buf = bytearray()
    import io
    f = io.BytesIO()
    np.lib.format.write_array_header_1_0(f, header)
    buf = f.getvalue() + b"\0" * 64
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("arr_0.npy", bytes(buf))
        z.writestr("__structure__.npy", b"")
    with pytest.raises(nn.CheckpointError, match=r"claims an array of shape \(1000000000000,\)"):
        nn.load(path)


def test_a_safetensors_header_claiming_more_than_the_file_is_refused(tmp_path):
    import struct
    path = tmp_path / "m.safetensors"
    path.write_bytes(struct.pack("<Q", 10 ** 12) + b"{}")
    with pytest.raises(nn.CheckpointError, match="'m.safetensors' is truncated: its header claims"):
        nn.load(path)


def test_a_safetensors_file_from_another_tool_loads_as_a_state_dict(tmp_path):
    from safetensors.numpy import save_file
    save_file({"weight": np.ones((3, 2), np.float32), "bias": np.zeros(3, np.float32)}, str(tmp_path / "w.st"))
    model = nn.Linear(2, 3)
    model.load_state_dict(nn.load(tmp_path / "w.st"))
    assert np.array_equal(model.weight.data, np.ones((3, 2)))


def test_a_corrupt_structure_entry_is_called_corrupt(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, __structure__=np.frombuffer(b"{not json", dtype=np.uint8))
    with pytest.raises(nn.CheckpointError, match="'.*m.npz' is corrupt: JSONDecodeError"):
        nn.load(path)


def test_a_deeply_nested_structure_is_corrupt_not_a_recursion_error(tmp_path):
    path = tmp_path / "m.npz"
    deep = "[" * 100000 + "]" * 100000
    np.savez(path, __structure__=np.frombuffer(deep.encode(), dtype=np.uint8))
    with pytest.raises(nn.CheckpointError, match="corrupt"):
        nn.load(path)


def test_a_missing_file_is_still_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "absent.npz")


# -- optimizer and scheduler states through a file --------------------------------------------

def _schedulers(opt):
    return {
        "StepLR": lambda: S.StepLR(opt, step_size=2, gamma=0.5),
        "MultiStepLR": lambda: S.MultiStepLR(opt, milestones=[2, 4, 4], gamma=0.5),
        "ExponentialLR": lambda: S.ExponentialLR(opt, gamma=0.9),
        "CosineAnnealingLR": lambda: S.CosineAnnealingLR(opt, T_max=5),
        "LinearLR": lambda: S.LinearLR(opt, start_factor=0.5, total_iters=3),
        "OneCycleLR": lambda: S.OneCycleLR(opt, max_lr=0.1, total_steps=12),
        "SequentialLR": lambda: S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.5, total_iters=2),
                                                     S.MultiStepLR(opt, milestones=[2, 3])], milestones=[3]),
        "ReduceLROnPlateau": lambda: S.ReduceLROnPlateau(opt, patience=0),
    }


SCHEDULERS = list(_schedulers(None))


def _step(sched, i):
    if isinstance(sched, S.ReduceLROnPlateau):
        sched.step(1.0)
    else:
        sched.step()


@pytest.mark.parametrize("name", SCHEDULERS)
def test_a_scheduler_resumed_from_a_file_continues_like_an_uninterrupted_one(name, tmp_path):
    def run(resume_at):
        ag.manual_seed(0)
        model = nn.Linear(2, 1)
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = _schedulers(opt)[name]()
        lrs = []
        for i in range(10):
            if i == resume_at:
                nn.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "s.npz")
                state = nn.load(tmp_path / "s.npz")
                opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
                sched = _schedulers(opt)[name]()
                opt.load_state_dict(state["opt"])
                sched.load_state_dict(state["sched"])
            opt.zero_grad()
            model(ag.ones(1, 2)).sum().backward()
            opt.step()
            _step(sched, i)
            lrs.append(opt.param_groups[0]["lr"])
        return lrs, model.weight.data.copy()

    lrs_a, w_a = run(None)
    for resume_at in (1, 2, 3, 5):
        lrs_b, w_b = run(resume_at)
        assert lrs_a == lrs_b and np.array_equal(w_a, w_b), f"resumed at step {resume_at}"


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
                                  lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True),
                                  lambda ps: optim.AdamW(ps, lr=0.01),
                                  lambda ps: optim.RMSprop(ps, lr=0.01, centered=True, momentum=0.5),
                                  lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.01)],
                         ids=["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_an_optimizer_resumed_from_a_file_continues_bit_for_bit(make, tmp_path):
    def run(resume_at):
        ag.manual_seed(0)
        model = nn.Linear(3, 2)
        opt = make(model.parameters())
        for i in range(6):
            if i == resume_at:
                nn.save(opt.state_dict(), tmp_path / "o.npz")
                opt = make(model.parameters())
                opt.load_state_dict(nn.load(tmp_path / "o.npz"))
            opt.zero_grad()
            (model(ag.ones(4, 3)) ** 2).sum().backward()
            opt.step()
        return model.weight.data.copy()

    assert np.array_equal(run(None), run(3))
