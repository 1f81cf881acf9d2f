"""InteractionStore on SQL: likes and comments live on their post's shard."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from ...events import Event
from ...ids import shard_of
from ...model import Comment
from ...ports import InteractionStore
from ._base import SqlBase
from .schema import comments, likes

__all__ = ["SqlInteractions", "comments_query", "liked_query"]

_COMMENT_COLUMNS = [c for c in comments.c if c.name != "deleted"]


def _comment_from_row(row: sa.Row[Any]) -> Comment:
    return Comment(**row._mapping)


def comments_query(post_id: int, after: int | None, limit: int) -> sa.Select[Any]:
    """Live comments on ``post_id`` above ``after``, oldest first (index ix_comments_post_id_id)."""
    query = sa.select(*_COMMENT_COLUMNS).where(comments.c.post_id == post_id, comments.c.deleted.is_(False))
    if after is not None:
        query = query.where(comments.c.id > after)
    return query.order_by(comments.c.id).limit(limit)


def liked_query(user_id: int, post_ids: Sequence[int]) -> sa.Select[Any]:
    """Which of ``post_ids`` ``user_id`` likes (index ix_likes_user_id_post_id)."""
    return sa.select(likes.c.post_id).where(likes.c.user_id == user_id, likes.c.post_id.in_(post_ids))


class SqlInteractions(SqlBase, InteractionStore):
    def add_like(self, user_id: int, post_id: int, created_at: float, events: Sequence[Event] = ()) -> bool:
        with self._write(self._shards.db_of(post_id), "add like") as conn:
            done = conn.execute(
                self._insert_ignore(likes, {"post_id": post_id, "user_id": user_id, "created_at": created_at})
            )
            return self._changed(conn, done, events, post_id)

    def remove_like(self, user_id: int, post_id: int, events: Sequence[Event] = ()) -> bool:
        with self._write(self._shards.db_of(post_id), "remove like") as conn:
            done = conn.execute(likes.delete().where(likes.c.post_id == post_id, likes.c.user_id == user_id))
            return self._changed(conn, done, events, post_id)

    def liked(self, user_id: int, post_ids: Iterable[int]) -> set[int]:
        rows = self._select_many(post_ids, "liked", lambda ids: liked_query(user_id, ids))
        return {row.post_id for row in rows}

    def liked_posts(self, user_id: int, after: int | None, limit: int) -> list[int]:
        return self._ascending_everywhere("liked posts", likes.c.post_id, likes.c.user_id == user_id, after, limit)

    def comments_by(self, author_id: int, after: int | None, limit: int) -> list[int]:
        mine = (comments.c.author_id == author_id) & comments.c.deleted.is_(False)
        return self._ascending_everywhere("comments by", comments.c.id, mine, after, limit)

    def add_comment(self, comment: Comment, events: Sequence[Event] = ()) -> None:
        with self._write(self._shards.db_of(comment.id), "add comment") as conn:
            conn.execute(
                comments.insert().values(
                    id=comment.id,
                    post_id=comment.post_id,
                    author_id=comment.author_id,
                    text=comment.text,
                    created_at=comment.created_at,
                    deleted=False,
                )
            )
            self._emit(conn, events, shard_of(comment.id))

    def get_comment(self, comment_id: int) -> Comment | None:
        with self._read(self._shards.db_of(comment_id), "get comment") as conn:
            query = sa.select(*_COMMENT_COLUMNS).where(comments.c.id == comment_id, comments.c.deleted.is_(False))
            row = conn.execute(query).first()
        return _comment_from_row(row) if row else None

    def edit_comment(self, comment_id: int, text: str, events: Sequence[Event] = ()) -> bool:
        with self._write(self._shards.db_of(comment_id), "edit comment") as conn:
            live = (comments.c.id == comment_id) & comments.c.deleted.is_(False)
            done = conn.execute(comments.update().where(live).values(text=text))
            return self._changed(conn, done, events, comment_id)

    def delete_comment(self, comment_id: int, events: Sequence[Event] = ()) -> bool:
        with self._write(self._shards.db_of(comment_id), "delete comment") as conn:
            live = (comments.c.id == comment_id) & comments.c.deleted.is_(False)
            done = conn.execute(comments.update().where(live).values(deleted=True))
            return self._changed(conn, done, events, comment_id)

    def comments(self, post_id: int, after: int | None, limit: int) -> list[Comment]:
        with self._read(self._shards.db_of(post_id), "comments") as conn:
            return [_comment_from_row(row) for row in conn.execute(comments_query(post_id, after, limit))]
