"""ag.draw_graph: what the DOT source of a drawing says, for a scalar neuron, MLPs and a CNN block."""
from __future__ import annotations

import html
import re
from typing import Dict, List, Tuple

import numpy as np
import pytest

import autograd as ag
from autograd.function import scope_stack


# -- reading a drawing back ---------------------------------------------------------------
_NODE = re.compile(r'^\s*(\w+) \[label=(<<TABLE.*?</TABLE>>|"(?:[^"\\]|\\.)*"|\S+)(.*)\]$')
_EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def _attrs(text: str) -> Dict[str, str]:
    return {k: v[1:-1] if v.startswith('"') else v for k, v in _ATTR.findall(text or "")}


def _label_text(raw: str) -> str:
    if raw.startswith("<<"):
        rows = re.sub(r"<[^>]+>", "", raw[1:-1].replace("</TR>", "\n"))
        return html.unescape(rows).strip()
    return raw.strip('"').replace("\\n", "\n")


class Drawing:
    """Nodes (id -> label text, attributes, enclosing cluster labels) and edges of a DOT source."""

    def __init__(self, g) -> None:
        self.source = g.source
        self.nodes: Dict[str, dict] = {}
        self.edges: List[Tuple[str, str, Dict[str, str]]] = []
        clusters: List[str] = []
        for line in g.source.splitlines():
            if line.strip().startswith("subgraph cluster"):
                clusters.append("?")
                continue
            if line.strip() == "}":
                if clusters:
                    clusters.pop()
                continue
            if clusters and clusters[-1] == "?" and "label=" in line and "[" not in line:
                clusters[-1] = _attrs(line)["label"]
                continue
            m = _EDGE.match(line)
            if m:
                self.edges.append((m.group(1), m.group(2), _attrs(m.group(3))))
                continue
            m = _NODE.match(line)
            if m and m.group(1) not in ("graph", "node", "edge"):
                self.nodes[m.group(1)] = dict(label=_label_text(m.group(2)), attrs=_attrs(m.group(3)),
                                              clusters=list(clusters))

    def of_class(self, cls: str) -> Dict[str, dict]:
        return {k: v for k, v in self.nodes.items() if v["attrs"].get("class") == cls}

    def named(self, name: str) -> str:
        """The id of the tensor node whose first label line is ``name``."""
        found = [k for k, v in self.nodes.items() if v["label"].split("\n")[0] == name]
        assert len(found) == 1, f"{name!r} labels {len(found)} nodes"
        return found[0]

    def label(self, name: str) -> str:
        return self.nodes[self.named(name)]["label"]

    def pairs(self) -> set:
        return {(a, b) for a, b, _ in self.edges}


def _neuron():
    """micrograd's classic neuron: o = tanh(x1*w1 + x2*w2 + b)."""
    x1, x2 = ag.tensor(2.0), ag.tensor(0.0)
    w1, w2 = ag.tensor(-3.0, requires_grad=True), ag.tensor(1.0, requires_grad=True)
    b = ag.tensor(6.8813735870195432, requires_grad=True)
    for t, n in ((x1, "x1"), (x2, "x2"), (w1, "w1"), (w2, "w2"), (b, "b")):
        t.name = n
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.name = "o"
    return o, (x1, x2, w1, w2, b)


# -- a scalar expression -------------------------------------------------------------------
def test_each_recorded_op_is_one_node_labelled_with_its_function_name():
    o, _ = _neuron()
    d = Drawing(ag.draw_graph(o))
    assert sorted(v["label"] for v in d.of_class("op").values()) == ["add", "add", "mul", "mul", "tanh"]


def test_each_tensor_is_one_node_named_as_in_the_tape():
    o, _ = _neuron()
    d = Drawing(ag.draw_graph(o))
    titles = {v["label"].split("\n")[0] for k, v in d.nodes.items() if v["attrs"].get("class") != "op"}
    assert titles == {"x1", "x2", "w1", "w2", "b", "v1", "v2", "v3", "v4", "o"}
    assert "v4" in str(ag.tape(o))


