"""A bounded pool of reusable scratch arrays for the library's own large temporaries.

Ops such as im2col, col2im and pooling make multi-megabyte temporaries every
training step. glibc hands freed blocks of that size back to the operating
system, so each step faults the same memory in again (zeroed page by page by
the kernel): several thousand page faults and milliseconds per CNN step.
PyTorch avoids them with a caching allocator; this module is the small version
of that idea for numpy::

    cols = workspace.empty((n, k), np.float32)   # a recycled buffer when one is free

# NOTE: reuse is safe by construction. The pool keeps flat buffers and hands out
# reshaped views of them. A buffer is handed out again only when the pool's own
# reference is the only one left (``sys.getrefcount``): every numpy view keeps its
# base alive, so a buffer that is still visible anywhere (saved by a graph node for
# backward, returned to a user inside a Tensor, viewed by an as_strided window, held
# in a local variable) has extra references and is never recycled. Whoever asks for
# a buffer therefore cannot tell it from ``np.empty`` except by its contents, which
# are arbitrary (``zeros`` clears them).

Bounded: at most ``PER_SIZE`` buffers per (size, dtype), and all kept buffers
together at most ``limit()`` bytes; when a new buffer would exceed the limit, the
least recently used free buffers are dropped first, and if that is not enough the
new buffer is simply not kept. Requests smaller than ``MIN_BYTES`` are plain
``np.empty`` calls (small blocks are recycled well by malloc already).
``set_limit(0)`` turns the pool off; ``clear()`` drops every free buffer.
"""
from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from typing import Any, Dict, List, Tuple

import numpy as np

#: requests below this many bytes bypass the pool
MIN_BYTES = 64 * 1024
#: at most this many buffers of one (size, dtype) are kept
PER_SIZE = 16

_getrefcount = sys.getrefcount
_empty = np.empty
_lock = threading.Lock()
# NOTE: (size, dtype) -> buffers; the order is recency of use, oldest first, for eviction
_pool: "OrderedDict[Tuple[int, np.dtype], List[np.ndarray]]" = OrderedDict()
_state: Dict[str, int] = {"limit": 256 * 2 ** 20, "kept": 0, "hits": 0, "misses": 0}


def _refs_when_free() -> int:
    """What ``sys.getrefcount`` reports for a buffer only the pool holds, in ``_take``'s loop.

    Measured rather than assumed, with the loop written exactly as in ``_take``: the
    count includes the loop variable and the call's argument, and interpreters differ.
    """
    bucket = [_empty(1)]
    for a in bucket:
        return _getrefcount(a)
    return 0  # pragma: no cover


_FREE = _refs_when_free()


def _take(bucket: List[np.ndarray]) -> Any:
    for a in bucket:
        if _getrefcount(a) <= _FREE:
            return a
    return None


def _evict(need: int) -> None:
    """Drop free buffers, least recently used sizes first, until ``need`` more bytes fit."""
    limit = _state["limit"]
    for key in list(_pool):
        if _state["kept"] + need <= limit:
            return
        bucket = _pool[key]
        for a in list(bucket):
            if _getrefcount(a) <= _FREE + 1:  # NOTE: + 1 for the list() copy's reference
                bucket.remove(a)
                _state["kept"] -= a.nbytes
                if _state["kept"] + need <= limit:
                    break
        if not bucket:
            del _pool[key]


def empty(shape: Any, dtype: Any = np.float32) -> np.ndarray:
    """An uninitialised C-contiguous array of ``shape``: a free pooled buffer if there is one.

    >>> import numpy as np
    >>> a = empty((512, 512), np.float32)
    >>> a.shape, a.dtype, a.flags.c_contiguous
    ((512, 512), dtype('float32'), True)
    """
    dtype = np.dtype(dtype)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    size = 1
    for s in shape:
        size *= s
    nbytes = size * dtype.itemsize
    if nbytes < MIN_BYTES or _state["limit"] <= 0:
        return _empty(shape, dtype)
    key = (size, dtype)
    with _lock:
        bucket = _pool.get(key)
        if bucket is not None:
            buf = _take(bucket)
            _pool.move_to_end(key)
            if buf is not None:
                _state["hits"] += 1
                return buf.reshape(shape)
        _state["misses"] += 1
        buf = _empty(size, dtype)
        if bucket is not None and len(bucket) >= PER_SIZE:
            return buf.reshape(shape)
        if _state["kept"] + nbytes > _state["limit"]:
            _evict(nbytes)
            if _state["kept"] + nbytes > _state["limit"]:
                return buf.reshape(shape)
        if bucket is None:
            bucket = _pool[key] = []
        bucket.append(buf)
        _state["kept"] += nbytes
        return buf.reshape(shape)


def zeros(shape: Any, dtype: Any = np.float32) -> np.ndarray:
    """Like ``empty``, filled with zeros.

    >>> float(zeros((256, 256)).sum())
    0.0
    """
    a = empty(shape, dtype)
    a.fill(0)
    return a


def set_limit(nbytes: int) -> int:
    """Keep at most ``nbytes`` of buffers (0 turns the pool off); returns the previous limit."""
    if isinstance(nbytes, bool) or not isinstance(nbytes, (int, np.integer)) or nbytes < 0:
        raise ValueError(f"workspace.set_limit: nbytes must be an int >= 0, got {nbytes!r}")
    with _lock:
        old = _state["limit"]
        _state["limit"] = int(nbytes)
        _evict(0)
    return old


def limit() -> int:
    """The most bytes of buffers the pool keeps."""
    return _state["limit"]


def clear() -> None:
    """Forget every buffer; those still in use live on as ordinary arrays."""
    with _lock:
        _pool.clear()
        _state["kept"] = 0


def stats() -> Dict[str, int]:
    """``buffers`` and ``bytes`` kept, ``in_use`` of them, and ``hits``/``misses`` of ``empty``."""
    with _lock:
        bufs = [a for bucket in _pool.values() for a in bucket]
        # NOTE: each buffer here is referenced by its bucket, ``bufs`` and the loop variable
        in_use = sum(1 for a in bufs if _getrefcount(a) > _FREE + 1)
        return {"buffers": len(bufs), "bytes": _state["kept"], "in_use": in_use,
                "hits": _state["hits"], "misses": _state["misses"]}
