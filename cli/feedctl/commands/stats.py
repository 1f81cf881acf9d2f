"""feedctl stats: the platform's health and its analytics (active users, daily counts, top posts)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import attrs
import click

from feedcore.ports import METRICS
from feedcore.services.analytics import COMMENT_WEIGHT, DAY, HALF_LIFE_HOURS, TRENDING_HOURS, AnalyticsReport

from ..charts import plot_days, sparkline
from ..options import emit, json_option, open_platform, table

__all__ = ["COMMANDS"]

_COLUMNS = ("active", *METRICS)
_PLOT_DAYS = 30
"""Days drawn by --plot without --days."""


def _date(day: int) -> date:
    return datetime.fromtimestamp(day * DAY, UTC).date()


def _snippet(text: str, width: int = 40) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _data(outbox: int, backends: dict[str, str], report: AnalyticsReport) -> dict[str, Any]:
    return {
        "outbox_pending": outbox,
        "backends": backends,
        "active_users": attrs.asdict(report.active),
        "days": [{"date": _date(d.day).isoformat(), **{c: getattr(d, c) for c in _COLUMNS}} for d in report.days],
        "top_posts": [
            {
                "post_id": t.post.id,
                "author": t.author.handle,
                "score": round(t.score, 3),
                "likes": t.post.like_count,
                "comments": t.post.comment_count,
                "text": t.post.text,
            }
            for t in report.trending
        ],
    }


def _render(data: dict[str, Any], daily: bool) -> str:
    active = data["active_users"]
    today = data["days"][-1]
    rows: list[tuple[str, object]] = [("outbox pending", data["outbox_pending"])]
    rows += [(f"backend {role}", status) for role, status in data["backends"].items()]
    bound = "" if active["complete"] else ">= "
    rows += [("active users today", active["day"]), ("active users 7 days", f"{bound}{active['week']}")]
    rows += [("active users 30 days", f"{bound}{active['month']}")]
    rows += [(f"{metric} today", today[metric]) for metric in METRICS]
    parts = [table(rows, ("stat", "value"))]
    if not active["complete"]:
        parts[0] += (
            "\n(>=: the cache lacks some days' active users, e.g. it is this command's own in-process cache;"
            "\n the serving process or GET /v1/admin/analytics has the full counts)"
        )
    if daily:
        rows_by_day = [(d["date"], *(d[c] for c in _COLUMNS)) for d in data["days"]]
        parts.append(table(rows_by_day, ("day (UTC)", *_COLUMNS)))
        spark = []
        for column in _COLUMNS:
            values = [d[column] for d in data["days"]]
            spark.append((column, sparkline(values), min(values), max(values)))
        first, last = data["days"][0]["date"], data["days"][-1]["date"]
        parts.append(table(spark, ("per day", f"{first} .. {last}", "min", "max")))
    posts = [
        (p["post_id"], f"@{p['author']}", f"{p['score']:.2f}", p["likes"], p["comments"], _snippet(p["text"]))
        for p in data["top_posts"]
    ]
    title = (
        f"top posts (a like 1, a comment {COMMENT_WEIGHT}, over the last {TRENDING_HOURS} h, "
        f"halved every {HALF_LIFE_HOURS:g} h of age)"
    )
    top = table(posts, ("post", "author", "score", "likes", "comments", "text")) if posts else "(none yet)"
    parts.append(f"{title}\n{top}")
    return "\n\n".join(parts)


@click.command()
@click.option("--days", type=click.IntRange(1, 366), help="Also show each of the last N days (UTC), with sparklines.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help=f"Draw the daily counts of the last --days days (else {_PLOT_DAYS}) as a PNG at this path "
    "(needs matplotlib: pip install 'feedcore[plot]').",
)
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 100), help="How many trending posts.")
@json_option
def stats(days: int | None, plot: Path | None, top: int, as_json: bool) -> None:
    """Outbox depth, each backend's readiness, active users (today, 7 and 30 days), today's
    signups, posts, likes, comments and follows, and the trending posts.

    Active users count readers too. With the in-process cache (no FEEDCORE_CACHE_URL) the live
    counts live in the serving process: here they come from the daily rollups in the store."""
    span = days or (_PLOT_DAYS if plot else 1)
    with open_platform() as platform:
        outbox, backends = platform.outbox_pending(), platform.check()
        report = platform.analytics.report(span, top)
    data = _data(outbox, backends, report)
    if plot is not None:
        series = {c: [getattr(d, c) for d in report.days] for c in _COLUMNS}
        plot_days(plot, [_date(d.day) for d in report.days], series, "feedcore: per day (UTC)")
    emit(as_json, data, lambda: _render(data, days is not None))


COMMANDS: list[click.Command] = [stats]
