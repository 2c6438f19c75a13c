"""nn.Embedding, F.embedding and F.one_hot: lookups, gradients (repeats accumulate, padding rows get
none), PyTorch parity, from_pretrained, max_norm, and errors that name the layer."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

IDX = np.array([[1, 3, 1], [0, 1, 3]])


def _pair(torch, **kw):
    theirs = torch.nn.Embedding(5, 3, **kw).double()
    ours = nn.Embedding(5, 3, dtype=np.float64, **kw)
    ours.load_state_dict({"weight": ag.tensor(theirs.weight.detach().numpy().copy())})
    return ours, theirs


def test_lookup_returns_the_rows_with_the_index_shape_in_front():
    w = np.arange(15.0).reshape(5, 3)
    out = F.embedding(ag.tensor(IDX), ag.tensor(w))
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out.numpy(), w[IDX])


def test_repeated_indices_accumulate_their_gradients():
    w = ag.zeros(5, 3, requires_grad=True)
    u = np.random.default_rng(0).standard_normal((2, 3, 3))
    (F.embedding(ag.tensor(IDX), w) * ag.tensor(u)).sum().backward()
    want = np.zeros((5, 3))
    for pos, row in np.ndenumerate(IDX):
        want[row] += u[pos]
    np.testing.assert_allclose(w.grad.numpy(), want, rtol=0, atol=1e-6)


@pytest.mark.parametrize("padding_idx", [None, 1, -2])
def test_outputs_and_weight_gradients_equal_torch(padding_idx):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch, padding_idx=padding_idx)
    u = np.random.default_rng(1).standard_normal((2, 3, 3))
    out, tout = ours(ag.tensor(IDX)), theirs(torch.from_numpy(IDX))
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=0, atol=1e-12)
    (out * ag.tensor(u)).sum().backward()
    (tout * torch.from_numpy(u)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=0, atol=1e-12)


def test_padding_row_starts_at_zero_and_gets_exactly_no_gradient():
    emb = nn.Embedding(5, 3, padding_idx=1)
    assert (emb.weight.numpy()[1] == 0).all()
    emb(ag.tensor(IDX)).sum().backward()
    assert (emb.weight.grad.numpy()[1] == 0).all()
    assert (emb.weight.grad.numpy()[3] == 2).all()  # index 3 appears twice


def test_max_norm_rescales_the_looked_up_rows_like_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch, max_norm=0.5)
    with ag.no_grad():
        ours.weight.data[...] *= 4
    with torch.no_grad():
        theirs.weight.mul_(4)
    out, tout = ours(ag.tensor(IDX)), theirs(torch.from_numpy(IDX))
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.weight.numpy(), theirs.weight.detach().numpy(), rtol=0, atol=1e-12)
    assert np.linalg.norm(ours.weight.numpy()[[0, 1, 3]], axis=1).max() <= 0.5 + 1e-9


def test_default_init_is_standard_normal():
    w = nn.Embedding(2000, 10).weight.numpy()
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02


def test_from_pretrained_copies_the_table_and_freezes_it_by_default():
    table = ag.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    emb = nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad
    np.testing.assert_array_equal(emb(ag.tensor([2, 0])).numpy(), [[5.0, 6.0], [1.0, 2.0]])
    trainable = nn.Embedding.from_pretrained(table, freeze=False, padding_idx=0)
    trainable(ag.tensor([0, 2])).sum().backward()
    np.testing.assert_array_equal(trainable.weight.grad.numpy(), [[0, 0], [0, 0], [1, 1]])


def test_state_dict_keys_equal_torch():
    torch = pytest.importorskip("torch")
    assert list(nn.Embedding(4, 2).state_dict()) == list(torch.nn.Embedding(4, 2).state_dict())


@pytest.mark.parametrize("bad", [5, -1])
def test_out_of_range_index_raises_index_error_naming_the_layer(bad):
    emb = nn.Embedding(5, 3)
    before = emb.weight.numpy().copy()
    with pytest.raises(IndexError, match=rf"Embedding\(5, 3\): index {bad} is out of range for 5"):
        emb(ag.tensor([0, bad]))
    np.testing.assert_array_equal(emb.weight.numpy(), before)


def test_float_indices_are_refused():
    with pytest.raises(RuntimeError, match="indices must be integers, got dtype float32"):
        nn.Embedding(5, 3)(ag.tensor([1.0]))


def test_padding_idx_outside_the_table_is_refused():
    with pytest.raises(ValueError, match=r"Embedding\(5, 3\): padding_idx must be within"):
        nn.Embedding(5, 3, padding_idx=5)


def test_one_hot_codes_and_inferred_class_count():
    out = F.one_hot(ag.tensor([[0, 2], [1, 0]]))
    assert out.shape == (2, 2, 3) and out.dtype == np.int64
    np.testing.assert_array_equal(out.numpy().argmax(-1), [[0, 2], [1, 0]])
    assert out.numpy().sum() == 4
    assert F.one_hot(ag.tensor([1]), num_classes=4).shape == (1, 4)


def test_one_hot_equals_torch():
    torch = pytest.importorskip("torch")
    idx = np.array([3, 0, 2, 2])
    np.testing.assert_array_equal(F.one_hot(ag.tensor(idx), 5).numpy(),
                                  torch.nn.functional.one_hot(torch.from_numpy(idx), 5).numpy())


@pytest.mark.parametrize("idx, n, msg", [([3], 3, "smaller than num_classes=3"), ([-1], -1, "non-negative")])
def test_one_hot_rejects_classes_out_of_range(idx, n, msg):
    with pytest.raises(RuntimeError, match=msg):
        F.one_hot(ag.tensor(idx), n)
