"""Positional encodings: the sinusoidal table of "Attention Is All You Need" and a learned table."""
import math

import numpy as np
import pytest

import autograd as ag
import nn


def test_sinusoidal_table_follows_the_paper_formula():
    d, n = 6, 7
    enc = nn.SinusoidalPositionalEncoding(d, max_len=n, dtype=np.float64)
    out = enc(ag.zeros(n, d, dtype=np.float64)).numpy()
    for pos in range(n):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            assert out[pos, 2 * i] == pytest.approx(math.sin(angle), abs=1e-12)
            assert out[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-12)


def test_sinusoidal_table_with_odd_width_has_sines_in_the_last_column():
    out = nn.SinusoidalPositionalEncoding(5, max_len=3, dtype=np.float64)(ag.zeros(3, 5, dtype=np.float64))
    np.testing.assert_allclose(out.numpy()[:, 4], np.sin(np.arange(3) / 10000 ** (4 / 5)), atol=1e-12)


@pytest.mark.parametrize("cls", [nn.SinusoidalPositionalEncoding, nn.LearnedPositionalEncoding])
def test_the_same_position_gets_the_same_code_in_every_layout(cls):
    enc = cls(4, 10) if cls is nn.SinusoidalPositionalEncoding else cls(10, 4)
    x = np.random.default_rng(0).standard_normal((3, 5, 4)).astype(np.float32)  # (N, S, E)
    seq_first = enc(ag.tensor(x.transpose(1, 0, 2))).numpy().transpose(1, 0, 2)
    enc.batch_first = True
    batch_first = enc(ag.tensor(x)).numpy()
    unbatched = enc(ag.tensor(x[1])).numpy()
    np.testing.assert_allclose(seq_first, batch_first, rtol=1e-6)
    np.testing.assert_allclose(unbatched, batch_first[1], rtol=1e-6)


def test_sinusoidal_table_is_not_saved_and_not_trained():
    enc = nn.SinusoidalPositionalEncoding(4, max_len=8)
    assert list(enc.state_dict()) == [] and list(enc.parameters()) == []


def test_learned_table_is_a_parameter_and_only_used_rows_get_gradient():
    enc = nn.LearnedPositionalEncoding(max_len=8, d_model=3, batch_first=True, dtype=np.float64)
    assert list(enc.state_dict()) == ["weight"] and enc.weight.shape == (8, 3)
    x = ag.tensor(np.zeros((2, 5, 3)), requires_grad=True)
    (enc(x) * ag.tensor(np.arange(30.0).reshape(2, 5, 3))).sum().backward()
    g = enc.weight.grad.numpy()
    np.testing.assert_allclose(g[:5], np.arange(30.0).reshape(2, 5, 3).sum(0))
    assert np.all(g[5:] == 0)


@pytest.mark.parametrize("x_shape,words", [((9, 4), ["9 steps", "max_len=8"]),
                                           ((5, 2, 3), ["(5, 2, 3)", "d_model=4"]),
                                           ((4,), ["(4,)"])])
def test_bad_input_is_named(x_shape, words):
    enc = nn.LearnedPositionalEncoding(max_len=8, d_model=4)
    before = enc.weight.numpy().copy()
    with pytest.raises(ValueError) as e:
        enc(ag.zeros(*x_shape))
    assert "LearnedPositionalEncoding(d_model=4, max_len=8)" in str(e.value)
    assert all(w in str(e.value) for w in words), str(e.value)
    np.testing.assert_array_equal(enc.weight.numpy(), before)
