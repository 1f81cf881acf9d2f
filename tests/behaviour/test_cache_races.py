"""A cache fill from a store read made before a change must not outlive the change.

A reader misses the cache and reads a post from the store; before it writes what it read into
the cache, the post changes (a like is counted, its text edited, the post deleted); then the
reader's fill lands. The cache must keep the newer state: fills only add, changes overwrite.
The interleaving is made deterministic by a store whose next post read runs the change first.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import attrs
import pytest

from feedcore import Platform, Post, Settings, User
from feedcore.backends.memory.cache import MemoryCache
from feedcore.backends.memory.store import MemoryStore
from feedcore.errors import NotFound, Unavailable
from tests.fixtures.platforms import TEST_SETTINGS


class RacingStore(MemoryStore):
    """A MemoryStore whose next post read, once armed, runs ``meanwhile`` before it returns."""

    meanwhile: Callable[[], object] | None = None

    def get_posts(self, post_ids: Iterable[int]) -> dict[int, Post]:
        found = super().get_posts(post_ids)
        change, self.meanwhile = self.meanwhile, None
        if change is not None:
            change()
        return found


@attrs.frozen
class World:
    platform: Platform
    store: RacingStore
    cache: MemoryCache
    alice: User
    bob: User
    carol: User
    post: Post

    def read_during(self, change: Callable[[], object]) -> None:
        """A read of the post that misses the cache (evicted), with ``change`` (and its events
        handled) between the reader's store read and its cache fill."""
        self.platform.drain()
        self.cache.delete_many("post", [self.post.id])

        def changed() -> None:
            change()
            self.platform.drain()

        self.store.meanwhile = changed
        try:
            self.platform.posts.get(self.post.id)
        except NotFound:
            pass
        assert self.store.meanwhile is None, "the read did not miss the cache"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    store, cache = RacingStore(), MemoryCache()
    settings = Settings(**{**TEST_SETTINGS, "data_dir": str(tmp_path), "database_url": "memory://"})
    with Platform.open(settings, store=store, cache=cache) as p:
        alice, bob, carol = (p.users.register(h, "correct horse battery") for h in ("alice", "bob", "carol"))
        post = p.posts.create(alice.id, "hello")
        p.interactions.like(bob.id, post.id)
        p.drain()
        yield World(p, store, cache, alice, bob, carol, post)


def test_a_like_counted_during_a_fill_is_not_undone(world: World) -> None:
    p = world.platform
    world.read_during(lambda: p.interactions.like(world.carol.id, world.post.id))
    assert p.posts.get(world.post.id).like_count == 2  # before: 1, from the cache, for content_ttl


def test_an_edit_during_a_fill_is_not_undone(world: World) -> None:
    p = world.platform
    world.read_during(lambda: p.posts.edit(world.alice.id, world.post.id, "edited"))
    assert p.posts.get(world.post.id).text == "edited"  # before: "hello"


def test_a_delete_during_a_fill_is_not_undone(world: World) -> None:
    p = world.platform
    world.read_during(lambda: p.posts.delete(world.alice.id, world.post.id))
    with pytest.raises(NotFound):
        p.posts.get(world.post.id)  # before: the deleted post, from the cache


class FlakyCache(MemoryCache):
    """A MemoryCache whose content calls fail (Unavailable) while ``down``, keeping what it holds."""

    down = False

    def _up(self) -> None:
        if self.down:
            raise Unavailable("the cache is unreachable")

    def get_groups(self, wanted: Mapping[str, Iterable[int]]) -> dict[str, dict[int, bytes]]:
        self._up()
        return super().get_groups(wanted)

    def set_many(self, kind: str, values: Mapping[int, bytes], ttl: float) -> None:
        self._up()
        super().set_many(kind, values, ttl)


def test_a_counted_like_reaches_a_cache_that_was_unreachable(tmp_path: Path) -> None:
    """The cache holds the post (no likes) but cannot be reached while a like is counted; once
    it can, the like's handler runs again and writes the count (before: the write was skipped,
    and the old count stayed cached for content_ttl)."""
    cache = FlakyCache()
    settings = Settings(**{**TEST_SETTINGS, "data_dir": str(tmp_path), "database_url": "memory://"})
    with Platform.open(settings, cache=cache) as p:
        alice, bob = (p.users.register(h, "correct horse battery") for h in ("alice", "bob"))
        post = p.posts.create(alice.id, "hello")
        p.drain()
        cache.down = True
        p.interactions.like(bob.id, post.id)
        with contextlib.suppress(Unavailable):
            p.drain(timeout=1.0)
        cache.down = False
        for _ in range(100):  # the breaker lets a trial call through within its reset time
            p.drain(timeout=1.0)
            if p.posts.get(post.id).like_count == 1:
                break
            time.sleep(0.1)
        assert p.posts.get(post.id).like_count == 1