def test_edges_follow_the_data_from_inputs_to_the_output():
    o, _ = _neuron()
    d = Drawing(ag.draw_graph(o))
    w1, b, v4, out = d.named("w1"), d.named("b"), d.named("v4"), d.named("o")
    tanh = next(k for k, v in d.of_class("op").items() if v["label"] == "tanh")
    assert {(v4, tanh), (tanh, out)} <= d.pairs()
    assert any(a == w1 for a, _ in d.pairs()) and any(a == b for a, _ in d.pairs())
    assert not any(dst in (w1, b) for _, dst in d.pairs())  # nothing flows into a leaf
    assert not any(src == out for src, _ in d.pairs())      # nothing flows out of the output


def test_scalars_show_value_and_computed_grad_like_micrograd():
    o, _ = _neuron()
    d = Drawing(ag.draw_graph(o, show_grad="compute"))
    # o = tanh(0.8814) = 0.7071; do/dn = 1 - o^2 = 0.5; do/dw1 = 0.5 * x1 = 1; do/dw2 = 0.5 * x2 = 0
    assert "data 0.7071" in d.label("o") and "grad 1.0000" in d.label("o")
    assert "data -3.0000" in d.label("w1") and "grad 1.0000" in d.label("w1")
    assert "grad 0.0000" in d.label("w2")
    assert "grad 0.5000" in d.label("b") and "grad 0.5000" in d.label("v4")


def test_computing_grads_for_a_drawing_changes_no_grad():
    o, (x1, x2, w1, w2, b) = _neuron()
    ag.draw_graph(o, show_grad="compute", color_by="grad")
    assert w1.grad is None and b.grad is None


def test_computing_grads_for_a_drawing_keeps_the_graph_for_a_later_backward():
    o, (x1, x2, w1, w2, b) = _neuron()
    ag.draw_graph(o, show_grad="compute")
    o.backward()
    assert w1.grad.item() == pytest.approx(1.0)  # do/dw1 = (1 - o^2) * x1 = 0.5 * 2


def test_computed_grads_of_a_drawing_are_the_engines_so_a_hook_that_scales_a_gradient_shows():
    o, (x1, x2, w1, w2, b) = _neuron()
    w1.register_hook(lambda g: g * 10)
    assert "grad 10.0000" in Drawing(ag.draw_graph(o, show_grad="compute")).label("w1")


def test_show_grad_before_backward_says_no_grad_yet_instead_of_zeros():
    o, _ = _neuron()
    label = Drawing(ag.draw_graph(o, show_grad=True)).label("w1")
    assert "no grad yet" in label and "grad 0" not in label


def test_show_grad_after_backward_shows_the_leaves_grad():
    o, (x1, x2, w1, w2, b) = _neuron()
    o.backward()
    d = Drawing(ag.draw_graph(o, show_grad=True))
    assert "grad 1.0000" in d.label("w1") and "grad 0.5000" in d.label("b")


def test_show_grad_false_shows_no_grad_rows():
    o, _ = _neuron()
    o.backward()
    assert "grad" not in Drawing(ag.draw_graph(o, show_grad=False)).label("w1")


def test_leaves_requiring_grad_are_styled_differently_from_constants():
    o, _ = _neuron()
    d = Drawing(ag.draw_graph(o))
    w1, x1 = d.nodes[d.named("w1")]["attrs"], d.nodes[d.named("x1")]["attrs"]
    assert w1["class"] == "param" and x1["class"] == "constant"
    assert w1["fillcolor"] != x1["fillcolor"]
    assert "dashed" in x1["style"] and "dashed" not in w1["style"]


def test_the_output_is_highlighted():
    o, _ = _neuron()
    d = Drawing(ag.draw_graph(o))
    out = d.nodes[d.named("o")]["attrs"]
    others = {v["attrs"].get("fillcolor") for k, v in d.nodes.items() if k != d.named("o")}
    assert out["class"] == "output" and out["penwidth"] == "3" and out["fillcolor"] not in others


def test_every_tensor_passed_is_highlighted_as_an_output():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    a, b = w * 2, w.exp()
    d = Drawing(ag.draw_graph(a, b))
    assert len(d.of_class("output")) == 2


