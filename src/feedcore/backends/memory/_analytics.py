"""AnalyticsStore for :class:`~feedcore.backends.memory.store.MemoryStore` (a mixin; the store's lock)."""

from __future__ import annotations

import collections
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ...ports.analytics import AnalyticsStore, DayCounts, Fact

__all__ = ["MemoryAnalytics"]


class MemoryAnalytics(AnalyticsStore):
    """Expects ``_open`` from MemoryStore; keeps its own tables."""

    _open: Any

    def __init__(self) -> None:
        self._applied: dict[int, int] = {}  # event id -> its day
        self._days: dict[int, DayCounts] = {}
        self._engagement: collections.Counter[tuple[int, int]] = collections.Counter()  # (post id, hour)

    def record_facts(self, facts: Sequence[Fact], active: Mapping[int, int] | None = None) -> int:
        with self._open():
            self.set_active(active or {})  # the lock is re-entrant
            new = 0
            for fact in facts:
                if fact.event_id in self._applied:
                    continue
                self._applied[fact.event_id] = fact.day
                new += 1
                if fact.metric is not None:
                    day = self._days.get(fact.day, DayCounts(fact.day))
                    self._days[fact.day] = attrs.evolve(day, **{fact.metric: getattr(day, fact.metric) + fact.count})
                if fact.post_id is not None and fact.engagement:
                    self._engagement[(fact.post_id, fact.hour)] += fact.engagement
            return new

    def set_active(self, counts: Mapping[int, int]) -> None:
        with self._open():
            for day, count in counts.items():
                kept = self._days.get(day, DayCounts(day))
                if count > kept.active:
                    self._days[day] = attrs.evolve(kept, active=count)

    def day_counts(self, first: int, last: int) -> list[DayCounts]:
        with self._open():
            return [self._days.get(day, DayCounts(day)) for day in range(first, last + 1)]

    def trending(self, weights: Mapping[int, float], limit: int) -> list[tuple[int, float]]:
        scores: dict[int, float] = collections.defaultdict(float)
        with self._open():
            for (post_id, hour), engagement in self._engagement.items():
                if hour in weights:
                    scores[post_id] += engagement * weights[hour]
        ranked = sorted(((p, s) for p, s in scores.items() if s > 0), key=lambda ps: (-ps[1], -ps[0]))
        return ranked[:limit]

    def prune(self, before_day: int) -> None:
        with self._open():
            self._applied = {e: day for e, day in self._applied.items() if day >= before_day}
            first_hour = before_day * 24
            for key in [k for k in self._engagement if k[1] < first_hour]:
                del self._engagement[key]
