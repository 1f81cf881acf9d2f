"""Outbox contract, run on every store backend (see tests/fixtures/stores.py)."""

from __future__ import annotations

import pytest


class PublishFailed(Exception):
    pass


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.batches: list[list] = []
        self.fail = fail

    def __call__(self, events) -> None:
        if self.fail:
            raise PublishFailed("bus down")
        self.batches.append(list(events))

    @property
    def events(self) -> list:
        return [e for batch in self.batches for e in batch]


def _writes_on_one_shard(kit, n):
    """``n`` events written by ``n`` follows of one user (so all on that user's shard)."""
    hub, *others = kit.users(n + 1)
    events = []
    for other in others:
        event = kit.event("follow.created", hub.id, follower_id=hub.id, followee_id=other.id)
        kit.store.add_follow(hub.id, other.id, kit.clock(), [event])
        events.append(event)
    return events


def test_relay_publishes_oldest_first_then_removes(kit):
    events = _writes_on_one_shard(kit, 5)
    publish = Recorder()
    assert kit.store.pending() == 5
    assert kit.store.relay(publish) == 5
    assert publish.events == events  # equal values: payloads survive the round trip
    assert kit.store.pending() == 0
    assert kit.store.relay(publish) == 0
    assert len(publish.batches) == 1


def test_relay_respects_limit(kit):
    events = _writes_on_one_shard(kit, 5)
    publish = Recorder()
    assert kit.store.relay(publish, limit=2) == 2
    assert publish.events == events[:2]
    assert kit.store.pending() == 3
    assert kit.store.relay(publish, limit=2) == 2
    assert kit.store.relay(publish, limit=2) == 1
    assert publish.events == events


def test_failed_publish_keeps_events_and_propagates(kit):
    events = _writes_on_one_shard(kit, 3)
    with pytest.raises(PublishFailed):
        kit.store.relay(Recorder(fail=True))
    assert kit.store.pending() == 3
    publish = Recorder()
    assert kit.store.relay(publish) == 3
    assert publish.events == events


def test_relay_drains_every_shard_once(kit):
    users = kit.users(10)
    events = [kit.event("user.registered", u.id, user_id=u.id) for u in users]
    for user, event in zip(users, events, strict=True):
        kit.store.update_profile(user.id, display_name=None, bio="b", events=[event])
    publish = Recorder()
    total = 0
    for _ in range(10):
        published = kit.store.relay(publish, limit=3)
        if not published:
            break
        total += published
    assert total == 10
    assert sorted(e.id for e in publish.events) == sorted(e.id for e in events)
    assert kit.store.pending() == 0
