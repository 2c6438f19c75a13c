"""Truncated backpropagation through time: a long stream trained in chunks, the state carried from
chunk to chunk with ``detach()``; the graph (and so memory) stays bounded over 10,000 steps."""
import gc
import weakref

import numpy as np
import pytest

import autograd as ag
import nn
import optim

STEPS, CHUNK = 10_000, 25


def _live_nodes() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, ag.Function))


def _chunks(rng, n):
    for _ in range(n):
        x = rng.standard_normal((CHUNK, 2, 3)).astype(np.float32)
        yield ag.tensor(x), ag.tensor(x[:, :, :1].cumsum(0) * 0.1)


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU])
def test_detached_state_keeps_the_graph_bounded_over_10000_steps(cls):
    ag.manual_seed(0)
    rnn, head = cls(3, 4), nn.Linear(4, 1)
    opt = optim.SGD(list(rnn.parameters()) + list(head.parameters()), lr=0.01)
    state, counts = None, []
    for k, (x, y) in enumerate(_chunks(np.random.default_rng(0), STEPS // CHUNK)):
        out, state = rnn(x, state)
        loss = ((head(out) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        if k in (20, STEPS // CHUNK - 1):
            counts.append(_live_nodes())
    del out, loss
    # NOTE: the same count after 21 and after 400 chunks: each chunk's graph dies with it
    assert counts[1] <= counts[0], counts
    assert np.isfinite(state[0].numpy() if isinstance(state, tuple) else state.numpy()).all()


def test_the_first_chunks_graph_is_freed_once_the_state_is_detached():
    lstm = nn.LSTM(3, 4)
    x1, x2 = ag.randn(CHUNK, 2, 3), ag.randn(CHUNK, 2, 3)
    out, state = lstm(x1)
    first = weakref.ref(state[0]._node)  # the node that made h_n, which detach() shares memory with
    out.sum().backward()
    state = tuple(s.detach() for s in state)
    del out
    out, state = lstm(x2, state)
    out.sum().backward()
    gc.collect()
    assert first() is None


def test_without_detach_the_next_chunk_backpropagates_into_the_freed_graph():
    lstm = nn.LSTM(3, 4)
    out, state = lstm(ag.randn(CHUNK, 2, 3))
    out.sum().backward()
    out, state = lstm(ag.randn(CHUNK, 2, 3), state)  # state still carries the first chunk's graph
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.sum().backward()


def test_detached_chunks_give_the_same_forward_values_as_one_long_pass():
    lstm = nn.LSTM(3, 4, dtype=np.float64)
    x = ag.tensor(np.random.default_rng(2).standard_normal((4 * CHUNK, 2, 3)))
    with ag.no_grad():
        whole, _ = lstm(x)
    state, parts = None, []
    for k in range(4):
        out, state = lstm(x[k * CHUNK:(k + 1) * CHUNK], state)
        parts.append(out.detach().numpy())
        state = tuple(s.detach() for s in state)
    np.testing.assert_allclose(np.concatenate(parts), whole.numpy(), rtol=0, atol=1e-12)
