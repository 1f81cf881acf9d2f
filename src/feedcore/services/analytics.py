"""Analytics: who is active, what happens per day, which posts are trending.

The ``analytics`` consumer group (:class:`feedcore.handlers.AnalyticsHandler`) turns events into
:class:`~feedcore.ports.Fact` rows applied once per event id, and marks each event's actor
active on the event's day. Readers are marked too, without a round trip on their request:
:meth:`AnalyticsService.seen` adds the user id to a set in memory, and a thread of its own sends
the set to the cache every ``analytics_flush_interval`` seconds in one command, then raises the
day's rollup in the store to the cache's count.

Active users: distinct users per UTC day in a HyperLogLog in the cache (the live count; a week
or a month is the union of its days), and each day's count kept in the store (the rollup,
which only ever goes up, so it survives a lost cache). Trending: engagement per post and hour
(a like 1, a comment :data:`COMMENT_WEIGHT`, taken back when undone) over the last
:data:`TRENDING_HOURS` hours, each hour weighed down by half every :data:`HALF_LIFE_HOURS`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Mapping, Sequence

import attrs

from ..errors import Unavailable
from ..events import (
    CommentAdded,
    CommentDeleted,
    CommentEdited,
    Event,
    FollowCreated,
    FollowRemoved,
    LikeAdded,
    LikeRemoved,
    PostCreated,
    PostDeleted,
    PostEdited,
    UserRegistered,
    UserUpdated,
)
from ..model import Post, UserCard
from ..ports import ActivityCounter, AnalyticsStore, DayCounts, Fact
from ..resilience import CircuitBreaker
from .hydration import Hydrator

__all__ = [
    "ACTIVE_KEEP_DAYS",
    "COMMENT_WEIGHT",
    "DAY",
    "HALF_LIFE_HOURS",
    "HLL_TOLERANCE",
    "RETENTION_DAYS",
    "TRENDING_HOURS",
    "ActiveUsers",
    "AnalyticsReport",
    "AnalyticsService",
    "TrendingPost",
    "actor_of",
    "day_of",
    "fact_of",
]

log = logging.getLogger("feedcore.analytics")

DAY = 86400.0
ACTIVE_KEEP_DAYS = 31
"""Days the cache keeps a day's active users after it ends (a month's union needs 30)."""
RETENTION_DAYS = 35
"""Days the store remembers which events it applied: a replay of events older than this (longer
than any bus retention) would count them again."""
TRENDING_HOURS = 48
HALF_LIFE_HOURS = 6.0
COMMENT_WEIGHT = 2
HLL_TOLERANCE = 0.02
"""How far below a day's rollup the cache's count of that day may be before the day counts as lost
(HyperLogLog counts are estimates)."""


_MARKS_PER_CALL = 50_000
"""User ids sent to the cache per command by :meth:`AnalyticsService.backfill`."""


def day_of(seconds: float) -> int:
    """The UTC day (days since the epoch) of a time in seconds since the epoch."""
    return int(seconds // DAY)


def fact_of(event: Event) -> Fact | None:
    """What ``event`` adds to the rollups, or None if nothing."""
    day, hour = day_of(event.created_at), int(event.created_at // 3600)
    match event:
        case UserRegistered():
            return Fact(event.id, day, "signups")
        case PostCreated():
            return Fact(event.id, day, "posts")
        case FollowCreated():
            return Fact(event.id, day, "follows")
        case LikeAdded():
            return Fact(event.id, day, "likes", event.post_id, hour, 1)
        case LikeRemoved():
            return Fact(event.id, day, None, event.post_id, hour, -1)
        case CommentAdded():
            return Fact(event.id, day, "comments", event.post_id, hour, COMMENT_WEIGHT)
        case CommentDeleted():
            return Fact(event.id, day, None, event.post_id, hour, -COMMENT_WEIGHT)
    return None


def actor_of(event: Event) -> int | None:
    """The user who did what ``event`` describes (so was active), if it names one."""
    match event:
        case UserRegistered() | UserUpdated() | LikeAdded() | LikeRemoved() | CommentAdded() | CommentEdited():
            return event.user_id
        case PostCreated() | PostEdited() | PostDeleted():
            return event.author_id
        case FollowCreated() | FollowRemoved():
            return event.follower_id
    return None


@attrs.frozen
class ActiveUsers:
    """Distinct active users today, in the last 7 days and in the last 30 days (today
    included). Not ``complete`` when the cache lost days the store has rollups of: then
    ``week`` and ``month`` are lower bounds (at least the largest day's rollup)."""

    day: int
    week: int
    month: int
    complete: bool = True


@attrs.frozen
class TrendingPost:
    post: Post
    author: UserCard
    score: float


@attrs.frozen
class AnalyticsReport:
    """``days``: the rollups, oldest first, ending today; ``active``: the live counts;
    ``trending``: the top posts now, highest score first."""

    days: list[DayCounts]
    active: ActiveUsers
    trending: list[TrendingPost]


class _SeenBuffer:
    """User ids seen by this process since the last flush. :meth:`add` costs a set insert under
    an uncontended lock; the thread that sends them starts on the first one."""

    def __init__(self, send: Callable[[set[int]], None], interval: float) -> None:
        self._send = send
        self._interval = interval
        self._ids: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, user_id: int) -> None:
        with self._lock:
            self._ids.add(user_id)
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._loop, name="feedcore-analytics", daemon=True)
                self._thread.start()

    def flush(self) -> None:
        """Send what was seen since the last flush (dropped, with a warning, if that fails)."""
        with self._lock:
            ids, self._ids = self._ids, set()
        if ids:
            try:
                self._send(ids)
            except Exception as exc:  # analytics never fails a request path; the next users count again
                log.warning("%d active users not recorded: %s", len(ids), exc)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.flush()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.flush()


