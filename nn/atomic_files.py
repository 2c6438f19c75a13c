"""Files written atomically beside their target, and what killed writes leave behind.

A save writes a temporary file next to the target and moves it into place with
``os.replace`` (atomic on POSIX and Windows): if anything fails on the way, the previous
file is untouched. The file gets the permissions ``open(path, "w")`` would give it: a new
file ``0o666`` less the process's umask, a replaced one keeps its mode. A temporary is named
after its target and the writing process (``.model.safetensors.tmp-<pid>-<random>``), so the
next save or load of the same target removes those whose process is gone.
"""
from __future__ import annotations

import glob
import os
import secrets
import time
from typing import Any, Callable, List, Tuple, Union

PathLike = Union[str, "os.PathLike[str]"]


def write_atomically(path: str, write: Callable[[Any], None]) -> None:
    """Call ``write(file)`` on a temporary beside ``path``, then move it into place."""
    directory = os.path.dirname(os.path.abspath(path))
    remove_stale_temporaries(path)
    fd, tmp = _create_temporary(directory, path)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
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
    >>> from nn.atomic_files import remove_stale_temporaries
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
