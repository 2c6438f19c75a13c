"""Registry entries for attention: scaled_dot_product_attention (no mask, boolean, additive, causal),
MultiheadAttention (self and cross attention, kdim/vdim, masks) and the Transformer encoder and
decoder layers, every parameter a checked input (tiny sizes)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from hypothesis import strategies as st

import nn
import nn.functional as NF
from autograd.testing import arrays
from tests.op_registry.spec import OpSpec
from tests.op_registry.torch_adapters import F, T

SMOOTH = dict(low=-2.0, high=2.0, avoid=())

MHA_PARAMS = ("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias")
MHA_BIAS_KV_PARAMS = MHA_PARAMS + ("bias_k", "bias_v")
MHA_KV_PARAMS = ("q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias",
                 "out_proj.weight", "out_proj.bias")
FF_PARAMS = ("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias")
ENC_PARAMS = (tuple(f"self_attn.{p}" for p in MHA_PARAMS) + FF_PARAMS
              + ("norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"))
DEC_PARAMS = (tuple(f"self_attn.{p}" for p in MHA_PARAMS) + tuple(f"multihead_attn.{p}" for p in MHA_PARAMS)
              + FF_PARAMS + tuple(f"norm{i}.{w}" for i in (1, 2, 3) for w in ("weight", "bias")))


def _with_params(module: nn.Module, names: Sequence[str], values: Sequence[Any]) -> nn.Module:
    # NOTE: the harness owns the leaves it checks: plain float64 tensors stand in for the
    # Parameters (object.__setattr__ shadows the registered ones), so the module's own code runs
    for name, v in zip(names, values):
        *path, attr = name.split(".")
        owner = module
        for p in path:
            owner = getattr(owner, p)
        object.__setattr__(owner, attr, v)
    return module


def _torch_call(module: Any, names: Sequence[str], values: Sequence[Any], *args: Any, **kw: Any) -> Any:
    import torch.func
    return torch.func.functional_call(module, dict(zip(names, values)), args, kw)


def _mha_shapes(e: int, kdim: int, vdim: int, packed: bool) -> list:
    proj = [(3 * e, e)] if packed else [(e, e), (e, kdim), (e, vdim)]
    return proj + [(3 * e,), (e, e), (e,)]


def _no_dead_rows(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """A boolean 'not allowed' mask that leaves key 0 allowed, so no query loses every key
    (PyTorch's weights are NaN there; ours are 0)."""
    m = rng.random(shape) < 0.4
    m[..., 0] = False
    return m


# -- cases -----------------------------------------------------------------------------------------

@st.composite
def sdpa_case(draw: Any, mask: str) -> tuple:
    batch = tuple(draw(st.lists(st.integers(1, 2), min_size=1, max_size=2)))
    L, S, E, Ev = (draw(st.integers(1, 3)) for _ in range(4))
    args = [draw(arrays(batch + (L, E), **SMOOTH)), draw(arrays(batch + (S, E), **SMOOTH)),
            draw(arrays(batch + (S, Ev), **SMOOTH))]
    kw = {"scale": draw(st.sampled_from([None, 0.7]))}
    if mask == "bool":  # True = may attend; a row may be fully masked (zero output, as in torch)
        kw["attn_mask"] = np.random.default_rng(draw(st.integers(0, 99))).random((L, S)) < 0.6
    elif mask == "float":  # an additive mask that is itself differentiated
        args.append(draw(arrays((L, S), **SMOOTH)))
    elif mask == "causal":
        kw["is_causal"] = True
    return args, kw


@st.composite
def mha_case(draw: Any, self_attention: bool, kv_dims: bool = False, bias_kv: bool = False) -> tuple:
    heads, hd = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    e = heads * hd
    # NOTE: kdim = vdim = embed_dim would switch to the packed in_proj_weight
    kdim, vdim = (e + draw(st.integers(1, 2)), draw(st.integers(1, 3))) if kv_dims else (e, e)
    n, L = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    S = L if self_attention else draw(st.integers(1, 3))
    bf = draw(st.booleans())
    shape = (lambda t, f: (n, t, f)) if bf else (lambda t, f: (t, n, f))
    x = [draw(arrays(shape(L, e), **SMOOTH))]
    if not self_attention:
        x += [draw(arrays(shape(S, kdim), **SMOOTH)), draw(arrays(shape(S, vdim), **SMOOTH))]
    shapes = _mha_shapes(e, kdim, vdim, not kv_dims) + ([(1, 1, e)] * 2 if bias_kv else [])
    params = [draw(arrays(s, **SMOOTH)) for s in shapes]
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    kw = {"num_heads": heads, "batch_first": bf, "kdim": kdim, "vdim": vdim,
          "average_attn_weights": draw(st.booleans())}
    if bias_kv:
        kw["add_bias_kv"], kw["add_zero_attn"] = True, draw(st.booleans())
    if draw(st.booleans()):
        kw["key_padding_mask"] = _no_dead_rows(rng, (n, S))
    masks = st.sampled_from(["none", "bool2d", "float3d"])
    kind = draw(masks)
    if kind == "bool2d":
        kw["attn_mask"] = _no_dead_rows(rng, (L, S))
    elif kind == "float3d":
        kw["attn_mask"] = rng.standard_normal((n * heads, L, S))
    return x + params, kw


@st.composite
def layer_case(draw: Any, decoder: bool) -> tuple:
    d, ff, n, t = 4, 2, draw(st.integers(1, 2)), draw(st.integers(1, 3))
    bf = draw(st.booleans())
    shape = (n, t, d) if bf else (t, n, d)
    # NOTE: distinct inputs and Gaussian parameters from a drawn seed: a LayerNorm whose input
    # is (nearly) constant over its features is ill-conditioned, and shrinking towards all-zero
    # arrays would find exactly that
    x = [draw(arrays(shape, low=-2.0, high=2.0, avoid=(), distinct=True))]
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    if decoder:
        s = draw(st.integers(1, 3))
        x.append(rng.standard_normal((n, s, d) if bf else (s, n, d)))
    mha = _mha_shapes(d, d, d, True)
    shapes = mha * (2 if decoder else 1) + [(ff, d), (ff,), (d, ff), (d,)]
    params = [rng.normal(0.0, 0.7, s) for s in shapes]
    for _ in range(3 if decoder else 2):
        params += [rng.uniform(0.5, 1.5, d), rng.normal(0.0, 0.5, d)]
    kw = {"batch_first": bf, "norm_first": draw(st.booleans())}
    mask_name = "tgt_mask" if decoder else "src_mask"
    if draw(st.booleans()):
        kw[mask_name] = np.triu(np.ones((t, t), bool), 1)  # causal, True = not allowed
    return x + params, kw


# -- our side and torch's --------------------------------------------------------------------------

def _sdpa_float(q, k, v, m, scale=None):
    return NF.scaled_dot_product_attention(q, k, v, attn_mask=m, scale=scale)


def _torch_sdpa(q, k, v, attn_mask=None, is_causal=False, scale=None):
    m = None if attn_mask is None else T.as_tensor(attn_mask)
    return F.scaled_dot_product_attention(q, k, v, attn_mask=m, is_causal=is_causal, scale=scale)


def _torch_sdpa_float(q, k, v, m, scale=None):
    return F.scaled_dot_product_attention(q, k, v, attn_mask=m, scale=scale)


def _mha_split(args: tuple, self_attention: bool) -> tuple:
    x = args[:1] * 3 if self_attention else args[:3]
    return x, args[1 if self_attention else 3:]


def _mha(self_attention: bool, names: Sequence[str]):
    def run(*args, num_heads, batch_first, kdim, vdim, average_attn_weights, add_bias_kv=False,
            add_zero_attn=False, **masks):
        (q, k, v), params = _mha_split(args, self_attention)
        m = nn.MultiheadAttention(q.shape[-1], num_heads, kdim=kdim, vdim=vdim, batch_first=batch_first,
                                  add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn, dtype=np.float64)
        m = _with_params(m, names, params)
        return m(q, k, v, average_attn_weights=average_attn_weights, **masks)
    return run


def _torch_mha(self_attention: bool, names: Sequence[str]):
    def run(*args, num_heads, batch_first, kdim, vdim, average_attn_weights, add_bias_kv=False,
            add_zero_attn=False, **masks):
        (q, k, v), params = _mha_split(args, self_attention)
        m = T.nn.MultiheadAttention(q.shape[-1], num_heads, kdim=kdim, vdim=vdim, batch_first=batch_first,
                                    add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn).double()
        masks = {k_: T.as_tensor(v_) for k_, v_ in masks.items()}
        import warnings
        with warnings.catch_warnings():  # torch's notice about a bool padding mask with a float attn_mask
            warnings.filterwarnings("ignore", message="Support for mismatched")
            return _torch_call(m, names, params, q, k, v, average_attn_weights=average_attn_weights,
                               **masks)
    return run


def _encoder_layer(x, *params, batch_first, norm_first, **masks):
    m = nn.TransformerEncoderLayer(4, 2, 2, dropout=0.0, activation="gelu", batch_first=batch_first,
                                   norm_first=norm_first, dtype=np.float64)
    return _with_params(m, ENC_PARAMS, params)(x, **masks)


def _torch_encoder_layer(x, *params, batch_first, norm_first, **masks):
    m = T.nn.TransformerEncoderLayer(4, 2, 2, dropout=0.0, activation="gelu", batch_first=batch_first,
                                     norm_first=norm_first).double()
    return _torch_call(m, ENC_PARAMS, params, x, **{k: T.as_tensor(v) for k, v in masks.items()})


def _decoder_layer(tgt, memory, *params, batch_first, norm_first, **masks):
    m = nn.TransformerDecoderLayer(4, 2, 2, dropout=0.0, activation="gelu", batch_first=batch_first,
                                   norm_first=norm_first, dtype=np.float64)
    return _with_params(m, DEC_PARAMS, params)(tgt, memory, **masks)


def _torch_decoder_layer(tgt, memory, *params, batch_first, norm_first, **masks):
    m = T.nn.TransformerDecoderLayer(4, 2, 2, dropout=0.0, activation="gelu", batch_first=batch_first,
                                     norm_first=norm_first).double()
    return _torch_call(m, DEC_PARAMS, params, tgt, memory, **{k: T.as_tensor(v) for k, v in masks.items()})


SPECS = [
    OpSpec("nn.scaled_dot_product_attention", NF.scaled_dot_product_attention, sdpa_case("none"),
           _torch_sdpa),
    OpSpec("nn.scaled_dot_product_attention_bool_mask", NF.scaled_dot_product_attention,
           sdpa_case("bool"), _torch_sdpa, notes="True = attend; fully masked rows give 0"),
    OpSpec("nn.scaled_dot_product_attention_float_mask", _sdpa_float, sdpa_case("float"),
           _torch_sdpa_float, notes="the additive mask is a checked input too"),
    OpSpec("nn.scaled_dot_product_attention_causal", NF.scaled_dot_product_attention,
           sdpa_case("causal"), _torch_sdpa),
    OpSpec("nn.MultiheadAttention_self", _mha(True, MHA_PARAMS), mha_case(True),
           _torch_mha(True, MHA_PARAMS), notes="one input as query, key and value (packed projection)"),
    OpSpec("nn.MultiheadAttention_cross", _mha(False, MHA_PARAMS), mha_case(False),
           _torch_mha(False, MHA_PARAMS)),
    OpSpec("nn.MultiheadAttention_kdim_vdim", _mha(False, MHA_KV_PARAMS), mha_case(False, kv_dims=True),
           _torch_mha(False, MHA_KV_PARAMS), notes="separate q/k/v_proj_weight"),
    OpSpec("nn.MultiheadAttention_bias_kv", _mha(False, MHA_BIAS_KV_PARAMS), mha_case(False, bias_kv=True),
           _torch_mha(False, MHA_BIAS_KV_PARAMS), notes="add_bias_kv (bias_k, bias_v checked), add_zero_attn"),
    OpSpec("nn.TransformerEncoderLayer", _encoder_layer, layer_case(decoder=False), _torch_encoder_layer,
           notes="gelu (smooth); relu is compared with torch in tests/test_nn_transformer.py"),
    OpSpec("nn.TransformerDecoderLayer", _decoder_layer, layer_case(decoder=True), _torch_decoder_layer),
]
