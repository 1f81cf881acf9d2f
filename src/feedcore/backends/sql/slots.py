"""SlotStore on SQL: one row per slot ever leased, on the first database.

Leasing a slot is one atomic upsert (``INSERT ... ON CONFLICT DO UPDATE ... WHERE the lease
expired RETURNING issued_until``), so concurrent processes never both take a slot: on
PostgreSQL the second waits for the first to commit and then finds the lease live; SQLite has
one writer at a time.
"""

from __future__ import annotations

import sqlalchemy as sa

from ...ports import SlotStore
from ._base import SqlBase
from .schema import id_slots

__all__ = ["SqlSlots"]

_SLOTS_DB = 0


class SqlSlots(SqlBase, SlotStore):
    def lease_slot(self, holder: str, slots: int, now: float, expires_at: float) -> tuple[int, float] | None:
        with self._read(_SLOTS_DB, "read id slots") as conn:
            held = set(conn.execute(sa.select(id_slots.c.slot).where(id_slots.c.expires_at > now)).scalars())
        for slot in (s for s in range(slots) if s not in held):
            with self._write(_SLOTS_DB, "lease id slot") as conn:
                issued_until = conn.execute(self._take(slot, holder, now, expires_at)).scalar()
            if issued_until is not None:
                return slot, issued_until
        return None

    def _take(self, slot: int, holder: str, now: float, expires_at: float) -> sa.Insert:
        """Lease ``slot`` unless a lease live at ``now`` holds it, returning its issued_until (no row if not)."""
        insert = self._upsert(id_slots).values(slot=slot, holder=holder, expires_at=expires_at, issued_until=0.0)
        return insert.on_conflict_do_update(
            index_elements=[id_slots.c.slot],
            set_={"holder": insert.excluded.holder, "expires_at": insert.excluded.expires_at},
            where=id_slots.c.expires_at <= now,
        ).returning(id_slots.c.issued_until)

    def renew_slot(self, slot: int, holder: str, expires_at: float, issued_until: float) -> bool:
        raised = sa.case((id_slots.c.issued_until < issued_until, issued_until), else_=id_slots.c.issued_until)
        return self._update_held(slot, holder, "renew id slot", expires_at=expires_at, issued_until=raised)

    def release_slot(self, slot: int, holder: str, issued_until: float) -> None:
        self._update_held(slot, holder, "release id slot", expires_at=0.0, issued_until=issued_until)

    def _update_held(self, slot: int, holder: str, what: str, **values: object) -> bool:
        """Set ``values`` on ``slot`` if ``holder`` holds it; whether it did."""
        with self._write(_SLOTS_DB, what) as conn:
            held = (id_slots.c.slot == slot) & (id_slots.c.holder == holder)
            return conn.execute(id_slots.update().where(held).values(values)).rowcount == 1
