"""The GCRA rate-limit rule as pure functions (the Redis backend runs the same rule in Lua)."""

from __future__ import annotations

from .ports.caches import RateDecision

__all__ = ["charged", "gcra"]

_EPSILON = 1e-6  # seconds; absorbs float rounding so exactly ``limit`` hits fit in a period


def gcra(tat: float | None, now: float, limit: int, period: float) -> tuple[RateDecision, float | None]:
    """Decide one hit given the key's theoretical arrival time ``tat`` (None: never seen).

    Returns the decision and the new TAT to store, or None when the hit is denied (and so
    not counted).
    """
    interval = period / limit
    tat = now if tat is None or tat < now else tat
    new_tat = tat + interval
    allow_at = new_tat - period
    if allow_at - now > _EPSILON:
        return RateDecision(False, limit, 0, tat - now, allow_at - now), None
    remaining = int((period - (new_tat - now)) / interval + _EPSILON)
    return RateDecision(True, limit, remaining, new_tat - now, 0.0), new_tat


def charged(tat: float | None, now: float, cost: int, limit: int, period: float) -> float:
    """The TAT after ``cost`` hits that were let through elsewhere: advanced by their intervals
    whatever the limit, but at most ``period`` ahead of ``now``."""
    start = now if tat is None or tat < now else tat
    return min(start + cost * period / limit, now + period)
