"""state_dict / load_state_dict and nn.save / nn.load: round trips, clear errors, atomic saves."""
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.serialization as serialization


def make_net():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def snapshot(model):
    return {k: v.data.copy() for k, v in model.state_dict().items()}


def assert_same_state(a, b):
    assert list(a) == list(b)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def trained_net():
    ag.manual_seed(1)
    net = make_net()
    net(ag.randn(8, 3))  # moves BatchNorm's running statistics away from 0 and 1
    return net


def test_state_dict_round_trip_reproduces_outputs():
    src, dst = trained_net(), make_net()
    dst.load_state_dict(src.state_dict())
    src.eval(), dst.eval()
    x = ag.randn(5, 3)
    np.testing.assert_array_equal(src(x).data, dst(x).data)
    assert dst[1].num_batches_tracked.item() == 1


def test_load_state_dict_copies_values_and_keeps_the_parameter_objects():
    src, dst = trained_net(), make_net()
    w = dst[0].weight
    dst.load_state_dict(src.state_dict())
    assert dst[0].weight is w
    src.state_dict()["0.weight"].data[...] = 0  # the copy is independent of the source afterwards
    assert np.any(dst[0].weight.data != 0)


def test_mismatched_state_lists_missing_unexpected_and_misshaped_keys_and_changes_nothing():
    net = make_net()
    before = snapshot(net)
    state = dict(trained_net().state_dict())
    del state["0.bias"]
    state["extra.weight"] = np.zeros(2)
    state["3.weight"] = np.zeros((5, 4), dtype=np.float32)
    with pytest.raises(nn.StateDictError) as info:
        net.load_state_dict(state)
    msg = str(info.value)
    assert "missing keys: ['0.bias']" in msg
    assert "unexpected keys: ['extra.weight']" in msg
    assert "shape mismatch for '3.weight': the state has (5, 4), the module has (2, 4)" in msg
    assert info.value.missing == ["0.bias"] and info.value.unexpected == ["extra.weight"]
    assert_same_state(snapshot(net), before)


def test_non_strict_load_reports_missing_and_unexpected_and_loads_the_rest():
    src, net = trained_net(), make_net()
    state = dict(src.state_dict())
    del state["0.bias"]
    state["extra"] = np.zeros(1)
    missing, unexpected = net.load_state_dict(state, strict=False)
    assert missing == ["0.bias"] and unexpected == ["extra"]
    np.testing.assert_array_equal(net[0].weight.data, src[0].weight.data)


def test_shape_mismatch_is_an_error_even_when_not_strict():
    net = make_net()
    before = snapshot(net)
    state = dict(trained_net().state_dict())
    state["0.weight"] = np.zeros((4, 4), dtype=np.float32)
    with pytest.raises(nn.StateDictError, match="shape mismatch for '0.weight'"):
        net.load_state_dict(state, strict=False)
    assert_same_state(snapshot(net), before)


def test_float_values_cannot_be_loaded_into_an_integer_buffer():
    net = make_net()
    state = dict(net.state_dict())
    state["1.num_batches_tracked"] = np.array(1.5)
    with pytest.raises(nn.StateDictError, match="dtype mismatch for '1.num_batches_tracked'"):
        net.load_state_dict(state)


def test_save_and_load_round_trip_through_npz(tmp_path):
    src = trained_net()
    path = tmp_path / "ckpt.npz"
    nn.save(src, path)
    dst = make_net()
    dst.load_state_dict(nn.load(path))
    assert_same_state(snapshot(dst), snapshot(src))


def test_saved_file_is_a_safetensors_file_of_the_state_dict(tmp_path):
    from safetensors.numpy import load_file
    path = tmp_path / "m.safetensors"
    nn.save(nn.Linear(2, 3), path)
    tensors = load_file(str(path))
    assert sorted(tensors) == ["bias", "weight"] and tensors["weight"].shape == (3, 2)


