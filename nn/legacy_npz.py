"""Reading the ``.npz`` checkpoints that earlier versions of ``nn.save`` wrote.

The archive holds ``arr_0``, ``arr_1``, ... and an ``__structure__`` entry with the JSON
structure around them. Every member is checked before numpy reads it, so a file that is not
such an archive, or one whose array header claims more bytes than the file holds, is refused
with a message before anything is allocated; ``allow_pickle=False`` means no code runs.
"""
from __future__ import annotations

import json
import os
import zipfile
from typing import Any, Callable

import numpy as np

from nn.checkpoint_error import CheckpointError

FORMAT = "tapegrad-npz-1"
STRUCTURE = "__structure__"


def load_npz(path: str, decode: Callable[[Any, Callable[[Any], np.ndarray]], Any]) -> Any:
    """The object saved at ``path``; ``decode(structure, array_for_reference)`` rebuilds it."""
    _check_archive(path)
    with np.load(path, allow_pickle=False) as archive:
        if STRUCTURE not in archive.files:
            raise CheckpointError(f"load: {path!r} is an .npz file but was not written by nn.save "
                                  f"(no {STRUCTURE} entry; its arrays are {archive.files}): read "
                                  f"it with numpy.load")
        structure = json.loads(archive[STRUCTURE].tobytes().decode("utf-8"))
        if not isinstance(structure, dict) or structure.get("format") != FORMAT:
            found = structure.get("format") if isinstance(structure, dict) else None
            raise CheckpointError(f"load: {path!r} has unknown format {found!r}")
        return decode(structure["root"], lambda ref: archive[f"arr_{ref}"])


def _check_archive(path: str) -> None:
    """Refuse, before numpy allocates anything, files that are not (intact) nn.save archives."""
    name = os.path.basename(path)
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
