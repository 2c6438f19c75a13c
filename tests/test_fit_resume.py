"""Resumable training: a run killed mid-epoch and resumed from its last checkpoint ends with the
parameters of an uninterrupted run, bit for bit (dropout, shuffling, Adam, a scheduler and early
stopping all carry state across the interruption)."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import autograd as ag
import nn
import optim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SETUP = """
import os, signal, sys, numpy as np, autograd as ag, nn, optim
from nn.data import DataLoader
from optim.lr_scheduler import StepLR

def build():
    ag.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))
    opt = optim.Adam(model.parameters(), lr=1e-2)
    return dict(model=model, loss_fn=nn.CrossEntropyLoss(), optimizer=opt,
                train_loader=DataLoader((x, y), batch_size=16, shuffle=True, seed=1),
                val_loader=DataLoader((x[:32], y[:32]), batch_size=32),
                scheduler=StepLR(opt, step_size=2, gamma=0.5),
                early_stopping=optim.EarlyStopping(patience=100), progress=False)
"""


def _python(code, **env):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(SETUP) + textwrap.dedent(code)],
                          cwd=ROOT, env=dict(os.environ, **env), capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(os.name != "posix", reason="kills the training process with SIGKILL")
def test_a_run_killed_mid_epoch_and_resumed_ends_with_the_uninterrupted_parameters(tmp_path):
    full = _python(f"""
        run = build()
        nn.fit(epochs=6, **run)
        np.save({str(tmp_path / 'full.npy')!r}, np.concatenate([p.data.ravel() for p in run['model'].parameters()]))
    """)
    assert full.returncode == 0, full.stderr
    killed = _python(f"""
        run = build()
        calls = [0]
        loss = run['loss_fn']
        def dying_loss(out, y):
            calls[0] += 1
            if calls[0] == 2 + 3 * (6 + 1) + 3:   # 2 dry runs, 3 epochs of 6 batches + 1 val, batch 3 of epoch 4
                os.kill(os.getpid(), signal.SIGKILL)
            return loss(out, y)
        run['loss_fn'] = dying_loss
        nn.fit(epochs=6, checkpoint=nn.Checkpoint({str(tmp_path)!r}, save_best=False), **run)
    """)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    resumed = _python(f"""
        run = build()
        history = nn.fit(epochs=6, resume={str(tmp_path / 'last.safetensors')!r}, **run)
        assert len(history) == 6, len(history)
        np.save({str(tmp_path / 'resumed.npy')!r}, np.concatenate([p.data.ravel() for p in run['model'].parameters()]))
    """)
    assert resumed.returncode == 0, resumed.stderr
    full_params, resumed_params = np.load(tmp_path / "full.npy"), np.load(tmp_path / "resumed.npy")
    assert np.array_equal(full_params, resumed_params)


def test_resuming_from_a_weights_only_file_is_refused_with_what_it_is(tmp_path):
    nn.save(nn.Linear(2, 2), tmp_path / "w.npz")
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="not a training checkpoint"):
        nn.fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1),
               [(np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32))], epochs=1, progress=False,
               resume=tmp_path / "w.npz")


def test_resuming_with_a_different_setup_is_refused_before_anything_changes(tmp_path):
    x, y = np.ones((4, 2), np.float32), np.zeros((4, 2), np.float32)
    model = nn.Linear(2, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    nn.fit(model, nn.MSELoss(), opt, [(x, y)], epochs=1, progress=False,
           scheduler=optim.lr_scheduler.StepLR(opt, 1), checkpoint=nn.Checkpoint(tmp_path, save_best=False))
    fresh = nn.Linear(2, 2)
    before = fresh.weight.data.copy()
    with pytest.raises(ValueError, match="with a scheduler, this run has none"):
        nn.fit(fresh, nn.MSELoss(), optim.SGD(fresh.parameters(), lr=0.1), [(x, y)], epochs=2,
               progress=False, resume=tmp_path / "last.safetensors")
    assert np.array_equal(fresh.weight.data, before)


def test_rng_state_round_trips_so_draws_repeat():
    ag.manual_seed(3)
    state = ag.get_rng_state()
    a = ag.randn(5).data
    ag.set_rng_state(state)
    assert np.array_equal(a, ag.randn(5).data)


def test_set_rng_state_refuses_what_get_rng_state_did_not_give():
    with pytest.raises(TypeError, match="set_rng_state: expected a dict from get_rng_state"):
        ag.set_rng_state(5)
