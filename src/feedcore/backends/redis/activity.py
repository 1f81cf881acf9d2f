"""ActivityCounter on Redis: a HyperLogLog per day (PFADD, PFCOUNT), expiring at a fixed time."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from redis.cluster import RedisCluster

from ...ports.analytics import ActivityCounter
from .client import RedisConnection, translated
from .keys import Keys

__all__ = ["RedisActivity"]

DAY = 86400


class RedisActivity(RedisConnection, ActivityCounter):
    _keys: Keys

    def add_active(self, marks: Mapping[int, Collection[int]], keep_days: int) -> None:
        """PFADD and EXPIREAT per day, in one pipeline (a day past its keeping time expires at once)."""
        marked = {day: ids for day, ids in marks.items() if ids}
        if not marked:
            return

        def build(pipe: Any) -> None:
            for day, user_ids in marked.items():
                key = self._keys.active(day)
                pipe.pfadd(key, *user_ids)
                pipe.expireat(key, (day + 1 + keep_days) * DAY)

        with translated("active add"):
            self._pipelined(build)

    def count_active(self, spans: Sequence[Collection[int]]) -> list[int]:
        """One PFCOUNT per span (its days' keys share a hash tag, so one slot), in one pipeline
        (Redis Cluster's client pipelines no PFCOUNT: there, one round trip per span)."""
        wanted = [[self._keys.active(day) for day in span] for span in spans if span]

        def build(pipe: Any) -> None:
            for keys in wanted:
                pipe.pfcount(*keys)

        with translated("active count"):
            if isinstance(self._client, RedisCluster):
                found = [self._command("PFCOUNT", *keys) for keys in wanted]
            else:
                found = self._pipelined(build) if wanted else []
        counts = iter(found)
        return [int(next(counts)) if span else 0 for span in spans]
