"""The worker (consumer groups) and relay (outbox -> bus) loops, stopped by an event.

Both back off on failure, exponentially and bounded, so a backend outage never becomes a hot
crash loop; a batch in hand is always finished and committed before a loop returns.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from feedcore import Platform
from feedcore.errors import Unavailable
from feedcore.handlers import DEFAULT_GROUPS

__all__ = ["Backoff", "run_loop", "run_relay", "run_worker"]

log = logging.getLogger("feedcore.worker")


class Backoff:
    """Delays ``initial * 2**n`` seconds, capped at ``maximum``; :meth:`reset` after a success."""

    def __init__(self, initial: float = 0.1, maximum: float = 10.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self._next = initial

    def next(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.maximum)
        return delay

    def reset(self) -> None:
        self._next = self.initial


def run_loop(name: str, step: Callable[[], int], stop: threading.Event, idle: float, backoff: Backoff) -> int:
    """Run ``step`` until ``stop`` is set; wait ``idle`` seconds after a step that did nothing.
    Returns how many items the steps reported."""
    total = 0
    while not stop.is_set():
        try:
            done = step()
        except Unavailable as exc:
            delay = backoff.next()
            log.warning("%s: backend unavailable (%s); retrying in %.1f s", name, exc, delay)
            stop.wait(delay)
            continue
        except Exception:  # a bug or a poison batch the consumer could not dead-letter: log, back off, go on
            delay = backoff.next()
            log.exception("%s: step failed; retrying in %.1f s", name, delay)
            stop.wait(delay)
            continue
        backoff.reset()
        total += done
        if not done and idle > 0:
            stop.wait(idle)
    return total


def run_worker(
    platform: Platform,
    groups: Sequence[str] = DEFAULT_GROUPS,
    stop_event: threading.Event | None = None,
    *,
    group: str | None = None,
    poll_timeout: float = 1.0,
    max_events: int = 500,
    max_backoff: float = 10.0,
) -> dict[str, int]:
    """Consume the bus with one thread per handler in ``groups`` (as consumer group
    ``"<group>.<handler>"``, ``group`` defaulting to the namespace) until ``stop_event`` is
    set; each thread finishes and commits the batch in hand, then closes its subscription.
    Returns how many events each group handled. Raises ValueError for an unknown group."""
    stop = stop_event or threading.Event()
    consumers = {g: platform.consumer(g, group) for g in dict.fromkeys(groups)}  # ValueError before any thread starts
    handled: dict[str, int] = {}

    def consume(group: str) -> None:
        consumer = consumers[group]
        try:
            handled[group] = run_loop(
                f"worker {group}",
                lambda: len(consumer.run_once(max_events, poll_timeout)),
                stop,
                0.0,
                Backoff(maximum=max_backoff),
            )
        finally:
            consumer.close()

    threads = [threading.Thread(target=consume, args=(g,), name=f"feedcore-worker-{g}", daemon=True) for g in consumers]
    for thread in threads:
        thread.start()
    log.info("worker consuming groups: %s", ", ".join(consumers))
    for thread in threads:
        thread.join()
    log.info("worker stopped: %s", ", ".join(f"{g} {n}" for g, n in handled.items()))
    return handled


def run_relay(
    platform: Platform, stop_event: threading.Event | None = None, interval: float = 0.5, *, max_backoff: float = 10.0
) -> int:
    """Publish the outbox to the bus until ``stop_event`` is set, sleeping ``interval`` seconds
    whenever the outbox is empty. Returns how many events were published."""
    stop = stop_event or threading.Event()
    log.info("relay publishing the outbox every %.2f s when idle", interval)
    published = run_loop("relay", platform.relay.run_once, stop, interval, Backoff(maximum=max_backoff))
    log.info("relay stopped after publishing %d events", published)
    return published
