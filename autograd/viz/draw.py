r"""Drawing the computation: ``draw_graph(loss)`` returns a Graphviz picture of the tape.

Data flows left to right (or top to bottom): each tensor is a box (name,
shape, dtype and, when asked, a short summary of its value and gradient),
each recorded op is a rounded box (``matmul``, ``sum(axis=1)``), and an arrow
means "is an input of". Leaves that require grad (parameters) are blue,
constants grey and dashed, the tensors you asked about gold. Ops made inside
an ``nn.Module`` are boxed in a cluster named after the module.

>>> import autograd as ag
>>> w = ag.tensor([0.5, -1.0], requires_grad=True); w.name = "w"
>>> y = (w * 2.0).sum()
>>> g = ag.draw_graph(y)
>>> print("\n".join(line.strip() for line in g.source.splitlines() if "->" in line))
op_1 -> v_1
op_2 -> v_2
leaf_0 -> op_1
const_1_1 -> op_1
v_1 -> op_2
>>> ag.tape(y)[0].op, ag.tape(y)[1].op
('Mul', 'Sum')

Render it with ``g.render("graph", format="svg")``; a notebook displays it inline.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

import numpy as np

from autograd.function import Function
from autograd.tape import _meta, nodes_of
from autograd.tensor import Tensor
from autograd.viz.grads import computed_grads, stored_grads, why_not_computable
from autograd.viz.labels import (CONST_FILL, NOTE_FILL, OP_FILL, OUTPUT_FILL, PARAM_FILL,
                                 TENSOR_FILL, grad_color, grad_width, op_label, shape_text,
                                 summary, table)
from autograd.viz.plan import Grouping, module_names, plan_units

if TYPE_CHECKING:
    from autograd.viz.render import GraphDrawing

_RANKDIRS = ("LR", "TB", "RL", "BT")


def _check_args(tensors: Tuple[Any, ...], show_grad: Any, color_by: Any, max_nodes: Any,
                rankdir: Any) -> None:
    if not tensors:
        raise TypeError("draw_graph() needs at least one Tensor to draw, e.g. draw_graph(loss)")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"draw_graph(): argument {i} is a {type(t).__name__}, expected a Tensor")
    if show_grad not in (True, False, "compute"):
        raise ValueError(f"draw_graph(): show_grad must be True, False or 'compute', got {show_grad!r}")
    if color_by not in (None, "grad"):
        raise ValueError(f"draw_graph(): color_by must be None or 'grad', got {color_by!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw_graph(): max_nodes must be a positive int, got {max_nodes!r}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw_graph(): rankdir must be one of {_RANKDIRS}, got {rankdir!r}")


def _param_names(params: Any, module: Any) -> Dict[int, str]:
    names: Dict[int, str] = {}
    if module is not None:
        if not hasattr(module, "named_parameters"):
            raise TypeError(f"draw_graph(): module must be an nn.Module (with named_parameters()), "
                            f"got a {type(module).__name__}")
        names.update((id(p), n) for n, p in module.named_parameters())
    if params is not None:
        items = params.items() if isinstance(params, Mapping) else params
        try:
            items = list(items)
        except TypeError:
            raise TypeError("draw_graph(): params must be a dict name -> Tensor (e.g. "
                            f"dict(model.named_parameters())), got a {type(params).__name__}") from None
        for entry in items:
            if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Tensor)):
                raise TypeError(f"draw_graph(): params entries must be (name, Tensor) pairs, got {entry!r}")
            names[id(entry[1])] = str(entry[0])
    return names


def draw_graph(*tensors: Tensor, params: Union[Mapping[str, Tensor], Iterable, None] = None,
               module: Any = None, show_data: bool = True, show_grad: Union[bool, str] = True,
               show_shapes: bool = True, show_saved: bool = False, color_by: Optional[str] = None,
               max_nodes: int = 200, rankdir: str = "LR", group_modules: bool = True) -> "GraphDrawing":
    """Draw the graph that produced ``tensors`` as a ``graphviz.Digraph`` (see the module doc).

    - ``params``: names for leaf tensors, e.g. ``dict(model.named_parameters())``;
      ``module=model`` names parameters and module clusters (``layer1.0``) in one go.
    - ``show_data`` / ``show_shapes``: value summaries and shape/dtype rows. Values of
      intermediate results freed by ``backward()`` are not shown (the caption says so).
    - ``show_grad``: ``True`` shows the gradients that exist (leaves' ``.grad``, retained
      grads; "no grad yet" before backward); ``'compute'`` shows d(output)/d(tensor) for
      every tensor, from ``ag.grad(output, ..., retain_graph=True)``: no ``.grad`` changes,
      hooks run as in any ``ag.grad`` call (needs a one-element output and a live graph).
    - ``show_saved``: dashed "saved" arrows to each op from the arrays its backward keeps.
    - ``color_by='grad'``: each arrow coloured and thickened by the mean |gradient| of the
      tensor it leaves, blue (vanishing) to red (exploding).
    - ``max_nodes``: at most this many ops are drawn; larger graphs are collapsed by module
      (``group_modules``), then the earliest ops are cut, with a visible note.

    >>> import autograd as ag
    >>> x = ag.tensor([[1.0, 2.0]]); w = ag.ones((2, 3), requires_grad=True)
    >>> g = ag.draw_graph((x @ w).sum(axis=1), params={"w": w})
    >>> "matmul" in g.source, "sum(axis=1)" in g.source
    (True, True)
    """
    _check_args(tensors, show_grad, color_by, max_nodes, rankdir)
    nodes = nodes_of(*tensors)
    index = {id(n): k for k, n in enumerate(nodes, 1)}  # NOTE: v1, v2, ... as in ag.tape()
    pnames = _param_names(params, module)
    grouping = Grouping(module_names(nodes, module)) if group_modules else None
    plan = plan_units(nodes, max_nodes, grouping)
    captions: List[str] = []

    leaves = _leaves(tensors, nodes)
    # NOTE: rows show what the user asked for (stored .grad, or computed); an arrow
    # (color_by='grad') carries the gradient of the tensor it leaves, computed if possible,
    # else whatever is stored.
    reason = why_not_computable(tensors) if show_grad == "compute" or color_by == "grad" else "-"
    computed: Dict[Any, np.ndarray] = {}
    if reason is None:
        computed = computed_grads(tensors[0])
    elif show_grad == "compute":
        raise ValueError(f"draw_graph(show_grad='compute'): cannot compute gradients: {reason}")
    stored = stored_grads(tensors, leaves) if show_grad is True or color_by == "grad" else {}
    grads = computed if show_grad == "compute" else stored
    edge_grads = computed if reason is None else stored
    if show_grad == "compute":
        captions.append("grad = d(output)/d(tensor), computed by ag.grad (no .grad was changed)")
    if color_by == "grad":
        if reason is None:
            captions.append("arrow colour: mean |d(output)/d(tensor)|, blue = tiny, red = large")
        elif stored:
            captions.append("arrow colour: leaves' .grad only; intermediate gradients need a live "
                            f"graph ({reason})")
        else:
            captions.append("color_by='grad': no gradient exists yet; call backward() first")

    from autograd.viz.render import GraphDrawing
    g = GraphDrawing(name="tapegrad", graph_attr={"rankdir": rankdir, "fontname": "Helvetica"},
                     node_attr={"fontname": "Helvetica", "fontsize": "11", "shape": "box"},
                     edge_attr={"fontname": "Helvetica", "fontsize": "9"})
    outputs = {id(t._node if t._node is not None else t): t for t in tensors}
    leaf_names = _leaf_names(nodes, leaves, pnames)
    freed = saved_freed = False

    def rows(shape: Any, dtype: Any, value: Any, grad_key: Any, wants_grad: bool) -> list:
        nonlocal freed
        out: List[Tuple[str, Optional[str]]] = []
        if show_shapes:
            out.append((shape_text(shape, dtype), "#555555"))
        if show_data:
            if value is not None:
                out.append(("data " + summary(value), None))
            else:
                freed = True
        if show_grad and wants_grad:
            gv = grads.get(grad_key)
            if gv is not None:
                out.append(("grad " + summary(gv), "#990000"))
            elif show_grad == "compute":
                out.append(("no gradient reaches it", "#999999"))
            elif isinstance(grad_key, Tensor):
                out.append(("no grad yet", "#999999"))
        return out

    units = plan.units
    # -- tensors made by ops, and the ops ---------------------------------------------
    for n in nodes:
        k = index[id(n)]
        unit = units.get(id(n))
        if unit is None:
            continue
        shape, dtype = _meta(n)
        out_t = outputs.get(id(n))
        show_tensor = unit.individual or plan.leaves_unit(n) or out_t is not None
        if unit.individual:
            label = op_label(n, shape, dtype)
            if show_saved and n.saved is None:
                saved_freed = True
            plan.add(unit.cluster, "node", f"op_{k}", label, style="rounded,filled",
                     fillcolor=OP_FILL, **{"class": "op"})
        if show_tensor:
            value = n.out
            if value is None and out_t is not None:
                value = out_t.data
            name = (out_t.name if out_t is not None and out_t.name else f"v{k}")
            fill, extra = (OUTPUT_FILL, {"penwidth": "3", "class": "output"}) if out_t is not None \
                else (TENSOR_FILL, {"class": "tensor"})
            plan.add(unit.cluster if unit.individual else plan.outer(unit), "node", f"v_{k}",
                     table(name, rows(shape, dtype, value, n, True), fill),
                     shape="box", style="filled", fillcolor=fill, **extra)
            src = f"op_{k}" if unit.individual else unit.node_id
            plan.edge(src, f"v_{k}", **_grad_style(color_by, edge_grads.get(n)))
    # -- leaves and constants -------------------------------------------------------------
    for j, t in enumerate(leaves):
        if not plan.leaf_drawn(t) and id(t) not in outputs:
            continue
        name = leaf_names[id(t)]
        fill = OUTPUT_FILL if id(t) in outputs else (PARAM_FILL if t.requires_grad else CONST_FILL)
        cls = "output" if id(t) in outputs else ("param" if t.requires_grad else "constant")
        style = "filled" if t.requires_grad or id(t) in outputs else "filled,dashed"
        plan.add(plan.param_cluster(pnames.get(id(t))), "node", f"leaf_{j}",
                 table(name, rows(t.shape, t.dtype, t.data, t, t.requires_grad), fill),
                 style=style, fillcolor=fill, **{"class": cls})
    leaf_ids = {id(t): f"leaf_{j}" for j, t in enumerate(leaves)}
    # -- edges into ops -------------------------------------------------------------------
    for n in nodes:
        unit = units.get(id(n))
        if unit is None:
            continue
        k = index[id(n)]
        dst = f"op_{k}" if unit.individual else unit.node_id
        for i, p in enumerate(n.parents):
            if isinstance(p, Function):
                punit = units.get(id(p))
                if punit is unit and not unit.individual:
                    continue
                src = f"v_{index[id(p)]}" if punit is not None else plan.note_id
                mag = edge_grads.get(p)
            elif isinstance(p, Tensor):
                if not plan.leaf_drawn(p) and id(p) not in outputs:
                    continue
                src = leaf_ids[id(p)]
                mag = edge_grads.get(p)
            else:
                # NOTE: an absent optional argument (a conv without bias) is not a constant to draw
                if not unit.individual or p is None:
                    continue
                src = f"const_{index[id(n)]}_{i}"
                plan.add(unit.cluster, "node", src, table(None, [(_const_text(p), None)], CONST_FILL),
                         style="filled,dashed", fillcolor=CONST_FILL, **{"class": "constant"})
                mag = None
            plan.edge(src, dst, **_grad_style(color_by, mag))
        if show_saved and unit.individual and n.saved:
            _saved_edges(plan, n, index, leaf_ids)
    if plan.truncated:
        plan.add(None, "node", plan.note_id,
                 f"... {plan.truncated} earlier ops not drawn (max_nodes={max_nodes})",
                 shape="note", style="filled", fillcolor=NOTE_FILL, **{"class": "truncated"})
    if plan.collapsed:
        captions.append(f"{plan.collapsed} modules collapsed to fit max_nodes={max_nodes}")
    if saved_freed:
        captions.append("show_saved: the arrays saved for backward were freed by backward()")
    if freed:
        captions.append("values of intermediate results were freed by backward() "
                        "(draw before backward, or use retain_graph=True)")
    plan.emit(g)
    if captions:
        # NOTE: "\\l" ends a left-justified line in a Graphviz label
        g.attr(label="".join(c + "\\l" for c in captions), labelloc="b", labeljust="l", fontsize="10")
    return g


def _grad_style(color_by: Optional[str], g: Any) -> Dict[str, str]:
    if color_by != "grad" or g is None:
        return {}
    mag = float(np.mean(np.abs(np.asarray(g, dtype=np.float64)))) if np.size(g) else 0.0
    return {"color": grad_color(mag), "penwidth": grad_width(mag), "tooltip": f"mean |grad| = {mag:.3g}"}


def _const_text(p: Any) -> str:
    if isinstance(p, np.ndarray):
        return f"array {shape_text(p.shape, p.dtype)}" if p.size > 1 else summary(p)
    if isinstance(p, (int, float, np.number, bool)):
        return summary(np.asarray(p))
    return type(p).__name__


def _leaves(tensors: Tuple[Tensor, ...], nodes: List[Function]) -> List[Tensor]:
    seen: Dict[int, Tensor] = {}
    for n in nodes:
        for p in n.parents:
            if isinstance(p, Tensor) and id(p) not in seen:
                seen[id(p)] = p
    for t in tensors:
        if t._node is None and id(t) not in seen:
            seen[id(t)] = t
    return list(seen.values())


def _leaf_names(nodes: List[Function], leaves: List[Tensor], pnames: Dict[int, str]) -> Dict[int, str]:
    # NOTE: the same names as ag.tape() gives (x0, c1, ...) unless params/module name them
    names = {}
    for k, t in enumerate(leaves):
        names[id(t)] = pnames.get(id(t)) or t.name or (f"x{k}" if t.requires_grad else f"c{k}")
    return names


def _saved_edges(plan: Any, n: Function, index: Dict[int, int], leaf_ids: Dict[int, str]) -> None:
    k = index[id(n)]
    sources = {id(n.out): f"v_{k}"} if n.out is not None else {}
    for p in n.parents:
        if isinstance(p, Function) and p.out is not None and id(p) in index:
            sources[id(p.out)] = f"v_{index[id(p)]}"
        elif isinstance(p, Tensor) and id(p) in leaf_ids:
            sources[id(p.data)] = leaf_ids[id(p)]
    for i, s in enumerate(n.saved):
        if not isinstance(s, np.ndarray):
            continue
        src = sources.get(id(s))
        if src is None:
            src = f"saved_{k}_{i}"
            plan.add(plan.units[id(n)].cluster, "node", src, f"saved\\n{shape_text(s.shape, s.dtype)}",
                     style="dashed", fontsize="9", **{"class": "saved"})
        plan.edge(src, f"op_{k}", label="saved", style="dashed", color="#888888",
                  constraint="false", **{"class": "saved"})
