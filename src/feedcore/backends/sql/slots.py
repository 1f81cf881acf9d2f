"""SlotStore on SQL: one row per leased slot, on the first database.

Leasing a slot is one atomic upsert (``INSERT ... ON CONFLICT DO UPDATE ... WHERE the lease
expired``), so concurrent processes never both take a slot: on PostgreSQL the second waits for
the first to commit and then finds the lease live; SQLite has one writer at a time.
"""

from __future__ import annotations

import sqlalchemy as sa

from ...ports import SlotStore
from ._base import SqlBase
from .schema import id_slots

__all__ = ["SqlSlots"]

_SLOTS_DB = 0


class SqlSlots(SqlBase, SlotStore):
    def lease_slot(self, holder: str, slots: int, now: float, expires_at: float) -> int | None:
        with self._read(_SLOTS_DB, "read id slots") as conn:
            held = set(conn.execute(sa.select(id_slots.c.slot).where(id_slots.c.expires_at > now)).scalars())
        for slot in (s for s in range(slots) if s not in held):
            with self._write(_SLOTS_DB, "lease id slot") as conn:
                if conn.execute(self._take(slot, holder, now, expires_at)).rowcount == 1:
                    return slot
        return None

    def _take(self, slot: int, holder: str, now: float, expires_at: float) -> sa.Insert:
        """Lease ``slot`` unless a lease live at ``now`` holds it; the rowcount says whether it did."""
        insert = self._upsert(id_slots).values(slot=slot, holder=holder, expires_at=expires_at)
        stmt: sa.Insert = insert.on_conflict_do_update(
            index_elements=[id_slots.c.slot],
            set_={"holder": insert.excluded.holder, "expires_at": insert.excluded.expires_at},
            where=id_slots.c.expires_at <= now,
        )
        return stmt.execution_options(preserve_rowcount=True)

    def renew_slot(self, slot: int, holder: str, expires_at: float) -> bool:
        with self._write(_SLOTS_DB, "renew id slot") as conn:
            done = conn.execute(
                id_slots.update()
                .where(id_slots.c.slot == slot, id_slots.c.holder == holder)
                .values(expires_at=expires_at)
            )
            return done.rowcount == 1
