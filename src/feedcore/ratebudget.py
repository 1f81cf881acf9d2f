"""Per-key request limits decided in this process and settled with the shared limiter in the
background, so that a request costs no round trip to the cache.

Each key's state is GCRA's theoretical arrival time (TAT), kept here as seen by this process:
a request is decided against it at once, and the hits let through are charged to the shared
:class:`~feedcore.ports.RateLimiter` every ``sync`` seconds by a daemon thread, which brings
back the key's shared state (what every process charged). Within one process the limit is
exact; across processes a key can exceed it by what it sends in one ``sync`` interval to each
of them. When the shared limiter is down, keys are decided locally (fail soft) and settled once
it is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

import attrs

from .errors import Unavailable
from .gcra import gcra
from .ports import RateDecision

__all__ = ["Charge", "RateBudget"]

log = logging.getLogger("feedcore.ratebudget")

_Rule = tuple[int, float]
"""A limit: (requests, period in seconds)."""


@attrs.define
class _Key:
    tat: float | None = None
    """This process's view of the key's TAT (``clock`` time); None if never seen."""
    unsettled: int = 0
    """Hits let through here and not yet charged to the shared limiter."""
    seen: float = 0.0


Charge = Callable[[Mapping[str, int], int, float], dict[str, float]]
"""``RateLimiter.charge`` (through a circuit breaker, say)."""


class RateBudget:
    """Decides :meth:`hit` locally; :meth:`settle`, run by a daemon thread every ``sync``
    seconds from the first hit on, charges the shared limiter through ``charge``."""

    def __init__(self, charge: Charge, sync: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._charge = charge
        self._sync = sync
        self._clock = clock
        self._keys: dict[tuple[str, _Rule], _Key] = {}
        self._settled = float("-inf")
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hit(self, key: str, limit: int, period: float) -> RateDecision:
        """Count one request for ``key`` against ``limit`` per ``period`` seconds, here and now.
        A denied hit is not counted."""
        self._start()
        with self._lock:
            now = self._clock()
            state = self._keys.setdefault((key, (limit, period)), _Key())
            decision, tat = gcra(state.tat, now, limit, period)
            state.seen = now
            if tat is not None:
                state.tat = tat
                state.unsettled += 1
            return decision

    def settle(self) -> None:
        """Charge the hits let through since the last settlement to the shared limiter and take
        back the shared state of every key asked about since; forget keys idle for a period."""
        with self._lock:
            now = self._clock()
            due: dict[_Rule, dict[str, int]] = {}
            for (key, rule), state in list(self._keys.items()):
                if state.seen >= self._settled:  # asked about since: charge it (0 just refreshes)
                    due.setdefault(rule, {})[key] = state.unsettled
                elif now - state.seen > rule[1]:
                    del self._keys[(key, rule)]
            self._settled = now
        for (limit, period), costs in due.items():
            try:
                backlog = self._charge(costs, limit, period)
            except Unavailable as exc:
                log.warning("rate limits decided locally until the shared limiter is back: %s", exc)
                continue
            with self._lock:
                now = self._clock()
                for key, charged in costs.items():
                    state = self._keys[(key, (limit, period))]
                    state.unsettled -= charged
                    # the shared state includes every process's charges; add what came since
                    state.tat = now + backlog[key] + state.unsettled * period / limit

    def close(self) -> None:
        """Settle what is left and stop the thread. Idempotent."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None
            self.settle()

    def _start(self) -> None:
        if self._thread is None and not self._stop.is_set():
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="feedcore-rate-budget", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._sync):
            try:
                self.settle()
            except Exception:  # a budget that stops settling would drift: keep going
                log.exception("settling rate limits failed")
