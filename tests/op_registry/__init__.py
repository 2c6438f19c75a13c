"""The gradient-test registry: ``SPECS`` gathers the ``SPECS`` list of every module in this package.

Add an area by adding a module with a ``SPECS`` list of ``OpSpec`` (see ``spec.py``);
nothing else needs to change.
"""
from __future__ import annotations

import importlib
import pkgutil

from tests.op_registry.spec import OpSpec


def _collect() -> list:
    specs, seen = [], {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for spec in getattr(module, "SPECS", []):
            if not isinstance(spec, OpSpec):
                raise TypeError(f"{module.__name__}.SPECS holds a {type(spec).__name__}, not an OpSpec")
            if spec.name in seen:
                raise ValueError(f"registry: op spec name {spec.name!r} is used by both "
                                 f"{seen[spec.name]} and {module.__name__}")
            seen[spec.name] = module.__name__
            specs.append(spec)
    return specs


#: every registered op, from every module of this package
SPECS = _collect()
