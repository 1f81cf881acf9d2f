"""Indexes behind :class:`~feedcore.backends.memory.store.MemoryStore`: sorted id sets and the
outbox queue. Not thread-safe on their own; the store calls them under its lock."""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable, Sequence

from ...events import Event

__all__ = ["OutboxQueue", "SortedIds", "newest_first"]


class SortedIds:
    """A set of ids kept in an ascending list: O(log n) lookups and range slices, appends
    O(1) for the usual case of a new, largest (time-ordered) id."""

    __slots__ = ("_ids",)

    def __init__(self) -> None:
        self._ids: list[int] = []

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, id_: int) -> bool:
        i = bisect.bisect_left(self._ids, id_)
        return i < len(self._ids) and self._ids[i] == id_

    def add(self, id_: int) -> bool:
        """Insert ``id_``; False if it was there."""
        ids = self._ids
        if not ids or id_ > ids[-1]:
            ids.append(id_)
            return True
        i = bisect.bisect_left(ids, id_)
        if i < len(ids) and ids[i] == id_:
            return False
        ids.insert(i, id_)
        return True

    def discard(self, id_: int) -> bool:
        """Remove ``id_``; False if it was not there."""
        ids = self._ids
        i = bisect.bisect_left(ids, id_)
        if i < len(ids) and ids[i] == id_:
            del ids[i]
            return True
        return False

    def after(self, after: int | None, limit: int) -> list[int]:
        """Up to ``limit`` ids greater than ``after`` (all if None), ascending."""
        start = 0 if after is None else bisect.bisect_right(self._ids, after)
        return self._ids[start : start + max(limit, 0)]

    def before(self, before: int | None, limit: int) -> list[int]:
        """Up to ``limit`` ids less than ``before`` (all if None), descending."""
        end = len(self._ids) if before is None else bisect.bisect_left(self._ids, before)
        start = max(end - max(limit, 0), 0)
        return self._ids[start:end][::-1]


def newest_first(sets: Iterable[SortedIds], before: int | None, limit: int) -> list[int]:
    """The ``limit`` largest ids below ``before`` across ``sets``, descending (a k-way merge)."""
    if limit <= 0:
        return []
    runs = [s.before(before, limit) for s in sets]
    return list(itertools.islice(heapq.merge(*runs, reverse=True), limit))


class OutboxQueue:
    """Events waiting for the relay, handed out oldest (smallest id) first.

    ``claim`` takes events out of the queue but keeps them counted as pending until ``done``
    (published: forgotten) or ``release`` (publishing failed: back in the queue), so relays
    running at once never hand out the same event twice.
    """

    __slots__ = ("_claimed", "_heap", "_seq")

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, Event]] = []  # (event id, arrival, event)
        self._claimed = 0
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._heap) + self._claimed

    def extend(self, events: Sequence[Event]) -> None:
        for event in events:
            heapq.heappush(self._heap, (event.id, next(self._seq), event))

    def claim(self, limit: int) -> list[tuple[int, int, Event]]:
        entries = [heapq.heappop(self._heap) for _ in range(min(max(limit, 0), len(self._heap)))]
        self._claimed += len(entries)
        return entries

    def done(self, entries: Sequence[tuple[int, int, Event]]) -> None:
        self._claimed -= len(entries)

    def release(self, entries: Sequence[tuple[int, int, Event]]) -> None:
        self._claimed -= len(entries)
        for entry in entries:
            heapq.heappush(self._heap, entry)
