"""Outbox on SQL: events wait on the shard of their change until the relay publishes them.

Each database is relayed in its own transaction: the oldest ``limit`` rows are claimed with
``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (so relays in parallel processes take
disjoint batches), or inside SQLite's ``BEGIN IMMEDIATE`` write lock; ``publish`` is called;
the rows are deleted and the transaction commits. If ``publish`` raises, the transaction rolls
back and the rows stay for the next run.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ...events import Event
from ...ports import Outbox, Publish
from ._base import SqlBase, chunks
from .schema import outbox

__all__ = ["SqlOutbox", "claim_query"]


def claim_query(limit: int) -> sa.Select[Any]:
    return sa.select(outbox).order_by(outbox.c.id).limit(limit).with_for_update(skip_locked=True)


def _event_from_row(row: sa.Row[Any]) -> Event:
    m = row._mapping
    return Event(id=m["id"], type=m["type"], key=m["key"], payload=m["payload"], created_at=m["created_at"])


class SqlOutbox(SqlBase, Outbox):
    def relay(self, publish: Publish, limit: int = 500) -> int:
        published = 0
        for db in range(len(self._shards)):
            with self._write(db, "relay outbox") as conn:
                rows = conn.execute(claim_query(limit)).all()
                if not rows:
                    continue
                publish([_event_from_row(row) for row in rows])
                for part in chunks([row.id for row in rows]):
                    conn.execute(outbox.delete().where(outbox.c.id.in_(part)))
            published += len(rows)
        return published

    def pending(self) -> int:
        total = 0
        for db in range(len(self._shards)):
            with self._read(db, "count outbox") as conn:
                total += conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar_one()
        return total
