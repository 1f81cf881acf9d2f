"""The in-process event bus (``memory://``): Kafka's model in one process, thread-safe.

Each topic is split into a few append-only partitions; an event goes to the partition its
key hashes to, so events with the same key keep their order. Consumer groups keep a committed
offset per (topic, partition); the members of a group share the partitions (round-robin,
recomputed whenever a member joins or leaves). A member polls after its own position and
commits what it polled; partitions a closed member held go to the others from the last
commit, so its uncommitted events are delivered again. A new group starts at the earliest
event still retained.

URL: ``memory://?partitions=4&retain=10000`` — ``partitions`` per topic (default 4); ``retain``
keeps about that many events per partition (at most a tenth more), dropping the oldest, even
uncommitted ones, like Kafka's retention (default 10,000, so a long-running process holds a
bounded number of events; 0 keeps all).
Everything lives as long as the process: durability across restarts comes from the outbox.
"""

from __future__ import annotations

import itertools
import threading
import time
import zlib
from collections.abc import Iterable, Sequence
from urllib.parse import parse_qs, urlsplit

import attrs

from ...errors import ConfigurationError, InvalidInput, Unavailable
from ...events import Event, decode, encode
from ...ports.bus import EventBus, Subscription
from ...settings import Settings

__all__ = ["MemoryBus", "MemorySubscription", "partition_for"]

TopicPartition = tuple[str, int]

DEFAULT_RETAIN = 10_000
"""Events kept per partition unless the URL says otherwise."""


def partition_for(key: int, partitions: int) -> int:
    """The partition (``0 <= p < partitions``) events with ``key`` go to; stable across runs."""
    return zlib.crc32(str(key).encode()) % partitions


@attrs.define
class _Partition:
    base: int = 0
    """Offset of ``events[0]``; grows when old events are dropped by retention."""
    events: list[bytes] = attrs.Factory(list)
    """Encoded, as a broker keeps them: what a consumer gets is decoded, like a Kafka message."""

    @property
    def end(self) -> int:
        return self.base + len(self.events)

    def read(self, offset: int, limit: int) -> list[Event]:
        start = max(offset, self.base) - self.base
        return [decode(data) for data in self.events[start : start + limit]]


@attrs.define
class _Group:
    members: dict[int, tuple[str, ...]] = attrs.Factory(dict)
    """member id -> its topics, in join order."""
    committed: dict[TopicPartition, int] = attrs.Factory(dict)
    assignment: dict[int, frozenset[TopicPartition]] = attrs.Factory(dict)
    generation: int = 0


