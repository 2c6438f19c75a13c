"""Registry entries for nn: every layer (run through the module itself, with the harness's float64
tensors standing in for its parameters) and every loss (through nn.functional)."""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

import nn
import nn.functional as NF
from autograd.tensor import Tensor
from autograd.testing import arrays
from tests.op_registry.spec import OpSpec
from tests.op_registry.torch_adapters import F, T

SMOOTH = dict(low=-2.0, high=2.0, avoid=())
KINK0 = dict(low=-2.0, high=2.0, avoid=(0.0,), margin=0.05)
PROB = dict(low=0.05, high=0.95, avoid=())


def _with(module: nn.Module, **params: Any) -> nn.Module:
    # NOTE: the harness owns the leaves it checks; plain float64 tensors stand in for the
    # Parameters (forward reads self.weight, an ordinary attribute) so the module's own code runs
    for k, v in params.items():
        object.__setattr__(module, k, v)
    return module


def _t(a: Any) -> Any:
    return None if a is None else T.as_tensor(np.ascontiguousarray(a))


# -- case strategies ---------------------------------------------------------------------------

def batch(min_dims: int = 1, max_dims: int = 3) -> st.SearchStrategy:
    return st.lists(st.integers(1, 3), min_size=min_dims - 1, max_size=max_dims - 1).map(tuple)


@st.composite
def linear_case(draw: Any, bias: bool = True) -> tuple:
    lead = draw(batch(1, 3))
    n_in, n_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    args = [draw(arrays(lead + (n_in,), **SMOOTH)), draw(arrays((n_out, n_in), **SMOOTH))]
    if bias:
        args.append(draw(arrays((n_out,), **SMOOTH)))
    return args, {}


@st.composite
def activation_case(draw: Any, values: dict = KINK0, kwargs: Any = None) -> tuple:
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    return [draw(arrays(shape, **values))], (draw(kwargs) if kwargs is not None else {})


@st.composite
def prelu_case(draw: Any) -> tuple:
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shape = (n, c) + draw(st.lists(st.integers(1, 3), max_size=1).map(tuple))
    k = draw(st.sampled_from([1, c]))
    return [draw(arrays(shape, **KINK0)), draw(arrays((k,), low=0.05, high=0.5, avoid=()))], {}


@st.composite
def batchnorm_case(draw: Any, spatial: int, eval_mode: bool = False) -> tuple:
    c = draw(st.integers(1, 3))
    n = draw(st.integers(2, 4))
    shape = (n, c) + tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    # NOTE: distinct values keep the batch variance well away from 0 (a constant channel's
    # normalised output is ill-conditioned)
    args = [draw(arrays(shape, low=-2.0, high=2.0, avoid=(), distinct=True)),
            draw(arrays((c,), low=0.5, high=1.5, avoid=())), draw(arrays((c,), **SMOOTH))]
    kw = {}
    if eval_mode:
        kw = {"running_mean": draw(arrays((c,), **SMOOTH)),
              "running_var": draw(arrays((c,), low=0.5, high=2.0, avoid=()))}
    return args, kw


@st.composite
def layernorm_case(draw: Any) -> tuple:
    lead = draw(batch(1, 3))
    norm = tuple(draw(st.lists(st.integers(2, 4), min_size=1, max_size=2)))
    shape = lead + norm
    args = [draw(arrays(shape, low=-2.0, high=2.0, avoid=(), distinct=True)),
            draw(arrays(norm, low=0.5, high=1.5, avoid=())), draw(arrays(norm, **SMOOTH))]
    return args, {"normalized_shape": norm}


@st.composite
def apart(draw: Any, k: int = 2, min_dims: int = 1, max_dims: int = 3, extra: Any = None) -> tuple:
    """``k`` arrays of one shape whose elements are all distinct (no kinks at x == y, no zero
    distances)."""
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=min_dims, max_size=max_dims)))
    both = draw(arrays((k,) + shape, low=-2.0, high=2.0, avoid=(), distinct=True))
    kw = draw(extra) if extra is not None else {}
    return [np.array(both[i]) for i in range(k)], kw


