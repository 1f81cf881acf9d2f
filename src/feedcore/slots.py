"""This process's id generator slot, leased from the store (see :mod:`feedcore.ids`).

The slot is leased on the first id made, renewed as ids are made (every ``RENEW_SECONDS``),
and given back on close. A process uses its slot only while it knows the lease holds:
until ``LEASE_SECONDS - CLOCK_MARGIN`` after it sent the request that leased or renewed it
(measured on the monotonic clock). Another process may take the slot once the lease expired
by its own clock, so hosts' clocks must agree within ``CLOCK_MARGIN``; a released slot stays
held for ``CLOCK_MARGIN`` more (plus however far the generator ran ahead of its clock), so
the next holder's ids cannot repeat the last ones made with it.

A process that stopped making ids keeps no lease alive: its lease expires and its next id
renews it, or, if another process took the slot meanwhile, leases another.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable

from .errors import Unavailable
from .ids import MAX_SLOTS, Clock
from .ports import SlotStore

__all__ = ["CLOCK_MARGIN", "LEASE_SECONDS", "RENEW_SECONDS", "SlotLease"]

log = logging.getLogger("feedcore.slots")

LEASE_SECONDS = 60.0
RENEW_SECONDS = 20.0
CLOCK_MARGIN = 10.0
_RETRY_SECONDS = 1.0
"""After a failed renewal, how long the still valid slot is used before the next attempt."""


class SlotLease:
    """A :class:`feedcore.ids.SlotSource` leasing from ``store``; thread-safe."""

    def __init__(
        self,
        store: SlotStore,
        clock: Clock = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        slots: int = MAX_SLOTS,
    ) -> None:
        self._store = store
        self._clock = clock
        self._monotonic = monotonic
        self._slots = slots
        self._holder = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._slot: int | None = None
        self._valid_until = self._renew_at = 0.0

    def __call__(self) -> int:
        """The slot for an id made now. Raises Unavailable (the store cannot be reached and
        the lease may have expired, or every slot is held)."""
        with self._lock:
            sent = self._monotonic()
            if self._slot is not None and sent < self._renew_at:
                return self._slot
            try:
                return self._renew(sent) if self._slot is not None else self._lease(sent)
            except Unavailable:
                if self._slot is None or sent >= self._valid_until:
                    raise
                log.warning("renewing id slot %d failed; using it until its lease runs out", self._slot, exc_info=True)
                self._renew_at = sent + _RETRY_SECONDS
                return self._slot

    def _renew(self, sent: float) -> int:
        assert self._slot is not None
        if self._store.renew_slot(self._slot, self._holder, self._clock() + LEASE_SECONDS):
            return self._held(self._slot, sent)
        log.warning("id slot %d was leased by another process after its lease expired; leasing again", self._slot)
        self._slot = None
        return self._lease(sent)

    def _lease(self, sent: float) -> int:
        now = self._clock()
        slot = self._store.lease_slot(self._holder, self._slots, now, now + LEASE_SECONDS)
        if slot is None:
            raise Unavailable(
                f"all {self._slots} id generator slots are leased: at most {self._slots} processes can make ids "
                f"for one store at once (slots of processes that died free up within {LEASE_SECONDS:.0f} s)"
            )
        return self._held(slot, sent)

    def _held(self, slot: int, sent: float) -> int:
        self._slot = slot
        self._valid_until = sent + LEASE_SECONDS - CLOCK_MARGIN
        self._renew_at = sent + RENEW_SECONDS
        return slot

    def release(self, ahead: float = 0.0) -> None:
        """Give the slot back (best effort: if the store cannot be reached, the lease expires
        by itself); ``ahead``: how many seconds the last id made ran ahead of the clock."""
        with self._lock:
            if self._slot is None:
                return
            slot, self._slot = self._slot, None
            try:
                self._store.renew_slot(slot, self._holder, self._clock() + CLOCK_MARGIN + ahead)
            except Unavailable:
                log.warning("releasing id slot %d failed; its lease will expire", slot, exc_info=True)
