"""A TransformerEncoderLayer (post-norm, ReLU, no dropout) written by hand in numpy: forward,
backward and Adam, the reference of W7.

Parameters use PyTorch's names and layout (``self_attn.in_proj_weight`` (3E, E) packs the q,
k, v projections; a Linear stores (out, in)). Activations are batch-first (B, T, E) and are
kept as (B*T, E) matrices, so every projection is one matmul; attention runs per head as
batched matmuls on (B, H, T, D) views. Scalars are Python floats: a numpy float64 scalar
would promote the float32 arrays to float64 (numpy 2's promotion rules).
"""
from __future__ import annotations

import math
from typing import Dict, List, Tuple

import numpy as np

Params = Dict[str, np.ndarray]


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float):
    mu = x.mean(axis=1, keepdims=True)
    xc = x - mu
    rstd = 1.0 / np.sqrt((xc * xc).mean(axis=1, keepdims=True) + eps)
    xhat = xc * rstd
    return xhat * w + b, (xhat, rstd)


def _layer_norm_backward(dy: np.ndarray, w: np.ndarray, cache) -> Tuple[np.ndarray, ...]:
    xhat, rstd = cache
    dw, db = (dy * xhat).sum(axis=0), dy.sum(axis=0)
    dxhat = dy * w
    dx = rstd * (dxhat - dxhat.mean(axis=1, keepdims=True)
                 - xhat * (dxhat * xhat).mean(axis=1, keepdims=True))
    return dx, dw, db


def layer_forward(p: Params, pre: str, x: np.ndarray, B: int, T: int, H: int, eps: float = 1e-5):
    """x (B*T, E) -> y (B*T, E) and what backward needs."""
    E = x.shape[1]
    D = E // H
    qkv = x @ p[pre + "self_attn.in_proj_weight"].T + p[pre + "self_attn.in_proj_bias"]
    heads = qkv.reshape(B, T, 3, H, D).transpose(2, 0, 3, 1, 4)      # (3, B, H, T, D) view
    q, k, v = heads[0] * (1.0 / math.sqrt(D)), heads[1], heads[2]
    s = q @ k.transpose(0, 1, 3, 2)                                   # (B, H, T, T)
    s -= s.max(axis=-1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=-1, keepdims=True)
    attn = s
    o = (attn @ v).transpose(0, 2, 1, 3).reshape(B * T, E)
    a = o @ p[pre + "self_attn.out_proj.weight"].T + p[pre + "self_attn.out_proj.bias"]
    y1, ln1 = _layer_norm(x + a, p[pre + "norm1.weight"], p[pre + "norm1.bias"], eps)
    h = y1 @ p[pre + "linear1.weight"].T + p[pre + "linear1.bias"]
    np.maximum(h, 0, out=h)
    f = h @ p[pre + "linear2.weight"].T + p[pre + "linear2.bias"]
    y2, ln2 = _layer_norm(y1 + f, p[pre + "norm2.weight"], p[pre + "norm2.bias"], eps)
    return y2, (x, q, k, v, attn, o, y1, ln1, h, ln2)


def layer_backward(p: Params, pre: str, dy: np.ndarray, cache, B: int, T: int, H: int,
                   grads: Params) -> np.ndarray:
    """dL/dy (B*T, E) -> dL/dx; parameter gradients go into ``grads`` under their names."""
    x, q, k, v, attn, o, y1, ln1, h, ln2 = cache
    E = x.shape[1]
    D = E // H
    dr2, grads[pre + "norm2.weight"], grads[pre + "norm2.bias"] = _layer_norm_backward(
        dy, p[pre + "norm2.weight"], ln2)
    grads[pre + "linear2.weight"] = dr2.T @ h
    grads[pre + "linear2.bias"] = dr2.sum(axis=0)
    dh = dr2 @ p[pre + "linear2.weight"]
    dh *= h > 0
    grads[pre + "linear1.weight"] = dh.T @ y1
    grads[pre + "linear1.bias"] = dh.sum(axis=0)
    dy1 = dr2 + dh @ p[pre + "linear1.weight"]
    dr1, grads[pre + "norm1.weight"], grads[pre + "norm1.bias"] = _layer_norm_backward(
        dy1, p[pre + "norm1.weight"], ln1)
    grads[pre + "self_attn.out_proj.weight"] = dr1.T @ o
    grads[pre + "self_attn.out_proj.bias"] = dr1.sum(axis=0)
    do = (dr1 @ p[pre + "self_attn.out_proj.weight"]).reshape(B, T, H, D).transpose(0, 2, 1, 3)
    dv = attn.transpose(0, 1, 3, 2) @ do
    dattn = do @ v.transpose(0, 1, 3, 2)
    ds = attn * (dattn - (dattn * attn).sum(axis=-1, keepdims=True))
    dq = (ds @ k) * (1.0 / math.sqrt(D))
    dk = ds.transpose(0, 1, 3, 2) @ q
    dqkv = np.stack([dq, dk, dv]).transpose(1, 3, 0, 2, 4).reshape(B * T, 3 * E)
    grads[pre + "self_attn.in_proj_weight"] = dqkv.T @ x
    grads[pre + "self_attn.in_proj_bias"] = dqkv.sum(axis=0)
    return dr1 + dqkv @ p[pre + "self_attn.in_proj_weight"]


def encoder_forward_backward(p: Params, x: np.ndarray, r: np.ndarray, layers: int, H: int) -> Params:
    """Gradients of loss = sum(encoder(x) * r) for x (B, T, E); also returns the loss."""
    B, T, E = x.shape
    h, caches = x.reshape(B * T, E), []
    for i in range(layers):
        h, c = layer_forward(p, f"layers.{i}.", h, B, T, H)
        caches.append(c)
    grads: Params = {"loss": np.float64((h * r.reshape(B * T, E)).sum(dtype=np.float64))}
    d = r.reshape(B * T, E)
    for i in reversed(range(layers)):
        d = layer_backward(p, f"layers.{i}.", d, caches[i], B, T, H, grads)
    return grads


class Adam:
    """PyTorch's Adam (no weight decay, no amsgrad), in place on numpy arrays."""

    def __init__(self, params: List[np.ndarray], lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        self.params, self.lr, (self.b1, self.b2), self.eps = params, lr, betas, eps
        self.m = [np.zeros_like(q) for q in params]
        self.v = [np.zeros_like(q) for q in params]
        self.t = 0

    def step(self, grads: List[np.ndarray]) -> None:
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        for q, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * (g * g)
            denom = np.sqrt(v)
            denom /= math.sqrt(c2)
            denom += self.eps
            q -= (self.lr / c1) * m / denom
