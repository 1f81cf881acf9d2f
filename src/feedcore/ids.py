"""64-bit, time-ordered ids that name their logical shard.

Layout (most significant first, the sign bit always 0)::

    41 bits  milliseconds since EPOCH_MS (2024-01-01T00:00:00Z), ~69 years
    10 bits  logical shard, 0..1023
    12 bits  below the shard (SEQUENCE_BITS), split in two:
     6 bits    counter within the millisecond, 0..63, per generator (process)
     6 bits    the generator's slot, 0..63

Ordering ids orders by creation time; ``shard_of(id)`` tells where a row lives. Ids made
before slots existed (12 bits of counter) keep their meaning: only the low 12 bits changed use.

Every process that makes ids for a store holds its own slot, leased from the store (see
:mod:`feedcore.slots`), so two processes never make the same id, whatever their clocks say.
Limits: at most MAX_SLOTS (64) processes making ids for one store at once, and 64 ids per
millisecond per process (64,000/s); a process that makes more borrows milliseconds from the
future, so its ids stay unique and ordered but run ahead of its clock.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from typing import Protocol

__all__ = [
    "EPOCH_MS",
    "MAX_SHARDS",
    "MAX_SLOTS",
    "SEQUENCE_BITS",
    "SHARD_BITS",
    "SLOT_BITS",
    "Clock",
    "IdGenerator",
    "SlotSource",
    "database_of",
    "id_at",
    "shard_for_handle",
    "shard_of",
    "timestamp_of",
]

EPOCH_MS = 1_704_067_200_000
SHARD_BITS = 10
SEQUENCE_BITS = 12
SLOT_BITS = 6
MAX_SHARDS = 1 << SHARD_BITS
MAX_SLOTS = 1 << SLOT_BITS
_MAX_COUNTER = (1 << (SEQUENCE_BITS - SLOT_BITS)) - 1

Clock = Callable[[], float]


class SlotSource(Protocol):
    """Where a generator gets its slot. ``source(at)``: the slot for an id with timestamp
    ``at`` or later (seconds since the epoch), and the time the slot's ids may start at (ids
    other generators made with it are older). ``release(until)``: the generator is done, and
    made no id at or after ``until``. Both may raise Unavailable."""

    def __call__(self, at: float) -> tuple[int, float]: ...

    def release(self, until: float) -> None: ...


def shard_of(id_: int) -> int:
    """The logical shard encoded in ``id_``."""
    return (id_ >> SEQUENCE_BITS) & (MAX_SHARDS - 1)


def database_of(id_: int, databases: int) -> int:
    """The index of the database (of ``databases``) that holds the rows of ``id_`` or of its
    owner: logical shards map onto databases by ``shard % databases``."""
    return shard_of(id_) % databases


def timestamp_of(id_: int) -> float:
    """Creation time of ``id_`` in seconds since the Unix epoch."""
    return _seconds(id_ >> (SHARD_BITS + SEQUENCE_BITS))


def id_at(seconds: float, shard: int = 0, sequence: int = 0) -> int:
    """The smallest id of ``shard`` at ``seconds``; useful as a time bound in range queries."""
    ms = max(0, int(seconds * 1000) - EPOCH_MS)
    return (ms << (SHARD_BITS + SEQUENCE_BITS)) | (shard << SEQUENCE_BITS) | sequence


def shard_for_handle(handle: str, logical_shards: int) -> int:
    """The logical shard of the user with ``handle`` (case-insensitive, stable across runs)."""
    return zlib.crc32(handle.lower().encode()) % logical_shards


class IdGenerator:
    """Thread-safe id source. Call it with a logical shard to get a new id.

    ``slots`` gives the slot each id carries (see :class:`SlotSource`); without it, every id
    carries slot 0, which is unique only while no other generator makes ids for the same store.
    If the clock stalls or steps back, ids keep increasing by borrowing milliseconds from the
    future, so they stay unique and ordered within a process.
    """

    def __init__(self, clock: Clock = time.time, slots: SlotSource | None = None) -> None:
        self._clock = clock
        self._slots = slots
        self._lock = threading.Lock()
        self._last_ms = -1
        self._counter = 0

    def __call__(self, shard: int) -> int:
        """A new id on ``shard``. Raises ValueError (shard out of range) or Unavailable (no slot)."""
        if not 0 <= shard < MAX_SHARDS:
            raise ValueError(f"shard must be in 0..{MAX_SHARDS - 1}, got {shard}")
        with self._lock:
            ms = max(self._now_ms(), self._last_ms)
            if ms == self._last_ms and self._counter == _MAX_COUNTER:
                ms += 1
            slot = 0
            if self._slots is not None:
                slot, start = self._slots(_seconds(ms))
                ms = max(ms, round(start * 1000) - EPOCH_MS)
            self._counter = self._counter + 1 if ms == self._last_ms else 0
            self._last_ms = ms
            low = (self._counter << SLOT_BITS) | slot
            return (ms << (SHARD_BITS + SEQUENCE_BITS)) | (shard << SEQUENCE_BITS) | low

    def _now_ms(self) -> int:
        return int(self._clock() * 1000) - EPOCH_MS

    def close(self) -> None:
        """Release the slot (see :class:`SlotSource`)."""
        if self._slots is not None:
            with self._lock:
                self._slots.release(_seconds(self._last_ms + 1))


def _seconds(ms: int) -> float:
    """Seconds since the Unix epoch of ``ms`` milliseconds since EPOCH_MS."""
    return (ms + EPOCH_MS) / 1000.0
