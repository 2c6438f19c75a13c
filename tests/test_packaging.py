"""Packaging promises: the declared lower bounds are the ones CI tests, the packages ship py.typed,
the licence is stated once and the sdist carries what its tests need."""
import pathlib
import re
import sys

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = pathlib.Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]


def _lower_bounds(requirements):
    bounds = {}
    for req in requirements:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)\s*(;.*)?", req)
        assert m, f"pyproject.toml: {req!r} should be 'name>=version' so its bound can be tested"
        if m.group(3) is None:           # markers (python_version < '3.11') are not installed here
            bounds[m.group(1).lower()] = m.group(2)
    return bounds


def _pins():
    pins = {}
    for line in (ROOT / ".ci" / "min-versions.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


@pytest.mark.parametrize("group", ["dependencies", "dev"])
def test_every_lower_bound_is_pinned_for_the_minimum_versions_run(group):
    reqs = PROJECT["dependencies"] if group == "dependencies" else PROJECT["optional-dependencies"]["dev"]
    pins = _pins()
    for name, bound in _lower_bounds(reqs).items():
        assert name in pins, f".ci/min-versions.txt does not pin {name} (pyproject: >={bound})"
        assert pins[name].startswith(bound) and pins[name].split(".")[:len(bound.split("."))] == bound.split("."), (
            f"{name}: pyproject says >={bound}, .ci/min-versions.txt installs {pins[name]}")


def test_the_licence_is_mit_as_an_spdx_expression_with_its_file():
    assert PROJECT["license"] == "MIT"
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"]), "SPDX replaces licence classifiers"


@pytest.mark.parametrize("package", ["autograd", "nn", "optim"])
def test_each_package_is_marked_as_typed(package):
    assert (ROOT / package / "py.typed").is_file()


def test_the_sdist_manifest_includes_the_tests_notebooks_and_readme():
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    for needed in ("graft tests", "graft notebooks", "README.md", "LICENSE"):
        assert needed in manifest


def test_the_extras_the_readme_offers_exist():
    extras = PROJECT["optional-dependencies"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in re.findall(r"tapegrad\[(\w+)\]", readme):
        assert name in extras, f"README offers tapegrad[{name}], pyproject has no such extra"
    assert any(r.startswith("hypothesis") for r in extras["testing"])
    assert any(r.startswith("ipywidgets") for r in extras["notebooks"])
