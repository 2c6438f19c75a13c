"""Bad input to the recurrent layers and cells: an exception of PyTorch's type whose message names the
layer and gives the expected and the actual shapes; nothing is changed."""
import re

import numpy as np
import pytest

import autograd as ag
import nn

T, B, I, H = 4, 3, 5, 6


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_wrong_input_rank_names_the_layer_and_the_shape(cls):
    with pytest.raises(ValueError, match=rf"{cls.__name__}\(input_size=5, hidden_size=6\): expected input "
                                         r"of shape \(seq_len, batch, input_size\).*got 4D input of shape \(2, 4, 3, 5\)"):
        cls(I, H)(ag.randn(2, T, B, I))


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_wrong_feature_size_names_the_layer_expected_and_actual(cls):
    with pytest.raises(RuntimeError, match=rf"{cls.__name__}\(input_size=5, hidden_size=6\): input.shape\[-1\] "
                                           r"must equal input_size=5, got input of shape \(4, 3, 7\)"):
        cls(I, H)(ag.randn(T, B, 7))


def test_lstm_given_h0_alone_asks_for_the_pair():
    with pytest.raises(TypeError, match=r"LSTM\(input_size=5, hidden_size=6\): hx must be a tuple \(h0, c0\).*"
                                        r"\(1, 3, 6\), got Tensor"):
        nn.LSTM(I, H)(ag.randn(T, B, I), ag.zeros(1, B, H))


def test_gru_given_a_pair_asks_for_one_tensor():
    with pytest.raises(TypeError, match=r"GRU\(input_size=5, hidden_size=6\): hx must be one Tensor h0"):
        nn.GRU(I, H)(ag.randn(T, B, I), (ag.zeros(1, B, H), ag.zeros(1, B, H)))


@pytest.mark.parametrize("cls, kw, bad, want", [
    (nn.GRU, {}, (1, B + 1, H), (1, B, H)),
    (nn.RNN, {"num_layers": 2, "bidirectional": True}, (2, B, H), (4, B, H)),
    (nn.LSTM, {"bidirectional": True}, (2, B, H + 1), (2, B, H)),
])
def test_wrong_state_shape_gives_expected_and_actual(cls, kw, bad, want):
    m = cls(I, H, **kw)
    hx = (ag.zeros(*bad), ag.zeros(*bad)) if cls is nn.LSTM else ag.zeros(*bad)
    msg = f"{cls.__name__}(input_size=5, hidden_size=6): expected h0 of shape (num_layers * num_directions, " \
          f"batch, hidden_size) = {want}, got {bad}"
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        m(ag.randn(T, B, I), hx)


def test_unbatched_state_must_drop_the_batch_axis():
    with pytest.raises(RuntimeError, match=r"expected h0 of shape .* = \(1, 6\), got \(1, 1, 6\)"):
        nn.GRU(I, H)(ag.randn(T, I), ag.zeros(1, 1, H))


@pytest.mark.parametrize("lengths, msg", [
    ([4, 5, 1], r"every length must be in \[1, seq_len=4\], got lengths \[4, 5, 1\]"),
    ([4, 0, 1], r"every length must be in \[1, seq_len=4\], got lengths \[4, 0, 1\]"),
    ([4, 2], r"lengths must be 3 integers \(one per sequence\), got int64 array of shape \(2,\)"),
    ([4.0, 2.0, 1.0], r"lengths must be 3 integers"),
])
def test_bad_lengths_are_refused_naming_the_layer(lengths, msg):
    with pytest.raises(RuntimeError, match=r"LSTM\(input_size=5, hidden_size=6\): " + msg):
        nn.LSTM(I, H)(ag.randn(T, B, I), lengths=lengths)


def test_lengths_need_batched_input():
    with pytest.raises(ValueError, match=r"GRU\(input_size=5, hidden_size=6\): lengths= needs batched input"):
        nn.GRU(I, H)(ag.randn(T, I), lengths=[T])


def test_a_refused_call_changes_nothing():
    m = nn.LSTM(I, H)
    before = {k: v.numpy().copy() for k, v in m.state_dict().items()}
    x = ag.randn(T, B, I, requires_grad=True)
    with pytest.raises(RuntimeError):
        m(x, lengths=[9, 1, 1])
    assert x.grad is None and all(p.grad is None for p in m.parameters())
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])


@pytest.mark.parametrize("kw, msg", [({"dropout": 1.5}, "dropout must be a probability"),
                                     ({"hidden_size": 0}, "must be positive")])
def test_bad_constructor_arguments_are_refused(kw, msg):
    args = {"input_size": I, "hidden_size": H, **kw}
    with pytest.raises(ValueError, match=msg):
        nn.GRU(**args)


def test_unknown_nonlinearity_is_refused():
    with pytest.raises(ValueError, match="RNN: nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"):
        nn.RNN(I, H, nonlinearity="sigmoid")


def test_dropout_with_one_layer_warns_that_it_does_nothing():
    with pytest.warns(UserWarning, match="acts between layers"):
        nn.LSTM(I, H, dropout=0.5)


@pytest.mark.parametrize("cls", [nn.RNNCell, nn.LSTMCell, nn.GRUCell])
def test_cell_wrong_feature_size_names_the_cell(cls):
    with pytest.raises(RuntimeError, match=rf"{cls.__name__}\(input_size=5, hidden_size=6\): input.shape\[-1\] "
                                           r"must equal input_size=5, got input of shape \(3, 4\)"):
        cls(I, H)(ag.randn(B, 4))


def test_cell_wrong_state_shape_names_the_cell():
    with pytest.raises(RuntimeError, match=r"LSTMCell\(input_size=5, hidden_size=6\): expected c of shape "
                                           r"\(3, 6\) for input of shape \(3, 5\), got \(3, 5\)"):
        nn.LSTMCell(I, H)(ag.randn(B, I), (ag.zeros(B, H), ag.zeros(B, I)))


def test_cell_wrong_rank_names_the_cell():
    with pytest.raises(ValueError, match=r"GRUCell\(input_size=5, hidden_size=6\): expected input of shape "
                                         r"\(batch, input_size\) or \(input_size,\), got 3D"):
        nn.GRUCell(I, H)(ag.randn(1, B, I))
