r"""Drawing the computation: ``ag.draw_graph(loss)`` returns a Graphviz picture of the tape.

- ``draw``: ``draw_graph``, which lays the tape out as tensors and ops;
- ``grads``: which gradients a drawing shows (stored ``.grad``, or asked of ``ag.grad``);
- ``labels``: the text and colours of each box;
- ``plan``: where each op goes (module clusters, collapsing, truncation);
- ``render``: ``GraphDrawing`` and ``dot_binary``, rendering with the system Graphviz or
  the pip-installed ``graphviz-pure``.

>>> import autograd as ag
>>> g = ag.viz.draw_graph((ag.tensor([1.0, 2.0], requires_grad=True) * 2.0).sum())
>>> sum("->" in line for line in g.source.splitlines())  # x, 2.0 -> mul -> v1 -> sum -> v2
5
"""
from autograd.viz.draw import draw_graph

__all__ = ["draw_graph", "GraphDrawing", "dot_binary"]


def __getattr__(name: str) -> object:
    # NOTE: the graphviz package is imported on first drawing, not with `import autograd`
    if name in ("GraphDrawing", "dot_binary"):
        from autograd.viz import render
        return getattr(render, name)
    raise AttributeError(f"module 'autograd.viz' has no attribute {name!r}")
