"""Drawings render to real SVG/PNG files and notebook output, with the system dot or graphviz-pure."""
from __future__ import annotations

import os
import pathlib
import stat
import sysconfig
import xml.etree.ElementTree as ET

import pytest
from graphviz.backend import dot_command

import autograd as ag
from autograd.viz.render import dot_binary

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _drawing():
    w = ag.tensor([0.5, -1.0], requires_grad=True)
    w.name = "w"
    y = (w * ag.tensor([2.0, 3.0])).sum().tanh()
    y.name = "y"
    return ag.draw_graph(y, show_grad="compute")


def _svg_root(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8") if isinstance(text, str) else text)


def test_render_writes_an_svg_file_that_parses_as_xml_with_an_svg_root(tmp_path):
    path = _drawing().render(str(tmp_path / "graph"), format="svg")
    root = ET.parse(path).getroot()
    assert path.endswith(".svg") and root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "tanh" in pathlib.Path(path).read_text()


def test_render_writes_a_png_file_that_starts_with_the_png_signature(tmp_path):
    path = _drawing().render(str(tmp_path / "graph"), format="png")
    data = pathlib.Path(path).read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 1000


def test_render_defaults_to_svg(tmp_path):
    path = _drawing().render(str(tmp_path / "graph"))
    assert path.endswith(".svg") and ET.parse(path).getroot().tag.endswith("svg")


def test_a_notebook_displays_the_drawing_as_inline_svg():
    bundle = _drawing()._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"]
    assert _svg_root(bundle["image/svg+xml"]).tag.endswith("svg")


def test_repr_svg_gives_the_same_picture_as_the_mimebundle():
    g = _drawing()
    assert _svg_root(g._repr_svg_()).tag.endswith("svg")


def test_each_node_of_the_drawing_is_in_the_rendered_svg():
    g = _drawing()
    svg = g.pipe(format="svg", encoding="utf-8")
    titles = {t.text for t in _svg_root(svg).iter("{http://www.w3.org/2000/svg}title")}
    assert {"op_1", "op_2", "op_3", "v_3", "leaf_0", "leaf_1"} <= titles


def test_without_a_system_dot_the_graphviz_pure_binary_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot here
    assert os.path.basename(dot_binary()).startswith("graphviz-pure")
    path = _drawing().render(str(tmp_path / "graph"), format="png")
    assert pathlib.Path(path).read_bytes()[:8] == PNG_SIGNATURE


def test_a_system_dot_on_path_is_preferred(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    marker = tmp_path / "dot-was-called"
    real = dot_binary()  # whatever renders on this machine; the fake dot records the call, then delegates
    fake = bindir / "dot"
    fake.write_text(f'#!/bin/sh\ntouch "{marker}"\nexec "{real}" "$@"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    assert dot_binary() == str(fake)
    path = _drawing().render(str(tmp_path / "graph"), format="svg")
    assert marker.exists() and ET.parse(path).getroot().tag.endswith("svg")


def test_graphviz_pure_refuses_pdf_with_a_message_naming_the_renderer_and_formats(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ValueError, match=r"graphviz-pure renderer .* cannot write format 'pdf'; use one of .*svg"):
        _drawing().render(str(tmp_path / "graph"), format="pdf")


def test_with_no_renderer_at_all_rendering_raises_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    real_get_path = sysconfig.get_path
    monkeypatch.setattr(sysconfig, "get_path",
                        lambda name, *a, **k: str(tmp_path) if name == "scripts" else real_get_path(name, *a, **k))
    with pytest.raises(RuntimeError, match=r"found neither Graphviz's `dot` on PATH nor the `graphviz-pure`"):
        _drawing().pipe(format="svg")


def test_rendering_leaves_the_graphviz_packages_own_dot_setting_unchanged(tmp_path):
    before = dot_command.DOT_BINARY
    _drawing().render(str(tmp_path / "graph"), format="svg")
    assert dot_command.DOT_BINARY == before == pathlib.Path("dot")


def test_rendered_svg_nodes_carry_classes_a_notebook_can_style():
    svg = _drawing().pipe(format="svg", encoding="utf-8")
    classes = {g.get("class") for g in _svg_root(svg).iter("{http://www.w3.org/2000/svg}g")}
    assert {"node param", "node constant", "node op", "node output"} <= classes


def test_a_non_ascii_name_renders_into_the_svg_without_warnings(capfd):
    w = ag.tensor(1.0, requires_grad=True)
    w.name = "θ"
    svg = ag.draw_graph(w * 2).pipe(format="svg", encoding="utf-8")
    assert "θ" in svg and capfd.readouterr().err == ""


def test_importing_autograd_does_not_import_graphviz_until_a_drawing_is_made():
    import subprocess
    import sys
    code = ("import sys, autograd as ag; before = 'graphviz' in sys.modules; "
            "ag.draw_graph(ag.ones(2, requires_grad=True).sum()); print(before, 'graphviz' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
