"""A small per-process cache in front of the shared caches, for values read on every request
and rarely changed (user cards, pull-author lists, live sessions, verified access tokens).

Each process keeps what it read for ``ttl`` seconds. A change made through this process
forgets its entry at once; a change made by another process is seen after at most ``ttl``.
The shared cache and the store stay the source of truth; ``ttl=0`` turns the near cache off.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

import cachetools

__all__ = ["NearCache"]

K = TypeVar("K")
V = TypeVar("V")

_MISSING: Any = object()


class NearCache(Generic[K, V]):
    """A thread-safe TTL cache of at most ``size`` entries, timed by ``clock`` (seconds)."""

    def __init__(self, ttl: float, size: int, clock: Callable[[], float]) -> None:
        self._entries: cachetools.TTLCache[K, V] | None = (
            cachetools.TTLCache(maxsize=size, ttl=ttl, timer=clock) if ttl > 0 and size > 0 else None
        )
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[K]) -> dict[K, V]:
        if self._entries is None:
            return {}
        with self._lock:
            entries = self._entries
            # one clock reading per lookup (TTLCache.get freezes its timer): an entry that
            # expires between a membership test and a read would raise KeyError
            found = ((k, entries.get(k, _MISSING)) for k in keys)
            return {k: v for k, v in found if v is not _MISSING}

    def set_many(self, values: Mapping[K, V]) -> None:
        if self._entries is not None and values:
            with self._lock:
                self._entries.update(values)

    def delete_many(self, keys: Iterable[K]) -> None:
        if self._entries is not None:
            with self._lock:
                for k in keys:
                    self._entries.pop(k, None)
