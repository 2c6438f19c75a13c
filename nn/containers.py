"""Containers: ``Sequential`` (a chain), ``ModuleList`` and ``ModuleDict`` (registered collections)."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, Iterable, Iterator, Optional, Union

from nn.module import Module


def _check_module(owner: str, m: Any, where: Any) -> None:
    if not isinstance(m, Module):
        raise TypeError(f"{owner}: item {where!r} is a {type(m).__name__}, not an nn.Module")


class Sequential(Module):
    """Modules applied one after the other; children are named ``0``, ``1``, ... (or by an OrderedDict).

    >>> import autograd as ag, nn
    >>> net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    >>> net(ag.zeros(2, 3)).shape
    (2, 1)
    >>> net
    Sequential(
      (0): Linear(in_features=3, out_features=4, bias=True)
      (1): ReLU()
      (2): Linear(in_features=4, out_features=1, bias=True)
    )
    """

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], (dict, OrderedDict)):
            for name, m in modules[0].items():
                _check_module("Sequential", m, name)
                self.add_module(str(name), m)
        else:
            for i, m in enumerate(modules):
                _check_module("Sequential", m, i)
                self.add_module(str(i), m)

    def forward(self, x: Any) -> Any:
        for m in self._modules.values():
            x = m(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, idx: Union[int, slice]) -> Any:
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return Sequential(OrderedDict(items[idx]))
        try:
            return items[idx][1]
        except (IndexError, TypeError):
            raise IndexError(f"Sequential: index {idx!r} is out of range for {len(items)} modules") from None

    def append(self, module: Module) -> "Sequential":
        """Add ``module`` at the end (named by its position)."""
        _check_module("Sequential.append", module, len(self))
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    """A list of modules whose parameters are registered (names ``0``, ``1``, ...).

    >>> import nn
    >>> layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    >>> len(layers), len(list(layers.parameters()))
    (3, 6)
    """

    def __init__(self, modules: Optional[Iterable[Module]] = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _renumber(self, items: list) -> None:
        for k in list(self._modules):
            delattr(self, k)
        for i, m in enumerate(items):
            self.add_module(str(i), m)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, idx: Union[int, slice]) -> Any:
        items = list(self._modules.values())
        if isinstance(idx, slice):
            return ModuleList(items[idx])
        try:
            return items[idx]
        except (IndexError, TypeError):
            raise IndexError(f"ModuleList: index {idx!r} is out of range for {len(items)} modules") from None

    def __setitem__(self, idx: int, module: Module) -> None:
        _check_module("ModuleList", module, idx)
        items = list(self._modules.values())
        items[idx] = module
        self._renumber(items)

    def __delitem__(self, idx: Union[int, slice]) -> None:
        items = list(self._modules.values())
        del items[idx]
        self._renumber(items)

    def append(self, module: Module) -> "ModuleList":
        _check_module("ModuleList.append", module, len(self))
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        _check_module("ModuleList.insert", module, index)
        items = list(self._modules.values())
        items.insert(index, module)
        self._renumber(items)


class ModuleDict(Module):
    """A dict of modules whose parameters are registered under their keys.

    >>> import nn
    >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "reg": nn.Linear(4, 1)})
    >>> sorted(heads.keys()), list(heads.state_dict())[:2]
    (['cls', 'reg'], ['cls.weight', 'cls.bias'])
    """

    def __init__(self, modules: Optional[Dict[str, Module]] = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        try:
            return self._modules[key]
        except KeyError:
            raise KeyError(f"ModuleDict: no module {key!r}; keys are {list(self._modules)}") from None

    def __setitem__(self, key: str, module: Module) -> None:
        _check_module("ModuleDict", module, key)
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        delattr(self, key)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def keys(self) -> Iterable[str]:
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        return self._modules.values()

    def items(self) -> Iterable:
        return self._modules.items()

    def update(self, modules: Dict[str, Module]) -> None:
        for k, m in dict(modules).items():
            self[k] = m
