"""Plain in-process counters and gauges the core keeps; adapters export them (e.g. Prometheus)."""

from __future__ import annotations

import collections
import threading

__all__ = ["Stats"]


class Stats:
    """Thread-safe named counters (only grow) and gauges (last value set)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: collections.Counter[str] = collections.Counter()
        self._gauges: dict[str, float] = {}

    def incr(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._counters[name] += amount

    def set(self, name: str, value: float) -> None:
        with self._lock:
            self._gauges[name] = value

    def counters(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counters)

    def gauges(self) -> dict[str, float]:
        with self._lock:
            return dict(self._gauges)
