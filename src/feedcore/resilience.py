"""Circuit breakers: stop calling a failing backend for a while, so requests fail fast or degrade.

Hand-written rather than pybreaker: feedcore counts only :class:`~feedcore.errors.Unavailable`
as a failure (a NotFound from a healthy store is an answer), needs an injected clock for tests,
and must admit exactly one trial call when half-open.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from .errors import Unavailable

__all__ = ["CircuitBreaker"]

T = TypeVar("T")
P = ParamSpec("P")


class CircuitBreaker:
    """Opens after ``threshold`` consecutive Unavailable errors; while open (``reset_after``
    seconds) calls raise Unavailable at once; then exactly one trial call goes through
    (half-open) while the others still fail fast: its success closes the breaker, its
    Unavailable opens it for another ``reset_after``."""

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
        self._trial_running = False

    @property
    def is_open(self) -> bool:
        """True while calls fail fast (open, or half-open with its trial call under way)."""
        with self._lock:
            return self._opened_at is not None and (self._waiting() or self._trial_running)

    def _waiting(self) -> bool:
        return self._opened_at is not None and self._clock() - self._opened_at < self._reset_after

    def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)``, or Unavailable at once while the breaker is open."""
        with self._lock:
            trial = self._opened_at is not None
            if trial and (self._waiting() or self._trial_running):
                raise Unavailable(f"{self.name} is unavailable (circuit open)")
            self._trial_running = trial
        try:
            result = fn(*args, **kwargs)
        except Unavailable:
            with self._lock:
                self._failures += 1
                if trial or self._failures >= self._threshold:
                    self._opened_at = self._clock()
                self._trial_running = False
            raise
        except BaseException:
            with self._lock:
                self._trial_running = False  # no verdict on the backend: the next caller tries
            raise
        with self._lock:
            self._failures, self._opened_at, self._trial_running = 0, None, False
        return result

    def best_effort(self, fn: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> bool:
        """Call ``fn`` through the breaker; False (and nothing raised) if it raised
        Unavailable or the breaker is open. For cache writes: cached entries expire by TTL and
        readers fall back to the store."""
        try:
            self.call(fn, *args, **kwargs)
        except Unavailable:
            return False
        return True
