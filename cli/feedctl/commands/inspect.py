"""feedctl commands that look inside a platform: user show, feed show/rebuild, post show."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterable

import attrs
import click
from tqdm import tqdm

from feedcore import Platform, Settings, User
from feedcore.backends import scheme_of

from ..options import emit, json_option, open_platform, table
from .setup import FEED_HEADERS, feed_rows

__all__ = ["COMMANDS"]


def _time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _user(platform: Platform, handle: str) -> User:
    return platform.users.resolve(handle)


def _fields(pairs: list[tuple[str, object]]) -> str:
    return table([(k, v) for k, v in pairs], ("field", "value"))


@click.group()
def user() -> None:
    """Inspect users."""


@user.command("show")
@click.argument("handle")
@json_option
def user_show(handle: str, as_json: bool) -> None:
    """Show a user (HANDLE, @HANDLE or an id) with counters."""
    with open_platform() as platform:
        u = _user(platform, handle)
    emit(
        as_json,
        attrs.asdict(u),
        lambda: _fields(
            [
                ("id", u.id),
                ("handle", f"@{u.handle}"),
                ("display name", u.display_name),
                ("bio", u.bio),
                ("created", _time(u.created_at)),
                ("followers", u.follower_count),
                ("following", u.following_count),
                ("posts", u.post_count),
            ]
        ),
    )


@click.group()
def feed() -> None:
    """Inspect and rebuild home feeds."""


@feed.command("show")
@click.argument("handle")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 100))
@json_option
def feed_show(handle: str, limit: int, as_json: bool) -> None:
    """Show the first page of a user's home feed."""
    with open_platform() as platform:
        u = _user(platform, handle)
        page = platform.feeds.home(u.id, limit=limit)
    data = {"items": [attrs.asdict(i) for i in page.items], "next_cursor": page.next_cursor, "degraded": page.degraded}
    note = " (degraded: a backend was skipped)" if page.degraded else ""
    emit(as_json, data, lambda: f"home feed of @{u.handle}{note}\n" + table(feed_rows(list(page.items)), FEED_HEADERS))


@feed.command("rebuild")
@click.argument("handles", nargs=-1)
@click.option("--all", "all_users", is_flag=True, help="Every user, in pages, with a progress bar.")
@json_option
def feed_rebuild(handles: tuple[str, ...], all_users: bool, as_json: bool) -> None:
    """Rebuild the cached home feeds of HANDLES (or --all users) from the store.

    Needs a shared cache (FEEDCORE_CACHE_URL=redis://...): with the in-process cache, a rebuild
    would fill only this command's own cache, which ends with it."""
    if all_users == bool(handles):
        raise click.UsageError("name the handles to rebuild, or --all (not both)")
    if scheme_of(Settings.from_env().cache_url) == "memory":
        raise click.UsageError(
            "the cache is in-process (memory://): a rebuild here would fill only this command's own cache "
            "and change nothing for other processes (`feedctl serve` rebuilds a feed it lacks on its next "
            "read). Set FEEDCORE_CACHE_URL to the shared cache (redis://...) to rebuild feeds there"
        )
    with open_platform() as platform:
        if all_users:
            ids: Iterable[int] = platform.users.ids()
        else:
            ids = [_user(platform, h).id for h in handles]
        with tqdm(ids, desc="rebuilding feeds", unit="feed", file=sys.stderr, disable=None) as bar:
            lengths = [platform.feeds.rebuild(uid) for uid in bar]
    if all_users:
        summary = {"feeds": len(lengths), "entries": sum(lengths)}
        emit(as_json, summary, lambda: f"rebuilt {summary['feeds']} feeds, {summary['entries']} entries")
    else:
        by_handle = dict(zip(handles, lengths, strict=True))
        emit(as_json, by_handle, lambda: table([(f"@{h}", n) for h, n in by_handle.items()], ("user", "feed length")))


@click.group()
def post() -> None:
    """Inspect posts."""


@post.command("show")
@click.argument("post_id", type=int)
@json_option
def post_show(post_id: int, as_json: bool) -> None:
    """Show a post by id."""
    with open_platform() as platform:
        p = platform.posts.get(post_id)
        author = platform.users.get(p.author_id)
    emit(
        as_json,
        {**attrs.asdict(p), "author": attrs.asdict(author.card)},
        lambda: _fields(
            [
                ("id", p.id),
                ("author", f"@{author.handle} ({p.author_id})"),
                ("text", p.text),
                ("created", _time(p.created_at)),
                ("edited", _time(p.edited_at)),
                ("likes", p.like_count),
                ("comments", p.comment_count),
                ("media", ", ".join(f"{m.content_type} {m.url}" for m in p.media)),
            ]
        ),
    )


COMMANDS: list[click.Command] = [user, feed, post]
