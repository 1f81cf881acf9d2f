"""PostStore on SQL: posts and media live on their author's shard (which their ids name)."""

from __future__ import annotations

import functools
import heapq
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ...errors import NotFound
from ...events import Event
from ...ids import shard_of
from ...model import Media, MediaRef, Post
from ...ports import PostStore
from ._base import SqlBase, chunks, outbox_row, scalars_of
from .schema import comments, likes, media, outbox, posts, users

__all__ = ["SqlPosts", "post_from_row", "posts_by_authors_query"]

_POST_COLUMNS = [c for c in posts.c if c.name != "deleted_at"]


def post_from_row(row: sa.Row[Any]) -> Post:
    m = row._mapping
    return Post(
        id=m["id"],
        author_id=m["author_id"],
        text=m["text"],
        created_at=m["created_at"],
        media=tuple(MediaRef(**ref) for ref in m["media"]),
        edited_at=m["edited_at"],
        like_count=m["like_count"],
        comment_count=m["comment_count"],
    )


def _media_from_row(row: sa.Row[Any]) -> Media:
    return Media(**row._mapping)


def _live_post(post_id: int) -> sa.Select[Any]:
    return sa.select(*_POST_COLUMNS).where(posts.c.id == post_id, posts.c.deleted_at.is_(None))


def posts_by_authors_query(
    author_ids: Sequence[int], before: int | None, limit: int, dialect: str = "sqlite"
) -> sa.Select[Any]:
    """Live post ids of ``author_ids`` below ``before``, newest first, from ix_posts_live_author_id.

    On PostgreSQL each author is a ``LATERAL`` index range of at most ``limit`` rows: a plain
    ``author_id = ANY(...) ORDER BY id DESC LIMIT n`` tempts the planner into walking the
    primary key backwards through every newer post, which is ruinous for quiet authors.
    SQLite's planner already does one index range per ``IN`` value.
    """
    live = [posts.c.deleted_at.is_(None)] + ([posts.c.id < before] if before is not None else [])
    if dialect != "postgresql":
        query = sa.select(posts.c.id).where(posts.c.author_id.in_(author_ids), *live)
        return query.order_by(posts.c.id.desc()).limit(limit)
    authors = sa.func.unnest(sa.bindparam("authors", list(author_ids), type_=postgresql.ARRAY(sa.BigInteger)))
    author = authors.table_valued("author_id").render_derived(name="a")
    recent = (
        sa.select(posts.c.id)
        .where(posts.c.author_id == author.c.author_id, *live)
        .order_by(posts.c.id.desc())
        .limit(limit)
        .lateral("p")
    )
    return sa.select(recent.c.id).select_from(author).join(recent, sa.true()).order_by(recent.c.id.desc()).limit(limit)


@functools.lru_cache(maxsize=64)
def _create_post_pg(with_media: bool, events: int) -> sa.Select[Any]:
    """One statement (one round trip, atomic in autocommit) doing what SQLite does in a
    transaction: count the post on its author, insert it, attach its media, write ``events``
    outbox rows. Nothing is written if the author does not exist; it returns how many posts
    went in. Built once per shape; the values are bind parameters (see :func:`_create_params`)."""
    author = (
        users.update()
        .where(users.c.id == sa.bindparam("author_id"))
        .values(post_count=users.c.post_count + 1)
        .returning(users.c.id)
        .cte("author")
    )
    columns = [c for c in posts.c if c.name != "deleted_at"]
    values = [author.c.id if c.name == "author_id" else sa.bindparam(f"p_{c.name}", type_=c.type) for c in columns]
    new_post = posts.insert().from_select(columns, sa.select(*values)).returning(posts.c.id).cte("new_post")
    ctes: list[Any] = [new_post]
    if with_media:
        chosen = media.c.id.in_(sa.bindparam("media_ids", expanding=True)) & sa.exists(sa.select(new_post.c.id))
        attached = media.update().where(chosen).values(post_id=sa.bindparam("p_id"))
        ctes.append(attached.returning(media.c.id).cte("attached"))
    if events:
        picks = [
            sa.select(*(sa.bindparam(f"e{i}_{c.name}", type_=c.type) for c in outbox.c)).select_from(new_post)
            for i in range(events)
        ]
        source = picks[0] if events == 1 else sa.union_all(*picks)
        ctes.append(outbox.insert().from_select(list(outbox.c), source).returning(outbox.c.id).cte("emitted"))
    return sa.select(sa.func.count()).select_from(new_post).add_cte(*ctes)


def _create_params(post: Post, refs: list[dict[str, Any]], events: Sequence[Event]) -> dict[str, Any]:
    params = {f"p_{k}": v for k, v in attrs.asdict(post, recurse=False).items()}
    params.update(p_media=refs, author_id=post.author_id, media_ids=[r["id"] for r in refs])
    for i, event in enumerate(events):
        params.update({f"e{i}_{k}": v for k, v in outbox_row(event, shard_of(post.id)).items()})
    return params


