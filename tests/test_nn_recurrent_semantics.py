"""What the recurrent layers promise beyond PyTorch parity: variable lengths (padded steps change
nothing and get no gradient, any order), dropout only between layers and only in training,
unbatched input, and batch_first."""
import numpy as np
import pytest

import autograd as ag
import nn

T, B, I, H = 5, 3, 4, 6
LENGTHS = [5, 2, 3]
LAYERS = [nn.RNN, nn.LSTM, nn.GRU]


def _x(seed=0, shape=(T, B, I)):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def _h(state):
    return state[0] if isinstance(state, tuple) else state


@pytest.mark.parametrize("cls", LAYERS)
def test_padded_steps_get_exactly_zero_gradient_and_output(cls):
    m = cls(I, H, num_layers=2, bidirectional=True, dtype=np.float64)
    x = _x()
    out, state = m(x, lengths=LENGTHS)
    (out.sum() + _h(state).sum()).backward()
    for b, n in enumerate(LENGTHS):
        assert (x.grad.numpy()[n:, b] == 0).all() and (np.abs(x.grad.numpy()[:n, b]) > 0).all()
        assert (out.numpy()[n:, b] == 0).all()


@pytest.mark.parametrize("cls", LAYERS)
def test_each_sequence_ends_as_if_run_alone_on_its_own_steps(cls):
    m = cls(I, H, num_layers=2, bidirectional=True, dtype=np.float64)
    x = _x()
    out, state = m(x, lengths=LENGTHS)
    for b, n in enumerate(LENGTHS):
        alone_out, alone = m(x[:n, b:b + 1])
        np.testing.assert_allclose(out.numpy()[:n, b], alone_out.numpy()[:, 0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(_h(state).numpy()[:, b], _h(alone).numpy()[:, 0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("cls", LAYERS)
def test_lengths_need_no_sorting(cls):
    m = cls(I, H, bidirectional=True, dtype=np.float64)
    x = _x()
    perm = [2, 0, 1]
    out, state = m(x, lengths=LENGTHS)
    pout, pstate = m(x[:, perm], lengths=[LENGTHS[p] for p in perm])
    np.testing.assert_allclose(pout.numpy(), out.numpy()[:, perm], rtol=0, atol=1e-12)
    np.testing.assert_allclose(_h(pstate).numpy(), _h(state).numpy()[:, perm], rtol=0, atol=1e-12)


def test_full_lengths_equal_no_lengths():
    m = nn.GRU(I, H, dtype=np.float64)
    x = _x()
    np.testing.assert_array_equal(m(x, lengths=[T] * B)[0].numpy(), m(x)[0].numpy())


def test_lengths_with_batch_first_read_the_batch_axis_first():
    m = nn.LSTM(I, H, batch_first=True, dtype=np.float64)
    x = _x()
    out, (h, _) = m(x.swapaxes(0, 1), lengths=LENGTHS)
    m.batch_first = False
    ref, (rh, _) = m(x, lengths=LENGTHS)
    np.testing.assert_array_equal(out.numpy(), ref.numpy().swapaxes(0, 1))
    np.testing.assert_array_equal(h.numpy(), rh.numpy())


@pytest.mark.parametrize("cls", LAYERS)
def test_unbatched_input_equals_a_batch_of_one(cls):
    m = cls(I, H, num_layers=2, dtype=np.float64)
    x = _x(shape=(T, I))
    out, state = m(x)
    bout, bstate = m(x[:, None])
    np.testing.assert_array_equal(out.numpy(), bout.numpy()[:, 0])
    np.testing.assert_array_equal(_h(state).numpy(), _h(bstate).numpy()[:, 0])


@pytest.mark.parametrize("cls", LAYERS)
def test_dropout_acts_only_in_training(cls):
    ag.manual_seed(0)
    m = cls(I, H, num_layers=2, dropout=0.5, dtype=np.float64)
    x = _x()
    a, b = m(x)[0].numpy(), m(x)[0].numpy()
    assert not np.allclose(a, b)  # two different masks
    m.eval()
    plain = cls(I, H, num_layers=2, dtype=np.float64)
    plain.load_state_dict(m.state_dict())
    np.testing.assert_array_equal(m(x)[0].numpy(), plain(x)[0].numpy())


def test_dropout_sits_between_layers_not_on_the_input_or_the_output():
    # NOTE: with p=1 the second layer reads zeros: its output must equal layer 2 run alone on zeros
    m = nn.GRU(I, H, num_layers=2, dropout=1.0, dtype=np.float64)
    out, h_n = m(_x())
    second = nn.GRU(H, H, dtype=np.float64)
    second.load_state_dict({k.replace("_l1", "_l0"): v for k, v in m.state_dict().items() if "_l1" in k})
    ref, _ = second(ag.zeros(T, B, H, dtype=np.float64))
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=0, atol=1e-12)
    assert np.abs(h_n.numpy()[0]).max() > 0  # the first layer still saw the input