def test_a_leaf_passed_alone_is_drawn_as_the_output():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    w.name = "w"
    d = Drawing(ag.draw_graph(w))
    assert list(d.nodes) == [d.named("w")] and d.nodes[d.named("w")]["attrs"]["class"] == "output"


def test_a_plain_number_argument_is_drawn_as_a_constant_input_of_its_op():
    w = ag.tensor(3.0, requires_grad=True)
    d = Drawing(ag.draw_graph(w * 2.5))
    (const_id, const), = d.of_class("constant").items()
    (mul_id, _), = d.of_class("op").items()
    assert const["label"] == "2.5000" and (const_id, mul_id) in d.pairs()


def test_shape_and_dtype_rows_follow_show_shapes():
    x = ag.ones((2, 3), requires_grad=True)
    x.name = "x"
    assert "(2, 3) float32" in Drawing(ag.draw_graph(x.sum())).label("x")
    assert "(2, 3)" not in Drawing(ag.draw_graph(x.sum(), show_shapes=False)).label("x")


def test_show_data_false_hides_values():
    x = ag.tensor([1.5, 2.5], requires_grad=True)
    x.name = "x"
    assert "data [1.5, 2.5]" in Drawing(ag.draw_graph(x.sum())).label("x")
    assert "data" not in Drawing(ag.draw_graph(x.sum(), show_data=False)).label("x")


def test_a_large_tensor_shows_a_compact_summary_never_its_values():
    x = ag.tensor(np.arange(1000, dtype=np.float32), requires_grad=True)
    x.name = "x"
    label = Drawing(ag.draw_graph(x.sum())).label("x")
    assert "mean 499.5 std 288.7" in label and "min 0 max 999" in label
    assert len(label) < 100 and "123" not in label


def test_nan_and_inf_are_counted_in_the_summary():
    x = ag.tensor([1.0, np.nan, np.inf, 2.0, 3.0, 4.0, np.nan], requires_grad=True)
    x.name = "x"
    assert "2 nan 1 inf" in Drawing(ag.draw_graph(x.sum())).label("x")


def test_params_name_the_leaf_tensors():
    w = ag.ones((2, 2), requires_grad=True)
    d = Drawing(ag.draw_graph((w * 2).sum(), params={"fc.weight": w}))
    assert d.nodes[d.named("fc.weight")]["attrs"]["class"] == "param"


@pytest.mark.parametrize("make, label", [
    (lambda x: x.sum(axis=1), "sum(axis=1)"),
    (lambda x: x.sum(), "sum"),
    (lambda x: x.max(axis=0, keepdims=True), "max(axis=0, keepdims=True)"),
    (lambda x: x @ ag.ones((3, 4)), "matmul"),
    (lambda x: x.T, "transpose(axes=(1, 0))"),
    (lambda x: x.reshape(3, 2), "reshape(shape=(3, 2))"),
    (lambda x: ag.softmax(x, axis=1), "softmax(axis=1)"),
    (lambda x: x[0, 1:], "getitem[0, 1:]"),
    (lambda x: ag.einsum("ij,kj->ik", x, x), "einsum(ij,kj->ik)"),
    (lambda x: ag.leaky_relu(x, 0.2), "leaky_relu(slope=0.2)"),
    (lambda x: ag.cat([x, x], axis=1), "cat(axis=1)"),
])
def test_op_labels_carry_the_ops_attributes(make, label):
    x = ag.ones((2, 3), requires_grad=True)
    d = Drawing(ag.draw_graph(make(x)))
    assert label in [v["label"] for v in d.of_class("op").values()]


def test_a_user_function_labels_itself_with_extra_repr():
    class Scale(ag.Function):
        def forward(self, x):
            return x * 3.0

        def backward(self, g):
            return g * 3.0

        def extra_repr(self):
            return "factor=3"

    y = Scale.apply(ag.ones(2, requires_grad=True))
    assert [v["label"] for v in Drawing(ag.draw_graph(y)).of_class("op").values()] == ["scale(factor=3)"]


