"""SlotStore for :class:`~feedcore.backends.memory.store.MemoryStore` (a mixin; the store's lock)."""

from __future__ import annotations

from typing import Any

from ...ports import SlotStore

__all__ = ["MemorySlots"]


class MemorySlots(SlotStore):
    """Expects ``_open`` from MemoryStore; keeps its own table: slot -> (holder, expires_at)."""

    _open: Any

    def __init__(self) -> None:
        self._slot_leases: dict[int, tuple[str, float]] = {}

    def lease_slot(self, holder: str, slots: int, now: float, expires_at: float) -> int | None:
        with self._open():
            for slot in range(slots):
                if slot not in self._slot_leases or self._slot_leases[slot][1] <= now:
                    self._slot_leases[slot] = (holder, expires_at)
                    return slot
            return None

    def renew_slot(self, slot: int, holder: str, expires_at: float) -> bool:
        with self._open():
            if self._slot_leases.get(slot, ("", 0.0))[0] != holder:
                return False
            self._slot_leases[slot] = (holder, expires_at)
            return True
