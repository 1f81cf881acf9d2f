"""Operators' endpoints (``admin`` scope): the analytics report."""

from __future__ import annotations

from feedcore.errors import Unauthorized

from .call import Call
from .table import Reply, Route
from .wire_analytics import Analytics, AnalyticsQuery

__all__ = ["ROUTES"]


def analytics(call: Call[None, AnalyticsQuery]) -> Analytics:
    """Active users, the rollups of the last ``days`` days and the trending posts."""
    if call.principal is None:  # tokens of a client (no user) are admins' usual ones: auth is "optional"
        raise Unauthorized("authentication required: send 'Authorization: Bearer <access token>'")
    return Analytics.of(call.platform.analytics.report(call.query.days, call.query.top))


ROUTES = [
    Route(
        "GET",
        "/v1/admin/analytics",
        analytics,
        "Analytics: active users (today, 7 and 30 days), signups, posts, likes, comments and follows "
        "per day, and the trending posts.",
        Reply(200, "The report.", Analytics),
        auth="optional",
        scope="admin",
        query=AnalyticsQuery,
        tags=("admin",),
    ),
]
