"""Grad mode: whether applying an op records it on the tape.

The switch is thread-local, so a ``no_grad()`` block in one thread never turns
recording off in another.
"""
from __future__ import annotations

import functools
import threading
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradState(threading.local):
    enabled: bool = True  # NOTE: a class default, so every new thread starts with grad on


_state = _GradState()


def is_grad_enabled() -> bool:
    """Whether ops applied now are recorded for backward.

    >>> import autograd as ag
    >>> ag.is_grad_enabled()
    True
    """
    return _state.enabled


class _GradModeContext:
    """Base of the grad-mode switches: a context manager and a decorator."""

    _mode: bool

    def __enter__(self) -> None:
        self._prev = _state.enabled
        _state.enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev

    def __call__(self, fn: F) -> F:
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = _state.enabled
            _state.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                _state.enabled = prev

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """Context manager and decorator that turns recording off.

    >>> import autograd as ag
    >>> w = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> with ag.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """

    _mode = False


class enable_grad(_GradModeContext):
    """Context manager and decorator that turns recording back on inside ``no_grad``.

    >>> import autograd as ag
    >>> w = ag.tensor(1.0, requires_grad=True)
    >>> with ag.no_grad():
    ...     with ag.enable_grad():
    ...         y = w * 2
    >>> y.requires_grad
    True
    """

    _mode = True


class set_grad_enabled(_GradModeContext):
    """Set grad mode to ``mode``; takes effect at once, and as a context manager restores on exit.

    >>> import autograd as ag
    >>> with ag.set_grad_enabled(False):
    ...     ag.is_grad_enabled()
    False
    >>> ag.is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)
        self._prev = _state.enabled
        _state.enabled = self._mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev
