"""The EventBus contract, once, for every backend (see tests/fixtures/buses.py)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence

from feedcore.events import Event
from feedcore.ports.bus import EventBus, Subscription
from tests.fixtures.events import some_event

WAIT = 20.0
"""Seconds any test waits at most for events (a Kafka group's first join takes a few)."""


def make_events(count: int, *, keys: int = 5, start: int = 1, type_: str = "post.created") -> list[Event]:
    return [some_event(type_, 1000 + i % keys, i, 1.0) for i in range(start, start + count)]


def new_group() -> str:
    # Fresh per test: a Kafka group whose member left mid-join can stay stuck on tansu.
    return f"g-{uuid.uuid4().hex[:10]}"


def drain(sub: Subscription, count: int, *, commit: bool = False, wait: float = WAIT) -> list[Event]:
    """Poll until ``count`` events came (or ``wait`` seconds passed); commit each batch if asked."""
    got: list[Event] = []
    deadline = time.monotonic() + wait
    while len(got) < count and time.monotonic() < deadline:
        batch = sub.poll(max_events=count - len(got), timeout=0.2)
        got.extend(batch)
        if commit and batch:
            sub.commit()
    return got


def ids(events: Sequence[Event]) -> list[int]:
    return [e.id for e in events]


def test_a_new_group_reads_everything_published(bus: EventBus) -> None:
    posts = make_events(12)
    follows = make_events(8, start=100, type_="follow.created")
    bus.publish(posts)
    bus.publish(follows)
    sub = bus.subscribe(new_group(), ["posts", "graph"])
    try:
        got = drain(sub, 20)
        assert sorted(ids(got)) == ids(posts) + ids(follows)
        assert got[0] in posts + follows
        assert sub.poll(timeout=0.2) == []
    finally:
        sub.close()


def test_events_with_one_key_keep_their_order(bus: EventBus) -> None:
    events = make_events(30, keys=4)
    bus.publish(events[:15])
    bus.publish(events[15:])
    sub = bus.subscribe(new_group(), ["posts"])
    try:
        got = drain(sub, 30)
    finally:
        sub.close()
    assert len(got) == 30
    for key in {e.key for e in events}:
        assert ids(e for e in got if e.key == key) == ids(e for e in events if e.key == key)  # type: ignore[arg-type]


def test_two_groups_each_get_everything(bus: EventBus) -> None:
    events = make_events(10)
    bus.publish(events)
    first, second = bus.subscribe(new_group(), ["posts"]), bus.subscribe(new_group(), ["posts"])
    try:
        assert sorted(ids(drain(first, 10, commit=True))) == ids(events)
        assert sorted(ids(drain(second, 10))) == ids(events)
    finally:
        first.close()
        second.close()


def test_a_restarted_member_resumes_after_its_commit(bus: EventBus) -> None:
    group = new_group()
    bus.publish(make_events(10))
    sub = bus.subscribe(group, ["posts"])
    try:
        assert len(drain(sub, 10)) == 10
        sub.commit()
    finally:
        sub.close()
    later = make_events(5, start=11)
    bus.publish(later)
    restarted = bus.subscribe(group, ["posts"])
    try:
        got = drain(restarted, 5)
        assert sorted(ids(got)) == ids(later)
        assert restarted.poll(timeout=0.3) == []
    finally:
        restarted.close()


def test_uncommitted_events_are_delivered_again_after_a_restart(bus: EventBus) -> None:
    group = new_group()
    events = make_events(12, keys=1)  # one key, one partition: a commit point splits it cleanly
    bus.publish(events)
    sub = bus.subscribe(group, ["posts"])
    try:
        assert ids(drain(sub, 4)) == ids(events[:4])
        sub.commit()
        assert ids(drain(sub, 8)) == ids(events[4:])
    finally:
        sub.close()  # leaves without committing the last 8
    restarted = bus.subscribe(group, ["posts"])
    try:
        assert ids(drain(restarted, 8)) == ids(events[4:])
    finally:
        restarted.close()


def test_poll_waits_no_longer_than_its_timeout(bus: EventBus) -> None:
    sub = bus.subscribe(new_group(), ["users"])
    try:
        started = time.monotonic()
        assert sub.poll(timeout=0.0) == []
        assert time.monotonic() - started < 1.0
        started = time.monotonic()
        assert sub.poll(timeout=0.3) == []
        assert time.monotonic() - started < 1.5
    finally:
        sub.close()


def run_members(*loops: Callable[[], bool]) -> None:
    """Run each member's loop step in its own thread (a Subscription belongs to one thread)
    until it returns False or WAIT passes; re-raise the first error here."""
    errors: list[BaseException] = []
    deadline = time.monotonic() + WAIT

    def run(step: Callable[[], bool]) -> None:
        try:
            while time.monotonic() < deadline and step():
                pass
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(loop,)) for loop in loops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT + 10)
    assert not errors, errors


# Members poll with half-second timeouts: kafka-python 3.0.12 drops a group join that completes
# between two polls and joins again, so very short timeouts can keep a group rebalancing.
MEMBER_POLL = 0.5


def test_two_members_of_a_group_see_every_event_exactly_once(bus: EventBus) -> None:
    events = make_events(40, keys=16)
    bus.publish(events)
    group = new_group()
    members = [bus.subscribe(group, ["posts"]), bus.subscribe(group, ["posts"])]
    seen: list[list[int]] = [[], []]
    lock = threading.Lock()

    def member(index: int) -> Callable[[], bool]:
        def step() -> bool:
            batch = members[index].poll(max_events=10, timeout=MEMBER_POLL)
            members[index].commit()
            with lock:
                seen[index].extend(ids(batch))
                return len(seen[0]) + len(seen[1]) < len(events)

        return step

    try:
        run_members(member(0), member(1))
    finally:
        for sub in members:
            sub.close()
    assert sorted(seen[0] + seen[1]) == ids(events)


def test_publishing_nothing_is_a_no_op(bus: EventBus) -> None:
    bus.publish([])
    event = make_events(1)
    bus.publish(event)
    sub = bus.subscribe(new_group(), ["posts"])
    try:
        assert drain(sub, 1) == event
        assert sub.poll(timeout=0.3) == []
    finally:
        sub.close()


def test_when_a_member_leaves_the_others_take_over_its_uncommitted_events(bus: EventBus) -> None:
    events = make_events(30, keys=16)
    bus.publish(events)
    group = new_group()
    leaving, staying = bus.subscribe(group, ["posts"]), bus.subscribe(group, ["posts"])
    by_leaver: list[int] = []
    by_stayer: set[int] = set()

    def leaver() -> bool:
        # Polls, never commits, and leaves once both members have held events together.
        by_leaver.extend(ids(leaving.poll(timeout=MEMBER_POLL)))
        if by_leaver and by_stayer:
            leaving.close()
            return False
        return True

    def stayer() -> bool:
        by_stayer.update(ids(staying.poll(timeout=MEMBER_POLL)))
        staying.commit()
        return len(by_stayer) < len(events)

    try:
        run_members(leaver, stayer)
    finally:
        leaving.close()
        staying.close()
    assert by_leaver
    assert sorted(by_stayer) == ids(events)
