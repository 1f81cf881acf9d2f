"""The event bus: publish keyed events to topics; consume them in consumer groups."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from ..events import Event
from .base import Backend

__all__ = ["EventBus", "Subscription"]


class Subscription(abc.ABC):
    """One member of a consumer group. Not thread-safe: use it from one thread."""

    @abc.abstractmethod
    def poll(self, max_events: int = 500, timeout: float = 0.0) -> list[Event]:
        """Up to ``max_events`` events after the last polled position, waiting at most
        ``timeout`` seconds when none is ready. Events with the same key keep their order."""

    @abc.abstractmethod
    def commit(self) -> None:
        """Commit everything polled so far; a restarted member resumes after it."""

    @abc.abstractmethod
    def close(self) -> None:
        """Leave the group without committing. Idempotent."""


class EventBus(Backend):
    """Delivery is at-least-once: an event polled but not committed is delivered again."""

    @abc.abstractmethod
    def publish(self, events: Sequence[Event]) -> None:
        """Append each event to its topic (``event.topic``), partitioned by ``event.key``.
        Durable once it returns; raises Unavailable otherwise."""

    @abc.abstractmethod
    def subscribe(self, group: str, topics: Sequence[str]) -> Subscription:
        """Join consumer group ``group`` on ``topics``. A new group starts at the earliest event."""
