"""Registry entries for the sequence layers: Embedding, the recurrent cells, and RNN/LSTM/GRU
(one- and two-layer, one and two directions, with and without ``lengths``), each run through
the module itself with the harness's float64 tensors standing in for its parameters."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import nn
import nn.functional as NF
from autograd.testing import arrays
from tests.op_registry.nn_ops import _with
from tests.op_registry.spec import OpSpec
from tests.op_registry.torch_adapters import F, T

SMOOTH = dict(low=-1.5, high=1.5, avoid=())
POSITIVE = dict(low=0.05, high=0.5, avoid=())  # relu cells: pre-activations stay > 0, off the kink
LAYERS = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}
CELLS = {"RNNCell": nn.RNNCell, "LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3, "RNNCell": 1, "LSTMCell": 4, "GRUCell": 3}


def _param_names(layers: int, directions: int) -> list:
    return [f"{w}_l{k}{s}" for k in range(layers) for s in ("", "_reverse")[:directions]
            for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]


# -- cells -----------------------------------------------------------------------------------

@st.composite
def cell_case(draw: Any, name: str, values: dict = SMOOTH) -> tuple:
    b, i, h = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    G = GATES[name]
    n_states = 2 if name == "LSTMCell" else 1
    shapes = [(b, i)] + [(b, h)] * n_states + [(G * h, i), (G * h, h), (G * h,), (G * h,)]
    return [draw(arrays(s, **values)) for s in shapes], {}


def _cell(name: str, **kw: Any):
    def run(x, *rest):
        states, (w_ih, w_hh, b_ih, b_hh) = rest[:-4], rest[-4:]
        m = _with(CELLS[name](x.shape[1], w_hh.shape[1], dtype=np.float64, **kw),
                  weight_ih=w_ih, weight_hh=w_hh, bias_ih=b_ih, bias_hh=b_hh)
        return m(x, tuple(states) if name == "LSTMCell" else states[0])
    return run


def _torch_cell(name: str, **kw: Any):
    def run(x, *rest):
        states, weights = rest[:-4], rest[-4:]
        m = getattr(T.nn, name)(x.shape[1], weights[1].shape[1], **kw).double()
        params = dict(zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"), weights))
        return T.func.functional_call(m, params, (x, tuple(states) if name == "LSTMCell" else states[0]))
    return run


# -- layers ----------------------------------------------------------------------------------

@st.composite
def layer_case(draw: Any, name: str, lengths: bool = False) -> tuple:
    t, b = draw(st.integers(1, 3)), draw(st.integers(2 if lengths else 1, 2))
    i, h = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    L, D = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    G = GATES[name]
    n_states = 2 if name == "LSTM" else 1
    shapes = [(t, b, i)] + [(L * D, b, h)] * n_states
    for k in range(L):
        n_in = i if k == 0 else D * h
        shapes += [(G * h, n_in), (G * h, h), (G * h,), (G * h,)] * D
    kw = {"num_layers": L, "bidirectional": D == 2}
    if lengths:
        # NOTE: at least one sequence is padded, so the masked path runs (not the unpadded one)
        t = max(t, 2)
        shapes[0] = (t, b, i)
        lens = draw(st.lists(st.integers(1, t), min_size=b, max_size=b).filter(lambda ls: min(ls) < t))
        kw["lengths"] = tuple(lens)
    return [draw(arrays(s, **SMOOTH)) for s in shapes], kw


def _layer(name: str):
    def run(x, *rest, num_layers=1, bidirectional=False, lengths=None):
        n_states = 2 if name == "LSTM" else 1
        states, weights = rest[:n_states], rest[n_states:]
        D = 2 if bidirectional else 1
        m = LAYERS[name](x.shape[2], weights[1].shape[1], num_layers=num_layers,
                         bidirectional=bidirectional, dtype=np.float64)
        m = _with(m, **dict(zip(_param_names(num_layers, D), weights)))
        out, h_n = m(x, tuple(states) if name == "LSTM" else states[0], lengths=lengths)
        return (out,) + (tuple(h_n) if name == "LSTM" else (h_n,))
    return run


def _torch_layer(name: str):
    def run(x, *rest, num_layers=1, bidirectional=False, lengths=None):
        n_states = 2 if name == "LSTM" else 1
        states, weights = rest[:n_states], rest[n_states:]
        D = 2 if bidirectional else 1
        m = getattr(T.nn, name)(x.shape[2], weights[1].shape[1], num_layers=num_layers,
                                bidirectional=bidirectional).double()
        params = dict(zip(_param_names(num_layers, D), weights))
        hx = tuple(states) if name == "LSTM" else states[0]
        if lengths is None:
            out, h_n = T.func.functional_call(m, params, (x, hx))
        else:
            P = T.nn.utils.rnn
            packed = P.pack_padded_sequence(x, T.tensor(lengths), enforce_sorted=False)
            out, h_n = T.func.functional_call(m, params, (packed, hx))
            out = P.pad_packed_sequence(out, total_length=x.shape[0])[0]
        return (out,) + (tuple(h_n) if name == "LSTM" else (h_n,))
    return run


# -- embedding -------------------------------------------------------------------------------

@st.composite
def embedding_case(draw: Any) -> tuple:
    n, d = draw(st.integers(2, 4)), draw(st.integers(1, 3))
    idx = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=6)), dtype=np.int64)
    shape = draw(st.sampled_from([(idx.size,), (1, idx.size)]))
    # NOTE: no padding_idx here: "the padding row gets no gradient" is a rule, not a derivative,
    # so finite differences disagree with it by design; tests/test_nn_embedding.py checks it
    return [idx.reshape(shape), draw(arrays((n, d), **SMOOTH))], {}


def _embedding_module(idx, w):
    m = _with(nn.Embedding(w.shape[0], w.shape[1], dtype=np.float64), weight=w)
    return m(idx)


SPECS = [
    OpSpec("nn.embedding", NF.embedding, embedding_case(), F.embedding,
           notes="repeated indices accumulate"),
    OpSpec("nn.Embedding", _embedding_module, embedding_case(), F.embedding),
]
SPECS += [OpSpec(f"nn.{name}", _cell(name), cell_case(name), _torch_cell(name)) for name in CELLS]
SPECS.append(OpSpec("nn.RNNCell(relu)", _cell("RNNCell", nonlinearity="relu"),
                    cell_case("RNNCell", POSITIVE), _torch_cell("RNNCell", nonlinearity="relu")))
for name in LAYERS:
    SPECS.append(OpSpec(f"nn.{name}(layers, directions)", _layer(name), layer_case(name), _torch_layer(name),
                        notes="LSTM: the fused LSTMFn, its create_graph backward recorded BPTT"
                        if name == "LSTM" else "composed cell steps"))
    SPECS.append(OpSpec(f"nn.{name}(lengths)", _layer(name), layer_case(name, lengths=True),
                        _torch_layer(name), notes="padded steps masked with where()"))
