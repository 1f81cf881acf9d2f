"""The gateway's rate limit: per user (by access token) or per client address when anonymous,
counted by the platform's RateLimiter port. When the limiter's backend is down, requests pass."""

from __future__ import annotations

import functools
import logging
import math

from feedcore import Platform
from feedcore.errors import RateLimited, Unavailable
from feedcore.ports import RateDecision
from feedcore.settings import parse_rate

__all__ = ["denial", "hit", "rate_headers"]

log = logging.getLogger("feedcore.http")

_parse = functools.lru_cache(maxsize=32)(parse_rate)


def hit(platform: Platform, user_id: int | None, client: str) -> RateDecision | None:
    """Count one request; None if the limiter is unavailable (fail open, logged)."""
    settings = platform.settings
    limit, period = _parse(settings.rate_limit if user_id is not None else settings.anonymous_rate_limit)
    key = f"user:{user_id}" if user_id is not None else f"addr:{client}"
    try:
        return platform.hit_rate_limit(key, limit, period)
    except Unavailable as exc:
        log.warning("rate limiter unavailable, request let through: %s", exc)
        return None


def rate_headers(decision: RateDecision | None) -> dict[str, str]:
    """RateLimit-Limit/Remaining/Reset (whole seconds) for a counted request. On a denial,
    Reset is when the next request is allowed: the same number as Retry-After."""
    if decision is None:
        return {}
    reset = retry_after_seconds(decision.retry_after) if not decision.allowed else math.ceil(decision.reset_after)
    return {
        "RateLimit-Limit": str(decision.limit),
        "RateLimit-Remaining": str(max(0, decision.remaining)),
        "RateLimit-Reset": str(max(0, reset)),
    }


def retry_after_seconds(seconds: float) -> int:
    """Retry-After's whole seconds: at least 1."""
    return max(1, math.ceil(seconds))


def denial(decision: RateDecision) -> RateLimited:
    return RateLimited(
        f"rate limit of {decision.limit} requests exceeded; retry in {math.ceil(decision.retry_after)} s",
        retry_after=decision.retry_after,
        limit=decision.limit,
        reset_after=decision.reset_after,
    )
