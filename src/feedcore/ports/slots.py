"""Leases of id generator slots (see :mod:`feedcore.ids` and :mod:`feedcore.slots`).

Every process that makes ids for a store leases a slot from it, so that no two processes
make the same id. Times are the caller's clock (seconds since the epoch); a lease that
expired by ``now`` is free.
"""

from __future__ import annotations

import abc

from .base import Backend

__all__ = ["SlotStore"]


class SlotStore(Backend):
    @abc.abstractmethod
    def lease_slot(self, holder: str, slots: int, now: float, expires_at: float) -> int | None:
        """Lease to ``holder`` until ``expires_at`` a slot in ``0..slots-1`` that is free at
        ``now`` (never leased, or its lease expired), the lowest one that is when nothing
        races; None if every slot is held. Concurrent callers, in any process, get different slots."""

    @abc.abstractmethod
    def renew_slot(self, slot: int, holder: str, expires_at: float) -> bool:
        """Move the end of ``holder``'s lease of ``slot`` to ``expires_at`` (earlier gives it
        back sooner); False if ``holder`` does not hold it (its lease expired and another
        holder leased the slot)."""
