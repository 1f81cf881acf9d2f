"""AnalyticsStore on SQL: rollups on the first database, applied once per event id.

A batch of facts is one transaction: the event ids go into ``analytics_applied`` (``ON CONFLICT
DO NOTHING RETURNING``: only the new ones come back), and only the new facts are added to the
day and engagement counters (``ON CONFLICT DO UPDATE``, in key order so concurrent workers
cannot deadlock). A replayed event finds its id and adds nothing.
"""

from __future__ import annotations

import collections
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from ...ports.analytics import METRICS, AnalyticsStore, DayCounts, Fact
from ._base import SqlBase, chunks
from .schema import analytics_applied, analytics_days, analytics_engagement

__all__ = ["SqlAnalytics"]

_DB = 0
"""Rollups are small and global: they live on the first database."""


class SqlAnalytics(SqlBase, AnalyticsStore):
    def record_facts(self, facts: Sequence[Fact], active: Mapping[int, int] | None = None) -> int:
        unique = list({f.event_id: f for f in reversed(facts)}.values())
        if not unique and not active:
            return 0
        with self._write(_DB, "record analytics") as conn:
            self._raise_active(conn, active or {})
            new: set[int] = set()
            for part in chunks(unique):
                stmt = (
                    self._upsert(analytics_applied)
                    .values([{"event_id": f.event_id, "day": f.day} for f in part])
                    .on_conflict_do_nothing()
                    .returning(analytics_applied.c.event_id)
                )
                new.update(conn.execute(stmt).scalars())
            applied = [f for f in unique if f.event_id in new]
            self._add_days(conn, applied)
            self._add_engagement(conn, applied)
        return len(applied)

    def _add_days(self, conn: sa.Connection, facts: Sequence[Fact]) -> None:
        counts: dict[int, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for fact in facts:
            if fact.metric is not None:
                counts[fact.day][fact.metric] += fact.count
        rows = [{"day": day, **{m: counts[day][m] for m in METRICS}} for day in sorted(counts)]
        if rows:
            stmt = self._upsert(analytics_days).values(rows)
            added = {m: analytics_days.c[m] + stmt.excluded[m] for m in METRICS}
            conn.execute(stmt.on_conflict_do_update(index_elements=["day"], set_=added))

    def _add_engagement(self, conn: sa.Connection, facts: Sequence[Fact]) -> None:
        sums: collections.Counter[tuple[int, int]] = collections.Counter()
        for fact in facts:
            if fact.post_id is not None and fact.engagement:
                sums[(fact.post_id, fact.hour)] += fact.engagement
        rows = [{"post_id": p, "hour": h, "engagement": n} for (p, h), n in sorted(sums.items())]
        for part in chunks(rows):
            stmt = self._upsert(analytics_engagement).values(list(part))
            added = {"engagement": analytics_engagement.c.engagement + stmt.excluded.engagement}
            conn.execute(stmt.on_conflict_do_update(index_elements=["post_id", "hour"], set_=added))

    def set_active(self, counts: Mapping[int, int]) -> None:
        if counts:
            with self._write(_DB, "set active users") as conn:
                self._raise_active(conn, counts)

    def _raise_active(self, conn: sa.Connection, counts: Mapping[int, int]) -> None:
        if not counts:
            return
        stmt = self._upsert(analytics_days).values([{"day": d, "active": counts[d]} for d in sorted(counts)])
        kept, offered = analytics_days.c.active, stmt.excluded.active
        higher = sa.case((offered > kept, offered), else_=kept)
        conn.execute(stmt.on_conflict_do_update(index_elements=["day"], set_={"active": higher}))

    def day_counts(self, first: int, last: int) -> list[DayCounts]:
        query = sa.select(analytics_days).where(analytics_days.c.day.between(first, last))
        with self._read(_DB, "day counts") as conn:
            found = {row.day: DayCounts(**row._mapping) for row in conn.execute(query)}
        return [found.get(day, DayCounts(day)) for day in range(first, last + 1)]

    def trending(self, weights: Mapping[int, float], limit: int) -> list[tuple[int, float]]:
        if not weights or limit <= 0:
            return []
        t = analytics_engagement
        weight: sa.ColumnElement[Any] = sa.case(dict(weights), value=t.c.hour, else_=0.0)
        score = sa.func.sum(t.c.engagement * weight).label("score")
        query = (
            sa.select(t.c.post_id, score)
            .where(t.c.hour.between(min(weights), max(weights)))
            .group_by(t.c.post_id)
            .having(score > 0)
            .order_by(score.desc(), t.c.post_id.desc())
            .limit(limit)
        )
        with self._read(_DB, "trending") as conn:
            return [(row.post_id, float(row.score)) for row in conn.execute(query)]

    def prune(self, before_day: int) -> None:
        with self._write(_DB, "prune analytics") as conn:
            conn.execute(analytics_applied.delete().where(analytics_applied.c.day < before_day))
            conn.execute(analytics_engagement.delete().where(analytics_engagement.c.hour < before_day * 24))
