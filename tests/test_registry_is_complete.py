"""No differentiable op skips the harness: every ``Function`` subclass of the project's packages
must appear in the graph of some registry entry."""
import functools
import importlib
import pkgutil
import sys
import types

import pytest
from hypothesis import find, settings
from hypothesis.errors import NoSuchExample

from autograd import Function, Tensor
from autograd.ops import PRIMITIVES
from autograd.tape import nodes_of
from autograd.testing import to_tensors
from tests.op_registry import SPECS

PACKAGES = ("autograd", "nn", "optim")


def _import_all_modules():
    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, prefix=name + "."):
            importlib.import_module(info.name)


def _defined_at_module_level(cls):
    """True for a class reachable by name in its module (not one made inside a function or a doctest)."""
    module = sys.modules.get(cls.__module__)
    try:
        return functools.reduce(getattr, cls.__qualname__.split("."), module) is cls
    except AttributeError:
        return False


def project_functions(packages=PACKAGES):
    """Every concrete ``Function`` subclass defined at module level in ``packages``."""
    found, stack = set(), list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if (cls.__module__.split(".")[0] in packages and _defined_at_module_level(cls)
                and cls.forward is not Function.forward):
            found.add(cls)
    return found


def exercised_by(spec, examples=10):
    """The node classes found in the graphs of a few of the spec's cases."""
    seen = set()

    def record(case):
        args, kwargs = case
        out = spec.fn(*to_tensors(args), **kwargs)
        outs = out if isinstance(out, (tuple, list)) else (out,)
        seen.update(type(n) for n in nodes_of(*[o for o in outs if isinstance(o, Tensor)]))
        return False

    try:
        find(spec.cases, record, settings=settings(max_examples=examples, database=None,
                                                   derandomize=True, deadline=None))
    except NoSuchExample:
        pass
    return seen


@pytest.fixture(scope="module")
def exercised():
    classes = set()
    for spec in SPECS:
        classes |= exercised_by(spec)
    return classes


def test_every_project_function_is_exercised_by_the_registry(exercised):
    _import_all_modules()
    missing = project_functions() - exercised
    assert not missing, (
        "these differentiable ops have no entry in tests/op_registry (add an OpSpec whose graph "
        f"uses them): {sorted(f'{c.__module__}.{c.__qualname__}' for c in missing)}")


def test_every_primitive_of_autograd_ops_is_exercised(exercised):
    assert set(PRIMITIVES) <= exercised, sorted(c.__name__ for c in set(PRIMITIVES) - exercised)


def test_an_unregistered_function_is_reported():
    module = types.ModuleType("autograd._registry_probe")
    sys.modules[module.__name__] = module
    try:
        exec("from autograd import Function\n"
             "class Unlisted(Function):\n"
             "    def forward(self, x):\n"
             "        return x\n"
             "    def backward(self, g):\n"
             "        return g\n", module.__dict__)
        assert module.Unlisted in project_functions()
    finally:
        del sys.modules[module.__name__]


def test_functions_defined_in_tests_are_ignored():
    class TestOnly(Function):
        def forward(self, x):
            return x

        def backward(self, g):
            return g

    assert TestOnly not in project_functions()
