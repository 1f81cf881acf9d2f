"""The in-process dispatcher: with an in-process bus, events are handled in a thread of their
own, never in the thread that made the write (a request thread of the HTTP app, say).

Each round relays a batch from the outbox and hands it to every consumer group's handler
*before* the batch leaves the outbox, so an acknowledged write's events survive a crash at any
point (at-least-once, as with a broker; handlers are idempotent). The backlog waits in the
outbox, durably, not in memory: the dispatcher holds one batch (``relay_batch`` events) at a
time. A write only wakes the thread; it never waits for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from .consumers import Consumer, Relay
from .events import Event

__all__ = ["POLL_SECONDS", "RETRY_SECONDS", "Dispatcher"]

log = logging.getLogger("feedcore.dispatch")

POLL_SECONDS = 1.0
"""How often an idle dispatcher looks at the outbox anyway (events other processes left)."""
RETRY_SECONDS = 1.0
"""Pause after a failed round (a backend down): the events stay in the outbox meanwhile."""


class Dispatcher:
    """Relays the outbox straight into ``consumers`` (one per group), in a daemon thread
    started on the first :meth:`notify`, or in the caller's thread with :meth:`drain`."""

    def __init__(
        self,
        relay: Relay,
        consumers: Callable[[], Sequence[Consumer]],
        *,
        poll: float = POLL_SECONDS,
        retry: float = RETRY_SECONDS,
    ) -> None:
        self._relay = relay
        self._consumers = consumers
        self._poll = poll
        self._retry = retry
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._started = threading.Lock()

    def notify(self) -> None:
        """Something was written: dispatch soon (returns at once)."""
        if self._thread is None:
            with self._started:
                if self._thread is None and not self._stop.is_set():
                    self._thread = threading.Thread(target=self._loop, name="feedcore-dispatch", daemon=True)
                    self._thread.start()
        self._wake.set()

    def drain(self, timeout: float = 60.0) -> int:
        """Dispatch in this thread until the outbox is empty (or ``timeout`` seconds passed);
        returns how many events were handled. Errors propagate; the events stay in the outbox."""
        deadline = time.monotonic() + timeout
        with self._lock:
            return self._rounds(lambda: time.monotonic() < deadline)

    def close(self, finish: float = 0.0) -> None:
        """Stop the thread after the batch in hand, then handle what the outbox still holds in
        this thread for at most ``finish`` seconds (a clean shutdown leaves nothing for the next
        start to catch up on; what is left stays in the outbox). Idempotent."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(max(finish, 1.0))
        if finish > 0:
            try:
                self.drain(finish)
            except Exception:  # a backend is down: the events wait in the outbox for the next start
                log.exception("events left in the outbox at shutdown")

    def _rounds(self, going: Callable[[], bool]) -> int:
        """Relay batches, each handled by every group before it leaves the outbox (the relay
        publishes it to the bus, then calls ``_handle``), until none is left or ``going()`` fails."""
        handled = 0
        while going():
            published = self._relay.run_once(self._handle)
            if not published:
                break
            handled += published
        return handled

    def _handle(self, events: Sequence[Event]) -> None:
        for consumer in self._consumers():
            wanted = [e for e in events if e.topic in consumer.topics]
            if wanted:
                consumer.handle(wanted)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._poll)
            self._wake.clear()
            try:
                with self._lock:
                    self._rounds(lambda: not self._stop.is_set())
            except Exception:  # a backend is down: the events wait in the outbox for the next round
                log.exception("dispatch failed; the events stay in the outbox, retrying in %.1f s", self._retry)
                self._stop.wait(self._retry)
