"""The consumer loop: commit after success, retry, dead-letter poison events, redeliver on outages."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from feedcore.backends.memory.bus import MemoryBus
from feedcore.consumers import Consumer
from feedcore.errors import Unavailable
from feedcore.events import DEAD_LETTER_TOPIC, DeadLetter, Event, PostCreated
from feedcore.settings import Settings


def _event(n: int) -> Event:
    return PostCreated(n, 0.0, post_id=n, author_id=n % 3)


class Recorder:
    topics = ("posts",)

    def __init__(self, poison: set[int] | None = None, outage: bool = False) -> None:
        self.poison = poison or set()
        self.outage = outage
        self.handled: list[int] = []

    def __call__(self, events: Sequence[Event]) -> None:
        if self.outage:
            raise Unavailable("the store is down")
        if any(e.id in self.poison for e in events):
            raise ValueError("cannot handle this one")
        self.handled += [e.id for e in events]


@pytest.fixture
def bus() -> MemoryBus:
    bus = MemoryBus.from_url("memory://", Settings())
    bus.publish([_event(n) for n in range(1, 7)])
    return bus


def test_a_poison_event_is_dead_lettered_and_the_rest_handled(bus: MemoryBus) -> None:
    handler = Recorder(poison={3})
    consumer = Consumer(bus, "g", handler, max_attempts=2, sleep=lambda s: None)
    assert len(consumer.run_once()) == 6
    assert sorted(handler.handled) == [1, 2, 4, 5, 6]
    dead = bus.subscribe("audit", [DEAD_LETTER_TOPIC]).poll(10)
    assert [(e.id, e.group, e.record["type"]) for e in dead if isinstance(e, DeadLetter)] == [(3, "g", "post.created")]
    assert "cannot handle" in dead[0].reason
    assert consumer.run_once() == []  # committed: nothing comes again


def test_an_outage_commits_nothing_and_the_events_come_again(bus: MemoryBus) -> None:
    handler = Recorder(outage=True)
    consumer = Consumer(bus, "g", handler, sleep=lambda s: None)
    with pytest.raises(Unavailable):
        consumer.run_once()
    assert handler.handled == [] and bus.subscribe("audit", [DEAD_LETTER_TOPIC]).poll(10) == []
    handler.outage = False
    assert sorted(e.id for e in consumer.run_once()) == [1, 2, 3, 4, 5, 6]
    assert sorted(handler.handled) == [1, 2, 3, 4, 5, 6]
