"""Second derivatives through every recurrent layer: a gradient penalty (the squared norm of the
input gradient) differentiated again equals PyTorch's, for the fused LSTM and the composed paths."""
import numpy as np
import pytest

import autograd as ag
import nn

T, B, I, H = 3, 2, 4, 5
LAYERS = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}


def _penalty_grads(torch, name, kwargs, lengths=None):
    rng = np.random.default_rng(3)
    theirs = getattr(torch.nn, name)(I, H, **kwargs).double()
    ours = LAYERS[name](I, H, dtype=np.float64, **kwargs)
    ours.load_state_dict({k: ag.tensor(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()})
    x = rng.standard_normal((T, B, I))
    u = rng.standard_normal((T, B, H * (2 if kwargs.get("bidirectional") else 1)))
    mx, tx = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)

    out = ours(mx, lengths=lengths)[0]
    (gx,) = ag.grad((out * ag.tensor(u)).sum(), mx, create_graph=True)
    (gx * gx).sum().backward()

    if lengths is None:
        tout = theirs(tx)[0]
    else:
        P = torch.nn.utils.rnn
        packed = P.pack_padded_sequence(tx, torch.tensor(lengths), enforce_sorted=False)
        tout = P.pad_packed_sequence(theirs(packed)[0], total_length=T)[0]
    (tgx,) = torch.autograd.grad((tout * torch.from_numpy(u)).sum(), tx, create_graph=True)
    (tgx * tgx).sum().backward()

    np.testing.assert_allclose(gx.numpy(), tgx.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=0, atol=1e-10, err_msg="x")
    for pname, p in theirs.named_parameters():
        np.testing.assert_allclose(getattr(ours, pname).grad.numpy(), p.grad.numpy(), rtol=0, atol=1e-10,
                                   err_msg=pname)


@pytest.mark.parametrize("name", LAYERS)
def test_gradient_penalty_second_derivatives_equal_torch(name):
    torch = pytest.importorskip("torch")
    _penalty_grads(torch, name, {"num_layers": 2, "bidirectional": True})


@pytest.mark.parametrize("name", LAYERS)
def test_gradient_penalty_with_lengths_equals_torch(name):
    torch = pytest.importorskip("torch")
    _penalty_grads(torch, name, {}, lengths=[3, 1])


def test_fused_lstm_create_graph_does_not_raise_and_records_the_backward():
    x = ag.randn(T, B, I, requires_grad=True)
    out, _ = nn.LSTM(I, H)(x)
    (gx,) = ag.grad(out.sum(), x, create_graph=True)
    assert gx.requires_grad and gx.shape == (T, B, I)
