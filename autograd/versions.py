"""In-place safety: one clock, and version counts kept by whoever owns the memory.

A backward rule may read arrays that forward saved (an input, or the output).
If one of them is changed in place between forward and backward, the rule
would silently compute a wrong gradient; this module makes backward refuse
instead. The whole mechanism is three calls:

- ``tick()`` gives the time at which a node is recorded (its ``seq``);
- ``bump(owner)`` records an in-place write to the memory ``owner`` holds;
- ``check(node)`` raises if an array ``node`` saved was written after ``node.seq``.

The *owner* of an array is the leaf Tensor or the node that made it; views
(reshape, basic indexing, ``detach``) point at the owner of the memory they see
(``_vown``), so they share one count. Tensor and Function both derive from
``Versioned``, whose three slots are set when an object is made: ``_ver`` (how
many writes: ``Tensor._version``), ``_stamp`` (the time of the latest write)
and ``_vown`` (the owner, when it is not the object itself).

Which arrays does a node read? Those it saved. A node that saved an array is
checked against its inputs' owners (a saved mask or shape derived from them
cannot tell), and a node whose output is among its saved arrays is checked
against its own stamp. Nothing to declare per op: an op that saves only shapes
and axes is never checked, one that saves its output always is.
"""
from __future__ import annotations

import itertools
import weakref
from typing import Any

import numpy as np

#: one clock for recording and writing: a node's ``seq`` and an owner's ``_stamp`` are times on it
_clock = itertools.count(1)
#: the time of the latest in-place write anywhere (0: none yet)
_last_write = [0]

tick = _clock.__next__


class Versioned:
    """What an owner of memory carries: a write count, the time of the latest write, its owner."""

    __slots__ = ("_ver", "_stamp", "_vown")

    # NOTE: the slots' types, for type checkers (an annotation without a value adds no class
    # attribute, so it does not clash with the slots)
    _ver: int
    _stamp: int
    _vown: Any  # None (its own owner), the owner, or a weak reference to it


def owner(x: Versioned) -> Versioned:
    """Who counts in-place writes to ``x``'s memory: the leaf or node that made the array it views."""
    o = x._vown
    if o is None:
        return x
    if o.__class__ is weakref.ref:      # NOTE: held weakly by a detached tensor (Tensor.detach)
        o = o()
        return x if o is None else o    # NOTE: the node died: nothing recorded reads the memory
    return o


def held_owner(x: Versioned) -> Any:
    """``owner(x)`` as ``x`` holds it: a weak reference (a detached tensor's) stays weak, so a
    view of a detached tensor does not bring the graph behind it back to life."""
    o = x._vown
    return x if o is None else o


def bump(owner: Any) -> None:
    """Record one in-place write to the memory that ``owner`` (a leaf Tensor or a node) holds."""
    owner._ver += 1
    _last_write[0] = owner._stamp = tick()


def check(node: Any) -> None:
    """Refuse a backward whose saved arrays were changed in place since ``node`` was recorded."""
    if _last_write[0] < node.seq:
        return  # NOTE: no write at all since the node was recorded: the common case, one test
    saved = [s for s in node.saved if isinstance(s, np.ndarray)]
    if not saved:
        return  # NOTE: only shapes and axes were saved (Sum, Reshape, ...): nothing can be stale
    then = node.seq
    for p in node.parents:
        if isinstance(p, Versioned) and owner(p)._stamp > then:  # NOTE: raw numbers own nothing
            raise _modified_error(node, "an input")
    out = node.out
    if node._stamp > then and any(s is out or s is out.base for s in saved):
        raise _modified_error(node, "its output")  # NOTE: or the buffer it is a view of (LSTM)


def _modified_error(node: Any, what: str) -> RuntimeError:
    return RuntimeError(
        f"an array saved for the backward of {node.name} ({what}) was modified in place after "
        "it was recorded; compute into a new tensor instead of using +=, [...] = or .data -= "
        "before backward"
    )