# -- gradients on the arrows, saved arrays ---------------------------------------------------------
def _two_paths():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([1.0, 2.0], requires_grad=True)
    a.name, b.name = "a", "b"
    return a, b, (a * 1e-6).sum() + (b * 1e3).sum()


def test_color_by_grad_makes_small_gradient_paths_thin_and_large_ones_thick():
    a, b, y = _two_paths()
    d = Drawing(ag.draw_graph(y, color_by="grad"))
    (ea,), (eb,) = ([e for e in d.edges if e[0] == d.named(n)] for n in ("a", "b"))
    assert ea[2]["tooltip"] == "mean |grad| = 1e-06" and eb[2]["tooltip"] == "mean |grad| = 1e+03"
    assert float(ea[2]["penwidth"]) < float(eb[2]["penwidth"]) and ea[2]["color"] != eb[2]["color"]


def test_color_by_grad_after_a_plain_backward_uses_leaf_grads_and_says_so():
    a, b, y = _two_paths()
    y.backward()
    d = Drawing(ag.draw_graph(y, color_by="grad"))
    (ea,) = [e for e in d.edges if e[0] == d.named("a")]
    assert ea[2]["tooltip"] == "mean |grad| = 1e-06"
    assert "leaves' .grad only" in d.source


def test_color_by_grad_with_no_gradient_anywhere_says_none_exists_yet():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    d = Drawing(ag.draw_graph(a * 2, color_by="grad"))  # not one element: nothing to compute
    assert "no gradient exists yet" in d.source and not any("tooltip" in e[2] for e in d.edges)


def test_show_saved_draws_dashed_arrows_from_the_arrays_kept_for_backward():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    x = ag.tensor([3.0, 4.0])
    w.name, x.name = "w", "x"
    d = Drawing(ag.draw_graph((w * x).sum(), show_saved=True))
    mul = next(k for k, v in d.of_class("op").items() if v["label"] == "mul")
    saved = {(a, b) for a, b, at in d.edges if at.get("label") == "saved"}
    assert saved == {(d.named("w"), mul), (d.named("x"), mul)}
    assert all("dashed" in at["style"] for _, _, at in d.edges if at.get("label") == "saved")


def test_show_saved_draws_a_derived_saved_array_as_its_own_node():
    x = ag.ones((2, 3), requires_grad=True)
    y = ag.setitem(x, (0, 1), ag.tensor(5.0))
    d = Drawing(ag.draw_graph(y, show_saved=True))
    (node,) = d.of_class("saved").values()
    assert "(2, 3) bool" in node["label"]


def test_show_saved_after_backward_says_the_saved_arrays_were_freed():
    o, _ = _neuron()
    o.backward()
    assert "saved for backward were freed" in ag.draw_graph(o, show_saved=True).source


def test_values_freed_by_backward_are_reported_not_invented():
    x = ag.tensor(np.linspace(-1, 1, 300), requires_grad=True)
    o = (x.exp() * 2).sum()
    o.name = "o"
    o.backward()
    d = Drawing(ag.draw_graph(o))
    assert "freed by backward()" in d.source
    assert d.label("v1") == "v1\n(300,) float64"  # shape and dtype, no data
    assert "data" in d.label("o")  # the output tensor still holds its value


def test_small_values_survive_backward_so_a_scalar_graph_shows_data_and_grad():
    o, _ = _neuron()
    o.backward()
    d = Drawing(ag.draw_graph(o, show_grad=True))
    assert "data" in d.label("v4") and "freed by backward()" not in d.source
    assert "data 0.7071" in d.label("o")


# -- modules -----------------------------------------------------------------------------
class _Scoped:
    """A stand-in module: pushes itself on scope_stack during forward like nn.Module.__call__."""

    def __init__(self, **children):
        self._children = children

    def named_modules(self, prefix=""):
        yield prefix, self
        for k, c in self._children.items():
            yield from c.named_modules(f"{prefix}.{k}" if prefix else k)

    def named_parameters(self):
        for name, m in self.named_modules():
            for k, v in vars(m).items():
                if isinstance(v, ag.Tensor):
                    yield (f"{name}.{k}" if name else k), v

    def __call__(self, x):
        scope_stack.append(self)
        try:
            return self.forward(x)
        finally:
            scope_stack.pop()


