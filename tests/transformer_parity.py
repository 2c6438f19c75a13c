"""Helpers for comparing a tapegrad module with its torch twin in float64 (weights copied from torch)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence

import numpy as np

import autograd as ag


def copy_from_torch(ours: Any, theirs: Any) -> None:
    """Load torch's state_dict into ours (strict: the parameter names must be identical)."""
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def run_both(torch: Any, ours: Any, theirs: Any, inputs: Sequence[np.ndarray], masks: Dict[str, Any],
             call: Callable[..., Any], seed: int = 0) -> Dict[str, Any]:
    """Run ``call(module, *inputs, **masks)`` on both modules, backpropagate the same random
    weighting of the output, and return outputs, input gradients and parameter gradients.

    ``inputs`` are float arrays (they get gradients); ``masks`` are numpy arrays or None.
    An input passed twice (the same array object) is the same leaf, as in self-attention.
    """
    leaves: Dict[int, Any] = {}
    tleaves: Dict[int, Any] = {}
    mine = [leaves.setdefault(id(a), ag.tensor(a, requires_grad=True)) for a in inputs]
    want = [tleaves.setdefault(id(a), torch.tensor(a, requires_grad=True)) for a in inputs]
    tmasks = {k: (None if v is None else torch.from_numpy(np.asarray(v))) for k, v in masks.items()}
    out, tout = call(ours, *mine, **masks), call(theirs, *want, **tmasks)
    outs = out if isinstance(out, tuple) else (out,)
    touts = tout if isinstance(tout, tuple) else (tout,)
    rng = np.random.default_rng(seed)
    total, ttotal = 0.0, 0.0
    for o, t in zip(outs, touts):
        if o is None:
            continue
        u = rng.standard_normal(o.shape)
        total = total + (o * ag.tensor(u)).sum()
        ttotal = ttotal + (t * torch.from_numpy(u)).sum()
    total.backward()
    ttotal.backward()
    return {"outs": [None if o is None else o.numpy() for o in outs],
            "touts": [None if t is None else t.detach().numpy() for t in touts],
            "grads": [m.grad.numpy() for m in leaves.values()],
            "tgrads": [w.grad.numpy() for w in tleaves.values()],
            "pgrads": {n: p.grad for n, p in ours.named_parameters()},
            "tpgrads": {n: p.grad for n, p in theirs.named_parameters()}}


def assert_same(r: Dict[str, Any], atol: float = 1e-10) -> None:
    """Outputs, input gradients and every parameter gradient agree (absolute tolerance)."""
    for k, (o, t) in enumerate(zip(r["outs"], r["touts"])):
        assert (o is None) == (t is None), f"output {k}: one side returned None"
        if o is not None:
            np.testing.assert_allclose(o, t, rtol=0, atol=atol, err_msg=f"output {k}")
    for k, (g, t) in enumerate(zip(r["grads"], r["tgrads"])):
        np.testing.assert_allclose(g, t, rtol=0, atol=atol, err_msg=f"gradient of input {k}")
    assert sorted(r["pgrads"]) == sorted(r["tpgrads"])
    for name, g in r["pgrads"].items():
        t = r["tpgrads"][name]
        mine = np.zeros(1) if g is None else g.numpy()
        want = np.zeros(1) if t is None else t.numpy()
        np.testing.assert_allclose(mine, want, rtol=0, atol=atol, err_msg=f"gradient of {name}")


def names_of(module: Any) -> List[str]:
    return sorted(module.state_dict())
