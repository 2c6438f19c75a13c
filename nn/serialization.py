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

import glob
import json
import os
import secrets
import time
import zipfile
from collections import Counter
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
    if isinstance(obj, Counter):
        # NOTE: kept a Counter (MultiStepLR's milestones): as a dict, a missing key raises
        return {"__counter__": _encode(dict(obj), arrays, where)}
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
        if "__counter__" in obj:
            return Counter(_decode(obj["__counter__"], archive))
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
    remove_stale_temporaries(path)
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
        tmp = os.path.join(directory, f"{_temporary_prefix(path)}{os.getpid()}-{secrets.token_hex(6)}")
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


def _temporary_prefix(path: str) -> str:
    """What the temporaries of a save to ``path`` are named from: ``.model.npz.tmp-<pid>-<random>``."""
    return os.path.join(os.path.dirname(os.path.abspath(path)), f".{os.path.basename(path)}.tmp-")


def _writer_is_gone(tmp: str, prefix: str) -> bool:
    """Whether the process that began writing ``tmp`` no longer runs (its save cannot finish)."""
    pid_text = tmp[len(prefix):].split("-", 1)[0]
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    if os.name == "nt":
        # NOTE: os.kill(pid, 0) would send CTRL_C_EVENT on Windows; an hour-old temporary is stale
        return time.time() - os.path.getmtime(tmp) > 3600
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def remove_stale_temporaries(path: PathLike) -> List[str]:
    """Delete what killed saves to ``path`` left behind (their process is gone); return their names.

    ``save`` and ``load`` call it, so a crash mid-save costs disk space only until the next one.

    >>> import os, tempfile, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "m.npz")
    >>> open(os.path.join(os.path.dirname(path), ".m.npz.tmp-999999999-0"), "w").close()
    >>> [os.path.basename(p) for p in remove_stale_temporaries(path)]
    ['.m.npz.tmp-999999999-0']
    """
    prefix = _temporary_prefix(os.fspath(path))
    removed = []
    for tmp in glob.glob(glob.escape(prefix) + "*"):
        try:
            if _writer_is_gone(tmp, prefix):
                os.remove(tmp)
                removed.append(tmp)
        except OSError:
            pass           # NOTE: another process removed it first, or it is not ours to remove
    return removed


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
    remove_stale_temporaries(path)
    _check_archive(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            if _STRUCTURE not in archive.files:
                raise CheckpointError(f"load: {path!r} is an .npz file but was not written by nn.save "
                                      f"(no {_STRUCTURE} entry; its arrays are {archive.files}): read "
                                      f"it with numpy.load")
            structure = json.loads(archive[_STRUCTURE].tobytes().decode("utf-8"))
            if not isinstance(structure, dict) or structure.get("format") != _FORMAT:
                found = structure.get("format") if isinstance(structure, dict) else None
                raise CheckpointError(f"load: {path!r} has unknown format {found!r}")
            return _decode(structure["root"], archive)
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, EOFError, KeyError, ValueError, TypeError, UnicodeDecodeError,
            RecursionError, OSError) as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise CheckpointError(f"load: {path!r} is corrupt: {type(e).__name__}: {e}") from None


class CheckpointError(ValueError):
    """A file that ``nn.load`` cannot read: not a checkpoint, truncated or corrupt (the message says
    which, and names the file).

    >>> import os, tempfile, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("hello")
    >>> try:
    ...     nn.load(path)
    ... except nn.CheckpointError as e:
    ...     print(str(e).split(": ", 1)[1])
    'notes.txt' is not a tapegrad checkpoint (not a zip archive, as an .npz file is)
    """


def _check_archive(path: str) -> None:
    """Refuse, before numpy allocates anything, files that are not (intact) nn.save archives."""
    name = os.path.basename(path)
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\x93NUMPY"):
        raise CheckpointError(f"load: {name!r} is a single numpy array (.npy), not a checkpoint: "
                              f"read it with numpy.load")
    if head[:1] == b"\x80":
        raise CheckpointError(f"load: {name!r} is a Python pickle (a PyTorch .pt/.pth file?), which "
                              f"nn.load never unpickles: in PyTorch, save model.state_dict() with "
                              f"safetensors or as numpy arrays")
    if not head.startswith(b"PK"):
        raise CheckpointError(f"load: {name!r} is not a tapegrad checkpoint (not a zip archive, as "
                              f"an .npz file is)")
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
            names = [m.filename for m in members]
            if any(n.endswith("data.pkl") for n in names):
                raise CheckpointError(f"load: {name!r} is a PyTorch checkpoint (torch.save), which nn.load "
                                      f"never unpickles: load it with torch.load, then pass "
                                      f"{{k: v.numpy() for k, v in state.items()}} to load_state_dict")
            size = os.path.getsize(path)
            for m in members:
                _check_member(z, m, size, name)
    except zipfile.BadZipFile as e:
        raise CheckpointError(f"load: {name!r} is truncated or corrupt (its zip directory is unreadable: "
                              f"{e})") from None


def _check_member(z: zipfile.ZipFile, m: zipfile.ZipInfo, size: int, name: str) -> None:
    """An array member whose header claims more bytes than the file holds is corrupt."""
    if m.file_size > size and m.compress_type == zipfile.ZIP_STORED:
        raise CheckpointError(f"load: {name!r} is corrupt: entry {m.filename!r} claims {m.file_size} "
                              f"bytes in a file of {size}")
    if not m.filename.endswith(".npy"):
        return
    with z.open(m) as f:
        try:
            version = np.lib.format.read_magic(f)
            read = {(1, 0): np.lib.format.read_array_header_1_0,
                    (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read is None:
                return     # NOTE: a newer header version: numpy's own checks apply
            shape, _, dtype = read(f)
        except Exception as e:
            raise CheckpointError(f"load: {name!r} is corrupt: entry {m.filename!r} has no valid array "
                                  f"header ({e})") from None
    need = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
    if need > m.file_size:
        raise CheckpointError(f"load: {name!r} is corrupt or truncated: entry {m.filename!r} claims an "
                              f"array of shape {shape} ({need} bytes) but holds {m.file_size} bytes")