class _Lin(_Scoped):
    def __init__(self, i, o):
        super().__init__()
        self.weight = ag.tensor(np.full((i, o), 0.1, np.float32), requires_grad=True)
        self.bias = ag.zeros(o, requires_grad=True)

    def forward(self, x):
        return x @ self.weight + self.bias


class _Block(_Scoped):
    def forward(self, x):
        return self._children["fc"](x).relu()


class _Net(_Scoped):
    def forward(self, x):
        for c in self._children.values():
            x = c(x)
        return x


def _scoped_mlp():
    net = _Net(layer1=_Block(fc=_Lin(4, 8)), layer2=_Block(fc=_Lin(8, 8)), head=_Lin(8, 3))
    return net, net(ag.ones((5, 4))).sum()


def test_ops_made_inside_a_module_are_drawn_in_nested_clusters_named_after_it():
    net, y = _scoped_mlp()
    d = Drawing(ag.draw_graph(y, module=net))
    clusters = [v["clusters"] for v in d.of_class("op").values() if v["label"] == "matmul"]
    assert ["layer1 (_Block)", "layer1.fc (_Lin)"] in clusters and ["head (_Lin)"] in clusters
    relu_clusters = [v["clusters"] for v in d.of_class("op").values() if v["label"] == "relu"]
    assert ["layer1 (_Block)"] in relu_clusters


def test_module_parameters_are_named_and_drawn_inside_their_module():
    net, y = _scoped_mlp()
    d = Drawing(ag.draw_graph(y, module=net))
    node = d.nodes[d.named("layer2.fc.weight")]
    assert node["clusters"] == ["layer2 (_Block)", "layer2.fc (_Lin)"] and node["attrs"]["class"] == "param"


def test_module_names_are_found_from_the_outermost_scope_without_module_argument():
    net, _ = _scoped_mlp()
    block = net._children["layer1"]
    d = Drawing(ag.draw_graph(block(ag.ones((5, 4)))))
    assert ["fc (_Lin)"] in [v["clusters"] for v in d.of_class("op").values()]


def test_group_modules_false_draws_no_clusters():
    net, y = _scoped_mlp()
    d = Drawing(ag.draw_graph(y, module=net, group_modules=False))
    assert "subgraph cluster" not in d.source and all(not v["clusters"] for v in d.nodes.values())


def test_more_ops_than_max_nodes_are_collapsed_by_module_with_a_visible_note():
    net, y = _scoped_mlp()  # 9 ops in 3 modules, then the sum
    d = Drawing(ag.draw_graph(y, module=net, max_nodes=4))
    boxes = sorted(v["label"] for v in d.of_class("collapsed").values())
    assert boxes == ["head (_Lin)\n2 ops, 2 parameter tensors (collapsed)",
                     "layer1 (_Block)\n3 ops, 2 parameter tensors (collapsed)",
                     "layer2 (_Block)\n3 ops, 2 parameter tensors (collapsed)"]
    assert [v["label"] for v in d.of_class("op").values()] == ["sum"]
    assert "3 modules collapsed to fit max_nodes=4" in d.source


def test_collapsing_stops_at_the_deepest_level_that_fits():
    net, y = _scoped_mlp()  # layer1.fc and layer2.fc collapse; relus and head ops stay
    d = Drawing(ag.draw_graph(y, module=net, max_nodes=7))
    assert sorted(v["label"].split("\n")[0] for v in d.of_class("collapsed").values()) == \
        ["layer1.fc (_Lin)", "layer2.fc (_Lin)"]
    assert len(d.of_class("op")) == 5


def test_collapsed_modules_keep_the_data_flow_between_them():
    net, y = _scoped_mlp()
    d = Drawing(ag.draw_graph(y, module=net, max_nodes=4))
    box = {v["label"].split(" ")[0]: k for k, v in d.of_class("collapsed").items()}
    v3 = d.named("v3")  # layer1's relu output, the input of layer2
    assert (box["layer1"], v3) in d.pairs() and (v3, box["layer2"]) in d.pairs()


