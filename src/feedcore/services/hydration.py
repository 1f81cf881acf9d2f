"""Turning ids into posts, user cards and feed items: ContentCache first, then the store.

A feed page is hydrated in two cache round trips: posts and the viewer's like flags together
(one multi-kind read), then the authors' cards, usually from this process's near cache (no round
trip). Misses go to the store and are written back.

A fill from the store only *adds* (it never overwrites a cached value), and a change *writes*
what it changed (the value as the store now holds it, or a tombstone for one that is gone)
instead of deleting it: so a reader that read the store before a change and fills after it
cannot put the old value back (a like count undone, an edit reverted, a deleted post alive).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from ..codec import decode_card, decode_post, encode_card, encode_post
from ..errors import Unavailable
from ..model import FeedItem, Post, UserCard
from ..nearcache import NearCache
from ..ports import ContentCache, InteractionStore, PostStore, UserStore
from ..resilience import CircuitBreaker

__all__ = ["Hydrator", "ReadNotes"]

T = TypeVar("T")

LIKED_TTL = 600.0
"""Seconds a viewer's like flag stays cached (bounded: one key per viewer and post seen)."""
_GONE = b""
"""A cached tombstone: the value is gone (a deleted post); readers take it as absent."""


@attrs.define
class ReadNotes:
    """What a read learned on the way: ``degraded`` when a backend was skipped."""

    degraded: bool = False


@attrs.frozen
class _Kind(Generic[T]):
    """One kind of cached value: its cache name, how to load misses, how to (de)serialize."""

    name: str
    load: Callable[[list[int]], Mapping[int, T]]
    encode: Callable[[T], bytes]
    decode: Callable[[bytes], T | None]
    """None for a value this version cannot read: a miss."""
    ttl: float
    optional: bool = False
    """If the store cannot answer, serve what the cache had (degraded) instead of failing."""
    near: bool = False
    """Also kept, decoded, in the process's near cache (see :mod:`feedcore.nearcache`)."""


