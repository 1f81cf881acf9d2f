"""Sign-in throttling: exponential back-off after failed passwords, kept in the cache.

Three counters, each forgotten a day after its last failure, each with a few free failures
before the wait doubles from 1 s per further failure up to a cap:

- this account from this address (3 free, up to 15 min): the guessing that matters;
- this address, any account (20 free, up to 1 h): credential stuffing from one place;
- this account from any address (10 free, up to 1 min): guessing spread over many addresses.
  It never applies to an address the account signed in from before (for 30 days), and its
  cap is short, so an attacker cannot lock the owner out: the owner's own addresses are never
  slowed by it, and a new one waits at most a minute per attempt.

If the cache is unavailable, sign-in is not throttled (a lost cache costs no login); the
password hash's cost still bounds guessing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

import attrs

from ..errors import RateLimited, Unavailable
from ..ports import FailureCounter
from ..resilience import CircuitBreaker

__all__ = ["SignInThrottle"]

log = logging.getLogger("feedcore.auth")

_FORGET_AFTER = 86400.0
_KNOWN_FOR = 30 * 86400.0


@attrs.frozen
class _Rule:
    prefix: str
    free: int
    cap: float

    def wait(self, count: int) -> float:
        """Seconds to wait after the last of ``count`` failures."""
        return 0.0 if count < self.free else min(self.cap, 2.0 ** (count - self.free))


_PAIR = _Rule("p", free=3, cap=900.0)
_ADDRESS = _Rule("a", free=20, cap=3600.0)
_ACCOUNT = _Rule("u", free=10, cap=60.0)


class SignInThrottle:
    def __init__(self, failures: FailureCounter, cache_breaker: CircuitBreaker, clock: Callable[[], float]) -> None:
        self._failures = failures
        self._cache_breaker = cache_breaker
        self._clock = clock

    @staticmethod
    def _keys(handle: str, address: str) -> dict[str, str]:
        account = handle.lower()
        return {
            _PAIR.prefix: f"signin:p:{account}:{address}",
            _ADDRESS.prefix: f"signin:a:{address}",
            _ACCOUNT.prefix: f"signin:u:{account}",
            "known": f"signin:k:{account}:{address}",
        }

    def check(self, handle: str, address: str) -> None:
        """Raise RateLimited (with ``retry_after``) while a sign-in as ``handle`` from
        ``address`` must wait."""
        keys = self._keys(handle, address)
        try:
            pair, by_address, account, known = self._cache_breaker.call(self._failures.failures, list(keys.values()))
        except Unavailable:
            log.warning("sign-in throttling is off while the cache is unavailable")
            return
        rules = [(_PAIR, pair), (_ADDRESS, by_address)] + ([] if known.count else [(_ACCOUNT, account)])
        now = self._clock()
        wait = max(f.last_at + rule.wait(f.count) - now for rule, f in rules)
        if wait > 0:
            raise RateLimited(
                f"too many failed sign-ins; retry in {math.ceil(wait)} s", retry_after=wait, reset_after=wait
            )

    def failed(self, handle: str, address: str) -> None:
        keys = self._keys(handle, address)
        self._cache_breaker.best_effort(
            self._failures.add_failure,
            [keys[r.prefix] for r in (_PAIR, _ADDRESS, _ACCOUNT)],
            self._clock(),
            _FORGET_AFTER,
        )

    def succeeded(self, handle: str, address: str) -> None:
        keys = self._keys(handle, address)
        self._cache_breaker.best_effort(self._failures.clear_failures, [keys[_PAIR.prefix], keys[_ACCOUNT.prefix]])
        self._cache_breaker.best_effort(self._failures.add_failure, [keys["known"]], self._clock(), _KNOWN_FOR)
