"""Where each op of a drawing goes: module clusters, collapsing, truncation.

``nn.Module.__call__`` pushes the module on ``autograd.function.scope_stack``
while its forward runs, so each recorded node knows its innermost module
(``node.scope``). A drawing boxes the ops of ``layer1.0`` inside the box of
``layer1``; when a graph has more than ``max_nodes`` ops, whole modules are
collapsed into one box each (the deepest level that fits), and if that is not
enough the earliest ops are cut and a note says how many.

>>> from autograd.viz.plan import Grouping
>>> Grouping(({}, {})).path(object())
[]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from autograd.function import Function
from autograd.tensor import Tensor
from autograd.viz.labels import OP_FILL

if TYPE_CHECKING:
    import graphviz


def module_names(nodes: List[Function], module: Any = None) -> Tuple[Dict[int, str], Dict[str, Any]]:
    """Dotted names (``'layer1.0'``, root ``''``) for the modules the nodes were recorded in.

    With ``module`` the names are its ``named_modules()``; without, the scope module whose
    ``named_modules()`` covers all the others is taken as the root; modules still unnamed
    get their class name (``Linear``, ``Linear_2``, ...).
    """
    scopes: Dict[int, Any] = {}
    for n in nodes:
        s = getattr(n, "scope", None)
        if s is not None:
            scopes.setdefault(id(s), s)
    if module is not None and not hasattr(module, "named_modules"):
        raise TypeError(f"draw_graph(): module must be an nn.Module (with named_modules()), "
                        f"got a {type(module).__name__}")
    named: List[Tuple[str, Any]] = []
    if module is not None:
        named = list(module.named_modules())
    elif scopes:
        for s in scopes.values():
            if hasattr(s, "named_modules"):
                cand = list(s.named_modules())
                covered = {id(m) for _, m in cand}
                if all(i in covered for i in scopes) and len(cand) > len(named):
                    named = cand
    ids: Dict[int, str] = {}
    by_name: Dict[str, Any] = {}
    for name, m in named:
        if id(m) not in ids:
            ids[id(m)] = name
            by_name[name] = m
    for i, s in scopes.items():
        if i not in ids:
            base, k = type(s).__name__, 1
            while (base if k == 1 else f"{base}_{k}") in by_name:
                k += 1
            name = base if k == 1 else f"{base}_{k}"
            ids[i], by_name[name] = name, s
    return ids, by_name


class Grouping:
    """Module path of each node: ``['layer1', '0']``; ``[]`` outside any named module."""

    def __init__(self, names: Tuple[Dict[int, str], Dict[str, Any]]) -> None:
        self.ids, self.modules = names

    def path(self, node: Any) -> List[str]:
        name = self.ids.get(id(getattr(node, "scope", None)), "")
        return name.split(".") if name else []

    def title(self, path: str) -> str:
        m = self.modules.get(path)
        cls = type(m).__name__ if m is not None else None
        return f"{path} ({cls})" if cls and cls != path.rsplit(".", 1)[-1] else path


class Unit:
    """What one op is drawn as: itself (``individual``) or part of a collapsed module box."""

    __slots__ = ("individual", "cluster", "node_id", "ops", "key", "last")

    def __init__(self, individual: bool, cluster: Optional[str], key: Any = None) -> None:
        self.individual, self.cluster, self.key = individual, cluster, key
        self.node_id = ""  # NOTE: the collapsed module box it is drawn in ("" for an individual op)
        self.ops: List[Function] = []
        self.last = -1


class Plan:
    """The layout decisions plus the DOT statements, bucketed by cluster until ``emit``."""

    note_id = "truncated"

    def __init__(self, grouping: Optional[Grouping]) -> None:
        self.grouping = grouping
        self.units: Dict[int, Unit] = {}
        self.truncated = 0
        self.collapsed = 0
        self._items: Dict[Optional[str], list] = {}
        self._edges: list = []
        self._edge_keys: set = set()
        self._drawn_leaves: set = set()
        self._leaving: set = set()

    def leaf_drawn(self, t: Tensor) -> bool:
        return id(t) in self._drawn_leaves

    def leaves_unit(self, n: Function) -> bool:
        """Whether the output of ``n`` (inside a collapsed box) is used outside that box."""
        return id(n) in self._leaving

    def outer(self, unit: Unit) -> Optional[str]:
        return unit.cluster

    def param_cluster(self, pname: Optional[str]) -> Optional[str]:
        if self.grouping is None or not pname or "." not in pname:
            return None
        owner = pname.rsplit(".", 1)[0]
        return owner if owner in self._items else None

    def add(self, cluster: Optional[str], kind: str, *args: Any, **attrs: Any) -> None:
        self._items.setdefault(cluster, []).append((kind, args, attrs))

    def edge(self, src: str, dst: str, **attrs: Any) -> None:
        key = (src, dst, attrs.get("label"))
        if key not in self._edge_keys:
            self._edge_keys.add(key)
            self._edges.append((src, dst, attrs))

    def emit(self, g: "graphviz.Digraph") -> None:
        import graphviz

        paths = {p for p in self._items if p}
        for p in list(paths):
            parts = p.split(".")
            paths.update(".".join(parts[:i]) for i in range(1, len(parts)))
        children: Dict[Optional[str], List[str]] = {}
        for p in sorted(paths):
            parent = p.rsplit(".", 1)[0] if "." in p else None
            if parent not in paths:
                parent = None
            children.setdefault(parent, []).append(p)
        counter = [0]

        def fill(graph: "graphviz.Digraph", path: Optional[str]) -> None:
            for child in children.get(path, []):
                counter[0] += 1
                sub = graphviz.Digraph(name=f"cluster_{counter[0]}")
                title = self.grouping.title(child) if self.grouping else child
                sub.attr(label=title, style="rounded,dashed", color="#7f7f7f", labeljust="l",
                         labelloc="t", fontsize="10")
                fill(sub, child)
                graph.subgraph(sub)
            for kind, args, attrs in self._items.get(path, []):
                graph.node(*args, **attrs)

        fill(g, None)
        for src, dst, attrs in self._edges:
            g.edge(src, dst, **attrs)


def plan_units(nodes: List[Function], max_nodes: int, grouping: Optional[Grouping]) -> Plan:
    """Decide for each op: drawn, collapsed into its module's box, or cut (see module doc)."""
    plan = Plan(grouping)
    paths = {id(n): (grouping.path(n) if grouping else []) for n in nodes}
    depth = None
    if len(nodes) > max_nodes and grouping is not None:
        deepest = max((len(p) for p in paths.values()), default=0)
        for d in range(deepest, 0, -1):
            depth = d
            keys = {tuple(p[:d]) if len(p) >= d else id(n) for n, p in zip(nodes, paths.values())}
            if len(keys) <= max_nodes:
                break
    units: List[Unit] = []
    groups: Dict[Tuple[str, ...], Unit] = {}
    for n in nodes:
        p = paths[id(n)]
        if depth is not None and len(p) >= depth:
            key = tuple(p[:depth])
            unit = groups.get(key)
            if unit is None:
                unit = groups[key] = Unit(False, ".".join(key[:-1]) or None, key)
                units.append(unit)
        else:
            unit = Unit(True, ".".join(p) or None)
            units.append(unit)
        unit.ops.append(n)
        unit.last = n.seq  # NOTE: a Function slot set by apply
    # NOTE: cut from the input end: the ops nearest the output are usually what one looks at
    units.sort(key=lambda u: u.last, reverse=True)
    kept, cut = units[:max_nodes], units[max_nodes:]
    plan.truncated = sum(len(u.ops) for u in cut)
    for i, u in enumerate(kept):
        for n in u.ops:
            plan.units[id(n)] = u
        if not u.individual:
            plan.collapsed += 1
            u.node_id = f"mod_{i}"
            title = grouping.title(".".join(u.key)) if grouping else ".".join(u.key)
            params = {id(p) for n in u.ops for p in n.parents if isinstance(p, Tensor) and p.requires_grad}
            # NOTE: "\\n" is DOT's line break; a literal newline would split the statement's source line
            plan.add(u.cluster, "node", u.node_id,
                     f"{title}\\n{len(u.ops)} ops, {len(params)} parameter tensors (collapsed)",
                     shape="box3d", style="filled", fillcolor=OP_FILL, **{"class": "collapsed"})
    for n in nodes:
        drawn_in = plan.units.get(id(n))
        if drawn_in is None:
            continue
        for p in n.parents:
            # NOTE: inside a collapsed box its parameters are counted, not drawn;
            # inputs and constants that enter it are still drawn
            if isinstance(p, Tensor) and (drawn_in.individual or not p.requires_grad):
                plan._drawn_leaves.add(id(p))
            elif isinstance(p, Function):
                pu = plan.units.get(id(p))
                if pu is not None and pu is not drawn_in and not pu.individual:
                    plan._leaving.add(id(p))
    return plan
