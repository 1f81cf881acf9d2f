"""Turning SIGTERM and SIGINT into a stop event, for a graceful shutdown."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["stop_on_signals"]

log = logging.getLogger("feedcore.worker")


@contextmanager
def stop_on_signals(
    stop: threading.Event, signals: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)
) -> Iterator[threading.Event]:
    """Set ``stop`` on any of ``signals`` while inside; the previous handlers come back after.
    Call from the main thread."""

    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("received %s: finishing the batch in hand", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in signals}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
