"""The public API: each package lists it in ``__all__``, and nothing private leaks into it.

Pinned here for every package: ``__all__`` exists and names only things that exist; each
function, class and module named there has a docstring; ``from pkg import *`` gives exactly
``__all__``; no module is exported but the documented subpackages; no numpy, typing or
``__future__`` name is reachable as a public attribute; every function or class that the
package imports from its own modules is exported. Every public member of ``Tensor`` has
a docstring and type hints.
"""
import __future__
import importlib
import inspect
import types
import typing

import numpy as np
import pytest

#: package -> the subpackages/modules its ``__all__`` may name (each documented in the README)
DOCUMENTED_SUBMODULES = {
    "autograd": {"ops", "check", "viz"},
    "autograd.ops": set(),
    "autograd.check": set(),
    "autograd.viz": set(),
    "autograd.testing": set(),
    "nn": {"init", "functional", "data", "models", "training", "metrics"},
    "nn.functional": set(),
    "nn.layers": set(),
    "nn.data": {"datasets", "transforms"},
    "nn.models": set(),
    "nn.training": {"metrics"},
    "optim": {"lr_scheduler", "schedules"},
}
PACKAGES = sorted(DOCUMENTED_SUBMODULES)


def _public(mod):
    return {n: getattr(mod, n) for n in dir(mod) if not n.startswith("_")}


@pytest.mark.parametrize("name", PACKAGES)
def test_the_package_lists_its_api_in_all_without_duplicates(name):
    mod = importlib.import_module(name)
    assert isinstance(mod.__all__, list) and all(isinstance(n, str) for n in mod.__all__)
    assert len(mod.__all__) == len(set(mod.__all__)), sorted(n for n in mod.__all__ if mod.__all__.count(n) > 1)


@pytest.mark.parametrize("name", PACKAGES)
def test_every_name_in_all_exists(name):
    mod = importlib.import_module(name)
    assert [n for n in mod.__all__ if not hasattr(mod, n)] == []


@pytest.mark.parametrize("name", PACKAGES)
def test_every_function_class_and_module_in_all_has_a_docstring(name):
    mod = importlib.import_module(name)
    undocumented = [n for n in mod.__all__
                    if isinstance(getattr(mod, n), (types.FunctionType, type, types.ModuleType))
                    and not (getattr(mod, n).__doc__ or "").strip()]
    assert undocumented == []


@pytest.mark.parametrize("name", PACKAGES)
def test_star_import_gives_exactly_all(name):
    namespace: dict = {}
    exec(f"from {name} import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(importlib.import_module(name).__all__)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_exports_no_module_but_the_documented_subpackages(name):
    mod = importlib.import_module(name)
    modules = {n for n in mod.__all__ if isinstance(getattr(mod, n), types.ModuleType)}
    assert modules == DOCUMENTED_SUBMODULES[name]


@pytest.mark.parametrize("name", PACKAGES)
def test_no_foreign_module_typing_or_future_name_is_a_public_attribute(name):
    mod = importlib.import_module(name)
    leaks = sorted(
        n for n, v in _public(mod).items()
        if (isinstance(v, types.ModuleType) and not v.__name__.startswith(name + "."))
        or getattr(v, "__module__", None) == "typing" or v is typing.Any
        or isinstance(v, __future__._Feature) or v is np
    )
    assert leaks == []


@pytest.mark.parametrize("name", PACKAGES)
def test_every_function_and_class_imported_from_the_package_itself_is_exported(name):
    mod = importlib.import_module(name)
    hidden = sorted(n for n, v in _public(mod).items()
                    if isinstance(v, (types.FunctionType, type))
                    and (v.__module__ == name or v.__module__.startswith(name + "."))
                    and n not in mod.__all__)
    assert hidden == []


def test_the_names_autograd_promises_are_exported():
    import autograd as ag
    promised = {"Tensor", "Function", "backward", "grad", "no_grad", "tape", "draw_graph",
                "gradcheck", "gradgradcheck", "gradcheck_module", "GradcheckError", "tensor",
                "exp", "sum", "matmul", "ops"}
    assert promised <= set(ag.__all__)


def test_autograd_testing_still_gives_the_strategies_and_check_op():
    pytest.importorskip("hypothesis")
    from autograd.testing import arrays, broadcastable_shapes, check_op, shapes  # noqa: F401
    from autograd.check.strategies import arrays as moved
    assert arrays is moved


def _tensor_members():
    from autograd import Tensor
    for n in sorted(dir(Tensor)):
        if n.startswith("_"):
            continue
        attr = inspect.getattr_static(Tensor, n)
        yield n, attr


def test_every_public_tensor_member_has_a_docstring():
    undocumented = [n for n, attr in _tensor_members()
                    if isinstance(attr, (types.FunctionType, property))
                    and not ((attr.fget if isinstance(attr, property) else attr).__doc__ or "").strip()]
    assert undocumented == []


def _fully_hinted(fn):
    params = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
    return "return" in fn.__annotations__ and all(p.name in fn.__annotations__ for p in params)


def test_every_public_tensor_member_has_type_hints():
    unhinted = [n for n, attr in _tensor_members()
                if isinstance(attr, (types.FunctionType, property))
                and not _fully_hinted(attr.fget if isinstance(attr, property) else attr)]
    assert unhinted == []


def test_every_public_autograd_function_has_a_docstring_and_type_hints():
    import autograd as ag
    bad = [n for n in ag.__all__ if isinstance(getattr(ag, n), types.FunctionType)
           and not ((getattr(ag, n).__doc__ or "").strip() and _fully_hinted(getattr(ag, n)))]
    assert bad == []