class Hydrator:
    def __init__(
        self,
        users: UserStore,
        posts: PostStore,
        interactions: InteractionStore,
        content: ContentCache,
        near: NearCache[tuple[str, int | str], Any],
        breakers: tuple[CircuitBreaker, CircuitBreaker],
        ttl: float,
    ) -> None:
        """``breakers``: the cache's and the store's; ``ttl``: seconds posts and cards stay cached."""
        self._users = users
        self._interactions = interactions
        self._content = content
        self._near = near
        self._cache_breaker, self._store_breaker = breakers
        self._posts = _Kind("post", posts.get_posts, encode_post, decode_post, ttl)
        self._cards = _Kind("user", self._load_cards, encode_card, decode_card, ttl, near=True)

    def posts(self, post_ids: Iterable[int], notes: ReadNotes | None = None) -> dict[int, Post]:
        """Live posts by id; deleted or unknown ids are absent."""
        return self._fetch([(self._posts, list(post_ids))], notes)[0]

    def cards(self, user_ids: Iterable[int], notes: ReadNotes | None = None) -> dict[int, UserCard]:
        return self._fetch([(self._cards, list(user_ids))], notes)[0]

    def liked(self, viewer_id: int, post_ids: Sequence[int], notes: ReadNotes | None = None) -> set[int]:
        """Which of ``post_ids`` the viewer likes (cached per viewer and post for a few minutes)."""
        flags = self._fetch([(self._liked_kind(viewer_id), list(post_ids))], notes)[0]
        return {pid for pid, flag in flags.items() if flag}

    def items(self, post_ids: Sequence[int], viewer_id: int | None, notes: ReadNotes | None = None) -> list[FeedItem]:
        """Feed items in the order of ``post_ids``, dropping posts that are gone."""
        wanted: list[tuple[_Kind[Any], list[int]]] = [(self._posts, list(post_ids))]
        if viewer_id is not None:
            wanted.append((self._liked_kind(viewer_id), list(post_ids)))
        found = self._fetch(wanted, notes)
        posts: dict[int, Post] = found[0]
        liked = {pid for pid, flag in found[1].items() if flag} if viewer_id is not None else set()
        cards = self.cards({p.author_id for p in posts.values()}, notes)
        items = []
        for pid in post_ids:
            post = posts.get(pid)
            author = cards.get(post.author_id) if post else None
            if post is not None and author is not None:
                items.append(FeedItem(post, author, post.like_count, post.comment_count, pid in liked))
        return items

    def set_liked(self, viewer_id: int, post_id: int, liked: bool, *, strict: bool = False) -> None:
        """After a like or unlike: the viewer's flag as it now is. ``strict`` as in :meth:`refresh_posts`."""
        kind = self._liked_kind(viewer_id)
        self._write(self._content.set_many, strict, kind.name, {post_id: kind.encode(liked)}, kind.ttl)

    def refresh_liked(self, viewer_id: int, post_ids: Iterable[int], *, strict: bool = False) -> None:
        """After likes or unlikes: cache the viewer's flags as the store now has them. ``strict``
        as in :meth:`refresh_posts`."""
        self._refresh(self._liked_kind(viewer_id), list(post_ids), strict)

    def refresh_posts(self, post_ids: Iterable[int], *, strict: bool = False) -> None:
        """After posts changed (counted, edited, deleted): cache them as the store now has them.
        ``strict`` (an event's handler): raise Unavailable if the store or the cache cannot be
        reached, so the event is handled again; otherwise (the request that made the change) a
        failure is left to the change's event, whose handler writes the cache again."""
        self._refresh(self._posts, list(post_ids), strict)

    def refresh_users(self, user_ids: Iterable[int]) -> None:
        """After users' cards changed: cache them as the store now has them, here and in the near cache."""
        self._refresh(self._cards, list(user_ids), strict=False)

    def remember_posts(self, posts: Iterable[Post]) -> None:
        values = {p.id: encode_post(p) for p in posts}
        self._cache_breaker.best_effort(self._content.set_many, self._posts.name, values, self._posts.ttl)

    def _load_cards(self, ids: list[int]) -> dict[int, UserCard]:
        return {uid: user.card for uid, user in self._users.get_users(ids).items()}

    def _liked_kind(self, viewer_id: int) -> _Kind[bool]:
        def load(ids: list[int]) -> dict[int, bool]:
            yes = self._interactions.liked(viewer_id, ids)
            return {pid: pid in yes for pid in ids}

        return _Kind(f"liked.{viewer_id}", load, _encode_flag, _decode_flag, LIKED_TTL, optional=True)

    def _refresh(self, kind: _Kind[Any], ids: list[int], strict: bool) -> None:
        """Write what the store holds now for ``ids`` (a tombstone for what is gone); if the store
        cannot say (and not ``strict``), drop the cached values instead."""
        self._near.delete_many((kind.name, i) for i in ids)
        try:
            loaded = self._store_breaker.call(kind.load, ids)
        except Unavailable:
            if strict:
                raise
            self._cache_breaker.best_effort(self._content.delete_many, kind.name, ids)
            return
        values = {i: kind.encode(loaded[i]) if i in loaded else _GONE for i in ids}
        self._write(self._content.set_many, strict, kind.name, values, kind.ttl)
        if kind.near:
            self._near.set_many({(kind.name, i): value for i, value in loaded.items()})

    def _write(self, write: Callable[[str, Mapping[int, bytes], float], None], strict: bool, *args: Any) -> None:
        """A cache write: through the breaker (Unavailable raised) when ``strict``, else best effort."""
        if strict:
            self._cache_breaker.call(write, *args)
        else:
            self._cache_breaker.best_effort(write, *args)

    def _fetch(self, wanted: list[tuple[_Kind[Any], list[int]]], notes: ReadNotes | None) -> list[dict[int, Any]]:
        """For each (kind, ids): the values found, from the near cache, then one multi-kind cache
        read, then the store for the misses (written back). Raises Unavailable if the store is
        needed and down, unless the kind is optional or the cache had something and ``notes``
        can say degraded."""
        near = {kind.name: self._near_get(kind, ids) for kind, ids in wanted}
        remote = {kind.name: [i for i in dict.fromkeys(ids) if i not in near[kind.name]] for kind, ids in wanted}
        cache_ok = True
        cached: dict[str, dict[int, bytes]] = {}
        if any(remote.values()):
            try:
                cached = self._cache_breaker.call(self._content.get_groups, {k: v for k, v in remote.items() if v})
            except Unavailable:
                cache_ok = False
                if notes is not None:
                    notes.degraded = True
        results: list[dict[int, Any]] = []
        for kind, _ in wanted:
            decoded = {k: kind.decode(v) for k, v in cached.get(kind.name, {}).items() if v != _GONE}
            fetched = {k: v for k, v in decoded.items() if v is not None}
            gone = cached.get(kind.name, {}).keys() - decoded.keys()
            missing = [i for i in remote[kind.name] if i not in fetched and i not in gone]
            if missing:
                try:
                    loaded = self._store_breaker.call(kind.load, missing)
                except Unavailable:
                    if not kind.optional and (notes is None or not (fetched or near[kind.name])):
                        raise
                    if notes is not None:
                        notes.degraded = True  # the store is down: serve what the caches had
                    loaded = {}
                fetched.update(loaded)
                if cache_ok and loaded:
                    # a value this version cannot read is replaced; anything else is only added
                    unreadable = {k: kind.encode(v) for k, v in loaded.items() if k in decoded}
                    new = {k: kind.encode(v) for k, v in loaded.items() if k not in decoded}
                    for write, values in ((self._content.set_many, unreadable), (self._content.add_many, new)):
                        if values:
                            self._cache_breaker.best_effort(write, kind.name, values, kind.ttl)
            if kind.near:
                self._near.set_many({(kind.name, k): v for k, v in fetched.items()})
            results.append(near[kind.name] | fetched)
        return results

    def _near_get(self, kind: _Kind[Any], ids: list[int]) -> dict[int, Any]:
        if not kind.near:
            return {}
        found = self._near.get_many((kind.name, i) for i in ids)
        return {i: found[kind.name, i] for i in ids if (kind.name, i) in found}


def _encode_flag(flag: bool) -> bytes:
    return b"1" if flag else b"0"


def _decode_flag(data: bytes) -> bool:
    return data == b"1"
