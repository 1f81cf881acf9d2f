"""RateLimiter on Redis: GCRA in one Lua script, timed by the server's clock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import InvalidInput
from ...ports.caches import RateDecision, RateLimiter
from .client import RedisConnection, translated
from .keys import Keys
from .scripts import CHARGE, GCRA

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

    def charge(self, costs: Mapping[str, int], limit: int, period: float) -> dict[str, float]:
        """One CHARGE script call (in cluster mode, one per hash slot, pipelined)."""
        if limit <= 0 or period <= 0:
            raise InvalidInput(f"rate limit needs limit > 0 and period > 0, got {limit}/{period}")
        keys = {self._keys.rate(key): key for key in costs}
        groups = self._slot_groups(list(keys))

        def args(group: list[str]) -> list[Any]:
            return [limit, period, *(costs[keys[k]] for k in group)]

        with translated("rate charge"):
            if len(groups) == 1:
                replies = [self._call(CHARGE, groups[0], args(groups[0]))]
            else:

                def build(pipe: Any) -> None:
                    for group in groups:
                        pipe.execute_command("EVALSHA", CHARGE.sha, len(group), *group, *args(group))

                replies = self._pipelined(build)
        return {
            keys[k]: float(r)
            for group, reply in zip(groups, replies, strict=True)
            for k, r in zip(group, reply, strict=True)
        }
