"""Loading a generated network into a platform: bulk-loaded rows, then materialised feeds."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from ..model import User
from ..ports import Timeline
from ._analytics import Rollups
from ._network import Chunk, NetworkSpec, home_feeds

if TYPE_CHECKING:
    from ..platform import Platform
    from ..services.feeds import FeedService

__all__ = ["Progress", "ProgressBars", "SeedReport", "load_network"]

SeedReport = dict[str, Any]
"""Sizes (``users``, ``posts``, ``follows``, ``likes``, ``active``, ``pull_authors``,
``feed_entries``), analytics facts new to the store (``analytics_facts``) and timings in seconds
(``users_s``, ``graph_s``, ``recount_s``, ``analytics_s``, ``materialise_s``, ``warm_s``, ``total_s``)."""

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``, called as a stage advances: ``"users"`` and ``"graph+posts"``
count users, ``"feeds"`` counts materialised feeds, ``"warm"`` the feeds read once to warm the caches."""

_FEEDS_PER_CALL = 500
_IN_FLIGHT = 3


def load_network(
    platform: Platform,
    spec: NetworkSpec,
    *,
    progress: Progress | None = None,
    workers: int = 2,
    materialise: bool = True,
) -> SeedReport:
    """Load ``spec``'s network into ``platform``'s store (idempotent: rows that exist are kept,
    so an interrupted load resumes), record the analytics it implies (daily counts, active
    users, trending engagement; see :meth:`AnalyticsService.backfill`, idempotent too), and
    materialise the home feeds of its active users (and the author timelines of its pull
    authors), then read each of those feeds once so that what the next read needs is cached
    (posts, author cards, like flags, pull-author lists). Writes no events: run it on a quiet
    platform. Raises ConfigurationError if the store cannot bulk-load."""
    store = platform.bulk_loader()
    tell = progress or _silent
    report: SeedReport = {"users": spec.users, "seed": spec.seed, "hub_fraction": spec.effective_hub_fraction}
    started = time.perf_counter()
    ids = spec.user_ids()
    created = spec.end - (spec.days + 30) * 86400
    for index in range(spec.chunks):
        first, stop = index * spec.chunk_size, min(spec.users, (index + 1) * spec.chunk_size)
        users = [
            User(id=ids[i], handle=f"u{i}", display_name=f"User {i}", created_at=created) for i in range(first, stop)
        ]
        store.load_users(users, "!seeded")  # no password: seeded users cannot log in
        tell("users", stop, spec.users)
    report["users_s"] = round(time.perf_counter() - started, 2)

    inputs = _FeedInputs(platform.settings.feed_max_len, platform.settings.pull_threshold)
    inputs.remember_followees([ids[i] for i in range(spec.users) if spec.is_active(i)])
    rollups = Rollups(spec)
    counts = {"posts": 0, "follows": 0, "likes": 0, "active": 0}
    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        pending: list[Future[None]] = []

        def load(chunk: Chunk) -> None:
            store.load_posts(chunk.posts)
            store.load_follows(chunk.follows)
            store.load_likes(chunk.likes)

        for chunk in spec.iter_chunks(ids):
            counts["posts"] += len(chunk.posts)
            counts["follows"] += len(chunk.follows)
            counts["likes"] += len(chunk.likes)
            counts["active"] += len(chunk.active)
            inputs.take(chunk)
            rollups.take(chunk)
            pending.append(pool.submit(load, chunk))
            while len(pending) >= _IN_FLIGHT:
                pending.pop(0).result()
            tell("graph+posts", chunk.stop, spec.users)
        for future in pending:
            future.result()
    report["graph_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    store.recount_users()
    store.recount_posts()
    report["recount_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    report["analytics_facts"] = platform.analytics.backfill(rollups.facts(), rollups.active)
    report["analytics_s"] = round(time.perf_counter() - t0, 2)
    report.update(counts, pull_authors=len(inputs.pull))
    if materialise:
        t0 = time.perf_counter()
        report["feed_entries"] = _materialise(platform, inputs, tell)
        report["materialise_s"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        _warm(platform, inputs.active, tell, threads=2 * workers)
        report["warm_s"] = round(time.perf_counter() - t0, 2)
    report["total_s"] = round(time.perf_counter() - started, 2)
    return report


def _put(feeds: FeedService, timeline: Timeline, lists: dict[int, list[int]], max_len: int) -> None:
    """Materialise ``lists``, those shorter than ``max_len`` as complete (the store has no more)."""
    for complete in (True, False):
        part = {owner: ids for owner, ids in lists.items() if (len(ids) < max_len) == complete}
        if part:
            feeds.materialise(timeline, part, complete=complete)


def _warm(platform: Platform, active: list[int], tell: Progress, threads: int) -> None:
    warmed = 0

    def count(n: int) -> None:
        nonlocal warmed
        warmed += n
        if warmed % _FEEDS_PER_CALL == 0 or warmed == len(active):
            tell("warm", warmed, len(active))

    platform.feeds.warm(active, threads=threads, progress=count)


def _silent(stage: str, done: int, total: int) -> None:
    """No progress reports."""


class _FeedInputs:
    """What materialising active users' feeds needs, gathered while the chunks stream past."""

    def __init__(self, max_len: int, pull_threshold: int) -> None:
        self.max_len, self.threshold = max_len, pull_threshold
        self.active: list[int] = []
        self.followees: dict[int, list[int]] = {}
        self.posts: dict[int, list[int]] = {}
        self.pull: set[int] = set()

    def take(self, chunk: Chunk) -> None:
        self.active += chunk.active
        degree: dict[int, int] = {}
        for follower, followee, _ in chunk.follows:
            degree[followee] = degree.get(followee, 0) + 1
            if follower in self.followees:
                self.followees.setdefault(follower, []).append(followee)
        self.pull.update(u for u, d in degree.items() if d >= self.threshold)
        for post in chunk.posts:
            self.posts.setdefault(post.author_id, []).append(post.id)

    def remember_followees(self, active_ids: list[int]) -> None:
        """Mark every active user up front: their follows arrive in other users' chunks."""
        for uid in active_ids:
            self.followees.setdefault(uid, [])

    def sort(self) -> None:
        for ids in self.posts.values():
            ids.sort(reverse=True)
            del ids[self.max_len :]


def _materialise(platform: Platform, inputs: _FeedInputs, tell: Progress) -> int:
    inputs.sort()
    feeds = platform.feeds
    entries = done = 0
    batch: dict[int, list[int]] = {}
    for uid, feed in home_feeds(inputs.active, inputs.followees, inputs.posts, inputs.pull, inputs.max_len):
        batch[uid] = feed
        entries += len(feed)
        if len(batch) >= _FEEDS_PER_CALL:
            _put(feeds, Timeline.HOME, batch, inputs.max_len)
            done += len(batch)
            tell("feeds", done, len(inputs.active))
            batch = {}
    _put(feeds, Timeline.HOME, batch, inputs.max_len)
    tell("feeds", len(inputs.active), len(inputs.active))
    _put(feeds, Timeline.AUTHOR, {a: inputs.posts.get(a, []) for a in inputs.pull}, inputs.max_len)
    platform.graph.forget_pull_authors(inputs.active)  # cached pull lists of earlier seeds
    return entries


class ProgressBars:
    """A :data:`Progress` that draws a tqdm bar on stderr per stage; close it (``with``) after."""

    def __init__(self, disable: bool = False) -> None:
        self._disable = disable
        self._bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self._bars.get(stage)
        if bar is None:
            bar = self._bars[stage] = tqdm(
                total=total, desc=stage, unit_scale=True, disable=self._disable, file=sys.stderr, smoothing=0.1
            )
        bar.update(done - bar.n)

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for bar in self._bars.values():
            bar.close()