REDUCTION = st.sampled_from(["mean", "sum", "none"])


def off_kink(threshold: str) -> Any:
    """Keep |x - y| away from the loss's switch point (huber's delta, smooth L1's beta),
    where the second derivative jumps and finite differences straddle the kink."""
    def ok(case: tuple) -> bool:
        (x, y), kw = case
        return bool(np.all(np.abs(np.abs(x - y) - kw[threshold]) > 1e-3))
    return ok


@st.composite
def class_index_case(draw: Any, smoothing: bool = True) -> tuple:
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    spatial = tuple(draw(st.lists(st.integers(1, 2), max_size=1)))
    x = draw(arrays((n, c) + spatial, **SMOOTH))
    t = np.asarray(draw(st.lists(st.integers(0, c - 1), min_size=n * int(np.prod(spatial)),
                                 max_size=n * int(np.prod(spatial))))).reshape((n,) + spatial)
    kw = {"reduction": draw(REDUCTION)}
    if draw(st.booleans()):
        kw["weight"] = draw(arrays((c,), low=0.5, high=2.0, avoid=()))
    if draw(st.booleans()) and t.size > 1:
        t = t.copy()
        t.flat[0] = -100  # one ignored target
    if smoothing:
        kw["label_smoothing"] = draw(st.sampled_from([0.0, 0.1, 0.3]))
    return [x, t.astype(np.int64)], kw


@st.composite
def class_prob_case(draw: Any) -> tuple:
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    x = draw(arrays((n, c), **SMOOTH))
    p = draw(arrays((n, c), low=0.05, high=1.0, avoid=()))
    p = p / p.sum(axis=1, keepdims=True)
    kw = {"reduction": draw(REDUCTION), "label_smoothing": draw(st.sampled_from([0.0, 0.2]))}
    if draw(st.booleans()):
        kw["weight"] = draw(arrays((c,), low=0.5, high=2.0, avoid=()))
    return [x, p], kw


@st.composite
def binary_case(draw: Any, logits: bool) -> tuple:
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    x = draw(arrays(shape, **(SMOOTH if logits else PROB)))
    t = draw(arrays(shape, low=0.0, high=1.0, avoid=()))
    kw = {"reduction": draw(REDUCTION)}
    if draw(st.booleans()):
        kw["weight"] = draw(arrays(shape[-1:], low=0.5, high=2.0, avoid=()))
    if logits and draw(st.booleans()):
        kw["pos_weight"] = draw(arrays(shape[-1:], low=0.5, high=3.0, avoid=()))
    return [x, t], kw


@st.composite
def kl_case(draw: Any, log_target: bool) -> tuple:
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    x = draw(arrays(shape, low=-3.0, high=-0.1, avoid=()))
    t = draw(arrays(shape, low=0.1, high=1.0, avoid=()))
    kw = {"reduction": draw(st.sampled_from(["mean", "sum", "none", "batchmean"])), "log_target": log_target}
    return [x, np.log(t) if log_target else t], kw


@st.composite
def pair_label_case(draw: Any, labels: tuple, label_dtype: Any = np.int64) -> tuple:
    (x1, x2), _ = draw(apart(2, min_dims=2, max_dims=2))
    y = np.asarray(draw(st.lists(st.sampled_from(labels), min_size=x1.shape[0], max_size=x1.shape[0])),
                   dtype=label_dtype)
    return [x1, x2, y], {"reduction": draw(REDUCTION)}


@st.composite
def ranking_case(draw: Any) -> tuple:
    (x1, x2), _ = draw(apart(2, min_dims=1, max_dims=1))
    y = np.asarray(draw(st.lists(st.sampled_from([1, -1]), min_size=x1.size, max_size=x1.size)), dtype=np.int64)
    return [x1, x2, y], {"reduction": draw(REDUCTION), "margin": draw(st.sampled_from([0.0, 0.3]))}


