"""Home feeds and author timelines: cached ids, pulled high-fan-out authors, store fallback.

Read path: the home timeline from the TimelineCache (rebuilt from the store on a miss), merged
with the author timelines of followees above the pull threshold, hydrated, filtered, paged by
an opaque cursor (the last post id). Paging past the cached part continues from the store.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

from ..cursor import decode_cursor, encode_cursor
from ..errors import NotFound, Unavailable
from ..model import FeedItem, Page
from ..ports import PostStore, Timeline, TimelineCache, TimelineSlice, UserStore
from ..resilience import CircuitBreaker
from ..settings import Settings
from ..stats import Stats
from ..validation import check_id, check_limit
from .graph import GraphService
from .hydration import Hydrator, ReadNotes

__all__ = ["FeedService"]

Loader = Callable[[int | None, int], list[int]]

WARM_PAGE = 20
"""Feed items :meth:`FeedService.warm` reads per user (the default page size of the API)."""


def _take_unique(streams: Iterable[list[int]], n: int) -> list[int]:
    out: list[int] = []
    for pid in heapq.merge(*streams, reverse=True):
        if not out or out[-1] != pid:
            out.append(pid)
            if len(out) == n:
                break
    return out


class FeedService:
    def __init__(
        self,
        users: UserStore,
        posts: PostStore,
        timelines: TimelineCache,
        breakers: tuple[CircuitBreaker, CircuitBreaker],
        stats: Stats,
        hydrator: Hydrator,
        graph: GraphService,
        settings: Settings,
    ) -> None:
        """``breakers``: the cache's and the store's."""
        self._users = users
        self._posts = posts
        self._timelines = timelines
        self._cache_breaker, self._store_breaker = breakers
        self._stats = stats
        self._settings = settings
        self._hydrator = hydrator
        self._graph = graph

    @property
    def _ttl(self) -> float:
        return self._settings.inactive_days * 86400.0

    def home(self, user_id: int, limit: int = 20, cursor: str | None = None) -> Page[FeedItem]:
        """The user's home feed, newest first. ``degraded`` is set when a backend was skipped.
        Raises NotFound (user), InvalidInput (id, limit, cursor) or Unavailable."""
        check_id(user_id, "user")
        limit = check_limit(limit)
        before = decode_cursor(cursor)
        notes = ReadNotes()
        # The user is checked only when the home timeline is rebuilt (_home_loader): a
        # materialised timeline means the user exists, and the hot path saves a round trip.
        try:
            pull = self._graph.pull_authors(user_id)
        except Unavailable:
            pull, notes.degraded = [], True  # the store is down: serve the cached home timeline

        sources = [(Timeline.HOME, user_id, self._home_loader(user_id, pull))]
        sources += [(Timeline.AUTHOR, a, self._author_loader(a)) for a in pull]

        def next_ids(after: int | None, n: int) -> list[int]:
            return _take_unique(self._ids_many(sources, after, n, notes), n)

        return self._page(next_ids, before, limit, user_id, notes)

    def timeline(
        self, author_id: int, limit: int = 20, cursor: str | None = None, viewer_id: int | None = None
    ) -> Page[FeedItem]:
        """The posts ``author_id`` wrote, newest first."""
        check_id(author_id, "user")
        if viewer_id is not None:
            check_id(viewer_id, "user")
        limit = check_limit(limit)
        before = decode_cursor(cursor)
        notes = ReadNotes()
        if not self._hydrator.cards([author_id], notes):
            raise NotFound(f"no user {author_id}")
        sources = [(Timeline.AUTHOR, author_id, self._author_loader(author_id))]
        return self._page(
            lambda after, n: self._ids_many(sources, after, n, notes)[0],
            before,
            limit,
            viewer_id,
            notes,
        )

    def rebuild(self, user_id: int) -> int:
        """Rebuild the user's cached home feed from the store; returns its length. Raises NotFound."""
        check_id(user_id, "user")
        max_len = self._settings.feed_max_len
        full = self._home_loader(user_id, self._graph.pull_authors(user_id))(None, max_len)
        self._timelines.replace(Timeline.HOME, user_id, full, self._ttl, complete=len(full) < max_len)
        return len(full)

    def materialise(self, timeline: Timeline, post_ids: Mapping[int, Sequence[int]], complete: bool = False) -> None:
        """Set the cached ``timeline`` of each owner to its post ids (newest first; an empty
        list is a materialised empty feed), kept ``inactive_days``; ``complete`` if the lists
        hold every post the store has for them. For bulk loading: fan-out writes only
        materialised home feeds."""
        self._timelines.replace_many(timeline, post_ids, self._ttl, complete)

    def warm(self, user_ids: Iterable[int], threads: int = 4, progress: Callable[[int], object] | None = None) -> int:
        """Read the first page of each user's home feed, as the user, so that what the next
        read needs is cached: the feed, its posts, their authors' cards, the user's like flags
        and pull-author list (after a bulk load, or when a cache starts empty). ``progress`` is
        told how many users each step covered. Returns how many feeds were read."""
        done = 0
        with ThreadPoolExecutor(max(1, threads)) as pool:
            for _ in pool.map(lambda u: self.home(u, WARM_PAGE), user_ids):
                done += 1
                if progress is not None:
                    progress(1)
        return done

    def _page(
        self, next_ids: Loader, before: int | None, limit: int, viewer_id: int | None, notes: ReadNotes
    ) -> Page[FeedItem]:
        items: list[FeedItem] = []
        after = before
        while len(items) <= limit:
            want = limit + 1 - len(items)
            ids = next_ids(after, want)
            items += self._hydrator.items(ids, viewer_id, notes)
            if len(ids) < want:
                break  # the sources are exhausted
            after = ids[-1]
        more = len(items) > limit
        items = items[:limit]
        return Page(items, encode_cursor(items[-1].post.id) if more else None, notes.degraded)

    def _home_loader(self, user_id: int, pull: list[int]) -> Loader:
        def load(before: int | None, n: int) -> list[int]:
            if self._users.get_user(user_id) is None:
                raise NotFound(f"no user {user_id}")
            skip = set(pull)
            authors = [a for a in self._graph.following_ids(user_id) if a not in skip] + [user_id]
            return self._posts.posts_by_authors(authors, before, n)

        return load

    def _author_loader(self, author_id: int) -> Loader:
        return lambda before, n: self._posts.posts_by_authors([author_id], before, n)

    def _ids_many(
        self, sources: list[tuple[Timeline, int, Loader]], before: int | None, n: int, notes: ReadNotes
    ) -> list[list[int]]:
        """For each (timeline, owner, loader): ``n`` ids < ``before`` from the cached timeline,
        unless fewer exist at all. The cached ranges (and the TTL refresh of a read from the
        top) go to the cache in one call; misses and short timelines fall back to the store."""
        try:
            found = self._cache_breaker.call(
                self._timelines.range_many,
                [(t, o) for t, o, _ in sources],
                before,
                n,
                self._ttl if before is None else None,
            )
        except Unavailable:
            notes.degraded = True
            return [load(before, n) for _, _, load in sources]
        return [
            self._complete(t, o, ids, before, n, load, notes) for (t, o, load), ids in zip(sources, found, strict=True)
        ]

    def _complete(
        self,
        timeline: Timeline,
        owner: int,
        cached: TimelineSlice | None,
        before: int | None,
        n: int,
        load: Loader,
        notes: ReadNotes,
    ) -> list[int]:
        """Rebuild a missed timeline from the store, or top up a short one that is not complete
        (if the store is down, a cached timeline is served as it is, marked degraded)."""
        self._stats.incr("timeline_misses" if cached is None else "timeline_hits")
        if cached is None:
            max_len = self._settings.feed_max_len
            full = load(None, max_len)
            complete = len(full) < max_len  # the store has no more than this
            if not self._cache_breaker.best_effort(self._timelines.replace, timeline, owner, full, self._ttl, complete):
                notes.degraded = True
            cached = TimelineSlice([i for i in full if before is None or i < before][:n], complete)
        ids = cached.ids
        if len(ids) < n and not cached.complete:
            try:
                ids += self._store_breaker.call(load, ids[-1] if ids else before, n - len(ids))
            except Unavailable:
                if not ids:
                    raise
                notes.degraded = True
        return ids
