"""Circuit breakers: stop calling a failing backend for a while, so requests fail fast or degrade."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from .errors import Unavailable

__all__ = ["CircuitBreaker"]

T = TypeVar("T")


class CircuitBreaker:
    """Opens after ``threshold`` consecutive Unavailable errors; while open (``reset_after``
    seconds) calls raise Unavailable at once; then one trial call decides (half-open)."""

    def __init__(
        self, name: str, threshold: int = 5, reset_after: float = 5.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.name = name
        self._threshold = threshold
        self._reset_after = reset_after
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None and self._clock() - self._opened_at < self._reset_after

    def call(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """``fn(*args, **kwargs)``, or Unavailable at once while the breaker is open."""
        if self.is_open:
            raise Unavailable(f"{self.name} is unavailable (circuit open)")
        try:
            result = fn(*args, **kwargs)
        except Unavailable:
            with self._lock:
                self._failures += 1
                if self._failures >= self._threshold:
                    self._opened_at = self._clock()
            raise
        with self._lock:
            self._failures, self._opened_at = 0, None
        return result
