"""Cache ports: materialised timelines, hydration content, rate limits, login attempts.

Caches may lose anything at any time (eviction, restart); the core rebuilds from the store.
TTLs are in seconds.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Iterable, Mapping, Sequence

import attrs

from .base import Backend

__all__ = [
    "ContentCache",
    "FailureCounter",
    "Failures",
    "RateDecision",
    "RateLimiter",
    "Timeline",
    "TimelineCache",
    "TimelineSlice",
]


class Timeline(enum.Enum):
    """Which timeline of a user: their home feed, or the posts they authored."""

    HOME = "home"
    AUTHOR = "author"


@attrs.frozen
class TimelineSlice:
    """What a cached timeline holds below a point: ``ids``, newest first, and whether the
    timeline is ``complete`` (it holds every post the store has for it: nothing trimmed away,
    nothing left out), so that a short slice means the end rather than a gap to fill."""

    ids: list[int]
    complete: bool


class TimelineCache(Backend):
    """Sorted sets of post ids per (timeline, owner), score = post id (so re-adding is idempotent).

    A timeline is *materialised* once ``replace`` has written it (possibly empty); ``add`` only
    touches materialised timelines, so feeds of inactive users (whose TTL ran out) are not kept.
    A timeline is *complete* if ``replace`` said so and it has lost no post to trimming and
    taken no ``partial`` batch since.
    """

    @abc.abstractmethod
    def add(
        self, timeline: Timeline, owner_ids: Sequence[int], post_ids: Sequence[int], max_len: int, partial: bool = False
    ) -> int:
        """Add ``post_ids`` to each materialised timeline of ``owner_ids``, then trim each to its
        newest ``max_len``. A timeline that loses posts to trimming, or takes a ``partial`` batch
        (older posts of the same source exist, e.g. a backfill cut at ``max_len``), is no longer
        complete. Returns how many timelines were materialised (and so updated)."""

    @abc.abstractmethod
    def range(self, timeline: Timeline, owner_id: int, before: int | None, limit: int) -> TimelineSlice | None:
        """Up to ``limit`` post ids < ``before`` (all if None), newest first; None if the
        timeline is not materialised."""

    @abc.abstractmethod
    def replace(
        self, timeline: Timeline, owner_id: int, post_ids: Sequence[int], ttl: float, complete: bool = False
    ) -> None:
        """Materialise the timeline as exactly ``post_ids`` (may be empty) with ``ttl``;
        ``complete`` if they are all the posts the store has for it."""

    @abc.abstractmethod
    def remove(self, timeline: Timeline, owner_ids: Sequence[int], post_ids: Sequence[int]) -> None:
        """Remove ``post_ids`` from those timelines of ``owner_ids`` that exist."""

    @abc.abstractmethod
    def touch(self, timeline: Timeline, owner_id: int, ttl: float) -> bool:
        """Extend the TTL of a materialised timeline; False if it is not materialised."""

    def range_many(
        self, timelines: Sequence[tuple[Timeline, int]], before: int | None, limit: int, ttl: float | None = None
    ) -> list[TimelineSlice | None]:
        """:meth:`range` of each (timeline, owner) in ``timelines``, in order; with ``ttl``,
        also :meth:`touch` each one. Backends override it to answer in one round trip."""
        found = [self.range(timeline, owner, before, limit) for timeline, owner in timelines]
        if ttl is not None:
            for (timeline, owner), got in zip(timelines, found, strict=True):
                if got is not None:
                    self.touch(timeline, owner, ttl)
        return found

    def replace_many(
        self, timeline: Timeline, post_ids: Mapping[int, Sequence[int]], ttl: float, complete: bool = False
    ) -> None:
        """:meth:`replace` the ``timeline`` of each owner in ``post_ids`` (owner id -> post ids),
        e.g. to materialise many feeds after a bulk load. Backends override it to batch round trips."""
        for owner, ids in post_ids.items():
            self.replace(timeline, owner, ids, ttl, complete)


class ContentCache(Backend):
    """Serialized values by (kind, id), e.g. kind "post" or "user", for hydration."""

    @abc.abstractmethod
    def get_many(self, kind: str, ids: Iterable[int]) -> dict[int, bytes]:
        """The cached values among ``ids`` (in one round trip)."""

    def get_groups(self, wanted: Mapping[str, Iterable[int]]) -> dict[str, dict[int, bytes]]:
        """:meth:`get_many` for several kinds at once, by kind; backends that can answer in one
        round trip override it."""
        return {kind: self.get_many(kind, ids) for kind, ids in wanted.items()}

    @abc.abstractmethod
    def set_many(self, kind: str, values: Mapping[int, bytes], ttl: float) -> None:
        """Cache ``values`` with ``ttl``."""

    @abc.abstractmethod
    def add_many(self, kind: str, values: Mapping[int, bytes], ttl: float) -> None:
        """Cache each of ``values`` that is not cached already, with ``ttl``: a fill from a store
        read must not overwrite what a change wrote after that read."""

    @abc.abstractmethod
    def delete_many(self, kind: str, ids: Iterable[int]) -> None:
        """Invalidate ``ids``."""


@attrs.frozen
class RateDecision:
    """The outcome of one hit: whether allowed, and the numbers for RateLimit headers (seconds)."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: float
    retry_after: float


class RateLimiter(Backend):
    @abc.abstractmethod
    def hit(self, key: str, limit: int, period: float) -> RateDecision:
        """Count one request for ``key`` against ``limit`` per ``period`` seconds, atomically
        (GCRA or sliding window). A denied hit is not counted."""

    @abc.abstractmethod
    def charge(self, costs: Mapping[str, int], limit: int, period: float) -> dict[str, float]:
        """Count ``costs[key]`` requests that were already let through for each key (limits
        decided elsewhere, e.g. by :class:`feedcore.ratebudget.RateBudget`): its state advances
        whatever the limit, but never past ``period`` ahead. Returns each key's backlog: how
        many seconds its next allowed request time (GCRA's theoretical arrival time) lies ahead
        of now, 0 if it is idle."""


@attrs.frozen
class Failures:
    """How many failures a key has had, and when the last one was (seconds since the epoch)."""

    count: int = 0
    last_at: float = 0.0


class FailureCounter(Backend):
    """Recent failures by key (e.g. failed sign-ins), each key forgotten ``ttl`` seconds after
    its last failure."""

    @abc.abstractmethod
    def failures(self, keys: Sequence[str]) -> list[Failures]:
        """The failures of each key, in order (``Failures()`` for a key with none)."""

    @abc.abstractmethod
    def add_failure(self, keys: Sequence[str], at: float, ttl: float) -> None:
        """Count one failure at ``at`` for each key, atomically per key, and keep each key
        ``ttl`` seconds from now."""

    @abc.abstractmethod
    def clear_failures(self, keys: Sequence[str]) -> None:
        """Forget the keys."""
