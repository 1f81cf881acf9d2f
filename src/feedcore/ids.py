"""64-bit, time-ordered ids that name their logical shard.

Layout (most significant first, the sign bit always 0)::

    41 bits  milliseconds since EPOCH_MS (2024-01-01T00:00:00Z), ~69 years
    10 bits  logical shard, 0..1023
    12 bits  sequence within the millisecond, 0..4095

Ordering ids orders by creation time; ``shard_of(id)`` tells where a row lives.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable

__all__ = [
    "EPOCH_MS",
    "MAX_SHARDS",
    "SEQUENCE_BITS",
    "SHARD_BITS",
    "Clock",
    "IdGenerator",
    "database_of",
    "id_at",
    "shard_for_handle",
    "shard_of",
    "timestamp_of",
]

EPOCH_MS = 1_704_067_200_000
SHARD_BITS = 10
SEQUENCE_BITS = 12
MAX_SHARDS = 1 << SHARD_BITS
_MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1

Clock = Callable[[], float]


def shard_of(id_: int) -> int:
    """The logical shard encoded in ``id_``."""
    return (id_ >> SEQUENCE_BITS) & (MAX_SHARDS - 1)


def database_of(id_: int, databases: int) -> int:
    """The index of the database (of ``databases``) that holds the rows of ``id_`` or of its
    owner: logical shards map onto databases by ``shard % databases``."""
    return shard_of(id_) % databases


def timestamp_of(id_: int) -> float:
    """Creation time of ``id_`` in seconds since the Unix epoch."""
    return ((id_ >> (SHARD_BITS + SEQUENCE_BITS)) + EPOCH_MS) / 1000.0


def id_at(seconds: float, shard: int = 0, sequence: int = 0) -> int:
    """The smallest id of ``shard`` at ``seconds``; useful as a time bound in range queries."""
    ms = max(0, int(seconds * 1000) - EPOCH_MS)
    return (ms << (SHARD_BITS + SEQUENCE_BITS)) | (shard << SEQUENCE_BITS) | sequence


def shard_for_handle(handle: str, logical_shards: int) -> int:
    """The logical shard of the user with ``handle`` (case-insensitive, stable across runs)."""
    return zlib.crc32(handle.lower().encode()) % logical_shards


class IdGenerator:
    """Thread-safe id source. Call it with a logical shard to get a new id.

    If the clock stalls or steps back, ids keep increasing by borrowing milliseconds
    from the future, so they stay unique and ordered within a process.
    """

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._last_ms = -1
        self._sequence = 0

    def __call__(self, shard: int) -> int:
        if not 0 <= shard < MAX_SHARDS:
            raise ValueError(f"shard must be in 0..{MAX_SHARDS - 1}, got {shard}")
        with self._lock:
            ms = int(self._clock() * 1000) - EPOCH_MS
            if ms > self._last_ms:
                self._last_ms, self._sequence = ms, 0
            elif self._sequence < _MAX_SEQUENCE:
                self._sequence += 1
            else:
                self._last_ms, self._sequence = self._last_ms + 1, 0
            return (self._last_ms << (SHARD_BITS + SEQUENCE_BITS)) | (shard << SEQUENCE_BITS) | self._sequence
