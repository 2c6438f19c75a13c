"""What the boxes of a drawing say: op labels with attributes, tensor summaries, colours.

>>> import numpy as np
>>> from autograd.viz.labels import summary
>>> summary(np.array(0.88137))
'0.8814'
>>> print(summary(np.arange(1000, dtype=np.float32)))
mean 499.5 std 288.7
min 0 max 999
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable, Dict, Optional

import numpy as np

# -- colours (one place, so the legend in the README matches) ------------------
PARAM_FILL = "#cfe8ff"      # a leaf that requires grad: what training changes
CONST_FILL = "#eeeeee"      # a leaf without grad, or a raw number/array argument
TENSOR_FILL = "#ffffff"     # an intermediate result
OUTPUT_FILL = "#ffd966"     # a tensor passed to draw_graph
OP_FILL = "#fff2cc"         # a recorded op
NOTE_FILL = "#f4cccc"       # what was left out (truncation, collapsed modules)

#: ops whose snake-case name is not their lower-cased class name
_OP_NAMES = {"MatMul": "matmul", "LogSumExp": "logsumexp", "BasicGetItem": "getitem",
             "GetItem": "getitem", "SetItem": "setitem", "Cast": "astype"}


def op_name(node: Any) -> str:
    """The op's function-style name: ``MatMul`` -> ``matmul``, ``LeakyRelu`` -> ``leaky_relu``."""
    cls = node.name
    if cls in _OP_NAMES:
        return _OP_NAMES[cls]
    # NOTE: library ops are often named Conv2dOp / LinearFn; the picture says conv2d / linear
    cls = re.sub(r"(?<=.)(Op|Fn|Function)$", "", cls)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cls).lower()


def _simplify(v: Any) -> Any:
    """(1, 1) -> 1 and ((1, 1), (1, 1)) -> 1: a pair of equal values reads as one."""
    if isinstance(v, tuple) and v:
        v = tuple(_simplify(x) for x in v)
        if all(x == v[0] for x in v) and not isinstance(v[0], tuple):
            return v[0]
    return v


def _record_attrs(saved: Any) -> Dict[str, Any]:
    """Fields of NamedTuple settings an op saved (e.g. a convolution's stride and padding)."""
    out: Dict[str, Any] = {}
    for s in saved or ():
        if isinstance(s, tuple) and hasattr(s, "_asdict"):
            out.update((k, _simplify(v)) for k, v in s._asdict().items())
    return out


def _fmt_index(ix: Any) -> str:
    if isinstance(ix, tuple):
        return ", ".join(_fmt_index(i) for i in ix)
    if isinstance(ix, slice):
        parts = ["" if v is None else str(v) for v in (ix.start, ix.stop)]
        return ":".join(parts) + (f":{ix.step}" if ix.step is not None else "")
    if ix is None:
        return "None"
    if ix is Ellipsis:
        return "..."
    if isinstance(ix, np.ndarray):
        return f"array{tuple(ix.shape)}"
    return repr(ix)


def _axis_attrs(axis: Any, keepdims: Any = False) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    if axis is not None:
        # NOTE: reductions record axes as a tuple; sum(axis=1) reads better than axis=(1,)
        out["axis"] = axis[0] if isinstance(axis, tuple) and len(axis) == 1 else axis
    if keepdims:
        out["keepdims"] = True
    return out


# NOTE: op attributes (axis, slope, ...) are not kept on the node separately: the
# ops keep them in `saved`, which a non-retained backward frees. Each reader below
# gets (saved, out_shape, out_dtype); `saved` may be None, and then only what the
# output's shape/dtype tell is shown.
_ATTRS: Dict[str, Callable[[Any, Any, Any], Dict[str, Any]]] = {
    "Sum": lambda s, sh, dt: _axis_attrs(s[1], s[2]) if s else {},
    "Max": lambda s, sh, dt: _axis_attrs(s[1], s[2]) if s else {},
    "Min": lambda s, sh, dt: _axis_attrs(s[1], s[2]) if s else {},
    "Prod": lambda s, sh, dt: _axis_attrs(s[1], s[2]) if s else {},
    "LogSumExp": lambda s, sh, dt: _axis_attrs(s[1], s[2]) if s else {},
    "Softmax": lambda s, sh, dt: {"axis": s[0]} if s else {},
    "LogSoftmax": lambda s, sh, dt: {"axis": s[0]} if s else {},
    "Transpose": lambda s, sh, dt: {"axes": s[0]} if s else {},
    "Cat": lambda s, sh, dt: {"axis": s[0]} if s else {},
    "Flip": lambda s, sh, dt: {"axis": s[0]} if s else {},
    "LeakyRelu": lambda s, sh, dt: {"slope": s[1]} if s else {},
    "Clip": lambda s, sh, dt: {k: v for k, v in (("min", s[1]), ("max", s[2])) if v is not None} if s else {},
    "Pad": lambda s, sh, dt: {"pad_width": s[1]} if s else {},
    "Reshape": lambda s, sh, dt: {"shape": sh} if sh is not None else {},
    "BroadcastTo": lambda s, sh, dt: {"shape": sh} if sh is not None else {},
    "Cast": lambda s, sh, dt: {"dtype": dt} if dt is not None else {},
}


