"""The embedded default keeps everything across restarts; the outbox loses no event."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from feedcore import Platform, Settings
from feedcore.backends.memory.bus import MemoryBus
from feedcore.errors import Unauthorized, Unavailable
from feedcore.events import Event
from tests.behaviour.helpers import PASSWORD, PNG, home_ids
from tests.fixtures.platforms import TEST_SETTINGS
from tests.http.client import eventually


class FlakyBus(MemoryBus):
    """An in-process bus whose publish can be switched off, like a broker going down."""

    down = False

    def publish(self, events: Sequence[Event]) -> None:
        if self.down:
            raise Unavailable("bus is down")
        super().publish(events)


def test_everything_survives_a_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), **TEST_SETTINGS)
    with Platform.open(settings) as p:
        alice = p.users.register("alice", PASSWORD, display_name="Alice")
        bob = p.users.register("bob", PASSWORD)
        p.graph.follow(bob.id, alice.id)
        media = p.media.upload(alice.id, data=PNG, content_type="image/png")
        post = p.posts.create(alice.id, text="durable", media_ids=[media.id])
        p.interactions.like(bob.id, post.id)
        comment = p.interactions.comment(bob.id, post.id, text="noted")
    with Platform.open(settings) as p:
        assert p.users.by_handle("alice").display_name == "Alice"
        assert p.graph.is_following(bob.id, alice.id)
        assert [u.id for u in p.graph.followers(alice.id).items] == [bob.id]
        item = p.feeds.home(bob.id).items[0]  # the cache was in memory: rebuilt from the store
        assert (item.post.id, item.like_count, item.comment_count, item.liked_by_me) == (post.id, 1, 1, True)
        assert [c.id for c in p.interactions.comments(post.id).items] == [comment.id]
        assert p.media.read(media.key)[0] == PNG
        assert p.auth.verify(p.auth.login("alice", PASSWORD).access_token).user_id == alice.id


def test_a_failed_dispatch_loses_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), **TEST_SETTINGS)
    bus = FlakyBus.from_url("memory://", settings)
    with Platform.open(settings, bus=bus) as p:
        alice = p.users.register("alice", PASSWORD)
        bob = p.users.register("bob", PASSWORD)
        p.graph.follow(bob.id, alice.id)
        assert home_ids(p, bob) == []
        bus.down = True
        post = p.posts.create(alice.id, text="written while the bus is down")  # acknowledged
        p.interactions.like(bob.id, post.id)
        assert p.outbox_pending() >= 2
        with pytest.raises(Unavailable):
            p.drain()
        bus.down = False
        assert p.drain() >= 2
        assert p.outbox_pending() == 0
        assert home_ids(p, bob) == [post.id]
        assert p.posts.get(post.id).like_count == 1


def test_events_left_in_the_outbox_are_dispatched_on_open(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), **TEST_SETTINGS)
    bus = FlakyBus.from_url("memory://", settings)
    with Platform.open(settings, bus=bus) as p:
        alice = p.users.register("alice", PASSWORD)
        bus.down = True
        post = p.posts.create(alice.id, text="crash right after commit")
        bob = p.users.register("bob", PASSWORD)
        p.interactions.like(bob.id, post.id)
    with Platform.open(settings) as p:  # a fresh process: its dispatcher relays the outbox at open
        eventually(lambda: p.outbox_pending() == 0)
        assert p.posts.get(post.id).like_count == 1


def test_logins_survive_a_restart_of_the_embedded_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), **TEST_SETTINGS)
    with Platform.open(settings) as p:
        alice = p.users.register("alice", PASSWORD)
        tokens = p.auth.login("alice", PASSWORD)
    with Platform.open(settings) as p:
        assert p.auth.verify(tokens.access_token).user_id == alice.id
        renewed = p.auth.refresh(tokens.refresh_token)
        p.auth.logout(renewed.refresh_token)
        with pytest.raises(Unauthorized):
            p.auth.verify(renewed.access_token)
