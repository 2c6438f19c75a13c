"""nn.LSTM and F.lstm: PyTorch's values and gradients, shapes, defaults and errors."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

T, B, I, H = 4, 3, 5, 6
PARAMS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def _pair(torch, num_layers=1, batch_first=False):
    """A torch LSTM and ours with the same float64 weights."""
    theirs = torch.nn.LSTM(I, H, num_layers=num_layers, batch_first=batch_first).double()
    ours = nn.LSTM(I, H, num_layers=num_layers, batch_first=batch_first, dtype=np.float64)
    with ag.no_grad():
        for name, p in theirs.named_parameters():
            getattr(ours, name).data[...] = p.detach().numpy()
    return ours, theirs


def _run_both(torch, num_layers=1, batch_first=False, with_state=True):
    ours, theirs = _pair(torch, num_layers, batch_first)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((B, T, I) if batch_first else (T, B, I))
    state = [rng.standard_normal((num_layers, B, H)) for _ in range(2)] if with_state else []
    mine = [ag.tensor(a, requires_grad=True) for a in [x] + state]
    want = [torch.tensor(a, requires_grad=True) for a in [x] + state]
    out, (h, c) = ours(mine[0], tuple(mine[1:]) or None)
    tout, (th, tc) = theirs(want[0], tuple(want[1:]) or None)
    # a random weighting of every output, so each gradient path (output, h_n, c_n) is exercised
    us = [rng.standard_normal(o.shape) for o in (out, h, c)]
    sum((o * ag.tensor(u)).sum() for o, u in zip((out, h, c), us)).backward()
    sum((o * torch.from_numpy(u)).sum() for o, u in zip((tout, th, tc), us)).backward()
    return ours, theirs, mine, want, (out, h, c), (tout, th, tc)


def test_outputs_equal_torch_lstm():
    torch = pytest.importorskip("torch")
    *_, outs, touts = _run_both(torch)
    for o, t in zip(outs, touts):
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=0, atol=1e-10)


def test_gradients_of_input_and_initial_state_equal_torch_lstm():
    torch = pytest.importorskip("torch")
    _, _, mine, want, _, _ = _run_both(torch)
    for name, a, b in zip(("x", "h0", "c0"), mine, want):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=0, atol=1e-10, err_msg=name)


def test_weight_gradients_equal_torch_lstm():
    torch = pytest.importorskip("torch")
    ours, theirs, *_ = _run_both(torch)
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(getattr(ours, name).grad.numpy(), p.grad.numpy(), rtol=0, atol=1e-10,
                                   err_msg=name)


def test_zero_initial_state_by_default_equals_torch():
    torch = pytest.importorskip("torch")
    _, _, mine, want, outs, touts = _run_both(torch, with_state=False)
    np.testing.assert_allclose(outs[0].numpy(), touts[0].detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(mine[0].grad.numpy(), want[0].grad.numpy(), rtol=0, atol=1e-10)


@pytest.mark.parametrize("num_layers, batch_first", [(2, False), (1, True)], ids=["two_layers", "batch_first"])
def test_stacked_or_batch_first_equals_torch(num_layers, batch_first):
    torch = pytest.importorskip("torch")
    ours, theirs, mine, want, outs, touts = _run_both(torch, num_layers=num_layers, batch_first=batch_first)
    for o, t in zip(outs, touts):
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=0, atol=1e-10)
    for a, b in zip(mine, want):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=0, atol=1e-10)
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(getattr(ours, name).grad.numpy(), p.grad.numpy(), rtol=0, atol=1e-10)


def test_shapes_names_and_default_init():
    m = nn.LSTM(I, H)
    assert [n for n, _ in m.named_parameters()] == list(PARAMS)
    assert m.weight_ih_l0.shape == (4 * H, I) and m.weight_hh_l0.shape == (4 * H, H)
    assert m.bias_ih_l0.shape == m.bias_hh_l0.shape == (4 * H,)
    bound = 1 / np.sqrt(H)
    for p in m.parameters():
        assert p.dtype == np.float32 and np.abs(p.numpy()).max() <= bound
    out, (h, c) = m(ag.randn(T, B, I))
    assert (out.shape, h.shape, c.shape) == ((T, B, H), (1, B, H), (1, B, H))


def test_without_bias_has_no_bias_parameters():
    m = nn.LSTM(I, H, bias=False)
    assert [n for n, _ in m.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    assert m(ag.randn(T, B, I))[0].shape == (T, B, H)


def test_unbatched_input_drops_the_batch_axis():
    m = nn.LSTM(I, H)
    out, (h, c) = m(ag.randn(T, I))
    assert (out.shape, h.shape, c.shape) == ((T, H), (1, H), (1, H))


def test_last_output_is_h_n():
    out, (h, _) = nn.LSTM(I, H)(ag.randn(T, B, I))
    np.testing.assert_array_equal(out.numpy()[-1], h.numpy()[0])


def test_wrong_input_size_names_the_layer_and_shapes():
    with pytest.raises(RuntimeError, match=r"LSTM\(input_size=5, hidden_size=6\).*\(4, 3, 7\)"):
        nn.LSTM(I, H)(ag.randn(T, B, 7))


def test_wrong_state_shape_names_the_layer_and_shapes():
    h0 = ag.zeros(1, B + 1, H)
    with pytest.raises(RuntimeError, match=r"LSTM\(input_size=5, hidden_size=6\): expected h0 .*\(1, 4, 6\)"):
        nn.LSTM(I, H)(ag.randn(T, B, I), (h0, h0))


def test_functional_lstm_rejects_mismatched_weights():
    with pytest.raises(ValueError, match=r"lstm: weight_ih must have shape .*\(8, 2\)"):
        F.lstm(ag.randn(T, B, I), None, ag.zeros(8, 2), ag.zeros(4 * H, H))


def test_input_changed_in_place_after_forward_is_detected():
    m = nn.LSTM(I, H)
    x = ag.randn(T, B, I)
    out, _ = m(x)
    x += 1  # LSTMFn saved x: its weight gradients would be wrong
    with pytest.raises(RuntimeError, match="LSTMFn.*modified in place"):
        out.sum().backward()