class MemoryBus(EventBus):
    """In-process topics and consumer groups. Safe to share between threads."""

    def __init__(self, partitions: int = 4, retain: int = DEFAULT_RETAIN) -> None:
        if partitions < 1 or retain < 0:
            raise ConfigurationError(f"memory bus needs partitions >= 1 and retain >= 0, got {partitions}, {retain}")
        self.partitions = partitions
        self.retain = retain
        self._cond = threading.Condition()
        self._topics: dict[str, list[_Partition]] = {}
        self._groups: dict[str, _Group] = {}
        self._member_ids = itertools.count(1)
        self._closed = False

    @classmethod
    def from_url(cls, url: str, settings: Settings) -> MemoryBus:
        query = parse_qs(urlsplit(url).query)
        try:
            partitions = int(query.get("partitions", ["4"])[-1])
            retain = int(query.get("retain", [str(DEFAULT_RETAIN)])[-1])
        except ValueError:
            raise ConfigurationError(f"memory bus URL {url!r}: partitions and retain must be integers") from None
        return cls(partitions=partitions, retain=retain)

    # -- EventBus -------------------------------------------------------------------------

    def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        with self._cond:
            self._ensure_open()
            for event in events:
                part = self._topic(event.topic)[partition_for(event.key, self.partitions)]
                part.events.append(encode(event))
                self._trim(part)
            self._cond.notify_all()

    def subscribe(self, group: str, topics: Sequence[str]) -> MemorySubscription:
        if not group or not topics:
            raise InvalidInput("subscribe needs a group name and at least one topic")
        with self._cond:
            self._ensure_open()
            for topic in topics:
                self._topic(topic)
            state = self._groups.setdefault(group, _Group())
            member = next(self._member_ids)
            state.members[member] = tuple(dict.fromkeys(topics))
            self._rebalance(state)
            return MemorySubscription(self, group, member)

    def check(self) -> None:
        with self._cond:
            self._ensure_open()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # -- used by MemorySubscription, always under self._cond ------------------------------

    def _ensure_open(self) -> None:
        if self._closed:
            raise Unavailable("the in-process bus is closed")

    def _topic(self, name: str) -> list[_Partition]:
        parts = self._topics.get(name)
        if parts is None:
            parts = self._topics[name] = [_Partition() for _ in range(self.partitions)]
        return parts

    def _trim(self, part: _Partition) -> None:
        # Drop in chunks of retain/10 so trimming stays amortised O(1) per event.
        if self.retain and len(part.events) > self.retain + max(1, self.retain // 10):
            drop = len(part.events) - self.retain
            del part.events[:drop]
            part.base += drop

    def _rebalance(self, state: _Group) -> None:
        """Deal each topic's partitions round-robin over the members subscribed to it."""
        owned: dict[int, set[TopicPartition]] = {m: set() for m in state.members}
        for topic in sorted({t for ts in state.members.values() for t in ts}):
            takers = [m for m, ts in state.members.items() if topic in ts]
            for p in range(self.partitions):
                owned[takers[p % len(takers)]].add((topic, p))
        state.assignment = {m: frozenset(tps) for m, tps in owned.items()}
        state.generation += 1
        self._cond.notify_all()

    def _leave(self, group: str, member: int) -> None:
        state = self._groups[group]
        if state.members.pop(member, None) is not None:
            self._rebalance(state)

    def _start_offset(self, state: _Group, tp: TopicPartition) -> int:
        return max(state.committed.get(tp, 0), self._topics[tp[0]][tp[1]].base)


class MemorySubscription(Subscription):
    """One member of a group on a :class:`MemoryBus`. Use it from one thread."""

    def __init__(self, bus: MemoryBus, group: str, member: int) -> None:
        self._bus = bus
        self._group = group
        self._member = member
        self._generation = -1
        self._positions: dict[TopicPartition, int] = {}
        self._rotation = 0
        self._closed = False

    def poll(self, max_events: int = 500, timeout: float = 0.0) -> list[Event]:
        if max_events < 1:
            raise InvalidInput(f"max_events must be at least 1, got {max_events}")
        deadline = time.monotonic() + max(timeout, 0.0)
        cond = self._bus._cond
        with cond:
            while True:
                self._ensure_usable()
                self._sync_assignment()
                batch = self._take(max_events)
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0:
                    return batch
                cond.wait(remaining)

    def commit(self) -> None:
        with self._bus._cond:
            self._ensure_usable()
            self._sync_assignment()
            state = self._bus._groups[self._group]
            state.committed.update(self._positions)

    def close(self) -> None:
        with self._bus._cond:
            if not self._closed:
                self._closed = True
                self._positions.clear()
                self._bus._leave(self._group, self._member)

    # -- internals, under the bus lock ----------------------------------------------------

    def _ensure_usable(self) -> None:
        if self._closed:
            raise InvalidInput("this subscription is closed")
        self._bus._ensure_open()

    def _sync_assignment(self) -> None:
        """After a rebalance keep positions of partitions still owned; start new ones at the
        group's committed offset (revoked ones are dropped uncommitted: redelivered elsewhere)."""
        state = self._bus._groups[self._group]
        if state.generation == self._generation:
            return
        owned = state.assignment.get(self._member, frozenset())
        self._positions = {
            tp: self._positions[tp] if tp in self._positions else self._bus._start_offset(state, tp)
            for tp in sorted(owned)
        }
        self._generation = state.generation

    def _take(self, limit: int) -> list[Event]:
        """Up to ``limit`` events, visiting partitions from a rotating start for fairness."""
        tps = list(self._positions)
        if not tps:
            return []
        self._rotation = (self._rotation + 1) % len(tps)
        batch: list[Event] = []
        for tp in _rotated(tps, self._rotation):
            if len(batch) >= limit:
                break
            part = self._bus._topics[tp[0]][tp[1]]
            position = max(self._positions[tp], part.base)
            events = part.read(position, limit - len(batch))
            self._positions[tp] = position + len(events)
            batch.extend(events)
        return batch


def _rotated(items: list[TopicPartition], start: int) -> Iterable[TopicPartition]:
    return itertools.chain(items[start:], items[:start])