@st.composite
def batch_hard_case(draw: Any) -> tuple:
    n, d = draw(st.integers(4, 6)), draw(st.integers(1, 3))
    # NOTE: mining is an argmax over distances, so a tie (grid-like values) is a point where
    # the loss is not differentiable; Gaussian draws from a drawn seed have no ties
    e = np.random.default_rng(draw(st.integers(0, 2 ** 16))).normal(size=(n, d))
    dist = np.sqrt(((e[:, None] - e[None]) ** 2).sum(-1))
    assume(np.diff(np.sort(dist[np.triu_indices(n, 1)])).min() > 1e-3)
    labels = np.asarray([i % 2 for i in range(n)], dtype=np.int64)
    return [e, labels], {"margin": draw(st.sampled_from([0.5, 2.0]))}


# -- torch twins ---------------------------------------------------------------------------------

def _torch_ce(x, t, weight=None, reduction="mean", label_smoothing=0.0):
    return F.cross_entropy(x, t, weight=_t(weight), reduction=reduction, label_smoothing=label_smoothing)


def _torch_nll(x, t, weight=None, reduction="mean"):
    return F.nll_loss(x, t, weight=_t(weight), reduction=reduction)


def _torch_bce(x, t, weight=None, reduction="mean"):
    return F.binary_cross_entropy(x, t, weight=_t(weight), reduction=reduction)


def _torch_bce_logits(x, t, weight=None, reduction="mean", pos_weight=None):
    return F.binary_cross_entropy_with_logits(x, t, weight=_t(weight), reduction=reduction,
                                              pos_weight=_t(pos_weight))


def _torch_kl(x, y, reduction="mean", log_target=False):
    import warnings
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="reduction: 'mean' divides")  # torch's notice about 'mean'
        return F.kl_div(x, y, reduction=reduction, log_target=log_target)


def _torch_bn_eval(x, w, b, running_mean, running_var):
    return F.batch_norm(x, _t(running_mean), _t(running_var), w, b, training=False)


def _torch_info_nce(z1, z2, temperature=0.1):
    n = z1.shape[0]
    z = F.normalize(T.cat([z1, z2]), dim=1)
    sim = (z @ z.T / temperature).masked_fill(T.eye(2 * n, dtype=T.bool), -1e9)
    target = T.cat([T.arange(n, 2 * n), T.arange(n)])
    return F.cross_entropy(sim, target)


def _torch_contrastive(x1, x2, y, margin=1.0, reduction="mean"):
    d = F.pairwise_distance(x1, x2)
    loss = 0.5 * (y * d ** 2 + (1 - y) * T.clamp(margin - d, min=0) ** 2)
    return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()


def _torch_batch_hard(e, labels, margin=1.0):
    a, p, n = NF.batch_hard_triplets(e.detach().numpy(), labels.numpy())
    return F.triplet_margin_loss(e[a], e[p], e[n], margin=margin)


def _bn(cls: type, train: bool = True):
    def run(x, w, b, **stats):
        m = cls(x.shape[1], dtype=np.float64)
        m.train(train)
        return _with(m, weight=w, bias=b, **{k: Tensor(v) for k, v in stats.items()})(x)
    return run


_MLP = None


def _mlp(x):
    global _MLP
    if _MLP is None:
        import autograd as ag
        ag.manual_seed(0)
        _MLP = nn.MLP([3, 5, 2], activation=nn.Tanh).double()
    return _MLP(x)


@st.composite
def mlp_case(draw: Any) -> tuple:
    return [draw(arrays((draw(st.integers(1, 3)), 3), **SMOOTH))], {}


