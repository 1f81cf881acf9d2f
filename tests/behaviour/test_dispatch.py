"""The in-process dispatcher: handlers run in a thread of their own, and an event leaves the
outbox only once every group has handled it."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from feedcore import Platform, Settings
from feedcore.backends.memory.bus import MemoryBus
from feedcore.backends.memory.cache import MemoryCache
from feedcore.errors import Unavailable
from feedcore.events import Event
from feedcore.ports import Timeline
from tests.behaviour.helpers import PASSWORD, home_ids
from tests.fixtures.platforms import TEST_SETTINGS
from tests.http.client import eventually


class ThreadRecordingBus(MemoryBus):
    """Remembers the threads that published (the dispatcher publishes, then handles)."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[str] = set()

    def publish(self, events: Sequence[Event]) -> None:
        self.threads.add(threading.current_thread().name)
        super().publish(events)


class FeedsDownCache(MemoryCache):
    """An in-process cache whose timeline writes fail while ``down``, like Redis going away."""

    down = False

    def add(
        self, timeline: Timeline, owner_ids: Sequence[int], post_ids: Sequence[int], max_len: int, partial: bool = False
    ) -> int:
        if self.down:
            raise Unavailable("cache is down")
        return super().add(timeline, owner_ids, post_ids, max_len, partial)


def test_writes_never_run_handlers_in_their_own_thread(tmp_path: Path) -> None:
    bus = ThreadRecordingBus()
    with Platform.open(Settings(data_dir=str(tmp_path), **TEST_SETTINGS), bus=bus) as p:
        alice, bob = (p.users.register(h, PASSWORD) for h in ("alice", "bob"))
        p.graph.follow(bob.id, alice.id)
        post = p.posts.create(alice.id, text="hello")
        eventually(lambda: [i.post.id for i in p.feeds.home(bob.id).items] == [post.id])
        eventually(lambda: p.outbox_pending() == 0)  # else closing handles the rest, in this thread
    assert bus.threads == {"feedcore-dispatch"}


def test_an_event_stays_in_the_outbox_until_every_group_handled_it(tmp_path: Path) -> None:
    cache = FeedsDownCache()
    with Platform.open(Settings(data_dir=str(tmp_path), **TEST_SETTINGS), cache=cache) as p:
        alice, bob = (p.users.register(h, PASSWORD) for h in ("alice", "bob"))
        p.graph.follow(bob.id, alice.id)
        assert home_ids(p, bob) == []
        cache.down = True
        post = p.posts.create(alice.id, text="written while feeds cannot be updated")
        with pytest.raises(Unavailable):
            p.drain()
        assert p.outbox_pending() >= 1  # the bus has it, the fan-out group does not: kept
        cache.down = False
        assert home_ids(p, bob) == [post.id]
        assert p.outbox_pending() == 0


class SlowFeedsCache(MemoryCache):
    """Timeline writes take a while, so the dispatcher is busy when the platform closes."""

    def add(
        self, timeline: Timeline, owner_ids: Sequence[int], post_ids: Sequence[int], max_len: int, partial: bool = False
    ) -> int:
        time.sleep(0.05)
        return super().add(timeline, owner_ids, post_ids, max_len, partial)


def test_closing_handles_what_the_outbox_still_holds(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), relay_batch=1, **TEST_SETTINGS)
    with Platform.open(settings, cache=SlowFeedsCache()) as p:
        alice, bob = (p.users.register(h, PASSWORD) for h in ("alice", "bob"))
        p.graph.follow(bob.id, alice.id)
        for n in range(5):
            p.posts.create(alice.id, text=f"post {n}")
    with Platform.open(attrs.evolve(settings, inline_dispatch=False)) as p:  # nothing dispatches here
        assert p.outbox_pending() == 0
