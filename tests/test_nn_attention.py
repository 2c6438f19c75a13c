"""scaled_dot_product_attention and MultiheadAttention: PyTorch's values, gradients, masks and layout."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.transformer_parity import assert_same, copy_from_torch, names_of, run_both

E, H = 6, 2
N, L, S = 2, 3, 4

pytestmark = pytest.mark.filterwarnings("ignore:Support for mismatched")


def _mha_pair(torch, **kw):
    theirs = torch.nn.MultiheadAttention(E, H, **kw).double()
    ours = nn.MultiheadAttention(E, H, dtype=np.float64, **kw)
    copy_from_torch(ours, theirs)
    return ours, theirs


def _call(m, q, k, v, **kw):
    return m(q, k, v, **kw)


# -- scaled_dot_product_attention ----------------------------------------------------------------

def test_sdpa_is_softmax_of_scaled_scores_times_values():
    rng = np.random.default_rng(0)
    q, k, v = rng.standard_normal((3, 2)), rng.standard_normal((4, 2)), rng.standard_normal((4, 5))
    s = q @ k.T / np.sqrt(2)
    w = np.exp(s) / np.exp(s).sum(1, keepdims=True)
    out = F.scaled_dot_product_attention(ag.tensor(q), ag.tensor(k), ag.tensor(v))
    np.testing.assert_allclose(out.numpy(), w @ v, rtol=1e-12)


def test_sdpa_boolean_mask_true_means_attend():
    v = ag.tensor([[1.0], [10.0]])
    q = k = ag.zeros(2, 1)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=np.array([[True, False], [False, True]]))
    np.testing.assert_array_equal(out.numpy(), [[1.0], [10.0]])


def test_sdpa_float_mask_is_added_to_the_scores():
    q, k = ag.zeros(1, 1, dtype=np.float64), ag.zeros(2, 1, dtype=np.float64)
    v = ag.tensor([[0.0], [1.0]], dtype=np.float64)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=np.array([[0.0, np.log(3.0)]]))
    np.testing.assert_allclose(out.numpy(), [[0.75]], rtol=1e-12)  # weights 1/4, 3/4


def test_sdpa_fully_masked_row_gives_zero_output_and_zero_gradient_like_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal(s) for s in [(2, 3, 4), (2, 5, 4), (2, 5, 3)])
    mask = rng.random((3, 5)) < 0.6
    mask[1] = False
    ours = [ag.tensor(a, requires_grad=True) for a in (q, k, v)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    out = F.scaled_dot_product_attention(*ours, attn_mask=mask)
    tout = torch.nn.functional.scaled_dot_product_attention(*theirs, attn_mask=torch.from_numpy(mask))
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    assert np.all(out.numpy()[:, 1] == 0) and np.all(ours[0].grad.numpy()[:, 1] == 0)
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), atol=1e-12)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-12)


def test_sdpa_causal_output_gets_exactly_zero_gradient_from_later_inputs():
    rng = np.random.default_rng(2)
    steps = 5
    x = ag.tensor(rng.standard_normal((2, steps, 3)), requires_grad=True)
    for t in range(steps):
        out = F.scaled_dot_product_attention(x, x * 2.0, x.tanh(), is_causal=True)
        (g,) = ag.grad(out[:, t].sum(), [x])
        g = g.numpy()
        assert np.all(g[:, t + 1:] == 0), f"output step {t} depends on a later input"
        assert np.all(np.abs(g[:, :t + 1]).sum(axis=(0, 2)) > 0)


def test_sdpa_dropout_drops_weights_and_p_zero_is_exact():
    x = ag.randn(2, 8, 4)
    a = F.scaled_dot_product_attention(x, x, x)
    np.testing.assert_array_equal(a.numpy(), F.scaled_dot_product_attention(x, x, x, dropout_p=0.0).numpy())
    _ = ag.manual_seed(0)
    b = F.scaled_dot_product_attention(x, x, x, dropout_p=0.5)
    assert not np.allclose(a.numpy(), b.numpy())


@pytest.mark.parametrize("kwargs,error,words", [
    ({"attn_mask": np.ones((3, 5), bool)}, RuntimeError, ["attn_mask of shape (3, 5)", "(2, 3, 4)"]),
    ({"attn_mask": np.ones((3, 4), np.int64)}, TypeError, ["dtype int64"]),
    ({"attn_mask": np.ones((3, 4), bool), "is_causal": True}, RuntimeError, ["not both"]),
    ({"dropout_p": 1.5}, ValueError, ["dropout_p"]),
])
def test_sdpa_bad_arguments_are_named(kwargs, error, words):
    q, k = ag.zeros(2, 3, 8), ag.zeros(2, 4, 8)
    with pytest.raises(error) as e:
        F.scaled_dot_product_attention(q, k, k, **kwargs)
    assert "scaled_dot_product_attention" in str(e.value)
    assert all(w in str(e.value) for w in words), str(e.value)


def test_sdpa_feature_and_length_mismatches_are_named():
    with pytest.raises(RuntimeError, match=r"query of shape \(3, 8\) and key of shape \(4, 7\)"):
        F.scaled_dot_product_attention(ag.zeros(3, 8), ag.zeros(4, 7), ag.zeros(4, 7))
    with pytest.raises(RuntimeError, match=r"key of shape \(4, 8\) and value of shape \(5, 8\)"):
        F.scaled_dot_product_attention(ag.zeros(3, 8), ag.zeros(4, 8), ag.zeros(5, 8))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        F.scaled_dot_product_attention(ag.zeros(8), ag.zeros(4, 8), ag.zeros(4, 8))


# -- MultiheadAttention: PyTorch's values ----------------------------------------------------------

@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("average", [True, False])
def test_mha_self_attention_with_masks_equals_torch(batch_first, average):
    torch = pytest.importorskip("torch")
    ours, theirs = _mha_pair(torch, batch_first=batch_first)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((N, L, E) if batch_first else (L, N, E))
    kpm = np.array([[False, False, True], [False, True, False]])
    am = rng.standard_normal((L, L))
    r = run_both(torch, ours, theirs, [x, x, x],
                 {"key_padding_mask": kpm, "attn_mask": am, "average_attn_weights": average}, _call)
    assert_same(r)


@pytest.mark.parametrize("kdim", [None, 3])
def test_mha_cross_attention_with_3d_bool_mask_equals_torch(kdim):
    torch = pytest.importorskip("torch")
    ours, theirs = _mha_pair(torch, kdim=kdim, vdim=kdim)
    rng = np.random.default_rng(4)
    q = rng.standard_normal((L, N, E))
    k, v = rng.standard_normal((S, N, kdim or E)), rng.standard_normal((S, N, kdim or E))
    am = rng.random((N * H, L, S)) < 0.3
    am[..., 0] = False  # every query keeps a key (torch's weights are NaN otherwise)
    kpm = rng.standard_normal((N, S))  # a float padding mask is added
    assert_same(run_both(torch, ours, theirs, [q, k, v], {"attn_mask": am, "key_padding_mask": kpm}, _call))


def test_mha_unbatched_input_equals_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _mha_pair(torch)
    rng = np.random.default_rng(5)
    q, k = rng.standard_normal((L, E)), rng.standard_normal((S, E))
    r = run_both(torch, ours, theirs, [q, k, k],
                 {"key_padding_mask": np.array([False, True, False, False]),
                  "attn_mask": np.triu(np.ones((H, L, S), bool), 2), "average_attn_weights": False}, _call)
    assert r["outs"][1].shape == (H, L, S)
    assert_same(r)


def test_mha_without_bias_and_need_weights_false_equals_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _mha_pair(torch, bias=False)
    x = np.random.default_rng(6).standard_normal((L, N, E))
    r = run_both(torch, ours, theirs, [x, x, x], {"need_weights": False}, _call)
    assert r["outs"][1] is None
    assert_same(r)


@pytest.mark.parametrize("add_bias_kv,add_zero_attn", [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_appended_bias_and_zero_key_steps_equal_torch(add_bias_kv, add_zero_attn, batch_first):
    torch = pytest.importorskip("torch")
    ours, theirs = _mha_pair(torch, add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn,
                             batch_first=batch_first)
    rng = np.random.default_rng(10)
    q = rng.standard_normal((N, L, E) if batch_first else (L, N, E))
    k = rng.standard_normal((N, S, E) if batch_first else (S, N, E))
    masks = {"key_padding_mask": np.array([[False, True, False, False], [False, False, False, True]]),
             "attn_mask": rng.standard_normal((L, S)), "average_attn_weights": False}
    r = run_both(torch, ours, theirs, [q, k, k], masks, _call)
    assert r["outs"][1].shape == (N, H, L, S + add_bias_kv + add_zero_attn)
    assert_same(r)


def test_mha_parameter_names_and_init_follow_torch():
    torch = pytest.importorskip("torch")
    for kw in ({}, {"kdim": 3, "vdim": 5}, {"bias": False}, {"add_bias_kv": True}):
        assert names_of(nn.MultiheadAttention(E, H, **kw)) == sorted(torch.nn.MultiheadAttention(E, H, **kw).state_dict())
    m = nn.MultiheadAttention(64, 4)
    bound = np.sqrt(6 / (64 + 3 * 64))  # Xavier-uniform over the packed (3E, E) matrix
    w = m.in_proj_weight.numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.all(m.in_proj_bias.numpy() == 0) and np.all(m.out_proj.bias.numpy() == 0)


def test_mha_state_dict_loads_into_torch_and_back():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.MultiheadAttention(E, H, kdim=3, vdim=5), torch.nn.MultiheadAttention(E, H, kdim=3, vdim=5)
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    for k, v in theirs.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), ours.state_dict()[k].numpy(), err_msg=k)


# -- masks block gradients ------------------------------------------------------------------------

def test_mha_key_padding_masked_positions_get_exactly_zero_gradient():
    m = nn.MultiheadAttention(E, H, dtype=np.float64)
    rng = np.random.default_rng(7)
    q = ag.tensor(rng.standard_normal((L, N, E)), requires_grad=True)
    kv = ag.tensor(rng.standard_normal((S, N, E)), requires_grad=True)
    kpm = np.zeros((N, S), bool)
    kpm[0, 1] = kpm[1, 3] = True
    out, _ = m(q, kv, kv, key_padding_mask=kpm)
    (out * out).sum().backward()
    g = kv.grad.numpy()
    assert np.all(g[1, 0] == 0) and np.all(g[3, 1] == 0)
    assert np.all(np.abs(g[[0, 2, 3], 0]).sum(-1) > 0) and np.all(np.abs(g[[0, 1, 2], 1]).sum(-1) > 0)


def test_mha_causal_mask_blocks_the_future():
    m = nn.MultiheadAttention(E, H, batch_first=True, dtype=np.float64)
    steps = 5
    x = ag.tensor(np.random.default_rng(8).standard_normal((N, steps, E)), requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(steps, dtype=np.float64)
    for t in range(steps):
        out, _ = m(x, x, x, attn_mask=mask, is_causal=True)
        (g,) = ag.grad(out[:, t].sum(), [x])
        assert np.all(g.numpy()[:, t + 1:] == 0), f"output step {t} depends on a later input"


# -- MultiheadAttention: bad input ----------------------------------------------------------------

def test_mha_embed_dim_not_divisible_by_num_heads_is_an_error():
    with pytest.raises(ValueError, match=r"embed_dim \(10\) must be divisible by num_heads \(3\)"):
        nn.MultiheadAttention(10, 3)




@pytest.mark.parametrize("q_shape,kv_shape,kwargs,error,words", [
    ((L, N, E + 1), (S, N, E), {}, ValueError, ["query of shape (3, 2, 7)", "expected 6"]),
    ((L, N, E), (S, N, E - 1), {}, ValueError, ["key of shape (4, 2, 5)", "expected 6"]),
    ((1, L, N, E), (1, S, N, E), {}, ValueError, ["3-D (L, N, E)", "(1, 3, 2, 6)"]),
    ((L, N, E), (S, N + 1, E), {}, ValueError, ["different batch sizes"]),
    ((L, N, E), (S, N, E), {"key_padding_mask": np.zeros((N, S + 1), bool)}, RuntimeError,
     ["key_padding_mask of shape (2, 5)", "(2, 4)"]),
    ((L, N, E), (S, N, E), {"attn_mask": np.zeros((S, L), bool)}, RuntimeError,
     ["attn_mask of shape (4, 3)", "(3, 4)", "(4, 3, 4)"]),
    ((L, N, E), (S, N, E), {"attn_mask": np.zeros((L, S), np.int32)}, TypeError, ["dtype int32"]),
    ((L, N, E), (S, N, E), {"is_causal": True}, RuntimeError, ["is_causal"]),
])
def test_mha_bad_input_names_the_layer_and_shapes_and_changes_nothing(q_shape, kv_shape, kwargs, error, words):
    m = nn.MultiheadAttention(E, H)
    before = {k: v.numpy().copy() for k, v in m.state_dict().items()}
    q = ag.zeros(*q_shape, requires_grad=True)
    with pytest.raises(error) as e:
        m(q, ag.zeros(*kv_shape), ag.zeros(*kv_shape), **kwargs)
    msg = str(e.value)
    assert "MultiheadAttention(embed_dim=6, num_heads=2)" in msg
    assert all(w in msg for w in words), msg
    assert all(np.array_equal(before[k], v.numpy()) for k, v in m.state_dict().items())
    assert all(p.grad is None for p in m.parameters()) and q.grad is None


def test_mha_dropout_acts_in_training_only():
    m = nn.MultiheadAttention(E, H, dropout=0.5, batch_first=True)
    x = ag.randn(N, 8, E)
    _ = ag.manual_seed(0)
    train_w = m(x, x, x)[1].numpy()
    m.eval()
    a, b = m(x, x, x)[1].numpy(), m(x, x, x)[1].numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a.sum(-1), 1.0, rtol=1e-5)
    assert not np.allclose(train_w, a)


def test_mha_query_with_every_key_masked_gives_torch_output_of_need_weights_false():
    torch = pytest.importorskip("torch")
    ours, theirs = _mha_pair(torch)
    rng = np.random.default_rng(9)
    x = rng.standard_normal((L, N, E))
    am = np.zeros((L, L), bool)
    am[1] = True  # query 1 may attend to nothing
    r = run_both(torch, ours, theirs, [x, x, x], {"attn_mask": am, "need_weights": False}, _call)
    assert_same(r)
    (_, w) = ours(ag.tensor(x), ag.tensor(x), ag.tensor(x), attn_mask=am)
    assert np.all(w.numpy()[:, 1] == 0) and np.all(np.isfinite(w.numpy()))
