"""RateLimiter on Redis: GCRA in one Lua script, timed by the server's clock."""

from __future__ import annotations

from ...errors import InvalidInput
from ...ports.caches import RateDecision, RateLimiter
from .client import RedisConnection, translated
from .keys import Keys
from .scripts import GCRA

__all__ = ["RedisRateLimiter"]


class RedisRateLimiter(RedisConnection, RateLimiter):
    _keys: Keys

    def hit(self, key: str, limit: int, period: float) -> RateDecision:
        if limit <= 0 or period <= 0:
            raise InvalidInput(f"rate limit needs limit > 0 and period > 0, got {limit}/{period}")
        with translated("rate limit"):
            allowed, remaining, reset_after, retry_after = self._call(GCRA, [self._keys.rate(key)], [limit, period])
        return RateDecision(
            allowed=bool(allowed),
            limit=limit,
            remaining=int(remaining),
            reset_after=float(reset_after),
            retry_after=float(retry_after),
        )
