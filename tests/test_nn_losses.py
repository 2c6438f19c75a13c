"""Losses: values and gradients against PyTorch (or numpy by hand where torch has no twin),
cross-entropy's gradient and stability, and the bad-input errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F

RNG = np.random.default_rng(0)
REDUCTIONS = ["mean", "sum", "none"]


def randn(*shape):
    return RNG.standard_normal(shape)


def ours_and_torch(ours_fn, torch_fn, inputs, others=()):
    """Loss value and the gradients w.r.t. ``inputs`` in both libraries (float64)."""
    torch = pytest.importorskip("torch")
    xa = [ag.tensor(x, requires_grad=True) for x in inputs]
    xt = [torch.tensor(x, requires_grad=True) for x in inputs]
    oa = [ag.tensor(o) for o in others]
    ot = [torch.tensor(o) for o in others]
    la, lt = ours_fn(*xa, *oa), torch_fn(*xt, *ot)
    g = RNG.standard_normal(la.shape)
    (la * ag.tensor(g)).sum().backward()
    (lt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(la.data, lt.detach().numpy(), rtol=1e-7, atol=1e-10)
    for a, t in zip(xa, xt):
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-6, atol=1e-10)


# -- regression losses --------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, kw", [("mse_loss", {}), ("l1_loss", {}), ("huber_loss", {"delta": 0.7}),
                                      ("smooth_l1_loss", {"beta": 0.5}), ("smooth_l1_loss", {"beta": 0.0})])
def test_regression_loss_matches_pytorch(name, kw, reduction):
    torch = pytest.importorskip("torch")
    ours_and_torch(lambda x, y: getattr(F, name)(x, y, reduction=reduction, **kw),
                   lambda x, y: getattr(torch.nn.functional, name)(x, y, reduction=reduction, **kw),
                   [randn(4, 3) * 2, randn(4, 3)])


def test_regression_losses_refuse_mismatched_shapes_instead_of_broadcasting():
    with pytest.raises(ValueError, match=r"mse_loss: input of shape \(4, 1\) and target of shape \(4,\) differ"):
        F.mse_loss(ag.zeros(4, 1), ag.zeros(4))


def test_unknown_reduction_is_an_error():
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="l1_loss: reduction"):
        F.l1_loss(ag.zeros(2), ag.zeros(2), reduction="avg")


# -- cross-entropy --------------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.25])
def test_cross_entropy_with_class_indices_matches_pytorch(reduction, weighted, label_smoothing):
    torch = pytest.importorskip("torch")
    t = np.array([0, 3, 1, 3, 2, 0])
    t[2] = -100  # ignored
    w = np.array([0.5, 1.0, 2.0, 1.5]) if weighted else None
    ours_and_torch(
        lambda x, t: F.cross_entropy(x, t, weight=w, reduction=reduction, label_smoothing=label_smoothing),
        lambda x, t: torch.nn.functional.cross_entropy(
            x, t, weight=None if w is None else torch.tensor(w), reduction=reduction,
            label_smoothing=label_smoothing),
        [randn(6, 4) * 3], [t])


def test_cross_entropy_over_extra_axes_matches_pytorch():
    torch = pytest.importorskip("torch")
    t = RNG.integers(0, 3, size=(2, 4, 5))
    ours_and_torch(lambda x, t: F.cross_entropy(x, t, ignore_index=1),
                   lambda x, t: torch.nn.functional.cross_entropy(x, t, ignore_index=1),
                   [randn(2, 3, 4, 5)], [t])


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cross_entropy_with_probability_targets_matches_pytorch_including_the_target_gradient(label_smoothing):
    torch = pytest.importorskip("torch")
    p = RNG.dirichlet(np.ones(5), size=4)
    ours_and_torch(lambda x, p: F.cross_entropy(x, p, label_smoothing=label_smoothing),
                   lambda x, p: torch.nn.functional.cross_entropy(x, p, label_smoothing=label_smoothing),
                   [randn(4, 5), p])


@pytest.mark.parametrize("reduction, scale", [("mean", 1 / 4), ("sum", 1.0)])
def test_cross_entropy_gradient_is_softmax_minus_onehot(reduction, scale):
    x = randn(4, 5)
    t = np.array([1, 0, 4, 4])
    xa = ag.tensor(x, requires_grad=True)
    F.cross_entropy(xa, ag.tensor(t), reduction=reduction).backward()
    softmax = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    onehot = np.eye(5)[t]
    np.testing.assert_allclose(xa.grad.data, (softmax - onehot) * scale, rtol=1e-12, atol=1e-15)


@given(n=st.integers(1, 6), c=st.integers(2, 6), seed=st.integers(0, 2 ** 16))
def test_cross_entropy_gradient_is_softmax_minus_onehot_for_any_batch(n, c, seed):
    rng = np.random.default_rng(seed)
    x, t = rng.standard_normal((n, c)) * 3, rng.integers(0, c, n)
    xa = ag.tensor(x, requires_grad=True)
    F.cross_entropy(xa, ag.tensor(t)).backward()
    softmax = np.exp(x - x.max(1, keepdims=True))
    softmax /= softmax.sum(1, keepdims=True)
    np.testing.assert_allclose(xa.grad.data, (softmax - np.eye(c)[t]) / n, rtol=1e-10, atol=1e-14)


def test_cross_entropy_is_finite_for_huge_logits():
    x = ag.tensor(np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]], dtype=np.float32), requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([2, 0]), reduction="sum")
    loss.backward()
    assert loss.dtype == np.float32
    # log-sum-exp of row 0 is 1e4, of row 1 is 1e4 + log 2
    assert loss.item() == pytest.approx(2e4 + 1e4 + np.log(2), rel=1e-6)
    np.testing.assert_allclose(x.grad.data, [[1, 0, -1], [-1, 0.5, 0.5]], atol=1e-6)


def test_cross_entropy_records_one_fused_node_per_loss():
    x = ag.randn(3, 4, requires_grad=True)
    names = [e.op for e in ag.tape(F.cross_entropy(x, ag.tensor([0, 1, 2]), reduction="none"))]
    assert names == ["SoftmaxCrossEntropy"]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_reduced_loss_is_one_node(reduction):
    x = ag.randn(3, 4, requires_grad=True)
    names = [e.op for e in ag.tape(F.cross_entropy(x, ag.tensor([0, 1, 2]), reduction=reduction))]
    assert names == ["SoftmaxCrossEntropy"]


@pytest.mark.parametrize("reduction, factor", [("mean", 1 / 3), ("sum", 1.0)])
def test_cross_entropy_reduced_equals_reducing_the_per_sample_losses(reduction, factor):
    rng = np.random.default_rng(3)
    x0 = rng.normal(size=(3, 4)).astype(np.float32)
    t = ag.tensor([0, 3, 1])
    xa, xb = ag.tensor(x0, requires_grad=True), ag.tensor(x0, requires_grad=True)
    fused = F.cross_entropy(xa, t, reduction=reduction)
    composed = F.cross_entropy(xb, t, reduction="none").sum() * factor
    fused.backward()
    composed.backward()
    assert fused.dtype == np.float32 and fused.shape == ()
    np.testing.assert_allclose(fused.item(), composed.item(), rtol=1e-6)
    np.testing.assert_allclose(xa.grad.data, xb.grad.data, rtol=1e-6, atol=1e-7)


def test_cross_entropy_target_out_of_range_is_an_error():
    with pytest.raises(IndexError, match=r"class indices in \[0, 2\] \(or ignore_index=-100\), got values from 0 to 3"):
        F.cross_entropy(ag.zeros(2, 3), ag.tensor([0, 3]))
    with pytest.raises(IndexError, match="got values from -1 to 1"):
        F.cross_entropy(ag.zeros(2, 3), ag.tensor([-1, 1]))


def test_cross_entropy_non_integer_class_targets_are_an_error():
    with pytest.raises(TypeError, match=r"class-index targets must be integers, got dtype float32 \(shape \(2,\)\)"):
        F.cross_entropy(ag.zeros(2, 3), ag.tensor([0.0, 1.0]))


def test_cross_entropy_target_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match=r"target of shape \(3,\) does not fit input of shape \(2, 3\)"):
        F.cross_entropy(ag.zeros(2, 3), ag.tensor([0, 1, 2]))


def test_cross_entropy_weight_must_have_one_entry_per_class():
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        F.cross_entropy(ag.zeros(2, 3), ag.tensor([0, 1]), weight=np.ones(2))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_matches_pytorch(reduction):
    torch = pytest.importorskip("torch")
    w = np.array([1.0, 2.0, 0.5])
    ours_and_torch(lambda x, t: F.nll_loss(x, t, weight=w, reduction=reduction),
                   lambda x, t: torch.nn.functional.nll_loss(x, t, weight=torch.tensor(w), reduction=reduction),
                   [randn(5, 3)], [np.array([0, 2, 1, 1, 0])])


# -- binary ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_matches_pytorch_including_the_target_gradient(reduction):
    torch = pytest.importorskip("torch")
    w = RNG.uniform(0.5, 2, size=3)
    ours_and_torch(lambda p, y: F.binary_cross_entropy(p, y, weight=w, reduction=reduction),
                   lambda p, y: torch.nn.functional.binary_cross_entropy(p, y, weight=torch.tensor(w),
                                                                         reduction=reduction),
                   [RNG.uniform(0.05, 0.95, size=(4, 3)), RNG.uniform(0, 1, size=(4, 3))])


def test_bce_of_saturated_probabilities_is_finite_like_pytorch():
    torch = pytest.importorskip("torch")
    ours_and_torch(lambda p, y: F.binary_cross_entropy(p, y, reduction="sum"),
                   lambda p, y: torch.nn.functional.binary_cross_entropy(p, y, reduction="sum"),
                   [np.array([0.0, 1.0, 1.0, 0.0])], [np.array([0.0, 1.0, 0.0, 1.0])])


def test_bce_rejects_values_outside_zero_one():
    with pytest.raises(ValueError, match=r"input values must be probabilities in \[0, 1\], got values from "
                                         r"-0.5 to 2 .*binary_cross_entropy_with_logits"):
        nn.BCELoss()(ag.tensor([-0.5, 2.0]), ag.tensor([0.0, 1.0]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_matches_pytorch_with_pos_weight(reduction):
    torch = pytest.importorskip("torch")
    pw = np.array([0.5, 2.0, 3.0])
    ours_and_torch(lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction=reduction, pos_weight=pw),
                   lambda x, y: torch.nn.functional.binary_cross_entropy_with_logits(
                       x, y, reduction=reduction, pos_weight=torch.tensor(pw)),
                   [randn(4, 3) * 5, RNG.uniform(0, 1, size=(4, 3))])


def test_bce_with_logits_is_finite_for_huge_logits():
    x = ag.tensor(np.array([1e4, -1e4, 1e4], dtype=np.float32), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, ag.tensor([0.0, 1.0, 1.0]), reduction="sum")
    loss.backward()
    assert loss.item() == pytest.approx(2e4)
    np.testing.assert_allclose(x.grad.data, [1.0, -1.0, 0.0])


# -- KL divergence -------------------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")  # torch's notice about 'mean'
@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_pytorch(reduction, log_target):
    torch = pytest.importorskip("torch")
    q = np.log(RNG.dirichlet(np.ones(4), size=3))
    p = RNG.dirichlet(np.ones(4), size=3)
    ours_and_torch(lambda x, y: F.kl_div(x, y, reduction=reduction, log_target=log_target),
                   lambda x, y: torch.nn.functional.kl_div(x, y, reduction=reduction, log_target=log_target),
                   [q, np.log(p) if log_target else p])


def test_kl_div_term_of_a_zero_target_is_zero_with_a_finite_gradient():
    x = ag.tensor(np.log([0.5, 0.5]), requires_grad=True)
    y = ag.tensor(np.array([1.0, 0.0]), requires_grad=True)
    loss = F.kl_div(x, y, reduction="none")
    np.testing.assert_allclose(loss.data, [np.log(2), 0.0], rtol=1e-12)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.data, [-1.0, 0.0])
    assert np.all(np.isfinite(y.grad.data))


# -- embedding losses ------------------------------------------------------------------------------------

def test_contrastive_loss_matches_the_formula():
    x1, x2 = randn(5, 3), randn(5, 3)
    y = np.array([1, 0, 1, 0, 0])
    margin = 2.5
    d = np.sqrt(((x1 - x2 + 1e-6) ** 2).sum(1))
    expected = 0.5 * (y * d ** 2 + (1 - y) * np.maximum(margin - d, 0) ** 2)
    got = F.contrastive_loss(ag.tensor(x1), ag.tensor(x2), ag.tensor(y), margin=margin, reduction="none")
    np.testing.assert_allclose(got.data, expected, rtol=1e-12)
    assert nn.ContrastiveLoss(margin)(ag.tensor(x1), ag.tensor(x2), ag.tensor(y)).item() == pytest.approx(expected.mean())


@pytest.mark.parametrize("p, swap", [(2.0, False), (1.0, True), (3.0, False)])
def test_triplet_margin_loss_matches_pytorch(p, swap):
    torch = pytest.importorskip("torch")
    ours_and_torch(lambda a, b, c: F.triplet_margin_loss(a, b, c, margin=1.5, p=p, swap=swap, reduction="none"),
                   lambda a, b, c: torch.nn.functional.triplet_margin_loss(a, b, c, margin=1.5, p=p, swap=swap,
                                                                           reduction="none"),
                   [randn(6, 4), randn(6, 4), randn(6, 4)])


def test_batch_hard_mining_picks_the_farthest_positive_and_closest_negative():
    e = randn(12, 3)
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 3])  # label 3 has no positive
    anchors, pos, neg = F.batch_hard_triplets(ag.tensor(e), labels)
    expected = []
    for i in range(12):
        same = [j for j in range(12) if j != i and labels[j] == labels[i]]
        other = [j for j in range(12) if labels[j] != labels[i]]
        if same and other:
            dist = lambda j: np.linalg.norm(e[i] - e[j])  # noqa: E731
            expected.append((i, max(same, key=dist), min(other, key=dist)))
    assert list(zip(anchors.tolist(), pos.tolist(), neg.tolist())) == expected
    assert 11 not in anchors.tolist()


def test_batch_hard_triplet_loss_is_the_triplet_loss_of_the_mined_triplets():
    e = ag.tensor(randn(8, 2), requires_grad=True)
    labels = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    a, p, n = F.batch_hard_triplets(e, labels)
    expected = F.triplet_margin_loss(ag.tensor(e.data[a]), ag.tensor(e.data[p]), ag.tensor(e.data[n]), margin=3.0)
    loss = nn.BatchHardTripletLoss(margin=3.0)(e, labels)
    assert loss.item() == pytest.approx(expected.item(), rel=1e-12)
    loss.backward()
    assert np.abs(e.grad.data).sum() > 0


def test_batch_hard_triplet_loss_needs_positives_and_negatives():
    with pytest.raises(ValueError, match="no anchor has both a positive and a negative"):
        F.batch_hard_triplet_loss(ag.randn(3, 2), [0, 1, 2])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding_loss_matches_pytorch(reduction):
    torch = pytest.importorskip("torch")
    y = np.array([1, -1, -1, 1, -1])
    ours_and_torch(lambda a, b, y: F.cosine_embedding_loss(a, b, y, margin=0.2, reduction=reduction),
                   lambda a, b, y: torch.nn.functional.cosine_embedding_loss(a, b, y, margin=0.2, reduction=reduction),
                   [randn(5, 3), randn(5, 3)], [y])


def test_cosine_embedding_loss_rejects_targets_other_than_plus_minus_one():
    with pytest.raises(ValueError, match=r"target values must be 1 or -1, got \[0, 1\]"):
        F.cosine_embedding_loss(ag.randn(2, 3), ag.randn(2, 3), ag.tensor([0, 1]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking_loss_matches_pytorch(reduction):
    torch = pytest.importorskip("torch")
    ours_and_torch(lambda a, b, y: F.margin_ranking_loss(a, b, y, margin=0.3, reduction=reduction),
                   lambda a, b, y: torch.nn.functional.margin_ranking_loss(a, b, y, margin=0.3, reduction=reduction),
                   [randn(6), randn(6)], [np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])])


def test_info_nce_matches_a_loop_over_anchors():
    z1, z2, tau = randn(4, 3), randn(4, 3), 0.5
    z = np.concatenate([z1, z2])
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    terms = []
    for i in range(8):
        positive = (i + 4) % 8
        sims = {j: z[i] @ z[j] / tau for j in range(8) if j != i}
        terms.append(-np.log(np.exp(sims[positive]) / sum(np.exp(s) for s in sims.values())))
    got = nn.InfoNCELoss(temperature=tau)(ag.tensor(z1), ag.tensor(z2))
    assert got.item() == pytest.approx(np.mean(terms), rel=1e-10)


def test_info_nce_is_lower_when_views_agree():
    z = randn(6, 4)
    aligned = F.info_nce_loss(ag.tensor(z), ag.tensor(z + 0.01 * randn(6, 4))).item()
    shuffled = F.info_nce_loss(ag.tensor(z), ag.tensor(z[::-1].copy())).item()
    assert aligned < shuffled


# -- modules and the weight-decay helper -----------------------------------------------------------------

@pytest.mark.parametrize("module, fn, args", [
    (nn.MSELoss(reduction="sum"), lambda x, y: F.mse_loss(x, y, "sum"), "xy"),
    (nn.L1Loss(), F.l1_loss, "xy"),
    (nn.HuberLoss(delta=0.5), lambda x, y: F.huber_loss(x, y, delta=0.5), "xy"),
    (nn.SmoothL1Loss(beta=0.5), lambda x, y: F.smooth_l1_loss(x, y, beta=0.5), "xy"),
    (nn.BCEWithLogitsLoss(), F.binary_cross_entropy_with_logits, "xy"),
    (nn.KLDivLoss(reduction="batchmean"), lambda x, y: F.kl_div(x, y, "batchmean"), "xy"),
    (nn.CrossEntropyLoss(label_smoothing=0.1), lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), "xt"),
    (nn.NLLLoss(), F.nll_loss, "xt"),
])
def test_loss_module_equals_its_functional_twin(module, fn, args):
    x = ag.tensor(randn(4, 3))
    y = ag.tensor(RNG.uniform(0.1, 0.9, size=(4, 3))) if args == "xy" else ag.tensor(np.array([0, 2, 1, 1]))
    assert module(x, y).item() == fn(x, y).item()


def test_loss_class_weights_are_buffers_like_pytorch():
    loss = nn.CrossEntropyLoss(weight=np.array([1.0, 2.0], dtype=np.float32))
    assert list(loss.state_dict()) == ["weight"]
    assert list(nn.BCEWithLogitsLoss(pos_weight=[2.0]).state_dict()) == ["pos_weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    x = ag.tensor([[0.0, 1.0], [2.0, 0.0]])
    assert loss(x, ag.tensor([0, 1])).item() == F.cross_entropy(x, ag.tensor([0, 1]), weight=[1.0, 2.0]).item()


def test_bce_module_equals_its_functional_twin():
    p, y = ag.tensor(RNG.uniform(0.1, 0.9, size=5)), ag.tensor(RNG.uniform(0, 1, size=5))
    assert nn.BCELoss()(p, y).item() == F.binary_cross_entropy(p, y).item()


def test_weight_decay_skips_biases_and_normalisation_parameters_by_default():
    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2), nn.LayerNorm(2))
    weights = [net[0].weight.data, net[2].weight.data]
    expected = 0.01 * sum(float((w.astype(np.float64) ** 2).sum()) for w in weights)
    assert nn.weight_decay(net, 0.01).item() == pytest.approx(expected, rel=1e-5)
    everything = 0.01 * sum(float((p.data.astype(np.float64) ** 2).sum()) for p in net.parameters())
    assert nn.weight_decay(net, 0.01, exclude_bias_and_norm=False).item() == pytest.approx(everything, rel=1e-5)


def test_weight_decay_gradient_is_two_lambda_w():
    net = nn.Linear(3, 2)
    nn.weight_decay(net, 0.1).backward()
    np.testing.assert_allclose(net.weight.grad.data, 0.2 * net.weight.data, rtol=1e-6)
    assert net.bias.grad is None