class SqlPosts(SqlBase, PostStore):
    def add_media(self, media_: Media, events: Sequence[Event] = ()) -> None:
        with self._write(self._shards.db_of(media_.id), "add media") as conn:
            conn.execute(media.insert().values(attrs.asdict(media_)))
            self._emit(conn, events, shard_of(media_.id))

    def get_media(self, media_ids: Iterable[int]) -> dict[int, Media]:
        rows = self._select_many(media_ids, "get media", lambda ids: sa.select(media).where(media.c.id.in_(ids)))
        return {row.id: _media_from_row(row) for row in rows}

    def media_of(self, owner_id: int, after: int | None, limit: int) -> list[Media]:
        query = sa.select(media).where(media.c.owner_id == owner_id).order_by(media.c.id).limit(max(limit, 0))
        if after is not None:
            query = query.where(media.c.id > after)
        with self._read(self._shards.db_of(owner_id), "media of") as conn:
            return [_media_from_row(row) for row in conn.execute(query)]

    def delete_media(self, media_ids: Iterable[int]) -> None:
        for db, ids in self._shards.group(media_ids).items():
            with self._write(db, "delete media") as conn:
                for part in chunks(ids):
                    conn.execute(media.delete().where(media.c.id.in_(part)))

    def create_post(self, post: Post, events: Sequence[Event] = ()) -> None:
        refs = [{"id": m.id, "url": m.url, "content_type": m.content_type, "size": m.size} for m in post.media]
        if self._shards.dialect == "postgresql":
            statement = _create_post_pg(bool(refs), len(events))
            params = _create_params(post, refs, events)
            if not self._execute_alone(self._shards.db_of(post.id), "create post", statement, params):
                raise NotFound(f"no user {post.author_id}")
            return
        with self._write(self._shards.db_of(post.id), "create post") as conn:
            conn.execute(posts.insert().values({**attrs.asdict(post, recurse=False), "media": refs}))
            if refs:
                conn.execute(media.update().where(media.c.id.in_([r["id"] for r in refs])).values(post_id=post.id))
            self._bump(conn, post.author_id, "post_count", 1)
            self._emit(conn, events, shard_of(post.id))

    def get_posts(self, post_ids: Iterable[int]) -> dict[int, Post]:
        rows = self._select_many(
            post_ids,
            "get posts",
            lambda ids: sa.select(*_POST_COLUMNS).where(posts.c.id.in_(ids), posts.c.deleted_at.is_(None)),
        )
        return {row.id: post_from_row(row) for row in rows}

    def edit_post(self, post_id: int, text: str, edited_at: float, events: Sequence[Event] = ()) -> Post:
        with self._write(self._shards.db_of(post_id), "edit post") as conn:
            live = (posts.c.id == post_id) & posts.c.deleted_at.is_(None)
            conn.execute(posts.update().where(live).values(text=text, edited_at=edited_at))
            row = conn.execute(_live_post(post_id)).first()
            if row is None:
                raise NotFound(f"no post {post_id}")
            self._emit(conn, events, shard_of(post_id))
        return post_from_row(row)

    def delete_post(self, post_id: int, deleted_at: float, events: Sequence[Event] = ()) -> Post | None:
        with self._write(self._shards.db_of(post_id), "delete post") as conn:
            row = conn.execute(_live_post(post_id)).first()
            if row is None:
                return None
            done = conn.execute(
                posts.update().where(posts.c.id == post_id, posts.c.deleted_at.is_(None)).values(deleted_at=deleted_at)
            )
            if not self._changed(conn, done, events, post_id):
                return None  # deleted concurrently
            self._bump(conn, row.author_id, "post_count", -1)
        return post_from_row(row)

    def posts_by_authors(self, author_ids: Sequence[int], before: int | None, limit: int) -> list[int]:
        if limit <= 0:
            return []
        found: list[int] = []
        for db, group in self._shards.group(author_ids).items():
            queries = [posts_by_authors_query(part, before, limit, self._shards.dialect) for part in chunks(group)]
            found += self._read_replica(db, "posts by authors", scalars_of(queries))
        return heapq.nlargest(limit, found)

    def recount_interactions(self, post_ids: Iterable[int]) -> None:
        like_count = (
            sa.select(sa.func.count()).select_from(likes).where(likes.c.post_id == posts.c.id).scalar_subquery()
        )
        comment_count = (
            sa.select(sa.func.count())
            .select_from(comments)
            .where(comments.c.post_id == posts.c.id, comments.c.deleted.is_(False))
            .scalar_subquery()
        )
        for db, group in self._shards.group(post_ids).items():
            with self._write(db, "recount interactions") as conn:
                for part in chunks(group):
                    conn.execute(
                        posts.update()
                        .where(posts.c.id.in_(part))
                        .values(like_count=like_count, comment_count=comment_count)
                    )