SPECS = [
    # -- layers ------------------------------------------------------------------------------
    OpSpec("nn.Linear", lambda x, w, b: _with(nn.Linear(1, 1), in_features=w.shape[1], weight=w, bias=b)(x),
           linear_case(), F.linear),
    OpSpec("nn.Linear_no_bias",
           lambda x, w: _with(nn.Linear(1, 1, bias=False), in_features=w.shape[1], weight=w)(x),
           linear_case(bias=False), F.linear),
    OpSpec("nn.Identity", lambda x: nn.Identity()(x), activation_case(SMOOTH), lambda x: x),
    OpSpec("nn.Flatten", lambda x: nn.Flatten(0)(x), activation_case(SMOOTH), lambda x: T.flatten(x)),
    OpSpec("nn.ReLU", lambda x: nn.ReLU()(x), activation_case(), F.relu),
    OpSpec("nn.LeakyReLU", lambda x: nn.LeakyReLU(0.1)(x), activation_case(), lambda x: F.leaky_relu(x, 0.1)),
    OpSpec("nn.PReLU", lambda x, w: _with(nn.PReLU(w.shape[0]), num_parameters=w.shape[0], weight=w)(x),
           prelu_case(), F.prelu),
    OpSpec("nn.Sigmoid", lambda x: nn.Sigmoid()(x), activation_case(SMOOTH), T.sigmoid),
    OpSpec("nn.Tanh", lambda x: nn.Tanh()(x), activation_case(SMOOTH), T.tanh),
    OpSpec("nn.GELU", lambda x, approximate: nn.GELU(approximate)(x),
           activation_case(SMOOTH, st.fixed_dictionaries({"approximate": st.sampled_from(["none", "tanh"])})),
           lambda x, approximate: F.gelu(x, approximate=approximate)),
    OpSpec("nn.SiLU", lambda x: nn.SiLU()(x), activation_case(SMOOTH), F.silu),
    OpSpec("nn.Softplus", lambda x, beta: nn.Softplus(beta)(x),
           activation_case(SMOOTH, st.fixed_dictionaries({"beta": st.sampled_from([1.0, 2.0])})),
           lambda x, beta: F.softplus(x, beta=beta)),
    OpSpec("nn.Softmax", lambda x: nn.Softmax(dim=-1)(x), activation_case(SMOOTH), lambda x: F.softmax(x, -1)),
    OpSpec("nn.LogSoftmax", lambda x: nn.LogSoftmax(dim=0)(x), activation_case(SMOOTH),
           lambda x: F.log_softmax(x, 0)),
    OpSpec("nn.Dropout", lambda x: NF.dropout(x, 0.4, True, generator=np.random.default_rng(0)),
           activation_case(SMOOTH), None, notes="fixed generator: the same mask on every call"),
    OpSpec("nn.BatchNorm1d_train", _bn(nn.BatchNorm1d), st.one_of(batchnorm_case(0), batchnorm_case(1)),
           lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)),
    OpSpec("nn.BatchNorm2d_train", _bn(nn.BatchNorm2d), batchnorm_case(2),
           lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)),
    OpSpec("nn.BatchNorm1d_eval", _bn(nn.BatchNorm1d, train=False), batchnorm_case(1, eval_mode=True),
           _torch_bn_eval),
    OpSpec("nn.LayerNorm", lambda x, w, b, normalized_shape: _with(nn.LayerNorm(normalized_shape),
                                                                 weight=w, bias=b)(x),
           layernorm_case(), lambda x, w, b, normalized_shape: F.layer_norm(x, normalized_shape, w, b)),
    OpSpec("nn.MLP", _mlp, mlp_case(), None, notes="fixed seeded weights; checks the input gradient"),
    # -- losses ------------------------------------------------------------------------------
    OpSpec("nn.mse_loss", NF.mse_loss, apart(2, extra=st.fixed_dictionaries({"reduction": REDUCTION})),
           F.mse_loss),
    OpSpec("nn.l1_loss", NF.l1_loss, apart(2, extra=st.fixed_dictionaries({"reduction": REDUCTION})),
           F.l1_loss),
    OpSpec("nn.huber_loss", NF.huber_loss,
           apart(2, extra=st.fixed_dictionaries({"reduction": REDUCTION, "delta": st.sampled_from([0.5, 1.0])}))
           .filter(off_kink("delta")),
           F.huber_loss),
    OpSpec("nn.smooth_l1_loss", NF.smooth_l1_loss,
           apart(2, extra=st.fixed_dictionaries({"reduction": REDUCTION, "beta": st.sampled_from([0.0, 0.5])}))
           .filter(off_kink("beta")),
           F.smooth_l1_loss),
    OpSpec("nn.cross_entropy_index", NF.cross_entropy, class_index_case(), _torch_ce),
    OpSpec("nn.cross_entropy_probs", NF.cross_entropy, class_prob_case(), _torch_ce),
    OpSpec("nn.nll_loss", NF.nll_loss, class_index_case(smoothing=False), _torch_nll),
    OpSpec("nn.binary_cross_entropy", NF.binary_cross_entropy, binary_case(False), _torch_bce),
    OpSpec("nn.binary_cross_entropy_with_logits", NF.binary_cross_entropy_with_logits, binary_case(True),
           _torch_bce_logits),
    OpSpec("nn.kl_div", NF.kl_div, kl_case(False), _torch_kl),
    OpSpec("nn.kl_div_log_target", NF.kl_div, kl_case(True), _torch_kl),
    OpSpec("nn.contrastive_loss", NF.contrastive_loss, pair_label_case((0, 1)), _torch_contrastive),
    OpSpec("nn.triplet_margin_loss", NF.triplet_margin_loss,
           apart(3, min_dims=2, max_dims=2,
                 extra=st.fixed_dictionaries({"reduction": REDUCTION, "p": st.sampled_from([1.0, 2.0, 3.0]),
                                              "swap": st.booleans(), "margin": st.sampled_from([0.5, 2.0])})),
           F.triplet_margin_loss),
    OpSpec("nn.batch_hard_triplet_loss", NF.batch_hard_triplet_loss, batch_hard_case(), _torch_batch_hard),
    OpSpec("nn.cosine_embedding_loss", NF.cosine_embedding_loss, pair_label_case((1, -1)),
           F.cosine_embedding_loss),
    OpSpec("nn.margin_ranking_loss", NF.margin_ranking_loss, ranking_case(), F.margin_ranking_loss),
    OpSpec("nn.info_nce_loss", NF.info_nce_loss,
           apart(2, min_dims=2, max_dims=2, extra=st.fixed_dictionaries({"temperature": st.sampled_from([0.5, 1.0])})),
           _torch_info_nce),
    OpSpec("nn.weight_decay", lambda w1, w2: nn.weight_decay([w1, w2], 0.1),
           apart(2, extra=st.just({})), lambda w1, w2: 0.1 * ((w1 * w1).sum() + (w2 * w2).sum())),
]


