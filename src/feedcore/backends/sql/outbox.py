"""Outbox on SQL: events wait on the shard of their change until the relay publishes them.

On PostgreSQL each database is relayed in its own transaction: the oldest ``limit`` rows are
claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` (so relays in parallel processes take
disjoint batches), ``publish`` is called, the rows are deleted and the transaction commits; if
``publish`` raises, it rolls back and the rows stay for the next run.

SQLite has one writer at a time, and ``publish`` may itself write (the in-process dispatcher
runs the handlers inside it), so the rows are read first, published outside any transaction,
then deleted: relays in one process take turns; relays in several
processes on one SQLite file may publish an event twice, which at-least-once delivery allows.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa

from ...ports import Outbox, Publish
from ._base import SqlBase, chunks, event_of_row
from .schema import outbox

__all__ = ["SqlOutbox", "claim_query"]


def claim_query(limit: int) -> sa.Select[Any]:
    return sa.select(outbox).order_by(outbox.c.id).limit(limit).with_for_update(skip_locked=True)


class SqlOutbox(SqlBase, Outbox):
    _relay_turn: threading.Lock
    """Held by an SQLite relay from its read to its delete (set by the store)."""

    def relay(self, publish: Publish, limit: int = 500) -> int:
        relay_one = self._relay_locked if self._shards.dialect == "postgresql" else self._relay_then_delete
        return sum(relay_one(db, publish, limit) for db in range(len(self._shards)))

    def _relay_locked(self, db: int, publish: Publish, limit: int) -> int:
        with self._write(db, "relay outbox") as conn:
            rows = conn.execute(claim_query(limit)).all()
            if rows:
                publish([event_of_row(row) for row in rows])
                self._delete(conn, [row.id for row in rows])
        return len(rows)

    def _relay_then_delete(self, db: int, publish: Publish, limit: int) -> int:
        with self._relay_turn:
            with self._read(db, "relay outbox") as conn:
                rows = conn.execute(sa.select(outbox).order_by(outbox.c.id).limit(limit)).all()
            if rows:
                publish([event_of_row(row) for row in rows])
                with self._write(db, "relay outbox") as conn:
                    self._delete(conn, [row.id for row in rows])
        return len(rows)

    @staticmethod
    def _delete(conn: sa.Connection, ids: list[int]) -> None:
        for part in chunks(ids):
            conn.execute(outbox.delete().where(outbox.c.id.in_(part)))

    def pending(self) -> int:
        total = 0
        for db in range(len(self._shards)):
            with self._read(db, "count outbox") as conn:
                total += conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar_one()
        return total
