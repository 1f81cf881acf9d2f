"""Running handlers over the bus (at-least-once, with a dead-letter topic) and relaying the outbox."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from .errors import Unavailable
from .events import DeadLetter, Event, Undecodable, to_record
from .handlers import Handler
from .ports import EventBus, Outbox, Subscription

__all__ = ["Consumer", "Relay"]

log = logging.getLogger("feedcore.consumers")


class Relay:
    """Publishes outbox events to the bus; an event leaves the outbox only once the bus has it."""

    def __init__(self, outbox: Outbox, bus: EventBus, batch: int = 500) -> None:
        self._outbox = outbox
        self._bus = bus
        self._batch = batch

    def run_once(self, observe: Callable[[Sequence[Event]], None] | None = None) -> int:
        """Publish one batch per shard; returns how many events were published. ``observe``
        is told of each batch once the bus has it."""
        if observe is None:
            return self._outbox.relay(self._bus.publish, self._batch)

        def publish(events: Sequence[Event]) -> None:
            self._bus.publish(events)
            observe(events)

        return self._outbox.relay(publish, self._batch)


class Consumer:
    """One member of consumer group ``group`` running ``handler``.

    A batch is handled, then committed. If the batch fails, each event is retried on its own
    up to ``max_attempts`` times; an event that still fails (a poison message) is published to
    the dead-letter topic and skipped, so it does not block its partition. Unavailable (a
    backend is down, or the bus itself failed) is not a poison: nothing is committed, the
    subscription is closed and a new one opened on the next run (a member the bus left in a
    failed state is replaced), and the events are delivered again from the last commit.
    """

    def __init__(
        self,
        bus: EventBus,
        group: str,
        handler: Handler,
        *,
        max_attempts: int = 3,
        backoff: float = 0.05,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.group = group
        self._bus = bus
        self._handler = handler
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._sleep = sleep
        self._subscription: Subscription | None = None

    @property
    def topics(self) -> Sequence[str]:
        return self._handler.topics

    def run_once(self, max_events: int = 500, timeout: float = 0.0) -> list[Event]:
        """Poll, handle and commit one batch; returns the events handled."""
        if self._subscription is None:
            self._subscription = self._bus.subscribe(self.group, list(self._handler.topics))
        try:
            events = self._subscription.poll(max_events, timeout)
            if events:
                self.handle(events)
                self._subscription.commit()
        except Unavailable:
            self.close()  # redelivered from the last commit when we resubscribe
            raise
        return events

    def close(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None

    def handle(self, events: Sequence[Event]) -> None:
        """Run the handler over ``events`` (retried one by one, poison events dead-lettered),
        without polling or committing: for callers that deliver events themselves. Raises
        Unavailable when a backend is down (nothing may be considered handled). Undecodable
        records go straight to the dead-letter topic with their reason."""
        undecodable = [e for e in events if isinstance(e, Undecodable)]
        if undecodable:
            self._dead_letter(undecodable)
            events = [e for e in events if not isinstance(e, Undecodable)]
            if not events:
                return
        try:
            self._handler(events)
            return
        except Unavailable:
            raise
        except Exception:
            log.warning("group %s: batch of %d failed; retrying one by one", self.group, len(events), exc_info=True)
        for event in events:
            self._handle_one(event)

    def _handle_one(self, event: Event) -> None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                self._handler([event])
                return
            except Unavailable:
                raise
            except Exception as exc:
                if attempt == self._max_attempts:
                    self._dead_letter([event], repr(exc))
                    return
                self._sleep(self._backoff * attempt)

    def _dead_letter(self, events: Sequence[Event], reason: str | None = None) -> None:
        """Publish ``events`` to the dead-letter topic with ``reason`` (an Undecodable's own by default)."""
        letters = []
        for event in events:
            why = reason or (event.reason if isinstance(event, Undecodable) else "")
            log.error("group %s: event %d (%s) dead-lettered: %s", self.group, event.id, event.type, why)
            record = event.record if isinstance(event, Undecodable) else to_record(event)
            letters.append(
                DeadLetter(
                    event.id, event.created_at, group=self.group, record=record, reason=why, record_key=event.key
                )
            )
        self._bus.publish(letters)
