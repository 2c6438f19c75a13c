"""``save`` and ``load``: checkpoints as numpy ``.npz`` files, with no pickled code.

What can be saved: a Module (its ``state_dict()``), a state dict, or any nesting of
dicts, lists and tuples whose leaves are Tensors, numpy arrays, numbers, strings, bools
or None (an optimizer's state, an epoch counter). Arrays go into the archive as
``arr_0``, ``arr_1``, ...; the structure around them goes into the entry
``__structure__`` as JSON. Loading uses ``allow_pickle=False``, so opening a
checkpoint can never run code.

A save writes a temporary file next to the target and moves it into place with
``os.replace`` (atomic on POSIX and Windows): if anything fails on the way, the
previous checkpoint is untouched. The file gets the permissions ``open(path, "w")`` would
give it: a new file ``0o666`` less the process's umask, a replaced one keeps its mode.
"""
from __future__ import annotations

import json
import os
import secrets
from typing import Any, Dict, List, Tuple, Union

import numpy as np

from autograd.tensor import Tensor

_STRUCTURE = "__structure__"
_FORMAT = "tapegrad-npz-1"
PathLike = Union[str, "os.PathLike[str]"]


def _encode(obj: Any, arrays: List[np.ndarray], where: str) -> Any:
    from nn.module import Module
    if isinstance(obj, Module):
        obj = obj.state_dict()
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):
        arr = np.asarray(obj.data if isinstance(obj, Tensor) else obj)
        if arr.dtype.kind == "O":
            raise TypeError(f"save: {where} is an object array, which cannot be saved without pickle")
        arrays.append(arr)
        return {"__array__": len(arrays) - 1, "tensor": isinstance(obj, Tensor)}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"save: dict keys must be str or int, got {k!r} at {where}")
            items.append([k, _encode(v, arrays, f"{where}[{k!r}]")])
        return {"__dict__": items}
    if isinstance(obj, (list, tuple)):
        enc = [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]
        return {"__tuple__": enc} if isinstance(obj, tuple) else enc
    raise TypeError(f"save: cannot save {type(obj).__name__} at {where}; only Modules, Tensors, arrays, "
                    "numbers, strings, None and dicts/lists/tuples of them")


def _decode(obj: Any, archive: Any) -> Any:
    if isinstance(obj, list):
        return [_decode(v, archive) for v in obj]
    if isinstance(obj, dict):
        if "__array__" in obj:
            arr = archive[f"arr_{obj['__array__']}"]
            return Tensor(arr) if obj.get("tensor") else arr
        if "__dict__" in obj:
            return {k: _decode(v, archive) for k, v in obj["__dict__"]}
        if "__tuple__" in obj:
            return tuple(_decode(v, archive) for v in obj["__tuple__"])
    return obj


def save(obj: Any, path: PathLike) -> None:
    """Write ``obj`` (a Module, a state dict or a nested checkpoint dict) to ``path`` atomically.

    >>> import os, tempfile, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> net = nn.Linear(2, 3)
    >>> nn.save(net, path)
    >>> state = nn.load(path)
    >>> list(state), bool((state["weight"] == net.weight).all())
    (['weight', 'bias'], True)
    """
    arrays: List[np.ndarray] = []
    structure = {"format": _FORMAT, "root": _encode(obj, arrays, "obj")}
    entries: Dict[str, np.ndarray] = {f"arr_{i}": a for i, a in enumerate(arrays)}
    entries[_STRUCTURE] = np.frombuffer(json.dumps(structure).encode("utf-8"), dtype=np.uint8)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = _create_temporary(directory, path)
    try:
        with os.fdopen(fd, "wb") as f:
            _write(f, entries)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _create_temporary(directory: str, path: str) -> Tuple[int, str]:
    """A new file beside ``path``, with the mode ``open(path, "w")`` would give ``path``."""
    # NOTE: os.open with 0o666 lets the kernel apply the umask, as open() does; tempfile.mkstemp
    # would make the checkpoint 0o600 whatever the umask
    while True:
        tmp = os.path.join(directory, f".tmp-{secrets.token_hex(8)}.npz")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
    except FileNotFoundError:
        pass
    return fd, tmp


def _write(f: Any, entries: Dict[str, np.ndarray]) -> None:
    # NOTE: a separate function so a test can make the write fail midway
    np.savez(f, **entries)  # type: ignore[arg-type]  # NOTE: numpy's stub fears a key named allow_pickle


def load(path: PathLike) -> Any:
    """Read a file written by ``save``; a saved Module comes back as its state dict
    (a dict of Tensors, in order) for ``model.load_state_dict``.

    >>> import os, tempfile, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
    >>> nn.save({"epoch": 3, "lr": [0.1, 0.01]}, path)
    >>> nn.load(path)
    {'epoch': 3, 'lr': [0.1, 0.01]}
    """
    path = os.fspath(path)
    with np.load(path, allow_pickle=False) as archive:
        if _STRUCTURE not in archive.files:
            raise ValueError(f"load: {path!r} is an .npz file but was not written by nn.save "
                             f"(no {_STRUCTURE} entry); its arrays are {archive.files}")
        structure = json.loads(archive[_STRUCTURE].tobytes().decode("utf-8"))
        if structure.get("format") != _FORMAT:
            raise ValueError(f"load: {path!r} has unknown format {structure.get('format')!r}")
        return _decode(structure["root"], archive)
