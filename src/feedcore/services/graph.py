"""The follow graph: forward edges written here, reverse edges by the graph consumer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

from ..cursor import decode_cursor, encode_cursor
from ..errors import InvalidInput, NotFound, Unavailable
from ..events import FollowCreated, FollowRemoved
from ..ids import shard_of
from ..model import Page, User
from ..nearcache import NearCache
from ..ports import ContentCache, GraphStore, UserStore
from ..resilience import CircuitBreaker
from ..settings import Settings
from ..validation import check_id, check_limit
from .recorder import Recorder

__all__ = ["GraphService", "iter_ids"]

_PULL_KIND = "pull"
_PULL_TTL = 300.0


def iter_ids(fetch: Callable[[int | None, int], list[int]], batch: int = 1000) -> Iterator[list[int]]:
    """Pages of ids from ``fetch(after, limit)`` until it runs out."""
    after: int | None = None
    while True:
        page = fetch(after, batch)
        if page:
            yield page
        if len(page) < batch:
            return
        after = page[-1]


class GraphService:
    def __init__(
        self,
        users: UserStore,
        graph: GraphStore,
        content: ContentCache,
        near: NearCache[tuple[str, int | str], Any],
        cache_breaker: CircuitBreaker,
        recorder: Recorder,
        settings: Settings,
    ) -> None:
        self._users = users
        self._graph = graph
        self._content = content
        self._near = near
        self._cache_breaker = cache_breaker
        self._recorder = recorder
        self._settings = settings

    def follow(self, follower_id: int, followee_id: int) -> bool:
        """Follow ``followee_id``; idempotent (False if already following).
        Raises InvalidInput (self-follow) or NotFound."""
        self._check_pair(follower_id, followee_id)
        event = self._recorder.event(
            FollowCreated, shard_of(follower_id), follower_id=follower_id, followee_id=followee_id
        )
        added = self._graph.add_follow(follower_id, followee_id, event.created_at, [event])
        if added:
            self.forget_pull_authors([follower_id])
            self._recorder.committed()
        return added

    def unfollow(self, follower_id: int, followee_id: int) -> bool:
        """Stop following; idempotent (False if not following)."""
        self._check_pair(follower_id, followee_id)
        event = self._recorder.event(
            FollowRemoved, shard_of(follower_id), follower_id=follower_id, followee_id=followee_id
        )
        removed = self._graph.remove_follow(follower_id, followee_id, [event])
        if removed:
            self.forget_pull_authors([follower_id])
            self._recorder.committed()
        return removed

    def is_following(self, follower_id: int, followee_id: int) -> bool:
        return self._graph.is_following(check_id(follower_id, "user"), check_id(followee_id, "user"))

    def followers(self, user_id: int, limit: int = 50, cursor: str | None = None) -> Page[User]:
        """Users following ``user_id``, by id, in pages."""
        return self._page(user_id, self._graph.followers, limit, cursor)

    def following(self, user_id: int, limit: int = 50, cursor: str | None = None) -> Page[User]:
        """Users ``user_id`` follows, by id, in pages."""
        return self._page(user_id, self._graph.following, limit, cursor)

    def following_ids(self, user_id: int) -> list[int]:
        """Every followee of ``user_id``."""
        return [uid for page in iter_ids(lambda a, n: self._graph.following(user_id, a, n)) for uid in page]

    def pull_authors(self, user_id: int) -> list[int]:
        """Followees of ``user_id`` with at least ``pull_threshold`` followers (read at feed time,
        never pushed). Cached for a few minutes (and in the near cache); forgotten when ``user_id``
        follows or unfollows."""
        key = (_PULL_KIND, user_id)
        near = self._near.get_many([key])
        if near:
            return list(near[key])
        authors = self._cached_pull_authors(user_id)
        if authors is None:
            authors = []
            for page in iter_ids(lambda a, n: self._graph.following(user_id, a, n)):
                users = self._users.get_users(page)
                authors += [u for u in page if u in users and users[u].follower_count >= self._settings.pull_threshold]
            self._cache_breaker.best_effort(
                self._content.set_many, _PULL_KIND, {user_id: orjson.dumps(authors)}, _PULL_TTL
            )
        self._near.set_many({key: tuple(authors)})
        return authors

    def _cached_pull_authors(self, user_id: int) -> list[int] | None:
        try:
            cached = self._cache_breaker.call(self._content.get_many, _PULL_KIND, [user_id]).get(user_id)
        except Unavailable:
            return None
        return None if cached is None else [int(a) for a in orjson.loads(cached)]

    def forget_pull_authors(self, user_ids: Iterable[int]) -> None:
        """Drop the cached pull-author lists of ``user_ids`` (after their follows or their
        followees' follower counts changed), in this process's near cache too."""
        ids = list(user_ids)
        self._near.delete_many((_PULL_KIND, uid) for uid in ids)
        self._cache_breaker.best_effort(self._content.delete_many, _PULL_KIND, ids)

    def _check_pair(self, follower_id: int, followee_id: int) -> None:
        if check_id(follower_id, "user") == check_id(followee_id, "user"):
            raise InvalidInput("users cannot follow themselves", code="self_follow")
        found = self._users.get_users([follower_id, followee_id])
        for uid in (follower_id, followee_id):
            if uid not in found:
                raise NotFound(f"no user {uid}")

    def _page(
        self, user_id: int, fetch: Callable[[int, int | None, int], list[int]], limit: int, cursor: str | None
    ) -> Page[User]:
        limit = check_limit(limit, 1000)
        if self._users.get_user(check_id(user_id, "user")) is None:
            raise NotFound(f"no user {user_id}")
        ids = fetch(user_id, decode_cursor(cursor), limit + 1)
        users = self._users.get_users(ids[:limit])
        items = [users[i] for i in ids[:limit] if i in users]
        return Page(items, encode_cursor(ids[limit - 1]) if len(ids) > limit else None)
