"""FailureCounter on Redis: a hash per key (count and time of the last failure) with expiry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...ports.caches import FailureCounter, Failures
from .client import RedisConnection, translated
from .keys import Keys
from .timelines import ttl_ms

__all__ = ["RedisFailures"]


class RedisFailures(RedisConnection, FailureCounter):
    _keys: Keys

    def failures(self, keys: Sequence[str]) -> list[Failures]:
        def build(pipe: Any) -> None:
            for key in keys:
                pipe.hmget(self._keys.failures(key), "n", "t")

        with translated("failures get"):
            found = self._pipelined(build) if keys else []
        return [Failures(int(n), float(t)) if n is not None else Failures() for n, t in found]

    def add_failure(self, keys: Sequence[str], at: float, ttl: float) -> None:
        def build(pipe: Any) -> None:
            for key in keys:
                name = self._keys.failures(key)
                pipe.hincrby(name, "n", 1)
                pipe.hset(name, "t", repr(at))
                pipe.pexpire(name, ttl_ms(ttl))

        with translated("failures add"):
            self._pipelined(build)

    def clear_failures(self, keys: Sequence[str]) -> None:
        def build(pipe: Any) -> None:
            for key in keys:
                pipe.delete(self._keys.failures(key))

        with translated("failures clear"):
            self._pipelined(build)
