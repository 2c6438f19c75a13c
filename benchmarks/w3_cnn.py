"""W3 CNN step: batch 64 of 1x28x28; conv(1->16, 3x3, pad 1)-ReLU-maxpool 2-conv(16->32, 3x3,
pad 1)-ReLU-maxpool 2-flatten-linear(1568->10); cross-entropy; SGD lr 0.01; ms per step.

Contenders: tapegrad with ``nn.functional.conv2d``/``max_pool2d`` (raw
parameters, SGD by hand on ``.data``); numpy by hand (the straightforward
im2col limit, written here: channels-last activations, a window view copied
into columns with channels innermost, one matmul per conv, col2im as nine
shifted adds, 2x2 pooling from four strided views); PyTorch as its users
write it. All start from the same parameters (PyTorch's layouts) and batch.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from benchmarks import peers
from benchmarks.harness import (Case, CheckFailed, Contender, Row, Settings, Target, check_close, find,
                                raw_sgd_runners, run_cases)

WORKLOAD = "W3"
CASE = "CNN step, batch 64, 1x28x28"
BATCH, LR = 64, 0.01
PARAMS = ("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias")
SHAPES = {"conv1.weight": (16, 1, 3, 3), "conv1.bias": (16,), "conv2.weight": (32, 16, 3, 3),
          "conv2.bias": (32,), "fc.weight": (10, 32 * 7 * 7), "fc.bias": (10,)}
FAN_IN = {"conv1": 9, "conv2": 16 * 9, "fc": 32 * 7 * 7}


def problem(seed: int = 0) -> Dict[str, np.ndarray]:
    """A batch (NCHW) and parameters in PyTorch's layouts, U(-1/sqrt(fan_in), +) init, float32."""
    rng = np.random.default_rng(seed)
    p = {"X": rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32),
         "y": rng.integers(0, 10, BATCH)}
    for k, shape in SHAPES.items():
        bound = 1 / np.sqrt(FAN_IN[k.split(".")[0]])
        p[k] = rng.uniform(-bound, bound, shape).astype(np.float32)
    return p


# -- numpy by hand -----------------------------------------------------------------------------------

def _conv3x3_forward(x: np.ndarray, wm: np.ndarray, b: np.ndarray):
    """x (B, H, W, C) channels-last, pad 1; wm (9C, O). Returns (y (B, H, W, O), columns)."""
    n, h, w, c = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    win = sliding_window_view(xp, (3, 3), axis=(1, 2))          # (B, H, W, C, 3, 3), a view
    cols = win.transpose(0, 1, 2, 4, 5, 3).reshape(n * h * w, 9 * c)  # the one copy: (kh, kw, C) order
    y = cols @ wm
    y += b
    return y.reshape(n, h, w, -1), cols


def _conv3x3_backward(dy: np.ndarray, cols: np.ndarray, wm: np.ndarray, x_shape, need_dx: bool):
    n, h, w, c = x_shape
    dy2 = dy.reshape(n * h * w, -1)
    dwm, db = cols.T @ dy2, dy2.sum(axis=0)
    if not need_dx:
        return None, dwm, db
    dcols = (dy2 @ wm.T).reshape(n, h, w, 3, 3, c)
    dxp = np.zeros((n, h + 2, w + 2, c), np.float32)
    for i in range(3):                                          # col2im: nine shifted adds
        for j in range(3):
            dxp[:, i:i + h, j:j + w, :] += dcols[:, :, :, i, j, :]
    return dxp[:, 1:-1, 1:-1, :], dwm, db


def _pool2_forward(x: np.ndarray) -> np.ndarray:
    """2x2 max pooling, stride 2, of (B, H, W, C): the max of four strided views."""
    return np.maximum(np.maximum(x[:, 0::2, 0::2], x[:, 0::2, 1::2]),
                      np.maximum(x[:, 1::2, 0::2], x[:, 1::2, 1::2]))


