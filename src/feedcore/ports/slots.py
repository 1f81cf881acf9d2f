"""Leases of id generator slots (see :mod:`feedcore.ids` and :mod:`feedcore.slots`).

Every process that makes ids for a store leases a slot from it, so that no two processes
make the same id. Each slot keeps ``issued_until``: every id made with the slot so far has a
timestamp before it, so the next holder starts there. Times are seconds since the epoch,
``now`` and ``expires_at`` on the caller's clock; a lease that expired by ``now`` is free.
"""

from __future__ import annotations

import abc

from .base import Backend

__all__ = ["SlotStore"]


class SlotStore(Backend):
    @abc.abstractmethod
    def lease_slot(self, holder: str, slots: int, now: float, expires_at: float) -> tuple[int, float] | None:
        """Lease to ``holder`` until ``expires_at`` a slot in ``0..slots-1`` that is free at
        ``now`` (never leased, or its lease expired), the lowest one that is when nothing
        races; returns it with its ``issued_until`` (0.0 if never leased), or None if every slot
        is held. Concurrent callers, in any process, get different slots."""

    @abc.abstractmethod
    def renew_slot(self, slot: int, holder: str, expires_at: float, issued_until: float) -> bool:
        """Move the end of ``holder``'s lease of ``slot`` to ``expires_at`` and raise the slot's
        ``issued_until`` to ``issued_until`` (never lower it); False, changing nothing, if
        ``holder`` does not hold the slot (its lease expired and another holder leased it)."""

    @abc.abstractmethod
    def release_slot(self, slot: int, holder: str, issued_until: float) -> None:
        """Free ``holder``'s lease of ``slot`` now, setting the slot's ``issued_until`` to
        ``issued_until`` (``holder`` made no id with it at or after that time); nothing if
        ``holder`` does not hold the slot."""
