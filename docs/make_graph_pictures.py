"""Re-draw the pictures the README shows: ``python docs/make_graph_pictures.py``.

Writes ``docs/neuron_graph.svg`` (one neuron, values and gradients on every
tensor) and ``docs/mlp_graph.svg`` (an ``nn.Sequential`` MLP after backward,
one cluster per layer, arrows coloured by gradient size).
"""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# NOTE: draw with this checkout's code, whatever is installed
sys.path.insert(0, os.path.dirname(HERE))

import autograd as ag  # noqa: E402
import nn  # noqa: E402


def neuron() -> ag.Tensor:
    x1, x2 = ag.tensor(2.0), ag.tensor(0.0)
    w1, w2 = ag.tensor(-3.0, requires_grad=True), ag.tensor(1.0, requires_grad=True)
    b = ag.tensor(6.8813735870195432, requires_grad=True)
    for t, name in ((x1, "x1"), (x2, "x2"), (w1, "w1"), (w2, "w2"), (b, "b")):
        t.name = name
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.name = "o"
    return o


def mlp_loss() -> tuple:
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x, target = ag.randn(8, 3), ag.randn(8, 1)
    loss = ((model(x) - target) ** 2).mean()
    loss.name = "loss"
    loss.backward(retain_graph=True)  # keep the graph so the drawing can colour every arrow
    return model, loss


if __name__ == "__main__":
    g = ag.draw_graph(neuron(), show_grad="compute")
    print(g.render(os.path.join(HERE, "neuron_graph"), format="svg", cleanup=True))
    model, loss = mlp_loss()
    g = ag.draw_graph(loss, module=model, color_by="grad")
    print(g.render(os.path.join(HERE, "mlp_graph"), format="svg", cleanup=True))
