"""Stretches of code that must not wait on the system of record.

The HTTP adapter runs cache-only reads on its event loop thread (no thread hand-off); such a
read that turns out to need the store raises :class:`WouldBlock` instead of blocking the loop,
and the adapter runs it again on a worker thread. Backends whose calls block on I/O for long
(SQL) call :func:`check` before each database round trip; caches need not.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

__all__ = ["WouldBlock", "check", "forbidden"]

_forbidden: ContextVar[bool] = ContextVar("feedcore_blocking_forbidden", default=False)


class WouldBlock(BaseException):
    """Raised by :func:`check` inside :func:`forbidden`. A BaseException, like
    ``KeyboardInterrupt``, so that no ``except Exception`` on the way swallows it."""


@contextlib.contextmanager
def forbidden() -> Iterator[None]:
    """Within the block (in this thread or task), :func:`check` raises WouldBlock."""
    token = _forbidden.set(True)
    try:
        yield
    finally:
        _forbidden.reset(token)


def check(what: str) -> None:
    """Raise WouldBlock if blocking is forbidden here; ``what`` names the call (for logs)."""
    if _forbidden.get():
        raise WouldBlock(what)
