"""Transformer stacks: masks block exactly what they say, and bad input is a named error that changes nothing."""
import numpy as np
import pytest

import autograd as ag
import nn

D, NHEAD, FF = 8, 2, 16


def _encoder(**kw):
    layer = nn.TransformerEncoderLayer(D, NHEAD, FF, dropout=0.0, dtype=np.float64, **kw)
    return nn.TransformerEncoder(layer, num_layers=2)


@pytest.mark.parametrize("norm_first", [False, True])
def test_causal_encoder_output_step_t_gets_exactly_zero_gradient_from_later_steps(norm_first):
    enc = _encoder(batch_first=True, norm_first=norm_first)
    steps = 6
    x = ag.tensor(np.random.default_rng(0).standard_normal((2, steps, D)), requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(steps, dtype=np.float64)
    # NOTE: a random weighting, not a plain sum: the features of a (post-norm) LayerNorm output sum
    # to a constant, whose true gradient is 0 and whose computed one is rounding noise
    w = ag.tensor(np.random.default_rng(1).standard_normal((2, D)))
    for t in range(steps):
        (g,) = ag.grad((enc(x, mask=mask, is_causal=True)[:, t] * w).sum(), [x])
        g = g.numpy()
        assert np.all(g[:, t + 1:] == 0), f"output step {t} depends on a later step"
        assert np.all(np.abs(g[:, :t + 1]).sum(axis=(0, 2)) > 0), f"output step {t} ignores the past"


def test_padded_source_step_gets_exactly_zero_gradient_from_the_other_steps():
    enc = _encoder()
    S, N = 5, 2
    x = ag.tensor(np.random.default_rng(1).standard_normal((S, N, D)), requires_grad=True)
    kpm = np.zeros((N, S), bool)
    kpm[1, 3:] = True  # sequence 1 has 3 real steps
    out = enc(x, src_key_padding_mask=kpm)
    w = ag.tensor(np.random.default_rng(2).standard_normal((3, D)))
    (g,) = ag.grad((out[:3, 1] * w).sum(), [x])  # the real steps of sequence 1, randomly weighted
    assert np.all(g.numpy()[3:, 1] == 0)
    assert np.all(np.abs(g.numpy()[:3, 1]).sum(-1) > 0)


def test_decoder_padded_memory_step_gets_exactly_zero_gradient():
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(D, NHEAD, FF, 0.0, dtype=np.float64), 2)
    rng = np.random.default_rng(2)
    tgt = ag.tensor(rng.standard_normal((4, 2, D)))
    memory = ag.tensor(rng.standard_normal((5, 2, D)), requires_grad=True)
    kpm = np.zeros((2, 5), bool)
    kpm[0, 2] = True
    out = dec(tgt, memory, memory_key_padding_mask=kpm)
    (out * out).sum().backward()
    assert np.all(memory.grad.numpy()[2, 0] == 0)
    assert np.all(np.abs(memory.grad.numpy()[[0, 1, 3, 4], 0]).sum(-1) > 0)


def _state(m):
    return {k: v.numpy().copy() for k, v in m.state_dict().items()}


@pytest.mark.parametrize("make,call,error,words", [
    (lambda: nn.TransformerEncoderLayer(D, NHEAD, FF), lambda m: m(ag.zeros(5, 2, D + 1)),
     ValueError, ["TransformerEncoderLayer(d_model=8)", "src of shape (5, 2, 9)", "(S, N, d_model)"]),
    (lambda: nn.TransformerEncoderLayer(D, NHEAD, FF, batch_first=True), lambda m: m(ag.zeros(1, 2, 5, D)),
     ValueError, ["src of shape (1, 2, 5, 8)", "(N, S, d_model)"]),
    (lambda: nn.TransformerDecoderLayer(D, NHEAD, FF), lambda m: m(ag.zeros(4, 2, D), ag.zeros(5, 2, 3)),
     ValueError, ["TransformerDecoderLayer(d_model=8)", "memory of shape (5, 2, 3)"]),
    (lambda: nn.TransformerEncoderLayer(D, NHEAD, FF),
     lambda m: m(ag.zeros(5, 2, D), src_mask=np.zeros((4, 4), bool)),
     RuntimeError, ["MultiheadAttention", "attn_mask of shape (4, 4)", "(5, 5)"]),
    (lambda: nn.TransformerEncoderLayer(D, NHEAD, FF),
     lambda m: m(ag.zeros(5, 2, D), src_key_padding_mask=np.zeros((2, 5), np.int64)),
     TypeError, ["dtype int64"]),
    (lambda: nn.Transformer(D, NHEAD, 1, 1, FF), lambda m: m(ag.zeros(5, 2, D), ag.zeros(4, 3, D)),
     RuntimeError, ["Transformer(d_model=8, nhead=2)", "batch number", "(5, 2, 8)", "(4, 3, 8)"]),
    (lambda: nn.Transformer(D, NHEAD, 1, 1, FF), lambda m: m(ag.zeros(5, 2, D), ag.zeros(4, 2, D - 1)),
     ValueError, ["tgt of shape (4, 2, 7)"]),
])
def test_bad_input_is_a_named_error_and_changes_nothing(make, call, error, words):
    m = make()
    before = _state(m)
    with pytest.raises(error) as e:
        call(m)
    assert all(w in str(e.value) for w in words), str(e.value)
    after = _state(m)
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert all(p.grad is None for p in m.parameters())


def test_nhead_not_dividing_d_model_is_named():
    with pytest.raises(ValueError, match=r"embed_dim \(10\) must be divisible by num_heads \(4\)"):
        nn.TransformerEncoderLayer(10, 4)


def test_unknown_activation_is_named():
    with pytest.raises(RuntimeError, match="TransformerEncoderLayer: activation should be 'relu', 'gelu'"):
        nn.TransformerEncoderLayer(D, NHEAD, activation="swish")


def test_is_causal_without_a_mask_is_refused_like_torch():
    with pytest.raises(RuntimeError, match="is_causal"):
        nn.TransformerEncoderLayer(D, NHEAD, FF)(ag.zeros(3, 1, D), is_causal=True)