# -- nn.LSTM (one fused op; its create_graph backward is recorded BPTT) ---------------------------------------------------

@st.composite
def lstm_case(draw: Any) -> tuple:
    t, b, i, h = (draw(st.integers(1, n)) for n in (3, 2, 3, 3))
    shapes = [(t, b, i), (1, b, h), (1, b, h), (4 * h, i), (4 * h, h), (4 * h,), (4 * h,)]
    return [draw(arrays(s, **SMOOTH)) for s in shapes], {}


def _lstm(x, h0, c0, w_ih, w_hh, b_ih, b_hh):
    m = _with(nn.LSTM(x.shape[2], w_hh.shape[1], dtype=np.float64),
              weight_ih_l0=w_ih, weight_hh_l0=w_hh, bias_ih_l0=b_ih, bias_hh_l0=b_hh)
    out, (h, c) = m(x, (h0, c0))
    return out, h, c


def _torch_lstm(x, h0, c0, w_ih, w_hh, b_ih, b_hh):
    # NOTE: the cell written out with plain torch ops (no fused kernel), gates in (i, f, g, o) order
    h, c, outs = h0[0], c0[0], []
    for xt in x:
        i, f, g, o = (xt @ w_ih.T + b_ih + h @ w_hh.T + b_hh).chunk(4, dim=1)
        c = T.sigmoid(f) * c + T.sigmoid(i) * T.tanh(g)
        h = T.sigmoid(o) * T.tanh(c)
        outs.append(h)
    return T.stack(outs), h[None], c[None]


SPECS.append(OpSpec("nn.LSTM", _lstm, lstm_case(), _torch_lstm,
                    notes="hand-written BPTT; under create_graph the BPTT is recorded op by op"))
