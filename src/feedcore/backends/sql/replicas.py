"""Reads served by PostgreSQL streaming replicas without missing a committed write.

A replica serves a read only once it has replayed everything the primary had committed when
the read began (an *LSN fence*): the read asks the primary for its WAL insert position (no table
is touched), then waits on the replica until ``pg_last_wal_replay_lsn()`` reaches it and runs the
query there, in a snapshot taken after that point. Every transaction the primary showed before
the read began, asynchronous commits included (the bulk loader's), is then visible: a user reads
their own writes, from any process, and so does everyone else, so a feed rebuilt from a replica
and cached never lacks a post whose fan-out ran before the rebuild. (``pg_current_wal_insert_lsn()``
points past the header of a page nothing is written on yet, which a replica never replays; the
fence takes the page boundary instead, else an idle primary would look forever ahead.)

The wait is bounded by ``max_lag`` seconds: a replica that has not caught up by then, cannot be
reached, or is not a standby, is skipped for ``retry`` seconds (a circuit breaker per replica;
afterwards one read tries it again) and the read goes to the next replica, else the primary.
The lag tolerated is therefore ``max_lag``; data older than the read's start is never served.
If the primary cannot be reached for the fence, a replica serves what it has (stale rather
than nothing, as when the cache serves feeds with the store down).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import attrs
import sqlalchemy as sa

from ...errors import Unavailable
from ...resilience import CircuitBreaker
from ._errors import translate_errors

__all__ = ["ReplicaSet", "ReplicaStatus"]

T = TypeVar("T")

_FIRST_POLL = 0.001
_MAX_POLL = 0.01
_REPLAYED = sa.text("SELECT pg_is_in_recovery(), coalesce(pg_last_wal_replay_lsn() >= CAST(:fence AS pg_lsn), false)")
# SizeOfXLogLongPHD (40, at a segment's start) and SizeOfXLogShortPHD (24) in xlog_internal.h
_FENCE = sa.text(
    """
    SELECT CAST(CASE
        WHEN (lsn - '0/0') % pg_size_bytes(current_setting('wal_segment_size')) = 40 THEN lsn - 40
        WHEN (lsn - '0/0') % current_setting('wal_block_size')::numeric = 24 THEN lsn - 24
        ELSE lsn END AS text)
    FROM pg_current_wal_insert_lsn() AS lsn
    """
)


@attrs.frozen
class ReplicaStatus:
    """What one replica did: reads it served, reads that skipped it, and whether it is skipped now."""

    database: int
    url: str
    """The replica's URL without its password."""
    served: int
    skipped: int
    available: bool


@attrs.define(eq=False)
class _Replica:
    url: str
    engine: sa.Engine
    breaker: CircuitBreaker
    served: int = 0
    skipped: int = 0
    _lock: threading.Lock = attrs.field(factory=threading.Lock)

    def count(self, served: bool) -> None:
        with self._lock:
            if served:
                self.served += 1
            else:
                self.skipped += 1


class ReplicaSet:
    """The replicas of one primary (possibly none), and the fenced read that chooses between them."""

    def __init__(
        self,
        database: int,
        primary: sa.Engine,
        replicas: list[sa.Engine],
        *,
        max_lag: float,
        retry: float,
    ) -> None:
        self._database = database
        self._primary = primary
        self._replicas = [
            _Replica(e.url.render_as_string(hide_password=True), e, CircuitBreaker(f"replica {i}", 1, retry))
            for i, e in enumerate(replicas)
        ]
        self._max_lag = max_lag
        self._turn = itertools.count()

    @property
    def engines(self) -> list[sa.Engine]:
        return [r.engine for r in self._replicas]

    def read(self, what: str, query: Callable[[sa.Connection], T]) -> T:
        """``query(connection)`` on a replica that has caught up with the primary as of now, else
        on the primary. Raises Unavailable if neither can answer."""
        start = next(self._turn) % max(1, len(self._replicas))  # round robin
        ready = [r for r in self._replicas[start:] + self._replicas[:start] if not r.breaker.is_open]
        if ready:
            try:
                with translate_errors(what), self._primary.connect() as conn:
                    fence: str | None = conn.execute(_FENCE).scalar_one()
            except Unavailable:
                fence = None  # the primary is down: a replica's data beats none
            for replica in ready:
                try:
                    result: T = replica.breaker.call(self._fenced, replica, fence, what, query)
                except Unavailable:
                    replica.count(served=False)
                    continue
                replica.count(served=True)
                return result
        with translate_errors(what), self._primary.connect() as conn:
            return query(conn)

    def _fenced(self, replica: _Replica, fence: str | None, what: str, query: Callable[[sa.Connection], T]) -> T:
        with translate_errors(what), replica.engine.connect() as conn:
            if fence is not None:
                self._wait(conn, fence, replica.url)
            return query(conn)

    def _wait(self, conn: sa.Connection, fence: str, url: str) -> None:
        """Return once the replica behind ``conn`` has replayed up to ``fence``; Unavailable if it
        has not within ``max_lag`` seconds or is no standby at all."""
        deadline = time.monotonic() + self._max_lag
        pause = _FIRST_POLL
        while True:
            standby, replayed = conn.execute(_REPLAYED, {"fence": fence}).one()
            if not standby:
                raise Unavailable(f"{url} is not a standby (promoted, or not a replica at all)")
            if replayed:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise Unavailable(f"replica {url} has not replayed {fence} within {self._max_lag} s")
            time.sleep(min(pause, left))
            pause = min(pause * 2, _MAX_POLL)

    def status(self) -> list[ReplicaStatus]:
        return [
            ReplicaStatus(self._database, r.url, r.served, r.skipped, not r.breaker.is_open) for r in self._replicas
        ]
