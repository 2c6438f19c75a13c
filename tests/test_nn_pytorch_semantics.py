"""Where nn used to differ silently from PyTorch (issue 20's nn list): each behaviour pinned with
the value PyTorch 2.13 gives, written out, and compared with torch itself where it is installed."""
import numpy as np
import pytest

import autograd as ag
import nn


def _t(values):
    return ag.tensor(np.array(values, dtype=np.float64), requires_grad=True)


# -- layer types ---------------------------------------------------------------------------

def test_conv1d_is_not_a_conv2d_and_conv2d_is_not_a_conv1d():
    assert not isinstance(nn.Conv1d(2, 3, 3), nn.Conv2d)
    assert not isinstance(nn.Conv2d(2, 3, 3), nn.Conv1d)


def test_conv_transpose1d_is_not_a_conv_transpose2d():
    assert not isinstance(nn.ConvTranspose1d(2, 3, 3), nn.ConvTranspose2d)
    assert not isinstance(nn.ConvTranspose2d(2, 3, 3), nn.ConvTranspose1d)


# -- shared submodules in state dicts ------------------------------------------------------

def test_a_submodule_used_twice_is_in_the_state_dict_under_both_names():
    lin = nn.Linear(2, 2)
    assert list(nn.Sequential(lin, nn.Tanh(), lin).state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_a_state_dict_with_both_names_loads_strictly_into_the_shared_module():
    lin = nn.Linear(2, 2)
    model = nn.Sequential(lin, nn.Tanh(), lin)
    state = {k: ag.ones(*v.shape) for k, v in model.state_dict().items()}
    model.load_state_dict(state, strict=True)
    assert np.all(lin.weight.data == 1)


def test_parameters_of_a_shared_submodule_are_still_listed_once():
    lin = nn.Linear(2, 2)
    assert [n for n, _ in nn.Sequential(lin, nn.Tanh(), lin).named_parameters()] == ["0.weight", "0.bias"]


def test_the_shared_state_dict_loads_into_pytorch_strictly():
    torch = pytest.importorskip("torch")
    lin = nn.Linear(2, 2)
    ours = nn.Sequential(lin, nn.Tanh(), lin)
    tl = torch.nn.Linear(2, 2)
    theirs = torch.nn.Sequential(tl, torch.nn.Tanh(), tl)
    theirs.load_state_dict({k: torch.from_numpy(v.data.copy()) for k, v in ours.state_dict().items()})
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


# -- hinge losses at the kink (clamp_min passes the gradient there) -------------------------

def test_margin_ranking_loss_passes_the_gradient_on_tied_scores():
    x1, x2 = _t([0.5, 1.0]), _t([0.5, 0.2])
    nn.MarginRankingLoss()(x1, x2, ag.tensor([1.0, -1.0])).backward()
    assert np.allclose(x1.grad.data, [-0.5, 0.5]) and np.allclose(x2.grad.data, [0.5, -0.5])


def test_cosine_embedding_loss_passes_the_gradient_at_cos_equal_to_the_margin():
    u, v = _t([[1.0, 0.0]]), _t([[0.0, 2.0]])          # cos = 0 = margin, target -1
    nn.CosineEmbeddingLoss(margin=0.0)(u, v, ag.tensor([-1.0])).backward()
    assert np.allclose(u.grad.data, [[0.0, 1.0]]) and np.allclose(v.grad.data, [[0.5, 0.0]])


def test_triplet_loss_passes_the_gradient_when_the_margin_is_met_exactly():
    a, p, n = _t([[0.0]]), _t([[1.0]]), _t([[2.0]])     # d_pos - d_neg + margin = 0
    nn.TripletMarginLoss(margin=1.0, eps=0.0)(a, p, n).backward()
    assert np.allclose(a.grad.data, [[0.0]]) and np.allclose(p.grad.data, [[1.0]])
    assert np.allclose(n.grad.data, [[-1.0]])


# -- distances at zero ---------------------------------------------------------------------

def test_triplet_loss_with_eps_0_and_positive_equal_to_anchor_has_pytorchs_gradient():
    a, p, n = _t([[1.0, 2.0]]), _t([[1.0, 2.0]]), _t([[1.5, 2.0]])
    loss = nn.TripletMarginLoss(margin=1.0, eps=0.0)(a, p, n)
    loss.backward()
    assert loss.item() == pytest.approx(0.5)
    assert np.allclose(a.grad.data, [[1.0, 0.0]]) and np.allclose(p.grad.data, 0.0)
    assert np.allclose(n.grad.data, [[-1.0, 0.0]])


def test_batch_hard_triplet_loss_with_eps_0_and_coinciding_samples_has_a_finite_gradient():
    emb = _t([[0.0], [0.0], [0.5], [0.5]])
    nn.BatchHardTripletLoss(margin=1.0, eps=0.0)(emb, [0, 0, 1, 1]).backward()
    assert np.all(np.isfinite(emb.grad.data))


def test_info_nce_with_an_all_zero_row_has_a_finite_gradient():
    z1, z2 = _t([[0.0, 0.0], [1.0, 0.0]]), _t([[0.5, 0.5], [0.0, 1.0]])
    nn.InfoNCELoss(temperature=0.5)(z1, z2).backward()
    assert np.all(np.isfinite(z1.grad.data)) and np.all(np.isfinite(z2.grad.data))


def test_pairwise_distance_at_zero_has_zero_gradient_and_second_derivative_is_finite():
    import nn.functional as F
    x = _t([[1.0, 2.0], [0.0, 3.0]])
    y = ag.tensor(np.array([[1.0, 2.0], [0.0, 0.0]]))
    d = F.pairwise_distance(x, y, eps=0.0)
    (g,) = ag.grad(d.sum(), [x], create_graph=True)
    assert np.allclose(g.data, [[0.0, 0.0], [0.0, 1.0]])
    (h,) = ag.grad(g.sum(), [x])
    assert np.all(np.isfinite(h.data))


def test_zero_distance_losses_match_pytorch():
    torch = pytest.importorskip("torch")
    a, p, n = np.array([[1.0, 2.0]]), np.array([[1.0, 2.0]]), np.array([[1.5, 2.0]])
    ours = [_t(v) for v in (a, p, n)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (a, p, n)]
    nn.TripletMarginLoss(eps=0.0)(*ours).backward()
    torch.nn.TripletMarginLoss(eps=0.0)(*theirs).backward()
    for o, t in zip(ours, theirs):
        assert np.allclose(o.grad.data, t.grad.numpy())


# -- cross-entropy edge cases ----------------------------------------------------------------

def test_cross_entropy_mean_over_all_ignored_targets_is_nan_with_a_zero_gradient():
    import nn.functional as F
    x = _t([[0.5, 2.0, 1.0], [0.0, 1.0, 0.0]])
    loss = F.cross_entropy(x, ag.tensor([-100, -100]))
    loss.backward()
    assert np.isnan(loss.item()) and np.array_equal(x.grad.data, np.zeros((2, 3)))


def test_nll_loss_mean_over_all_ignored_targets_is_nan_with_a_zero_gradient():
    import nn.functional as F
    x = _t([[-0.5, -2.0]])
    loss = F.nll_loss(x, ag.tensor([-100]))
    loss.backward()
    assert np.isnan(loss.item()) and np.array_equal(x.grad.data, np.zeros((1, 2)))


def test_an_optimizer_step_on_an_all_ignored_batch_leaves_the_weights_finite():
    import optim
    model = nn.Linear(3, 2)
    before = model.weight.data.copy()
    opt = optim.SGD(model.parameters(), lr=0.1)
    nn.CrossEntropyLoss()(model(ag.randn(4, 3)), ag.tensor([-100] * 4)).backward()
    opt.step()
    assert np.array_equal(model.weight.data, before)


def test_cross_entropy_ignores_minus_infinity_logits_of_other_classes():
    import nn.functional as F
    x = _t([[0.5, -np.inf, 1.0]])
    loss = F.cross_entropy(x, ag.tensor([0]))
    loss.backward()
    assert loss.item() == pytest.approx(np.log(np.exp(0.5) + np.exp(1.0)) - 0.5)
    p = np.exp([0.5, 1.0]) / np.exp([0.5, 1.0]).sum()
    assert np.allclose(x.grad.data, [[p[0] - 1, 0.0, p[1]]])


def test_nll_loss_ignores_minus_infinity_log_probabilities_of_other_classes():
    import nn.functional as F
    x = _t([[-0.5, -np.inf]])
    loss = F.nll_loss(x, ag.tensor([0]))
    loss.backward()
    assert loss.item() == 0.5 and np.array_equal(x.grad.data, [[-1.0, 0.0]])


def test_cross_entropy_of_an_unbatched_input_without_reduction_is_a_0d_loss():
    import nn.functional as F
    x = [0.5, 1.0, 2.0]
    loss = F.cross_entropy(ag.tensor(x), ag.tensor(1), reduction="none")
    assert loss.shape == () and loss.item() == pytest.approx(np.log(np.exp(x).sum()) - 1.0, rel=1e-6)


def test_cross_entropy_edge_cases_match_pytorch():
    torch = pytest.importorskip("torch")
    import nn.functional as F
    for logits, target in (([[0.5, -np.inf, 1.0]], [0]), ([[0.5, 2.0, 1.0]], [-100])):
        ours, theirs = _t(logits), torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        a, b = F.cross_entropy(ours, ag.tensor(target)), torch.nn.functional.cross_entropy(theirs, torch.tensor(target))
        a.backward()
        b.backward()
        assert np.allclose(a.item(), b.item(), equal_nan=True)
        assert np.allclose(ours.grad.data, theirs.grad.numpy())


# -- pooling signatures, ceil_mode, return_indices -------------------------------------------

def test_avg_pool2d_fourth_positional_argument_is_ceil_mode_as_in_pytorch():
    layer = nn.AvgPool2d(3, 2, 1, True)
    assert layer.ceil_mode is True and layer.count_include_pad is True
    assert layer(ag.zeros(1, 1, 6, 6)).shape == (1, 1, 4, 4)


def test_max_pool2d_sixth_positional_argument_is_ceil_mode_and_fifth_return_indices():
    layer = nn.MaxPool2d(2, 2, 0, 1, True, True)
    out, idx = layer(ag.zeros(1, 1, 5, 5))
    assert out.shape == idx.shape == (1, 1, 3, 3)


def test_ceil_mode_keeps_the_last_partial_window():
    import nn.functional as F
    x = ag.arange(25.0).reshape(1, 1, 5, 5)
    assert F.max_pool2d(x, 2, ceil_mode=True)[0, 0].tolist() == [[6.0, 8.0, 9.0], [16.0, 18.0, 19.0],
                                                                  [21.0, 23.0, 24.0]]
    # the partial windows hold 2 and 1 elements and divide by that, not by 4
    assert F.avg_pool2d(x, 2, ceil_mode=True)[0, 0, 2].tolist() == [20.5, 22.5, 24.0]


def test_ceil_mode_drops_a_window_that_would_start_in_the_padding():
    import nn.functional as F
    # (5 + 2 - 3) / 2 + 1 = 3 windows; the ceil would give a 4th starting at 5 >= 5 + 1 - 1
    assert F.max_pool2d(ag.zeros(1, 1, 5, 5), 3, 2, 1, ceil_mode=True).shape == (1, 1, 3, 3)


def test_return_indices_gives_each_maximum_s_flat_position():
    import nn.functional as F
    x = ag.tensor([[[[1.0, 3.0, 0.0], [2.0, 0.0, 5.0]]]])
    out, idx = F.max_pool2d(x, 2, ceil_mode=True, return_indices=True)
    assert out.tolist() == [[[[3.0, 5.0]]]] and idx.tolist() == [[[[1, 5]]]] and idx.dtype == np.int64


def test_max_pool2d_of_an_integer_tensor_with_padding_pads_with_the_smallest_integer():
    import nn.functional as F
    x = ag.tensor(np.arange(-8, 8, dtype=np.int64).reshape(1, 1, 4, 4))
    assert F.max_pool2d(x, 3, 1, 1)[0, 0, 0].tolist() == [-3, -2, -1, -1]


@pytest.mark.parametrize("kw", [dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                dict(kernel_size=2, stride=2, ceil_mode=True),
                                dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)])
def test_ceil_mode_pooling_matches_pytorch(kw):
    torch = pytest.importorskip("torch")
    import nn.functional as F
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 6))
    ours, theirs = _t(x), torch.tensor(x, requires_grad=True)
    fa, ta = F.avg_pool2d(ours, **kw), torch.nn.functional.avg_pool2d(theirs, **kw)
    kw_max = {k: v for k, v in kw.items() if k != "count_include_pad"}
    (fm, im), (tm, tim) = (F.max_pool2d(ours, **kw_max, return_indices=True),
                           torch.nn.functional.max_pool2d(theirs, **kw_max, return_indices=True))
    (fa.sum() + (fm * fm).sum()).backward()
    (ta.sum() + (tm * tm).sum()).backward()
    assert np.allclose(fa.data, ta.detach().numpy()) and np.allclose(fm.data, tm.detach().numpy())
    assert np.array_equal(im.data, tim.numpy())
    assert np.allclose(ours.grad.data, theirs.grad.numpy())


def test_kl_div_batchmean_of_an_empty_batch_is_nan_not_an_error():
    import nn.functional as F
    assert np.isnan(F.kl_div(ag.zeros(0, 3), ag.zeros(0, 3), reduction="batchmean").item())
