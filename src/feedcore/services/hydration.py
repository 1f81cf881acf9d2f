"""Turning ids into posts, user cards and feed items: ContentCache first, then the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import attrs

from ..codec import decode_card, decode_post, encode_card, encode_post
from ..errors import Unavailable
from ..model import FeedItem, Post, UserCard
from .deps import Deps

__all__ = ["Hydrator", "ReadNotes"]

T = TypeVar("T")


@attrs.define
class ReadNotes:
    """What a read learned on the way: ``degraded`` when a backend was skipped."""

    degraded: bool = False


class Hydrator:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def posts(self, post_ids: Iterable[int], notes: ReadNotes | None = None) -> dict[int, Post]:
        """Live posts by id; deleted or unknown ids are absent."""
        return self._cached("post", post_ids, self._deps.posts.get_posts, encode_post, decode_post, notes)

    def cards(self, user_ids: Iterable[int], notes: ReadNotes | None = None) -> dict[int, UserCard]:
        def load(ids: Iterable[int]) -> Mapping[int, UserCard]:
            return {uid: user.card for uid, user in self._deps.users.get_users(ids).items()}

        return self._cached("user", user_ids, load, encode_card, decode_card, notes)

    def items(self, post_ids: Sequence[int], viewer_id: int | None, notes: ReadNotes | None = None) -> list[FeedItem]:
        """Feed items in the order of ``post_ids``, dropping posts that are gone."""
        posts = self.posts(post_ids, notes)
        cards = self.cards({p.author_id for p in posts.values()}, notes)
        liked: set[int] = set()
        if viewer_id is not None and posts:
            try:
                liked = self._deps.store_breaker.call(self._deps.interactions.liked, viewer_id, list(posts))
            except Unavailable:
                if notes is None:
                    raise
                notes.degraded = True
        items = []
        for pid in post_ids:
            post = posts.get(pid)
            author = cards.get(post.author_id) if post else None
            if post is not None and author is not None:
                items.append(FeedItem(post, author, post.like_count, post.comment_count, pid in liked))
        return items

    def forget_posts(self, post_ids: Iterable[int]) -> None:
        self._forget("post", post_ids)

    def forget_users(self, user_ids: Iterable[int]) -> None:
        self._forget("user", user_ids)

    def remember_posts(self, posts: Iterable[Post]) -> None:
        values = {p.id: encode_post(p) for p in posts}
        self._best_effort(self._deps.content.set_many, "post", values, self._deps.settings.content_ttl)

    def _forget(self, kind: str, ids: Iterable[int]) -> None:
        self._best_effort(self._deps.content.delete_many, kind, list(ids))

    def _best_effort(self, fn: Callable[..., object], *args: object) -> None:
        try:
            self._deps.cache_breaker.call(fn, *args)
        except Unavailable:
            pass  # entries expire by TTL; readers fall back to the store

    def _cached(
        self,
        kind: str,
        ids: Iterable[int],
        load: Callable[[Iterable[int]], Mapping[int, T]],
        encode: Callable[[T], bytes],
        decode: Callable[[bytes], T],
        notes: ReadNotes | None,
    ) -> dict[int, T]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        deps = self._deps
        found: dict[int, T] = {}
        cache_ok = True
        try:
            found = {k: decode(v) for k, v in deps.cache_breaker.call(deps.content.get_many, kind, wanted).items()}
        except Unavailable:
            cache_ok = False
            if notes is not None:
                notes.degraded = True
        missing = [i for i in wanted if i not in found]
        if missing:
            try:
                loaded = deps.store_breaker.call(load, missing)
            except Unavailable:
                if notes is None or not found:
                    raise
                notes.degraded = True  # the store is down: serve what the cache had
                return found
            found.update(loaded)
            if cache_ok and loaded:
                self._best_effort(
                    deps.content.set_many, kind, {k: encode(v) for k, v in loaded.items()}, deps.settings.content_ttl
                )
        return found
