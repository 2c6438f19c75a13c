"""Hypothesis profiles: ``ci`` (the default: few, derandomized examples, so the whole suite
stays fast on two cores) and ``thorough`` (``python -m pytest --hypothesis-profile=thorough``).

BLAS runs on one thread in the tests: their matrices are small, and a multi-threaded
OpenBLAS on a busy two-core machine made small matmuls hundreds of times slower."""
import functools
import inspect
import pathlib
import re

import numpy  # noqa: F401  (threadpoolctl limits only the BLAS libraries already loaded)
import pytest
from hypothesis import HealthCheck, settings
from threadpoolctl import threadpool_limits

_blas_limit = threadpool_limits(limits=1)

settings.register_profile(
    "ci", max_examples=8, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough", max_examples=200, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# NOTE: --hypothesis-profile on the command line is applied after this and wins
settings.load_profile("ci")


# NOTE: a test that needs the optional PyTorch oracle says so with pytest.importorskip("torch")
# (in its body, or at the top of its module); such tests get the ``torch`` marker here, so CI can
# run just them after installing torch (``python -m pytest -m torch``)
_NEEDS_TORCH = re.compile(r"""importorskip\(\s*["']torch["']""")


def _needs_torch(item) -> bool:
    function = getattr(item, "function", None)
    if function is None:
        return False
    try:
        if _NEEDS_TORCH.search(inspect.getsource(function)):
            return True
    except (OSError, TypeError):
        pass
    module = getattr(item, "module", None)
    module_file = getattr(module, "__file__", None)
    return bool(module_file) and _module_level_needs_torch(module_file)


@functools.lru_cache(maxsize=None)
def _module_level_needs_torch(path: str) -> bool:
    """True when the module itself (outside any function) calls importorskip('torch')."""
    import ast
    tree = ast.parse(pathlib.Path(path).read_text(encoding="utf-8"))
    top = [node for node in tree.body if not isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    return any(_NEEDS_TORCH.search(ast.unparse(node)) for node in top)


def pytest_collection_modifyitems(items):
    for item in items:
        if _needs_torch(item):
            item.add_marker(pytest.mark.torch)