def op_label(node: Any, shape: Any, dtype: Any) -> str:
    """``sum(axis=1)``, ``matmul``, ``getitem[0, 1:3]``, ``einsum(ij,jk->ik)``.

    A user ``Function`` may define ``extra_repr()`` returning its attributes as text.
    """
    name, saved = op_name(node), node.saved
    extra = getattr(node, "extra_repr", None)
    if callable(extra):
        text = extra()
        return f"{name}({text})" if text else name
    cls = node.name
    if cls in ("GetItem", "BasicGetItem", "SetItem", "ScatterAdd") and saved:
        index = saved[1] if cls in ("GetItem", "BasicGetItem", "SetItem") else saved[0]
        return f"{name}[{_fmt_index(index)}]"
    if cls == "Einsum" and saved:
        ins, out = saved[-1]
        return f"einsum({','.join(ins)}->{out})"
    reader = _ATTRS.get(cls)
    attrs = reader(saved, shape, dtype) if reader is not None else _record_attrs(saved)
    if not attrs:
        return name
    return name + "(" + ", ".join(f"{k}={v}" for k, v in attrs.items()) + ")"


# -- numbers ----------------------------------------------------------------------
def num(v: Any) -> str:
    """A number in about 4 significant digits: ``0.8814``, ``1.5e-07``, ``12``."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        return str(v)
    if v == int(v) and abs(v) < 1e6:
        return str(int(v))
    return f"{v:.4g}" if 1e-3 <= abs(v) < 1e5 else f"{v:.3g}"


def summary(a: np.ndarray, small: int = 6) -> str:
    """A value as text that stays short for any size: the value(s) themselves when there are at
    most ``small`` of them, else mean/std/min/max, plus counts of nan/inf if any."""
    a = np.asarray(a)
    if a.size == 0:
        return "empty"
    if a.size == 1:
        v = a.reshape(()).item()
        # NOTE: a single float is shown micrograd-style with four decimals (2.0000)
        if isinstance(v, float) and (v == 0 or 1e-4 <= abs(v) < 1e5):
            return f"{v:.4f}"
        return num(v)
    if a.size <= small:
        return "[" + ", ".join(num(v) for v in a.reshape(-1).tolist()) + "]"
    if a.dtype.kind not in "fc":
        return f"min {num(a.min())} max {num(a.max())}"
    finite = a[np.isfinite(a)]
    bad = a.size - finite.size
    text = ""
    if finite.size:
        f64 = finite.astype(np.float64)
        # NOTE: two lines (a table label draws each as its own row)
        text = (f"mean {num(f64.mean())} std {num(f64.std())}\n"
                f"min {num(f64.min())} max {num(f64.max())}")
    if bad:
        n_nan = int(np.isnan(a).sum())
        text += (" " if text else "") + f"{n_nan} nan {bad - n_nan} inf"
    return text


def shape_text(shape: Any, dtype: Any) -> str:
    """``(3, 4) float32``; ``()`` for a scalar."""
    if shape is None:
        return "shape unknown"
    return f"{tuple(shape)} {np.dtype(dtype).name}" if dtype is not None else str(tuple(shape))


def html(text: str) -> str:
    """Escape text for a Graphviz HTML-like label (and keep the SVG ASCII-only)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def table(title: Optional[str], rows: list, fill: str) -> str:
    """An HTML-like label: a bold title row, then one row per (text, colour-or-None)."""
    cells = []
    if title:
        cells.append(f'<TR><TD><B>{html(title)}</B></TD></TR>')
    for text, color in rows:
        for line in text.split("\n"):
            font = f'<FONT COLOR="{color}">{html(line)}</FONT>' if color else html(line)
            cells.append(f"<TR><TD>{font}</TD></TR>")
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" BGCOLOR="{fill}">'
            + "".join(cells) + "</TABLE>>")


# -- gradient colour scale ----------------------------------------------------------
def grad_color(mag: float) -> str:
    """Edge colour for a gradient of mean absolute value ``mag``: blue when tiny (vanishing,
    below 1e-4), grey around 1e-2..1, red when large (exploding, above 1e2)."""
    if not np.isfinite(mag):
        return "#ff00ff"
    if mag == 0:
        return "#1f4e9c"
    x = math.log10(mag)
    # NOTE: a fixed scale (not relative to the graph) so that two drawings compare
    t = min(max((x + 4.0) / 6.0, 0.0), 1.0)  # 1e-4 -> 0, 1e2 -> 1
    lo, mid, hi = (0x1f, 0x4e, 0x9c), (0x88, 0x88, 0x88), (0xcc, 0x11, 0x11)
    a, b, u = (lo, mid, t * 2) if t < 0.5 else (mid, hi, t * 2 - 1)
    return "#" + "".join(f"{round(p + (q - p) * u):02x}" for p, q in zip(a, b))


def grad_width(mag: float) -> str:
    """Pen width growing with log10 of the gradient size, from 0.5 to 4."""
    if not np.isfinite(mag) or mag == 0:
        return "1"
    return f"{min(max(0.5 + (math.log10(mag) + 4.0) * 0.6, 0.5), 4.0):.2f}"
