"""Where a request runs, and which requests are refused at once.

A read is first run on the event loop with blocking forbidden (:mod:`feedcore.blocking`): a
page the caches hold costs no thread hand-off. A read that needs the store (``WouldBlock``),
and every change, runs on the app's own bounded pool of threads. A request is shed with a
JSON 503 and ``Retry-After`` instead of being served late: when the pool already holds
``serve_queue`` requests, when one waited ``serve_deadline`` seconds for a thread, or while
the event loop runs more than ``serve_max_lag`` seconds late at each of its last
``_LATE_TICKS`` ticks (a standing backlog, not one pause such as a garbage collection).

A route whose reads keep needing the store is no longer tried on the loop (one in
``_RELEARN`` still is, so it is tried again once its reads are cached).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from prometheus_client import CollectorRegistry, Counter

from feedcore import Settings
from feedcore.blocking import WouldBlock, forbidden
from feedcore.errors import Unavailable

__all__ = ["Admission", "LoopPolicy", "Overloaded"]

T = TypeVar("T")

_TICK = 0.01
_LATE_TICKS = 3
_RELEARN = 32
_WEIGHT = 0.05


class Overloaded(Unavailable):
    """The server is over capacity: the request was refused before it started."""

    code = "overloaded"


class LoopPolicy:
    """Whether one route's reads are worth trying on the event loop: a moving share of the
    tries that needed the store."""

    def __init__(self) -> None:
        self.fallback_share = 0.0
        self._skipped = 0

    def worth_trying(self) -> bool:
        if self.fallback_share < 0.5:
            return True
        self._skipped += 1
        return self._skipped % _RELEARN == 0

    def record(self, fell_back: bool) -> None:
        self.fallback_share += _WEIGHT * ((1.0 if fell_back else 0.0) - self.fallback_share)


class Admission:
    """One app's request scheduler: the loop fast path, the thread pool and load shedding."""

    def __init__(self, settings: Settings, registry: CollectorRegistry) -> None:
        self.threads = settings.serve_threads
        self.queue = settings.serve_queue
        self.deadline = settings.serve_deadline
        self.max_lag = settings.serve_max_lag
        self.lagging = False
        """Whether the event loop ran more than ``max_lag`` late at each of its last ``_LATE_TICKS``
        ticks (False until :meth:`watch` runs)."""
        self._pending = 0
        self._executor: ThreadPoolExecutor | None = None
        self.shed = Counter(
            "feedcore_http_shed",
            "Requests refused with 503 before they started, by reason.",
            ["reason"],
            registry=registry,
        )
        self.runs = Counter(
            "feedcore_http_runs",
            "Requests run, by where: the event loop, a thread, or the loop then a thread (the read needed the store).",
            ["where"],
            registry=registry,
        )
        self._ran = {where: self.runs.labels(where) for where in ("loop", "thread", "loop_then_thread")}
        """The runs counter of each place, bound once: every request counts one."""

    async def run(self, fn: Callable[[], T], on_loop: LoopPolicy | None) -> T:
        """``fn()`` on the event loop when ``on_loop`` says it is worth trying, else (or when
        it would block) on a thread; Overloaded when the server cannot start it in time."""
        if self.lagging:
            self._refuse("loop_lag")
        if on_loop is not None and on_loop.worth_trying():
            try:
                with forbidden():
                    result = fn()
            except WouldBlock:
                on_loop.record(True)
                self._ran["loop_then_thread"].inc()
            else:
                on_loop.record(False)
                self._ran["loop"].inc()
                return result
        else:
            self._ran["thread"].inc()
        return await self._on_thread(fn)

    async def _on_thread(self, fn: Callable[[], T]) -> T:
        if self._pending >= self.threads + self.queue:
            self._refuse("queue_full")
        queued = time.monotonic()

        def start() -> T:
            if time.monotonic() - queued > self.deadline:
                self._refuse("deadline")
            return fn()

        self._pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool(), start)
        finally:
            self._pending -= 1

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="feedcore-http")
        return self._executor

    def _refuse(self, reason: str) -> None:
        self.shed.labels(reason).inc()
        raise Overloaded(f"the server is over capacity ({reason.replace('_', ' ')}); retry shortly")

    async def watch(self) -> None:
        """Measure how late the event loop runs, until cancelled (the app runs it from startup)."""
        loop = asyncio.get_running_loop()
        late = 0
        try:
            while True:
                before = loop.time()
                await asyncio.sleep(_TICK)
                late = late + 1 if loop.time() - before - _TICK > self.max_lag else 0
                self.lagging = late >= _LATE_TICKS
        finally:
            self.lagging = False

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
