"""feedctl commands that prepare a platform: init, migrate, demo."""

from __future__ import annotations

import tempfile

import click

from feedcore import FeedItem, Platform, Settings

from ..options import emit, open_platform, table

__all__ = ["COMMANDS"]


@click.command()
def init() -> None:
    """Create the schema (and topics, buckets) of the configured platform, or upgrade it."""
    with open_platform(create=True) as platform:
        platform.migrate()
        click.echo(f"ready: {', '.join(f'{k} {v}' for k, v in platform.check().items())}")


@click.command()
def migrate() -> None:
    """Upgrade every database (all shards) to the latest schema version; idempotent."""
    with open_platform() as platform:
        platform.migrate()
        click.echo("migrated")


def feed_rows(items: list[FeedItem]) -> list[tuple[object, ...]]:
    return [
        (
            i.post.id,
            f"@{i.author.handle}",
            i.post.text[:60],
            i.like_count,
            i.comment_count,
            "yes" if i.liked_by_me else "",
        )
        for i in items
    ]


FEED_HEADERS = ("post", "author", "text", "likes", "comments", "liked")


@click.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where the demo platform keeps its data (default: a temporary directory).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the feed as JSON.")
def demo(data_dir: str | None, as_json: bool) -> None:
    """Run a scripted scenario on the embedded default and print a home feed.

    Registers a few users, follows, posts, likes and comments, then shows alice's home feed.
    """
    with (
        tempfile.TemporaryDirectory(prefix="feedcore-demo-") as tmp,
        Platform.open(Settings(data_dir=data_dir or tmp)) as p,
    ):
        password = "correct horse battery"
        alice, bob, carol = (p.users.register(h, password, display_name=h.title()) for h in ("alice", "bob", "carol"))
        p.graph.follow(alice.id, bob.id)
        p.graph.follow(alice.id, carol.id)
        p.graph.follow(bob.id, carol.id)
        first = p.posts.create(bob.id, text="Hello from bob!")
        p.posts.create(carol.id, text="carol here: feeds are eventually consistent, profiles are not.")
        p.posts.create(alice.id, text="alice checking in")
        p.interactions.like(alice.id, first.id)
        p.interactions.like(carol.id, first.id)
        p.interactions.comment(carol.id, first.id, text="welcome, bob")
        p.drain()
        page = p.feeds.home(alice.id, limit=20)
        data = [
            {
                "post_id": str(i.post.id),
                "author": i.author.handle,
                "text": i.post.text,
                "likes": i.like_count,
                "comments": i.comment_count,
                "liked_by_me": i.liked_by_me,
            }
            for i in page.items
        ]
        emit(as_json, data, lambda: "home feed of @alice\n" + table(feed_rows(list(page.items)), FEED_HEADERS))


COMMANDS: list[click.Command] = [init, migrate, demo]
