"""W7 Transformer: one training step of a 2-layer TransformerEncoder, ms.

d_model 128, 4 heads, feed-forward 512, batch 32, sequence 64, batch_first, post-norm, ReLU,
no dropout; loss = sum(output * R) for a fixed random R; Adam (lr 1e-3). One step =
forward + backward + Adam update. All contenders start from the same float32 parameters
(PyTorch's names and layout) and their gradients are checked against each other first.

Contenders: tapegrad ``nn.TransformerEncoder`` + ``optim.Adam``; numpy by hand
(``benchmarks/transformer_numpy.py``); PyTorch's ``nn.TransformerEncoder`` + ``torch.optim.Adam``.

Also reported, without a target:
- peak traced memory of one forward+backward (``tracemalloc``, which sees numpy's buffers,
  not PyTorch's), tapegrad against numpy;
- a second-derivative step: the gradient of the squared norm of the parameter gradients
  (``create_graph=True``, then backward), tapegrad against PyTorch.
"""
from __future__ import annotations

import tracemalloc
from typing import Dict, List, Tuple

import numpy as np

from benchmarks import peers
from benchmarks.harness import (Case, Contender, Row, Settings, Target, add_ratios, check_close, find,
                                time_case)
from benchmarks.transformer_numpy import Adam, encoder_forward_backward

WORKLOAD = "W7"
B, T, E, H, FF, LAYERS = 32, 64, 128, 4, 512, 2
CASE = f"TransformerEncoder {LAYERS}x(d{E}, {H} heads, ff{FF}) B{B} T{T}, fwd+bwd+Adam"
CASE2 = f"grad-norm penalty (double backward), same encoder, B{B // 4} T{T}"
LR = 1e-3


def problem(seed: int = 0) -> Dict[str, np.ndarray]:
    """Input, loss weights and parameters (PyTorch's init scales, nonzero biases), float32."""
    rng = np.random.default_rng(seed)
    u = lambda bound, shape: rng.uniform(-bound, bound, shape).astype(np.float32)  # noqa: E731
    p = {"x": rng.standard_normal((B, T, E)).astype(np.float32),
         "r": rng.standard_normal((B, T, E)).astype(np.float32)}
    for i in range(LAYERS):
        pre = f"layers.{i}."
        p[pre + "self_attn.in_proj_weight"] = u(np.sqrt(6 / (4 * E)), (3 * E, E))
        p[pre + "self_attn.in_proj_bias"] = u(0.1, 3 * E)
        p[pre + "self_attn.out_proj.weight"] = u(1 / np.sqrt(E), (E, E))
        p[pre + "self_attn.out_proj.bias"] = u(0.1, E)
        p[pre + "linear1.weight"] = u(1 / np.sqrt(E), (FF, E))
        p[pre + "linear1.bias"] = u(1 / np.sqrt(E), FF)
        p[pre + "linear2.weight"] = u(1 / np.sqrt(FF), (E, FF))
        p[pre + "linear2.bias"] = u(1 / np.sqrt(FF), E)
        for n in ("norm1", "norm2"):
            p[pre + n + ".weight"] = 1 + u(0.1, E)
            p[pre + n + ".bias"] = u(0.1, E)
    return p


def param_names(p: Dict[str, np.ndarray]) -> List[str]:
    return [k for k in p if k.startswith("layers.")]


# -- contenders ------------------------------------------------------------------------------------

def numpy_runner(p: Dict[str, np.ndarray]):
    names = param_names(p)
    params = {k: p[k].copy() for k in names}
    opt = Adam([params[k] for k in names], lr=LR)

    def gradients():
        return encoder_forward_backward(params, p["x"], p["r"], LAYERS, H)

    def step():
        g = gradients()
        opt.step([g[k] for k in names])

    return step, gradients


def _tapegrad_model(p: Dict[str, np.ndarray]):
    import autograd as ag
    import nn
    layer = nn.TransformerEncoderLayer(E, H, FF, dropout=0.0, batch_first=True)
    model = nn.TransformerEncoder(layer, LAYERS)
    model.load_state_dict({k: p[k] for k in param_names(p)})
    return ag, model


def tapegrad_runner(p: Dict[str, np.ndarray]):
    import optim
    ag, model = _tapegrad_model(p)
    x, r = ag.tensor(p["x"]), ag.tensor(p["r"])
    opt = optim.Adam(model.parameters(), lr=LR)
    named = dict(model.named_parameters())

    def gradients():
        loss = (model(x) * r).sum()
        model.zero_grad()
        loss.backward()
        g = {k: q.grad.numpy().copy() for k, q in named.items()}
        g["loss"] = loss.numpy()
        return g

    def step():
        loss = (model(x) * r).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step, gradients


def _torch_model(p: Dict[str, np.ndarray], torch):
    layer = torch.nn.TransformerEncoderLayer(E, H, FF, dropout=0.0, batch_first=True)
    model = torch.nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
    model.load_state_dict({k: torch.from_numpy(p[k].copy()) for k in param_names(p)})
    return model