def test_a_checkpoint_written_as_npz_by_earlier_versions_still_loads(tmp_path):
    import json
    path = tmp_path / "old.npz"
    structure = {"format": "tapegrad-npz-1", "root": {"__dict__": [
        ["weight", {"__array__": 0, "tensor": True}], ["epoch", 3]]}}
    np.savez(path, arr_0=np.ones((2, 2), np.float32),
             __structure__=np.frombuffer(json.dumps(structure).encode(), dtype=np.uint8))
    back = nn.load(path)
    assert back["epoch"] == 3 and isinstance(back["weight"], ag.Tensor)
    np.testing.assert_array_equal(back["weight"].data, np.ones((2, 2)))


def test_nested_checkpoint_keeps_structure_and_types(tmp_path):
    ckpt = {"model": nn.Linear(2, 2).state_dict(), "epoch": 3, "lr": 0.1, "name": "run",
            "history": [1.0, 2.0], "shape": (2, 3), "state": {0: {"step": 5, "m": np.ones(2)}}, "none": None}
    nn.save(ckpt, tmp_path / "c.npz")
    back = nn.load(tmp_path / "c.npz")
    assert back["epoch"] == 3 and back["lr"] == 0.1 and back["name"] == "run" and back["none"] is None
    assert back["history"] == [1.0, 2.0] and back["shape"] == (2, 3)
    assert list(back["state"]) == [0] and back["state"][0]["step"] == 5
    np.testing.assert_array_equal(back["state"][0]["m"], np.ones(2))
    assert isinstance(back["model"]["weight"], ag.Tensor)


def test_save_refuses_objects_it_cannot_store_without_pickle(tmp_path):
    with pytest.raises(TypeError, match="cannot save function"):
        nn.save({"fn": lambda x: x}, tmp_path / "x.npz")
    assert not os.listdir(tmp_path)


def test_failed_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    old = trained_net()
    nn.save(old, path)
    original = path.read_bytes()

    def crash_midway(f, entries):
        f.write(b"PK\x03\x04 partial")
        raise OSError("disk full")

    monkeypatch.setattr(serialization, "_write", crash_midway)
    with pytest.raises(OSError, match="disk full"):
        nn.save(make_net(), path)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["ckpt.npz"]  # the temporary file is cleaned up
    assert_same_state({k: v.data for k, v in nn.load(path).items()}, snapshot(old))


def test_loading_an_npz_not_written_by_save_says_so(tmp_path):
    np.savez(tmp_path / "other.npz", a=np.zeros(2))
    with pytest.raises(ValueError, match="not written by nn.save"):
        nn.load(tmp_path / "other.npz")


def test_state_dict_keys_and_shapes_are_pytorch_s_so_its_weights_load_directly():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                                 torch.nn.Linear(4, 2))
    theirs(torch.randn(8, 3))  # non-trivial running statistics
    ours = make_net()
    torch_state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(torch_state)
    ours.load_state_dict(torch_state)
    ours.eval(), theirs.eval()
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(ag.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), atol=1e-6)


@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4), batchnorm=st.booleans())
@settings(deadline=None)
def test_any_mlp_survives_a_save_load_round_trip(tmp_path_factory, sizes, batchnorm):
    src, dst = nn.MLP(sizes, batchnorm=batchnorm), nn.MLP(sizes, batchnorm=batchnorm)
    path = tmp_path_factory.mktemp("mlp") / "m.npz"
    nn.save(src, path)
    dst.load_state_dict(nn.load(path))
    assert_same_state(snapshot(dst), snapshot(src))


def test_a_saved_model_loads_into_the_same_pytorch_model_with_safetensors(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file, save_file
    ours = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    nn.save(ours, tmp_path / "m.safetensors")
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    theirs.load_state_dict(load_file(str(tmp_path / "m.safetensors")))
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    ours.eval(), theirs.eval()
    np.testing.assert_allclose(ours(ag.tensor(x)).data, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-5)
    save_file(theirs.state_dict(), str(tmp_path / "t.safetensors"))
    back = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    back.load_state_dict(nn.load(tmp_path / "t.safetensors"))
    back.eval()
    np.testing.assert_allclose(back(ag.tensor(x)).data, ours(ag.tensor(x)).data)
