"""The analytics report's wire types (``GET /v1/admin/analytics``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from msgspec import Meta, Struct

from feedcore.ports import DayCounts
from feedcore.services.analytics import (
    COMMENT_WEIGHT,
    DAY,
    HALF_LIFE_HOURS,
    TRENDING_HOURS,
    AnalyticsReport,
    TrendingPost,
)

from .wire import Count, Post, UserCard, _Out

__all__ = ["ActiveUsers", "Analytics", "AnalyticsQuery", "DayStats", "Trending"]

_SCORE = (
    f"Engagement over the last {TRENDING_HOURS} hours (a like 1, a comment {COMMENT_WEIGHT}, "
    f"taken back when undone), halved every {HALF_LIFE_HOURS:g} hours of age."
)


class AnalyticsQuery(Struct):
    days: Annotated[int, Meta(ge=1, le=366, description="Days of rollups, ending today (UTC).")] = 7
    top: Annotated[int, Meta(ge=1, le=100, description="How many trending posts.")] = 10


class DayStats(_Out):
    """One UTC day: distinct active users (readers too), and what was added that day."""

    day: date
    active_users: Count
    signups: Count
    posts: Count
    likes: Count
    comments: Count
    follows: Count

    @classmethod
    def of(cls, counts: DayCounts) -> DayStats:
        day = datetime.fromtimestamp(counts.day * DAY, UTC).date()
        c = counts
        return cls(day, c.active, c.signups, c.posts, c.likes, c.comments, c.follows)


class ActiveUsers(_Out):
    """Distinct active users today, in the last 7 days and in the last 30 days (today included)."""

    day: Count
    week: Count
    month: Count
    complete: Annotated[
        bool, Meta(description="False when the cache lost days: `week` and `month` are then lower bounds.")
    ]


class Trending(_Out):
    post: Post
    author: UserCard
    score: Annotated[float, Meta(ge=0, description=_SCORE)]

    @classmethod
    def of(cls, trending: TrendingPost) -> Trending:
        return cls(Post.of(trending.post), UserCard.of(trending.author), round(trending.score, 3))


class Analytics(_Out):
    active_users: ActiveUsers
    days: Annotated[list[DayStats], Meta(description="Oldest first, ending today.")]
    trending: Annotated[list[Trending], Meta(description="Highest score first.")]

    @classmethod
    def of(cls, report: AnalyticsReport) -> Analytics:
        active = report.active
        return cls(
            ActiveUsers(active.day, active.week, active.month, active.complete),
            [DayStats.of(d) for d in report.days],
            [Trending.of(t) for t in report.trending],
        )