def test_more_ops_than_max_nodes_without_modules_are_cut_with_a_visible_note():
    x = ag.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(50):
        y = y * 1.01
    d = Drawing(ag.draw_graph(y, max_nodes=10))
    (note_id, note), = d.of_class("truncated").items()
    assert len(d.of_class("op")) == 10
    assert note["label"] == "... 40 earlier ops not drawn (max_nodes=10)"
    assert (note_id, "op_41") in d.pairs() and "op_50" in d.nodes and "op_40" not in d.nodes


# -- real nn modules: an MLP and a CNN block ----------------------------------------------
def test_nn_sequential_mlp_is_clustered_per_layer_with_named_parameters():
    import nn
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    loss = model(ag.randn(3, 4)).sum()
    d = Drawing(ag.draw_graph(loss, module=model))
    assert d.nodes[d.named("0.weight")]["clusters"] == ["0 (Linear)"]
    assert d.nodes[d.named("2.bias")]["clusters"] == ["2 (Linear)"]
    relu = [v for v in d.of_class("op").values() if v["label"] == "relu"]
    assert [v["clusters"] for v in relu] == [["1 (ReLU)"]]


def test_mlp_written_with_ag_ops_draws_one_matmul_add_relu_per_layer():
    ag.manual_seed(0)
    params = {f"W{i}": ag.randn(4, 4, requires_grad=True) for i in range(3)}
    params.update({f"b{i}": ag.zeros(4, requires_grad=True) for i in range(3)})
    h = ag.randn(2, 4)
    for i in range(3):
        h = (h @ params[f"W{i}"] + params[f"b{i}"]).relu()
    d = Drawing(ag.draw_graph(h.mean(), params=params))
    labels = [v["label"] for k, v in sorted(d.of_class("op").items(), key=lambda kv: int(kv[0][3:]))]
    assert labels == ["matmul", "add", "relu"] * 3 + ["sum", "mul"]
    assert {v["label"].split("\n")[0] for v in d.of_class("param").values()} == set(params)


def test_cnn_block_draws_conv_relu_pool_with_their_settings():
    import nn
    import nn.functional as F
    ag.manual_seed(0)

    class ConvBlock(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(ag.randn(4, 1, 3, 3))
            self.bias = nn.Parameter(ag.zeros(4))

        def forward(self, x):
            return F.max_pool2d(F.relu(F.conv2d(x, self.weight, self.bias, stride=1, padding=1)), 2)

    model = nn.Sequential(ConvBlock(), nn.Flatten(), nn.Linear(16, 3))
    loss = model(ag.randn(2, 1, 4, 4)).sum()
    d = Drawing(ag.draw_graph(loss, module=model))
    ops = {v["label"]: v["clusters"] for v in d.of_class("op").values()}
    assert ops["conv2d(stride=1, padding=1, dilation=1, groups=1)"] == ["0 (ConvBlock)"]
    assert ops["relu"] == ["0 (ConvBlock)"] and ops["max_pool2d"] == ["0 (ConvBlock)"]
    assert ops["reshape(shape=(2, 16))"] == ["1 (Flatten)"]
    assert "(4, 1, 3, 3) float32" in d.label("0.weight")


# -- options and bad input --------------------------------------------------------------------
def test_rankdir_sets_the_layout_direction():
    x = ag.ones(2, requires_grad=True)
    assert "rankdir=TB" in ag.draw_graph(x.sum(), rankdir="TB").source
    assert "rankdir=LR" in ag.draw_graph(x.sum()).source


@pytest.mark.parametrize("kwargs, message", [
    (dict(rankdir="up"), "rankdir must be one of"),
    (dict(show_grad="yes"), "show_grad must be True, False or 'compute'"),
    (dict(color_by="value"), "color_by must be None or 'grad'"),
    (dict(max_nodes=0), "max_nodes must be a positive int"),
])
def test_bad_options_raise_a_value_error_naming_draw_graph(kwargs, message):
    x = ag.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        ag.draw_graph(x.sum(), **kwargs)
    assert "draw_graph()" in str(info.value)


def test_drawing_nothing_or_a_non_tensor_raises_a_type_error():
    with pytest.raises(TypeError, match=r"draw_graph\(\) needs at least one Tensor"):
        ag.draw_graph()
    with pytest.raises(TypeError, match=r"draw_graph\(\): argument 0 is a ndarray, expected a Tensor"):
        ag.draw_graph(np.ones(2))


def test_params_that_are_not_name_tensor_pairs_raise_a_type_error():
    x = ag.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match=r"draw_graph\(\): params entries must be \(name, Tensor\) pairs"):
        ag.draw_graph(x.sum(), params={"w": np.ones(2)})


