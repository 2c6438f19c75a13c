"""Transformer layers and stacks: PyTorch's outputs, gradients and state_dicts (float64, weights copied)."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.transformer_parity import assert_same, copy_from_torch, names_of, run_both

# torch's notices about mixing boolean and float masks (mixing them is tested on purpose) and
# about its nested-tensor fast path (not used by these shapes)
pytestmark = [pytest.mark.filterwarnings("ignore:Support for mismatched"),
              pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")]

D, NHEAD, FF = 8, 2, 12
N, S, T = 2, 5, 4


def _seq(rng, steps, batch_first, n=N):
    return rng.standard_normal((n, steps, D) if batch_first else (steps, n, D))


def _kpm(steps):
    m = np.zeros((N, steps), bool)
    m[1, -2:] = True  # the second sequence is two steps shorter
    return m


def _encoder_layer_pair(torch, **kw):
    kw = dict(dim_feedforward=FF, dropout=0.0, **kw)
    theirs = torch.nn.TransformerEncoderLayer(D, NHEAD, **kw).double()
    ours = nn.TransformerEncoderLayer(D, NHEAD, dtype=np.float64, **kw)
    copy_from_torch(ours, theirs)
    return ours, theirs


def _decoder_layer_pair(torch, **kw):
    kw = dict(dim_feedforward=FF, dropout=0.0, **kw)
    theirs = torch.nn.TransformerDecoderLayer(D, NHEAD, **kw).double()
    ours = nn.TransformerDecoderLayer(D, NHEAD, dtype=np.float64, **kw)
    copy_from_torch(ours, theirs)
    return ours, theirs


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_encoder_layer_equals_torch_with_causal_and_padding_masks(batch_first, norm_first, activation):
    torch = pytest.importorskip("torch")
    ours, theirs = _encoder_layer_pair(torch, batch_first=batch_first, norm_first=norm_first,
                                       activation=activation)
    src = _seq(np.random.default_rng(0), S, batch_first)
    masks = {"src_mask": nn.Transformer.generate_square_subsequent_mask(S, dtype=np.float64).numpy(),
             "src_key_padding_mask": _kpm(S)}
    assert_same(run_both(torch, ours, theirs, [src], masks, lambda m, x, **k: m(x, **k)))


def test_encoder_layer_equals_torch_without_masks_and_unbatched():
    torch = pytest.importorskip("torch")
    ours, theirs = _encoder_layer_pair(torch)
    src = np.random.default_rng(1).standard_normal((S, D))
    assert_same(run_both(torch, ours, theirs, [src], {}, lambda m, x: m(x)))


def test_encoder_layer_with_a_callable_activation_equals_torch():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.TransformerEncoderLayer(D, NHEAD, FF, 0.0, activation=torch.tanh).double()
    ours = nn.TransformerEncoderLayer(D, NHEAD, FF, 0.0, activation=ag.tanh, dtype=np.float64)
    copy_from_torch(ours, theirs)
    src = _seq(np.random.default_rng(2), S, False)
    assert_same(run_both(torch, ours, theirs, [src], {}, lambda m, x: m(x)))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_decoder_layer_equals_torch_with_masks(batch_first, norm_first, activation):
    torch = pytest.importorskip("torch")
    ours, theirs = _decoder_layer_pair(torch, batch_first=batch_first, norm_first=norm_first,
                                       activation=activation)
    rng = np.random.default_rng(3)
    tgt, memory = _seq(rng, T, batch_first), _seq(rng, S, batch_first)
    masks = {"tgt_mask": nn.Transformer.generate_square_subsequent_mask(T, dtype=np.float64).numpy(),
             "tgt_key_padding_mask": _kpm(T), "memory_key_padding_mask": _kpm(S),
             "memory_mask": rng.standard_normal((T, S))}
    assert_same(run_both(torch, ours, theirs, [tgt, memory], masks, lambda m, t, s, **k: m(t, s, **k)))


def test_encoder_stack_with_final_norm_equals_torch():
    torch = pytest.importorskip("torch")
    layer = torch.nn.TransformerEncoderLayer(D, NHEAD, FF, 0.0, batch_first=True)
    theirs = torch.nn.TransformerEncoder(layer, 2, norm=torch.nn.LayerNorm(D),
                                         enable_nested_tensor=False).double()
    ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(D, NHEAD, FF, 0.0, batch_first=True,
                                                            dtype=np.float64),
                                 2, norm=nn.LayerNorm(D, dtype=np.float64))
    copy_from_torch(ours, theirs)
    src = _seq(np.random.default_rng(4), S, True)
    mask = np.triu(np.ones((S, S), bool), 1)  # a boolean causal mask, True = not allowed
    assert_same(run_both(torch, ours, theirs, [src], {"mask": mask, "src_key_padding_mask": _kpm(S)},
                         lambda m, x, **k: m(x, **k)))


def test_decoder_stack_equals_torch():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(D, NHEAD, FF, 0.0), 2).double()
    ours = nn.TransformerDecoder(nn.TransformerDecoderLayer(D, NHEAD, FF, 0.0, dtype=np.float64), 2)
    copy_from_torch(ours, theirs)
    rng = np.random.default_rng(5)
    tgt, memory = _seq(rng, T, False), _seq(rng, S, False)
    mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=np.float64).numpy()
    assert_same(run_both(torch, ours, theirs, [tgt, memory], {"tgt_mask": mask},
                         lambda m, t, s, **k: m(t, s, **k)))


@pytest.mark.parametrize("batch_first,norm_first,activation",
                         [(False, False, "relu"), (True, True, "gelu")])
def test_transformer_equals_torch(batch_first, norm_first, activation):
    torch = pytest.importorskip("torch")
    kw = dict(d_model=D, nhead=NHEAD, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=FF,
              dropout=0.0, batch_first=batch_first, norm_first=norm_first, activation=activation)
    theirs = torch.nn.Transformer(**kw).double()
    ours = nn.Transformer(dtype=np.float64, **kw)
    copy_from_torch(ours, theirs)
    rng = np.random.default_rng(6)
    src, tgt = _seq(rng, S, batch_first), _seq(rng, T, batch_first)
    masks = {"tgt_mask": nn.Transformer.generate_square_subsequent_mask(T, dtype=np.float64).numpy(),
             "src_key_padding_mask": _kpm(S), "memory_key_padding_mask": _kpm(S)}
    assert_same(run_both(torch, ours, theirs, [src, tgt], masks, lambda m, s, t, **k: m(s, t, **k)))


def test_transformer_state_dict_loads_into_torch_and_back():
    torch = pytest.importorskip("torch")
    kw = dict(d_model=D, nhead=NHEAD, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=FF)
    ours, theirs = nn.Transformer(**kw), torch.nn.Transformer(**kw)
    assert names_of(ours) == sorted(theirs.state_dict())
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    for k, v in theirs.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), ours.state_dict()[k].numpy(), err_msg=k)
    fresh = torch.nn.Transformer(**kw)
    ours.load_state_dict({k: v.numpy() for k, v in fresh.state_dict().items()})
    for k, v in fresh.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), ours.state_dict()[k].numpy(), err_msg=k)


def test_square_subsequent_mask_equals_torch():
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(nn.Transformer.generate_square_subsequent_mask(5).numpy(),
                                  torch.nn.Transformer.generate_square_subsequent_mask(5).numpy())


def test_stack_layers_are_independent_copies_of_the_prototype():
    proto = nn.TransformerEncoderLayer(D, NHEAD, FF)
    enc = nn.TransformerEncoder(proto, 2)
    a, b = enc.layers[0].linear1.weight, enc.layers[1].linear1.weight
    np.testing.assert_array_equal(a.numpy(), proto.linear1.weight.numpy())
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a is not b and not np.shares_memory(a.data, b.data)


def test_transformer_redraws_every_matrix_xavier_uniform():
    model = nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                           dim_feedforward=32)
    w = model.encoder.layers[0].linear1.weight.numpy()        # (32, 16): xavier bound sqrt(6/48)
    assert np.abs(w).max() <= np.sqrt(6 / 48)
    assert np.abs(w).max() > 0.8 * np.sqrt(6 / 48)           # not Linear's default bound 1/sqrt(16)=0.25
    assert np.all(model.decoder.norm.weight.numpy() == 1)    # 1-D parameters keep their init