def torch_runner(p: Dict[str, np.ndarray], torch):
    model = _torch_model(p, torch)
    x, r = torch.from_numpy(p["x"]), torch.from_numpy(p["r"])
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    named = dict(model.named_parameters())

    def gradients():
        loss = (model(x) * r).sum()
        model.zero_grad()
        loss.backward()
        g = {k: q.grad.numpy().copy() for k, q in named.items()}
        g["loss"] = loss.detach().numpy()
        return g

    def step():
        loss = (model(x) * r).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step, gradients


def _grad_or_zeros(q) -> np.ndarray:
    # NOTE: a parameter the penalty does not depend on (the last norm's bias) gets no gradient
    return np.zeros(tuple(q.shape), np.float32) if q.grad is None else q.grad.numpy().copy()


def tapegrad_double_backward(p: Dict[str, np.ndarray]):
    ag, model = _tapegrad_model(p)
    n = B // 4
    x, r = ag.tensor(p["x"][:n]), ag.tensor(p["r"][:n])
    params = list(model.parameters())

    def step():
        gs = ag.grad((model(x) * r).sum(), params, create_graph=True)
        penalty = sum((g * g).sum() for g in gs)
        model.zero_grad()
        penalty.backward()
        return {f"p{i}": _grad_or_zeros(q) for i, q in enumerate(params)}

    return step


def torch_double_backward(p: Dict[str, np.ndarray], torch):
    model = _torch_model(p, torch)
    n = B // 4
    x, r = torch.from_numpy(p["x"][:n]), torch.from_numpy(p["r"][:n])
    params = list(model.parameters())
    from torch.nn.attention import SDPBackend, sdpa_kernel

    def step():
        # NOTE: PyTorch's fused CPU attention kernel has no double backward; its math kernel has
        with sdpa_kernel(SDPBackend.MATH):
            gs = torch.autograd.grad((model(x) * r).sum(), params, create_graph=True)
            penalty = sum((g * g).sum() for g in gs)
            model.zero_grad()
            penalty.backward()
        return {f"p{i}": _grad_or_zeros(q) for i, q in enumerate(params)}

    return step


# -- memory ----------------------------------------------------------------------------------------

def traced_peak_mb(fn) -> float:
    """Peak of tracemalloc-traced memory (numpy buffers included) above its start, in MB."""
    fn()  # warm: lazy imports, workspace buffers
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return (tracemalloc.get_traced_memory()[1] - base) / 2 ** 20
    finally:
        tracemalloc.stop()


# -- the workload ----------------------------------------------------------------------------------

def run(settings: Settings) -> Tuple[List[Row], List[Target]]:
    p = problem()
    torch = peers.torch()
    np_step, np_grads = numpy_runner(p)
    tg_step, tg_grads = tapegrad_runner(p)
    ref = np_grads()
    check_close(WORKLOAD, "numpy reference vs tapegrad", tg_grads(), ref, tol=1e-3)
    cons = [Contender("tapegrad nn", "ours", tg_step, "nn.TransformerEncoder + optim.Adam"),
            Contender("numpy (hand-written)", "numpy", np_step, "checked against tapegrad")]
    if torch is not None:
        t_step, t_grads = torch_runner(p, torch)
        check_close(WORKLOAD, "PyTorch vs numpy", t_grads(), ref, tol=1e-3)
        cons.append(Contender("torch", "torch", t_step, "nn.TransformerEncoder + torch.optim.Adam"))
    else:
        cons.append(Contender("torch", "torch", None, peers.torch_reason()))
    rows = time_case(Case(WORKLOAD, CASE, "ms", cons), settings)

    mem_case = "peak traced memory of one forward+backward"
    mem = [Row(WORKLOAD, mem_case, "tapegrad nn", "ours", "MB", median=traced_peak_mb(tg_grads), n_samples=1),
           Row(WORKLOAD, mem_case, "numpy (hand-written)", "numpy", "MB", median=traced_peak_mb(np_grads),
               n_samples=1, note="tracemalloc (PyTorch's allocations are not traced)")]
    add_ratios(mem)

    second = [Contender("tapegrad nn", "ours", tapegrad_double_backward(p), "ag.grad(create_graph=True)")]
    if torch is not None:
        tdb = torch_double_backward(p, torch)
        check_close(WORKLOAD, "double backward: PyTorch vs tapegrad", tdb(), second[0].step(), tol=1e-3)
        second.append(Contender("torch", "torch", tdb, "torch.autograd.grad(create_graph=True), math SDPA kernel"))
    rows2 = time_case(Case(WORKLOAD, CASE2, "ms", second), settings)
    rows = rows + mem + rows2
    return rows, targets(rows)


def targets(rows: List[Row]) -> List[Target]:
    ours = find(rows, CASE, "tapegrad nn")
    out = []
    for who, limit in (("numpy (hand-written)", 1.15), ("torch", 2.0)):
        other = find(rows, CASE, who)
        what = f"at most {limit}x {who}"
        if ours is None or ours.median is None or other is None or not other.median:
            out.append(Target(WORKLOAD, what, "not measured", None))
            continue
        r = ours.median / other.median
        out.append(Target(WORKLOAD, what, f"{r:.2f}x {who}", r <= limit))
    return out