def _pool2_backward(dy: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    # NOTE: a tie sends the gradient to every maximal position; after a ReLU the only ties
    # (with probability 1) are zeros, whose gradient the ReLU's mask removes anyway.
    dx = np.zeros_like(x)
    for i in (0, 1):
        for j in (0, 1):
            np.multiply(dy, x[:, i::2, j::2] == y, out=dx[:, i::2, j::2])
    return dx


def _kernel_matrix(w: np.ndarray) -> np.ndarray:
    """(O, C, 3, 3) -> (9C, O) in the columns' (kh, kw, C) order."""
    o, c = w.shape[:2]
    return np.ascontiguousarray(w.transpose(2, 3, 1, 0).reshape(9 * c, o))


def numpy_runner(p: Dict[str, np.ndarray]):
    X = np.ascontiguousarray(p["X"].transpose(0, 2, 3, 1))      # NHWC once, outside the step
    y = p["y"]
    rows = np.arange(BATCH)
    lr, inv_b = np.float32(LR), np.float32(1 / BATCH)
    # parameters kept in the layouts this implementation computes with
    P = {"w1": _kernel_matrix(p["conv1.weight"]), "b1": p["conv1.bias"].copy(),
         "w2": _kernel_matrix(p["conv2.weight"]), "b2": p["conv2.bias"].copy(),
         # fc weight permuted once from PyTorch's (C, H, W) flattening to this one's (H, W, C)
         "wf": np.ascontiguousarray(p["fc.weight"].reshape(10, 32, 7, 7).transpose(2, 3, 1, 0)
                                    .reshape(7 * 7 * 32, 10)),
         "bf": p["fc.bias"].copy()}

    def forward_backward():
        a1, cols1 = _conv3x3_forward(X, P["w1"], P["b1"])
        np.maximum(a1, 0, out=a1)
        p1 = _pool2_forward(a1)
        a2, cols2 = _conv3x3_forward(p1, P["w2"], P["b2"])
        np.maximum(a2, 0, out=a2)
        p2 = _pool2_forward(a2)
        flat = p2.reshape(BATCH, -1)
        z = flat @ P["wf"]
        z += P["bf"]
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        loss = np.mean(np.log(s[:, 0]) - z[rows, y])
        dz = e
        dz /= s
        dz[rows, y] -= 1
        dz *= inv_b
        g = {"wf": flat.T @ dz, "bf": dz.sum(axis=0)}
        dp2 = (dz @ P["wf"].T).reshape(p2.shape)
        da2 = _pool2_backward(dp2, a2, p2)
        da2 *= a2 > 0
        dp1, g["w2"], g["b2"] = _conv3x3_backward(da2, cols2, P["w2"], p1.shape, True)
        da1 = _pool2_backward(dp1, a1, p1)
        da1 *= a1 > 0
        _, g["w1"], g["b1"] = _conv3x3_backward(da1, cols1, P["w1"], X.shape, False)
        return loss, g

    def step():
        loss, g = forward_backward()
        for k, gk in g.items():
            gk *= lr
            P[k] -= gk
        return loss

    def gradients():
        loss, g = forward_backward()
        return {"loss": loss,
                "conv1.weight": g["w1"].reshape(3, 3, 1, 16).transpose(3, 2, 0, 1),
                "conv1.bias": g["b1"],
                "conv2.weight": g["w2"].reshape(3, 3, 16, 32).transpose(3, 2, 0, 1),
                "conv2.bias": g["b2"],
                "fc.weight": g["wf"].reshape(7, 7, 32, 10).transpose(3, 2, 0, 1).reshape(10, -1),
                "fc.bias": g["bf"]}

    return step, gradients


# -- tapegrad -----------------------------------------------------------------------------------------------

def tapegrad_runner(p: Dict[str, np.ndarray]):
    """nn.functional.conv2d/max_pool2d/cross_entropy on raw parameters; SGD by hand on .data."""
    import autograd as ag
    import nn.functional as F
    X, y = ag.tensor(p["X"]), ag.tensor(p["y"])
    P = {k: ag.tensor(p[k].copy(), requires_grad=True) for k in PARAMS}

    def loss_fn():
        h = F.max_pool2d(F.conv2d(X, P["conv1.weight"], P["conv1.bias"], padding=1).relu(), 2)
        h = F.max_pool2d(F.conv2d(h, P["conv2.weight"], P["conv2.bias"], padding=1).relu(), 2)
        z = F.linear(h.reshape(BATCH, -1), P["fc.weight"], P["fc.bias"])
        return F.cross_entropy(z, y)

    return raw_sgd_runners(loss_fn, P, LR)


# -- PyTorch -------------------------------------------------------------------------------------------------

def torch_runner(p: Dict[str, np.ndarray], torch):
    nn, F = torch.nn, torch.nn.functional
    model = nn.Sequential()
    model.add_module("conv1", nn.Conv2d(1, 16, 3, padding=1))
    model.add_module("relu1", nn.ReLU())
    model.add_module("pool1", nn.MaxPool2d(2))
    model.add_module("conv2", nn.Conv2d(16, 32, 3, padding=1))
    model.add_module("relu2", nn.ReLU())
    model.add_module("pool2", nn.MaxPool2d(2))
    model.add_module("flat", nn.Flatten())
    model.add_module("fc", nn.Linear(32 * 7 * 7, 10))
    params = dict(model.named_parameters())
    with torch.no_grad():
        for k in PARAMS:
            params[k].copy_(torch.from_numpy(p[k]))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    X, y = torch.from_numpy(p["X"]), torch.from_numpy(p["y"])

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
        return loss

    def gradients():
        opt.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        g = {k: params[k].grad.numpy().copy() for k in PARAMS}
        opt.zero_grad()
        g["loss"] = loss.detach().numpy()
        return g

    return step, gradients


# benchmarks/cnn_step.py (written with the CNN layers) times the same step on its own; its
# tapegrad step uses optim.SGD and its numpy reference is an independent second one, so both
# join the suite as extra rows, checked against the reference above like everything else.
_CNN_STEP_NAMES = dict(zip(("w1", "b1", "w2", "b2", "w3", "b3"), PARAMS))


def _cnn_step_contenders(p: Dict[str, np.ndarray], ref: Dict[str, np.ndarray]) -> List[Contender]:
    try:
        from benchmarks import cnn_step
    except ImportError:
        return []
    q = {"x": p["X"], "y": p["y"]}
    q.update({short: p[long] for short, long in _CNN_STEP_NAMES.items()})
    out = []
    for label, make, role in (("tapegrad + optim.SGD (cnn_step.py)", cnn_step.tapegrad_runner, "extra"),
                              ("numpy im2col (cnn_step.py)", cnn_step.numpy_runner, "extra")):
        try:
            step, grads = make(q)
            g = {_CNN_STEP_NAMES[k]: v for k, v in grads().items() if k in _CNN_STEP_NAMES}
        except Exception as e:
            out.append(Contender(label, role, None, f"not available: {type(e).__name__}: {e}"[:150]))
            continue
        check_close(WORKLOAD, f"{label} vs numpy reference", g,
                    {k: v for k, v in ref.items() if k != "loss"}, tol=1e-3)
        out.append(Contender(label, role, step))
    return out


def cases(settings: Settings) -> List[Case]:
    p = problem()
    torch = peers.torch()
    np_step, np_g = numpy_runner(p)
    ref = np_g()
    cons: List[Contender] = []
    checked = []
    try:
        ours, ours_g = tapegrad_runner(p)
        g = ours_g()
    except Exception as e:
        ours = None
        cons.append(Contender("tapegrad", "ours", None,
                              f"not available: needs nn.functional.conv2d ({type(e).__name__}: {e})"[:150]))
    if ours is not None:
        check_close(WORKLOAD, "numpy reference vs tapegrad", ref, g, tol=1e-3)
        checked.append("tapegrad")
        cons.append(Contender("tapegrad", "ours", ours, "F.conv2d, F.max_pool2d, F.cross_entropy; SGD by hand"))
    if torch is not None:
        t_step, t_g = torch_runner(p, torch)
        check_close(WORKLOAD, "numpy reference vs PyTorch", ref, t_g(), tol=1e-3)
        checked.append("torch")
    cons.append(Contender("numpy (hand-written im2col)", "numpy", np_step,
                          "checked against " + (", ".join(checked) or "nothing (no peer available)")))
    cons += _cnn_step_contenders(p, ref)
    if torch is not None:
        cons.append(Contender("torch", "torch", t_step, "nn.Conv2d, nn.MaxPool2d, optim.SGD"))
    else:
        cons.append(Contender("torch", "torch", None, peers.torch_reason()))
    return [Case(WORKLOAD, CASE, "ms", cons)]


def run(settings: Settings) -> Tuple[List[Row], List[Target]]:
    return run_cases(cases(settings), settings, targets)


def targets(rows: List[Row]) -> List[Target]:
    ours, ref, tor = (find(rows, CASE, f) for f in ("tapegrad", "numpy (hand-written im2col)", "torch"))
    if ours is None or ours.median is None:
        why = ours.note if ours else "no tapegrad row"
        return [Target(WORKLOAD, "at most 1.0x numpy im2col and 1.5x PyTorch", why, None)]
    out = []
    if ref and ref.median:
        r = ours.median / ref.median
        out.append(Target(WORKLOAD, "at most 1.0x the numpy im2col limit", f"{r:.2f}x numpy", r <= 1.0))
    if tor and tor.median:
        r = ours.median / tor.median
        out.append(Target(WORKLOAD, "at most 1.5x PyTorch", f"{r:.2f}x PyTorch", r <= 1.5))
    return out
