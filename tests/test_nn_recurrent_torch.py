"""nn.RNN / nn.LSTM / nn.GRU and their cells against PyTorch with copied float64 weights: outputs,
h_n / c_n, every parameter gradient, the input's and the initial states' gradients."""
import numpy as np
import pytest

import autograd as ag
import nn

T, B, I, H = 4, 3, 5, 6
LAYERS = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}
CELLS = {"RNNCell": nn.RNNCell, "LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}


def _copy_weights(torch, theirs, ours):
    state = {k: ag.tensor(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()}
    ours.load_state_dict(state)


def _tensors(torch, arrays):
    return ([ag.tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])


def _flat(out):
    """(output, h_n) or (output, (h_n, c_n)) as a flat list."""
    o, s = out
    return [o] + (list(s) if isinstance(s, tuple) else [s])


def _compare(torch, name, kwargs, batched=True, with_state=True, lengths=None, seed=0):
    rng = np.random.default_rng(seed)
    theirs = getattr(torch.nn, name)(I, H, **kwargs).double()
    ours = LAYERS[name](I, H, dtype=np.float64, **kwargs)
    _copy_weights(torch, theirs, ours)
    D = 2 if kwargs.get("bidirectional") else 1
    L = kwargs.get("num_layers", 1) * D
    bf = kwargs.get("batch_first", False)
    xshape = ((B, T, I) if bf else (T, B, I)) if batched else (T, I)
    sshape = (L, B, H) if batched else (L, H)
    arrays = [rng.standard_normal(xshape)]
    if with_state:
        arrays += [rng.standard_normal(sshape) for _ in range(2 if name == "LSTM" else 1)]
    mine, want = _tensors(torch, arrays)

    def state(ts):
        if not with_state:
            return None
        return tuple(ts[1:]) if name == "LSTM" else ts[1]

    got = _flat(ours(mine[0], state(mine), lengths=lengths))
    if lengths is None:
        expected = _flat(theirs(want[0], state(want)))
    else:
        P = torch.nn.utils.rnn
        packed = P.pack_padded_sequence(want[0], torch.tensor(lengths), batch_first=bf, enforce_sorted=False)
        o, s = theirs(packed, state(want))
        expected = _flat((P.pad_packed_sequence(o, batch_first=bf, total_length=T)[0], s))
    weights = [rng.standard_normal(tuple(e.shape)) for e in expected]
    sum((g * ag.tensor(w)).sum() for g, w in zip(got, weights)).backward()
    sum((e * torch.from_numpy(w)).sum() for e, w in zip(expected, weights)).backward()
    for k, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(g.numpy(), e.detach().numpy(), rtol=0, atol=1e-10, err_msg=f"output {k}")
    for k, (a, b) in enumerate(zip(mine, want)):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=0, atol=1e-10, err_msg=f"input {k}")
    for pname, p in theirs.named_parameters():
        np.testing.assert_allclose(getattr(ours, pname).grad.numpy(), p.grad.numpy(), rtol=0, atol=1e-10,
                                   err_msg=pname)


CONFIGS = {
    "default": {},
    "two_layers": {"num_layers": 2},
    "bidirectional": {"bidirectional": True},
    "two_layers_bidirectional_batch_first": {"num_layers": 2, "bidirectional": True, "batch_first": True},
    "no_bias": {"bias": False},
}


@pytest.mark.parametrize("config", CONFIGS, ids=list(CONFIGS))
@pytest.mark.parametrize("name", LAYERS)
def test_layer_equals_torch(name, config):
    torch = pytest.importorskip("torch")
    _compare(torch, name, CONFIGS[config])


@pytest.mark.parametrize("name", LAYERS)
def test_zero_initial_state_by_default_equals_torch(name):
    torch = pytest.importorskip("torch")
    _compare(torch, name, {"bidirectional": True}, with_state=False)


@pytest.mark.parametrize("name", LAYERS)
def test_unbatched_input_equals_torch(name):
    torch = pytest.importorskip("torch")
    _compare(torch, name, {"num_layers": 2, "bidirectional": True}, batched=False)


def test_relu_rnn_equals_torch():
    torch = pytest.importorskip("torch")
    _compare(torch, "RNN", {"nonlinearity": "relu", "num_layers": 2})


@pytest.mark.parametrize("config", ["default", "two_layers_bidirectional_batch_first"])
@pytest.mark.parametrize("name", LAYERS)
def test_variable_lengths_equal_torch_packed_sequences(name, config):
    torch = pytest.importorskip("torch")
    _compare(torch, name, CONFIGS[config], lengths=[2, 4, 1])


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
def test_cell_equals_torch(name, batched):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    theirs = getattr(torch.nn, name)(I, H).double()
    ours = CELLS[name](I, H, dtype=np.float64)
    _copy_weights(torch, theirs, ours)
    lead = (B,) if batched else ()
    arrays = [rng.standard_normal(lead + (I,))] + [rng.standard_normal(lead + (H,))
                                                  for _ in range(2 if name == "LSTMCell" else 1)]
    mine, want = _tensors(torch, arrays)
    got = ours(mine[0], tuple(mine[1:]) if name == "LSTMCell" else mine[1])
    expected = theirs(want[0], tuple(want[1:]) if name == "LSTMCell" else want[1])
    got, expected = (list(got), list(expected)) if name == "LSTMCell" else ([got], [expected])
    weights = [rng.standard_normal(tuple(e.shape)) for e in expected]
    sum((g * ag.tensor(w)).sum() for g, w in zip(got, weights)).backward()
    sum((e * torch.from_numpy(w)).sum() for e, w in zip(expected, weights)).backward()
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g.numpy(), e.detach().numpy(), rtol=0, atol=1e-10)
    for a, b in zip(mine, want):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=0, atol=1e-10)
    for pname, p in theirs.named_parameters():
        np.testing.assert_allclose(getattr(ours, pname).grad.numpy(), p.grad.numpy(), rtol=0, atol=1e-10,
                                   err_msg=pname)


@pytest.mark.parametrize("name", list(LAYERS) + list(CELLS))
def test_parameter_names_shapes_and_order_equal_torch(name):
    torch = pytest.importorskip("torch")
    kw = {} if name.endswith("Cell") else {"num_layers": 2, "bidirectional": True}
    theirs = getattr(torch.nn, name)(I, H, **kw)
    ours = {**LAYERS, **CELLS}[name](I, H, **kw)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
