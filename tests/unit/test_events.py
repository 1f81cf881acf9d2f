"""Typed events: one codec for every transport; old records still decode; bad ones are dead letters."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import sqlalchemy as sa

from feedcore.backends.memory.bus import MemoryBus
from feedcore.backends.sql import SqlStore
from feedcore.backends.sql.schema import outbox
from feedcore.consumers import Consumer
from feedcore.events import (
    DEAD_LETTER_TOPIC,
    EVENT_TYPES,
    DeadLetter,
    Event,
    FollowCreated,
    PostCreated,
    PostDeleted,
    Undecodable,
    decode,
    encode,
)
from feedcore.settings import Settings
from tests.fixtures.events import some_event


@pytest.mark.parametrize("type_", sorted(EVENT_TYPES))
def test_every_event_type_round_trips(type_: str) -> None:
    rejected = {"record": {"type": "x"}, "reason": "why", "record_key": 42}
    extra = {"deadletter": {**rejected, "group": "g"}, "undecodable": rejected}.get(type_, {})
    event = some_event(type_, 42, 7, 1.5, **extra)
    assert type(event).type == type_
    assert decode(encode(event)) == event


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"id": 1, "type": "post.shared", "key": 1, "created_at": 1, "payload": {}}', "unknown event type"),
        (b'{"id": 1, "type": "post.created", "v": 9, "key": 1, "created_at": 1, "payload": {}}', "version 9"),
        (b'{"id": 1, "type": "post.created", "key": 1, "created_at": 1, "payload": {"post_id": 1}}', "author_id"),
        (b'{"id": 1, "type": "post.created", "key": 1, "created_at": 1, "payload": {"post_id": "1"}}', "int"),
        (b'{"type": "post.created"}', "malformed"),
    ],
)
def test_unreadable_records_decode_to_undecodable_with_the_reason(data: bytes, reason: str) -> None:
    event = decode(data)
    assert isinstance(event, Undecodable) and reason in event.reason
    assert event.topic == DEAD_LETTER_TOPIC


def test_outbox_rows_written_before_versions_still_decode(tmp_path) -> None:
    store = SqlStore.from_url(f"sqlite:///{tmp_path / 'old.db'}", Settings(data_dir=str(tmp_path)))
    store.migrate()
    old_rows = [  # as feedcore wrote them before events had classes and versions
        {"id": 1, "type": "follow.created", "key": 5, "created_at": 2.0, "shard": 0,
         "payload": {"follower_id": 5, "followee_id": 6, "created_at": 2.0}},
        {"id": 2, "type": "post.deleted", "key": 5, "created_at": 3.0, "shard": 0,
         "payload": {"post_id": 9, "author_id": 5, "media_ids": [11, 12]}},
        {"id": 3, "type": "post.shared", "key": 5, "created_at": 4.0, "shard": 0, "payload": {}},
    ]  # fmt: skip
    with store._shards.engine(0).begin() as conn:
        conn.execute(sa.insert(outbox), old_rows)
    published: list[Event] = []
    try:
        assert store.relay(published.extend) == 3
    finally:
        store.close()
    assert published[:2] == [
        FollowCreated(1, 2.0, follower_id=5, followee_id=6),
        PostDeleted(2, 3.0, post_id=9, author_id=5, media_ids=(11, 12)),
    ]
    assert isinstance(published[2], Undecodable) and "post.shared" in published[2].reason


class _Handler:
    topics = ("posts",)

    def __init__(self) -> None:
        self.handled: list[Event] = []

    def __call__(self, events: Sequence[Event]) -> None:
        self.handled += events


def test_a_consumer_dead_letters_undecodable_records_and_handles_the_rest() -> None:
    bus = MemoryBus()
    handler = _Handler()
    good = PostCreated(2, 1.0, post_id=2, author_id=5)
    bad = decode(b'{"id": 1, "type": "post.shared", "key": 5, "created_at": 1, "payload": {}}')
    Consumer(bus, "g", handler).handle([bad, good])
    assert handler.handled == [good]
    (letter,) = bus.subscribe("audit", [DEAD_LETTER_TOPIC]).poll(10)
    assert isinstance(letter, DeadLetter)
    assert (letter.group, letter.record["type"], letter.key) == ("g", "post.shared", 5)
    assert "unknown event type" in letter.reason
