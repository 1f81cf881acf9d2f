"""This process's id generator slot, leased from the store (see :mod:`feedcore.ids`).

The slot is leased on the first id made, renewed as ids are made (every ``RENEW_SECONDS``)
and released on close; a process that makes no ids keeps no lease alive, and one whose lease
expired and was taken by another leases a slot again.

Two holders of one slot never make the same id, whatever their clocks say: each renewal
records in the store a time, ``issued_until``, that the holder's ids stay below until its next
renewal (``LEASE_SECONDS`` past the newest id or the clock); the next holder starts there
(after a release, just after the last id made). So a holder may keep using its slot while
the store cannot be reached, until its ids reach that time: then it raises Unavailable.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections.abc import Callable

from .errors import Unavailable
from .ids import MAX_SLOTS, Clock
from .ports import SlotStore

__all__ = ["LEASE_SECONDS", "RENEW_SECONDS", "SlotLease"]

log = logging.getLogger("feedcore.slots")

LEASE_SECONDS = 60.0
RENEW_SECONDS = 20.0
_RETRY_SECONDS = 1.0
"""After a failed renewal, how long the slot is used before the next attempt."""


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
        self._start = 0.0  # the slot's issued_until when leased: this holder's ids start there
        self._until = 0.0  # issued_until as this holder last recorded it: its ids stay below
        self._renew_at = 0.0  # monotonic

    def __call__(self, at: float) -> tuple[int, float]:
        """The slot for an id at ``at`` or later, and where its ids start. Raises Unavailable
        (every slot is held, or the store cannot be reached and ``at`` reached the recorded time)."""
        with self._lock:
            mono = self._monotonic()
            if self._slot is not None and mono < self._renew_at and at < self._until - LEASE_SECONDS + RENEW_SECONDS:
                return self._slot, self._start
            try:
                if self._slot is not None:
                    self._renew(at, mono)
                else:
                    self._lease(at, mono)
            except Unavailable:
                if self._slot is None or max(at, self._start) >= self._until:
                    raise
                log.warning("renewing id slot %d failed; using it until its ids reach the recorded time", self._slot)
                self._renew_at = mono + _RETRY_SECONDS
            assert self._slot is not None
            return self._slot, self._start

    def _renew(self, at: float, mono: float) -> None:
        assert self._slot is not None
        until = math.ceil((max(at, self._start, self._clock()) + LEASE_SECONDS) * 1000) / 1000  # whole ms
        if self._store.renew_slot(self._slot, self._holder, self._clock() + LEASE_SECONDS, until):
            self._until, self._renew_at = until, mono + RENEW_SECONDS
        else:
            log.warning("id slot %d was leased by another process after its lease expired; leasing again", self._slot)
            self._slot = None
            self._lease(at, mono)

    def _lease(self, at: float, mono: float) -> None:
        """Lease a slot, then record (renewing) the time this holder's ids will stay below."""
        now = self._clock()
        leased = self._store.lease_slot(self._holder, self._slots, now, now + LEASE_SECONDS)
        if leased is None:
            raise Unavailable(
                f"all {self._slots} id generator slots are leased: at most {self._slots} processes can make ids "
                f"for one store at once (the slot of a process that died is free {LEASE_SECONDS:.0f} s after)"
            )
        self._slot, self._start = leased
        self._until = self._start  # no id until the renewal records a later time
        self._renew(at, mono)

    def release(self, until: float) -> None:
        """Free the slot, recording that this holder made no id at or after ``until``; best
        effort: if the store cannot be reached, the lease expires by itself."""
        with self._lock:
            if self._slot is None:
                return
            slot, self._slot = self._slot, None
            try:
                self._store.release_slot(slot, self._holder, until)
            except Unavailable:
                log.warning("releasing id slot %d failed; its lease will expire", slot, exc_info=True)
