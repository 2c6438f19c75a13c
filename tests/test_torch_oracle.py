"""PyTorch as an oracle: for every registry entry with a ``torch_fn``, forward values and
gradients equal PyTorch's on the same drawn float64 inputs (skipped when torch is absent)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import to_tensors
from tests.op_registry import SPECS

torch = pytest.importorskip("torch")

ORACLE = [s for s in SPECS if s.torch_fn is not None]
RTOL, ATOL = 1e-6, 1e-9


def _torch_args(args):
    out = []
    for a in args:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            out.append(torch.tensor(np.array(a, order="C"), dtype=torch.float64, requires_grad=True))
        elif isinstance(a, np.ndarray):
            out.append(torch.from_numpy(a.copy()))
        else:
            out.append(a)
    return out


def _as_tuple(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _run_both(spec, args, kwargs):
    ours, theirs = to_tensors(args), _torch_args(args)
    return ours, theirs, _as_tuple(spec.fn(*ours, **kwargs)), _as_tuple(spec.torch_fn(*theirs, **kwargs))


@pytest.mark.parametrize("spec", ORACLE, ids=lambda s: s.name)
@given(data=st.data())
def test_forward_matches_pytorch(spec, data):
    args, kwargs = data.draw(spec.cases, label="case")
    _, _, outs, touts = _run_both(spec, args, kwargs)
    assert len(outs) == len(touts)
    for o, t in zip(outs, touts):
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=RTOL, atol=ATOL, strict=True)


@pytest.mark.parametrize("spec", ORACLE, ids=lambda s: s.name)
@given(data=st.data())
def test_gradient_matches_pytorch(spec, data):
    args, kwargs = data.draw(spec.cases, label="case")
    ours, theirs, outs, touts = _run_both(spec, args, kwargs)
    rng = np.random.default_rng(0)
    us = [rng.standard_normal(o.shape) for o in outs]
    leaves = [t for t in ours if isinstance(t, ag.Tensor) and t.requires_grad]
    tleaves = [t for t in theirs if isinstance(t, torch.Tensor) and t.requires_grad]
    grads = ag.grad(list(outs), leaves, [u for u in us], allow_unused=True)
    tgrads = torch.autograd.grad(touts, tleaves, [torch.from_numpy(u) for u in us], allow_unused=True)
    for k, (leaf, g, tg) in enumerate(zip(leaves, grads, tgrads)):
        mine = np.zeros(leaf.shape) if g is None else g.numpy()
        want = np.zeros(leaf.shape) if tg is None else tg.numpy()
        np.testing.assert_allclose(mine, want, rtol=RTOL, atol=ATOL, strict=True,
                                   err_msg=f"gradient of input {k}")
