"""MemoryCache: every cache port in this process, thread-safe, timed by an injected clock.

The embedded default (``memory://``): a real, supported cache, not a test double. Expired
entries vanish when read and are swept out at most once a minute (of clock time).
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Self

import attrs

from ...errors import InvalidInput
from ...gcra import charged, gcra
from ...ports.caches import Failures, RateDecision, Timeline, TimelineSlice
from ...ports.roles import Cache
from ...settings import Settings

__all__ = ["MemoryCache"]

_SWEEP_EVERY = 60.0
DAY = 86400.0


@attrs.define
class _Feed:
    ids: list[int]  # ascending, unique
    expires_at: float
    complete: bool


class MemoryCache(Cache):
    """TimelineCache, ContentCache, RateLimiter, FailureCounter and ActivityCounter (exact
    sets) in memory.

    ``clock`` returns seconds since the epoch; TTLs and rate limits use it.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._feeds: dict[tuple[Timeline, int], _Feed] = {}
        self._content: dict[tuple[str, int], tuple[bytes, float]] = {}
        self._tats: dict[str, float] = {}
        self._failures: dict[str, tuple[Failures, float]] = {}  # key -> (failures, expires at)
        self._active: dict[int, tuple[set[int], float]] = {}  # day -> (user ids, expires at)
        self._next_sweep = clock() + _SWEEP_EVERY

    @classmethod
    def from_url(cls, url: str, settings: Settings) -> Self:
        return cls()

    # -- bookkeeping (call with the lock held) --------------------------------------------

    def _now(self) -> float:
        now = self._clock()
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_EVERY
            self._feeds = {k: f for k, f in self._feeds.items() if f.expires_at > now}
            self._content = {k: v for k, v in self._content.items() if v[1] > now}
            self._tats = {k: t for k, t in self._tats.items() if t > now}
            self._failures = {k: f for k, f in self._failures.items() if f[1] > now}
            self._active = {d: a for d, a in self._active.items() if a[1] > now}
        return now

    def _feed(self, timeline: Timeline, owner_id: int, now: float) -> _Feed | None:
        feed = self._feeds.get((timeline, owner_id))
        if feed is not None and feed.expires_at <= now:
            del self._feeds[(timeline, owner_id)]
            return None
        return feed

    # -- TimelineCache --------------------------------------------------------------------

    def add(
        self, timeline: Timeline, owner_ids: Sequence[int], post_ids: Sequence[int], max_len: int, partial: bool = False
    ) -> int:
        posts = sorted(set(post_ids))
        with self._lock:
            now = self._now()
            updated = 0
            for owner in dict.fromkeys(owner_ids):
                feed = self._feed(timeline, owner, now)
                if feed is None:
                    continue
                updated += 1
                for post_id in posts:
                    i = bisect.bisect_left(feed.ids, post_id)
                    if i == len(feed.ids) or feed.ids[i] != post_id:
                        feed.ids.insert(i, post_id)
                if len(feed.ids) > max_len:
                    del feed.ids[: len(feed.ids) - max_len]
                    feed.complete = False
                feed.complete = feed.complete and not partial
            return updated

    def range(self, timeline: Timeline, owner_id: int, before: int | None, limit: int) -> TimelineSlice | None:
        with self._lock:
            feed = self._feed(timeline, owner_id, self._now())
            if feed is None:
                return None
            end = len(feed.ids) if before is None else bisect.bisect_left(feed.ids, before)
            return TimelineSlice(feed.ids[max(0, end - max(0, limit)) : end][::-1], feed.complete)

    def replace(
        self, timeline: Timeline, owner_id: int, post_ids: Sequence[int], ttl: float, complete: bool = False
    ) -> None:
        with self._lock:
            now = self._now()
            if ttl <= 0:
                self._feeds.pop((timeline, owner_id), None)
            else:
                self._feeds[(timeline, owner_id)] = _Feed(sorted(set(post_ids)), now + ttl, complete)

    def remove(self, timeline: Timeline, owner_ids: Sequence[int], post_ids: Sequence[int]) -> None:
        gone = set(post_ids)
        with self._lock:
            now = self._now()
            for owner in owner_ids:
                feed = self._feed(timeline, owner, now)
                if feed is not None:
                    feed.ids = [p for p in feed.ids if p not in gone]

    def touch(self, timeline: Timeline, owner_id: int, ttl: float) -> bool:
        with self._lock:
            now = self._now()
            feed = self._feed(timeline, owner_id, now)
            if feed is None:
                return False
            feed.expires_at = now + ttl
            return True

    # -- ContentCache ---------------------------------------------------------------------

    def get_many(self, kind: str, ids: Iterable[int]) -> dict[int, bytes]:
        with self._lock:
            now = self._now()
            found = {i: self._content.get((kind, i)) for i in ids}
            return {i: v[0] for i, v in found.items() if v is not None and v[1] > now}

    def set_many(self, kind: str, values: Mapping[int, bytes], ttl: float) -> None:
        with self._lock:
            expires_at = self._now() + ttl
            for id_, value in values.items():
                self._content[(kind, id_)] = (bytes(value), expires_at)

    def add_many(self, kind: str, values: Mapping[int, bytes], ttl: float) -> None:
        with self._lock:
            now = self._now()
            for id_, value in values.items():
                cached = self._content.get((kind, id_))
                if cached is None or cached[1] <= now:
                    self._content[(kind, id_)] = (bytes(value), now + ttl)

    def delete_many(self, kind: str, ids: Iterable[int]) -> None:
        with self._lock:
            for id_ in ids:
                self._content.pop((kind, id_), None)

    # -- RateLimiter ----------------------------------------------------------------------

    def hit(self, key: str, limit: int, period: float) -> RateDecision:
        if limit <= 0 or period <= 0:
            raise InvalidInput(f"rate limit needs limit > 0 and period > 0, got {limit}/{period}")
        with self._lock:
            decision, tat = gcra(self._tats.get(key), self._now(), limit, period)
            if tat is not None:
                self._tats[key] = tat
            return decision

    def charge(self, costs: Mapping[str, int], limit: int, period: float) -> dict[str, float]:
        if limit <= 0 or period <= 0:
            raise InvalidInput(f"rate limit needs limit > 0 and period > 0, got {limit}/{period}")
        with self._lock:
            now = self._now()
            for key, cost in costs.items():
                self._tats[key] = charged(self._tats.get(key), now, cost, limit, period)
            return {key: self._tats[key] - now for key in costs}

    # -- FailureCounter -------------------------------------------------------------------

    def failures(self, keys: Sequence[str]) -> list[Failures]:
        with self._lock:
            now = self._now()
            found = [self._failures.get(k) for k in keys]
            return [f[0] if f is not None and f[1] > now else Failures() for f in found]

    def add_failure(self, keys: Sequence[str], at: float, ttl: float) -> None:
        with self._lock:
            now = self._now()
            for key in keys:
                kept = self._failures.get(key)
                count = kept[0].count if kept is not None and kept[1] > now else 0
                self._failures[key] = (Failures(count + 1, at), now + ttl)

    def clear_failures(self, keys: Sequence[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    # -- ActivityCounter ------------------------------------------------------------------

    def add_active(self, marks: Mapping[int, Collection[int]], keep_days: int) -> None:
        with self._lock:
            now = self._now()
            for day, user_ids in marks.items():
                expires_at = (day + 1 + keep_days) * DAY
                kept = self._active.pop(day, None)
                if expires_at > now:
                    ids = kept[0] if kept is not None and kept[1] > now else set()
                    self._active[day] = (ids | set(user_ids), expires_at)

    def count_active(self, spans: Sequence[Collection[int]]) -> list[int]:
        with self._lock:
            now = self._now()
            live = {day: ids for day, (ids, expires_at) in self._active.items() if expires_at > now}
            return [len(set().union(*(live.get(day, ()) for day in span))) for span in spans]