def test_computing_grads_on_a_freed_graph_raises_and_says_how_to_keep_it():
    o, _ = _neuron()
    o.backward()
    with pytest.raises(ValueError, match=r"retain_graph=True"):
        ag.draw_graph(o, show_grad="compute")


def test_computing_grads_of_a_non_scalar_output_raises():
    x = ag.ones(3, requires_grad=True)
    with pytest.raises(ValueError, match=r"one-element output"):
        ag.draw_graph(x * 2, show_grad="compute")


def test_drawing_after_backward_with_retain_graph_can_compute_grads():
    o, _ = _neuron()
    o.backward(retain_graph=True)
    assert "grad 0.5000" in Drawing(ag.draw_graph(o, show_grad="compute")).label("v4")


def test_nested_nn_modules_give_nested_clusters_with_dotted_names():
    import nn
    ag.manual_seed(0)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
            self.head = nn.Linear(4, 1)

        def forward(self, x):
            h = self.encoder(x)
            return self.head(h + x)  # a residual add, recorded in Net's own scope

    model = Net()
    d = Drawing(ag.draw_graph(model(ag.randn(2, 4)).sum(), module=model))
    ops = {v["label"]: v["clusters"] for v in d.of_class("op").values()}
    assert ops["relu"] == ["encoder (Sequential)", "encoder.1 (ReLU)"]
    assert ops["add"] == [] and ops["sum"] == []  # the root module gets no box of its own


def test_a_module_outside_the_drawn_model_is_boxed_under_its_class_name():
    import nn
    ag.manual_seed(0)
    model, loss_fn = nn.Linear(3, 2), nn.MSELoss()
    loss = loss_fn(model(ag.randn(4, 3)), ag.zeros((4, 2)))
    d = Drawing(ag.draw_graph(loss, module=model))
    clusters = {c for v in d.nodes.values() for c in v["clusters"]}
    assert "MSELoss" in clusters


def test_a_module_argument_without_named_parameters_raises_a_type_error():
    x = ag.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match=r"draw_graph\(\): module must be an nn.Module"):
        ag.draw_graph(x.sum(), module=object())


def test_a_retained_grad_of_an_output_is_shown_after_backward():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    h = w * 3.0
    h.name = "h"
    h.retain_grad()
    h.sum().backward()
    assert "grad [1, 1]" in Drawing(ag.draw_graph(h)).label("h")


def test_gradients_computed_for_a_drawing_equal_what_backward_puts_in_grad():
    import nn
    import nn.functional as F
    from autograd.viz.grads import computed_grads
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.LayerNorm(5), nn.Tanh(), nn.Linear(5, 3))
    loss = F.cross_entropy(model(ag.randn(4, 6)), ag.tensor(np.array([0, 2, 1, 1])))
    grads = computed_grads(loss)
    loss.backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(grads[p], p.grad.data, rtol=1e-5, atol=1e-7, err_msg=name)


def test_an_absent_optional_argument_is_not_drawn():
    import nn as _nn
    conv = _nn.Conv2d(1, 2, 3, bias=False)
    g = ag.draw_graph(conv(ag.randn(1, 1, 4, 4)))
    assert "NoneType" not in g.source


def test_drawing_computed_grads_leaves_a_retained_grad_unchanged():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    y = (h * h).sum()
    ag.draw_graph(y, show_grad="compute")
    ag.draw_graph(y, show_grad="compute")
    assert h.grad is None
    y.backward()
    assert h.grad.tolist() == [6.0, 12.0]
