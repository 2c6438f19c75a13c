"""``save`` and ``load``: checkpoints as safetensors files, with no pickled code.

What can be saved: a Module (its ``state_dict()``), a state dict, or any nesting of dicts,
lists and tuples whose leaves are Tensors, numpy arrays, numbers, strings, bools or None (an
optimizer's state, an epoch counter). The arrays are the file's tensors, named by where they
sit (``0.weight`` for a model, ``model.0.weight`` and ``optimizer.state.0.exp_avg`` in a
training checkpoint); the structure around them is JSON in the file's metadata. So
``safetensors.torch.load_file(path)`` hands a saved model's weights straight to the same
PyTorch model, and ``nn.load`` of a safetensors file written by PyTorch gives a state dict.

Loading never unpickles: safetensors holds only raw tensors, and ``.npz`` files written by
earlier versions (``nn/legacy_npz.py``) are read with ``allow_pickle=False``. Saves are
atomic (``nn/atomic_files.py``): a failed or killed save leaves the previous file untouched.
"""
from __future__ import annotations

import json
import os
import struct
from collections import Counter
from typing import Any, Callable, Dict, Union

import numpy as np

from autograd.tensor import Tensor
from nn.atomic_files import remove_stale_temporaries, write_atomically
from nn.checkpoint_error import CheckpointError
from nn.legacy_npz import load_npz

FORMAT = "tapegrad-safetensors-1"
PathLike = Union[str, "os.PathLike[str]"]
__all__ = ["save", "load", "CheckpointError", "remove_stale_temporaries"]

# NOTE: what the safetensors format can hold; anything else is refused when saving
_SAFE_KINDS = "biuf"


def _encode(obj: Any, arrays: Dict[str, np.ndarray], key: str, where: str) -> Any:
    from nn.module import Module
    if isinstance(obj, Module):
        obj = obj.state_dict()
    if isinstance(obj, (Tensor, np.ndarray, np.generic)):
        arr = np.asarray(obj.data if isinstance(obj, Tensor) else obj)
        if arr.dtype.kind not in _SAFE_KINDS:
            raise TypeError(f"save: {where} is an array of dtype {arr.dtype}, which a checkpoint cannot "
                            f"hold without pickle (numbers and bools only)")
        name, n = key or "tensor", 1
        while name in arrays:
            name, n = f"{key}#{n}", n + 1
        # NOTE: not np.ascontiguousarray, which makes a 0-d array 1-d
        arrays[name] = arr if arr.flags.c_contiguous else arr.copy(order="C")
        return {"__array__": name, "tensor": isinstance(obj, Tensor)}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, Counter):
        # NOTE: kept a Counter (MultiStepLR's milestones): as a dict, a missing key raises
        return {"__counter__": _encode(dict(obj), arrays, key, where)}
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"save: dict keys must be str or int, got {k!r} at {where}")
            items.append([k, _encode(v, arrays, f"{key}.{k}" if key else str(k), f"{where}[{k!r}]")])
        return {"__dict__": items}
    if isinstance(obj, (list, tuple)):
        enc = [_encode(v, arrays, f"{key}.{i}" if key else str(i), f"{where}[{i}]") for i, v in enumerate(obj)]
        return {"__tuple__": enc} if isinstance(obj, tuple) else enc
    raise TypeError(f"save: cannot save {type(obj).__name__} at {where}; only Modules, Tensors, arrays, "
                    "numbers, strings, None and dicts/lists/tuples of them")


def _decode(obj: Any, array: Callable[[Any], np.ndarray]) -> Any:
    if isinstance(obj, list):
        return [_decode(v, array) for v in obj]
    if isinstance(obj, dict):
        if "__array__" in obj:
            arr = array(obj["__array__"])
            return Tensor(arr) if obj.get("tensor") else arr
        if "__dict__" in obj:
            return {k: _decode(v, array) for k, v in obj["__dict__"]}
        if "__tuple__" in obj:
            return tuple(_decode(v, array) for v in obj["__tuple__"])
        if "__counter__" in obj:
            return Counter(_decode(obj["__counter__"], array))
    return obj


def save(obj: Any, path: PathLike) -> None:
    """Write ``obj`` (a Module, a state dict or a nested checkpoint dict) to ``path`` atomically,
    as a safetensors file (whatever the file's extension).

    >>> import os, tempfile, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
    >>> net = nn.Linear(2, 3)
    >>> nn.save(net, path)
    >>> state = nn.load(path)
    >>> list(state), bool((state["weight"] == net.weight).all())
    (['weight', 'bias'], True)
    """
    from safetensors.numpy import save as to_bytes
    arrays: Dict[str, np.ndarray] = {}
    root = _encode(obj, arrays, "", "obj")
    data = to_bytes(arrays, metadata={"format": FORMAT, "structure": json.dumps(root)})
    write_atomically(os.fspath(path), lambda f: _write(f, data))


def _write(f: Any, data: bytes) -> None:
    # NOTE: a separate function so a test can make the write fail midway
    f.write(data)


def load(path: PathLike) -> Any:
    """Read a file written by ``save`` (or an ``.npz`` of earlier versions); a saved Module comes
    back as its state dict for ``model.load_state_dict``. A safetensors file written by another
    tool (``safetensors.torch.save_file`` of a PyTorch state dict) gives ``{name: Tensor}``.

    >>> import os, tempfile, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.safetensors")
    >>> nn.save({"epoch": 3, "lr": [0.1, 0.01]}, path)
    >>> nn.load(path)
    {'epoch': 3, 'lr': [0.1, 0.01]}
    """
    path = os.fspath(path)
    remove_stale_temporaries(path)
    with open(path, "rb") as f:
        head = f.read(9)
    name = os.path.basename(path)
    try:
        if head.startswith(b"PK"):
            return load_npz(path, _decode)
        if len(head) == 9 and head[8:9] == b"{":
            return _load_safetensors(path)
    except CheckpointError:
        raise
    except (EOFError, KeyError, ValueError, TypeError, UnicodeDecodeError, RecursionError, OSError) as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise CheckpointError(f"load: {path!r} is corrupt: {type(e).__name__}: {e}") from None
    except Exception as e:  # noqa: BLE001  (the safetensors library's own SafetensorError)
        raise CheckpointError(f"load: {path!r} is truncated or corrupt: {e}") from None
    if head.startswith(b"\x93NUMPY"):
        raise CheckpointError(f"load: {name!r} is a single numpy array (.npy), not a checkpoint: "
                              f"read it with numpy.load")
    if head[:1] == b"\x80":
        raise CheckpointError(f"load: {name!r} is a Python pickle (a PyTorch .pt/.pth file?), which "
                              f"nn.load never unpickles: in PyTorch, save model.state_dict() with "
                              f"safetensors.torch.save_file and nn.load that")
    raise CheckpointError(f"load: {name!r} is not a tapegrad checkpoint (neither a safetensors file "
                          f"nor an .npz archive)")


def _load_safetensors(path: str) -> Any:
    from safetensors import safe_open
    (header,) = struct.unpack("<Q", open(path, "rb").read(8))
    size = os.path.getsize(path)
    if header > size - 8:
        raise CheckpointError(f"load: {os.path.basename(path)!r} is truncated: its header claims "
                              f"{header} bytes, the file has {size - 8} after the length")
    with safe_open(path, framework="np") as f:
        meta = f.metadata() or {}
        if meta.get("format") != FORMAT:
            # NOTE: a plain safetensors state dict (PyTorch's weights): names to Tensors
            return {k: Tensor(f.get_tensor(k)) for k in f.keys()}
        return _decode(json.loads(meta["structure"]), f.get_tensor)