class AnalyticsService:
    """Records readers as active (:meth:`seen`) and answers :meth:`report` and :meth:`live`."""

    def __init__(
        self,
        store: AnalyticsStore,
        active: ActivityCounter,
        hydrator: Hydrator,
        cache_breaker: CircuitBreaker,
        clock: Callable[[], float],
        flush_interval: float,
    ) -> None:
        self._store = store
        self._active = active
        self._hydrator = hydrator
        self._cache_breaker = cache_breaker
        self._clock = clock
        self._seen = _SeenBuffer(self._record_seen, flush_interval)

    def seen(self, user_id: int) -> None:
        """``user_id`` used the platform now. Returns at once (no I/O)."""
        self._seen.add(user_id)

    def flush(self) -> None:
        """Send the users seen so far now (the thread does it every ``analytics_flush_interval``)."""
        self._seen.flush()

    def close(self) -> None:
        """Stop the thread, sending what is left. Idempotent."""
        self._seen.close()

    def _record_seen(self, user_ids: set[int]) -> None:
        day = day_of(self._clock())
        self._cache_breaker.call(self._active.add_active, {day: user_ids}, ACTIVE_KEEP_DAYS)
        (count,) = self._cache_breaker.call(self._active.count_active, [[day]])
        self._store.set_active({day: count})

    def backfill(self, facts: Sequence[Fact], active: Mapping[int, Collection[int]]) -> int:
        """Record what happened without events (a seeded network): ``facts`` applied once by
        their event ids, as the worker's are, and ``active``, the users active on each day: the
        cache marks the days it keeps and each day's rollup is raised to its exact count. Facts
        of days the store no longer remembers applying (:data:`RETENTION_DAYS`) and engagement
        older than :data:`TRENDING_HOURS` are left out, so that running it again adds nothing.
        Returns how many facts were new. Raises Unavailable if the store or cache is down."""
        now = self._clock()
        today, first_hour = day_of(now), int(now // 3600) - TRENDING_HOURS + 1
        kept = [f for f in facts if f.day > today - RETENTION_DAYS and (not f.engagement or f.hour >= first_hour)]
        for day, ids in active.items():
            listed = list(ids) if day > today - ACTIVE_KEEP_DAYS else []
            for start in range(0, len(listed), _MARKS_PER_CALL):
                part = listed[start : start + _MARKS_PER_CALL]
                self._cache_breaker.call(self._active.add_active, {day: part}, ACTIVE_KEEP_DAYS)
        return self._store.record_facts(kept, {d: len(ids) for d, ids in active.items()})

    def live(self) -> tuple[ActiveUsers, DayCounts]:
        """The active users now and today's rollup. Raises Unavailable if the store is down."""
        today = day_of(self._clock())
        month = self._store.day_counts(today - 29, today)
        return self._active_users(today, month), month[-1]

    def report(self, days: int = 7, top: int = 10) -> AnalyticsReport:
        """The rollups of the last ``days`` days (today included), the active users and the
        ``top`` trending posts. Raises Unavailable if the store is down."""
        today = day_of(self._clock())
        rollups = self._store.day_counts(today - max(days, 30) + 1, today)
        return AnalyticsReport(rollups[-days:], self._active_users(today, rollups[-30:]), self.trending(top))

    def trending(self, limit: int = 10) -> list[TrendingPost]:
        """The posts with the most engagement lately, decayed by age, highest first (deleted
        posts left out)."""
        now_hour = int(self._clock() // 3600)
        hours = range(now_hour - TRENDING_HOURS + 1, now_hour + 1)
        weights = {h: 0.5 ** ((now_hour - h) / HALF_LIFE_HOURS) for h in hours}
        ranked = self._store.trending(weights, limit * 2)
        posts = self._hydrator.posts(p for p, _ in ranked)
        cards = self._hydrator.cards({p.author_id for p in posts.values()})
        found = [
            TrendingPost(posts[p], cards[posts[p].author_id], score)
            for p, score in ranked
            if p in posts and posts[p].author_id in cards
        ]
        return found[:limit]

    def _active_users(self, today: int, month: Sequence[DayCounts]) -> ActiveUsers:
        """The cache's unions of days, never below the largest daily rollup in each span. Where
        the cache has lost a day the store has a rollup of (a cache restart, an in-process
        cache of another process), the week and month are lower bounds: not ``complete``."""
        days = [d.day for d in month]
        spans = [[today], days[-7:], days, *([d] for d in days)]
        try:
            counts = self._cache_breaker.call(self._active.count_active, spans)
        except Unavailable as exc:  # the cache is down: the rollups still answer
            log.warning("active users from the rollups only: %s", exc)
            counts = [0] * len(spans)
        kept = dict(zip(days, counts[3:], strict=True))
        complete = all(kept[d.day] >= d.active * (1 - HLL_TOLERANCE) for d in month)
        best = {d.day: d.active for d in month}
        day, week, month_count = (
            max(c, *(best[d] for d in span)) for c, span in zip(counts[:3], spans[:3], strict=True)
        )
        return ActiveUsers(day, week, month_count, complete)
