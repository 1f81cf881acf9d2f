"""The Kafka bus heals by itself after its broker restarts: a producer kafka-python left in a
fatal state is replaced, a member stuck out of its group is replaced, and a member whose offset
is past the log end (the broker lost its log) starts again from the earliest offset.

The broker is a private tansu with in-memory storage, so a restart loses every record, topic,
producer id and committed offset: the worst case. Sockets kafka-python leaks on failed connects
are collected as in test_kafka_unavailable.
"""

from __future__ import annotations

import gc
import logging
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from feedcore.backends.kafka import KafkaBus
from feedcore.consumers import Consumer
from feedcore.errors import Unavailable
from feedcore.events import Event, PostCreated
from feedcore.settings import Settings
from tests.fixtures.buses import Tansu

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::ResourceWarning")]

HEAL_WITHIN = 20.0
"""Seconds a healed bus may take after the broker is back (session timeout 3 s, rejoin limit 11 s)."""


@pytest.fixture(autouse=True)
def _quiet_kafka() -> Iterator[None]:
    kafka_log = logging.getLogger("kafka")
    level = kafka_log.level
    kafka_log.setLevel(logging.CRITICAL + 1)
    yield
    kafka_log.setLevel(level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Tansu]:
    with Tansu(tmp_path / "tansu.log") as tansu:
        yield tansu


@pytest.fixture
def bus(broker: Tansu) -> Iterator[KafkaBus]:
    bus = KafkaBus.from_url(broker.url() + "&partitions=2", Settings(namespace=f"h{uuid.uuid4().hex[:10]}"))
    yield bus
    bus.close()


class Collect:
    """A handler that remembers the ids of the events it saw."""

    topics = ("posts",)

    def __init__(self) -> None:
        self.seen: set[int] = set()

    def __call__(self, events: Sequence[Event]) -> None:
        self.seen.update(e.id for e in events)


def events(ids: range) -> list[Event]:
    return [PostCreated(i, 1.0, post_id=i, author_id=i) for i in ids]


def within(seconds: float, step: Callable[[], bool]) -> float:
    """Run ``step`` (Unavailable counts as not yet) until it is true; how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if step():
                return time.monotonic() - started
        except Unavailable:
            time.sleep(0.2)
    raise AssertionError(f"not healed within {seconds} s")


def consume(consumer: Consumer, handler: Collect, wanted: set[int]) -> Callable[[], bool]:
    def step() -> bool:
        consumer.run_once(100, 0.5)
        return wanted <= handler.seen

    return step


def test_publishing_recovers_after_the_broker_restarts(broker: Tansu, bus: KafkaBus) -> None:
    bus.publish(events(range(1, 11)))
    broker.restart()

    def publish() -> bool:
        bus.publish(events(range(11, 21)))
        return True

    within(HEAL_WITHIN, publish)  # before: "Unexpected error in InitProducerId" on every publish, forever


def test_a_member_past_the_log_end_starts_again_from_the_earliest_offset(
    bus: KafkaBus, caplog: pytest.LogCaptureFixture
) -> None:
    """The group's committed offsets are past the log end, as after a broker that kept its
    group offsets but lost its log: the member starts again from the earliest offset, and says so."""
    from kafka import KafkaConsumer, TopicPartition  # after feedcore.backends.kafka silenced its import warning
    from kafka.structs import OffsetAndMetadata

    bus.publish(events(range(1, 11)))
    topic = bus.topic_name("posts")
    committer = KafkaConsumer(bootstrap_servers=bus.bootstrap_servers, group_id="heal", enable_auto_commit=False)
    try:
        committer.commit({TopicPartition(topic, p): OffsetAndMetadata(1000, "", -1) for p in range(2)})
    finally:
        committer.close()
    handler = Collect()
    consumer = Consumer(bus, "heal", handler)
    try:
        with caplog.at_level(logging.WARNING, logger="feedcore.backends.kafka"):
            within(HEAL_WITHIN, consume(consumer, handler, set(range(1, 11))))  # before: waited at 1000 forever
        assert caplog.text.count("is past the log end") == 2
    finally:
        consumer.close()


def test_a_member_out_of_a_stable_group_too_long_is_replaced(broker: Tansu) -> None:
    """kafka-python can stay stuck mid-rebalance after a broker restart (joined, never synced);
    here the limit is shorter than a first join, so the member is out of its group too long."""
    bus = KafkaBus.from_url(broker.url() + "&rejoin_timeout_ms=100", Settings(namespace=f"h{uuid.uuid4().hex[:8]}"))
    consumer = Consumer(bus, "slow", Collect())
    try:
        with pytest.raises(Unavailable, match=r"has not \(re\)joined"):
            for _ in range(20):
                consumer.run_once(100, 0.5)
    finally:
        consumer.close()
        bus.close()
