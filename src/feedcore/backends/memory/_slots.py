"""SlotStore for :class:`~feedcore.backends.memory.store.MemoryStore` (a mixin; the store's lock)."""

from __future__ import annotations

from typing import Any

import attrs

from ...ports import SlotStore

__all__ = ["MemorySlots"]


@attrs.define
class _Lease:
    holder: str
    expires_at: float
    issued_until: float


class MemorySlots(SlotStore):
    """Expects ``_open`` from MemoryStore; keeps its own table of leases by slot."""

    _open: Any

    def __init__(self) -> None:
        self._slot_leases: dict[int, _Lease] = {}

    def lease_slot(self, holder: str, slots: int, now: float, expires_at: float) -> tuple[int, float] | None:
        with self._open():
            for slot in range(slots):
                lease = self._slot_leases.setdefault(slot, _Lease("", now, 0.0))
                if lease.expires_at <= now:
                    lease.holder, lease.expires_at = holder, expires_at
                    return slot, lease.issued_until
            return None

    def renew_slot(self, slot: int, holder: str, expires_at: float, issued_until: float) -> bool:
        with self._open():
            lease = self._held(slot, holder)
            if lease is None:
                return False
            lease.expires_at, lease.issued_until = expires_at, max(lease.issued_until, issued_until)
            return True

    def release_slot(self, slot: int, holder: str, issued_until: float) -> None:
        with self._open():
            lease = self._held(slot, holder)
            if lease is not None:
                lease.expires_at, lease.issued_until = 0.0, issued_until

    def _held(self, slot: int, holder: str) -> _Lease | None:
        lease = self._slot_leases.get(slot)
        return lease if lease is not None and lease.holder == holder else None
