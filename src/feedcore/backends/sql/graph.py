"""GraphStore on SQL: the forward edge on the follower's shard, the reverse on the followee's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from ...events import Event
from ...ports import GraphStore
from ._base import SqlBase, scalars_of
from .schema import followers, follows

__all__ = ["SqlGraph", "edge_page_query"]


def edge_page_query(
    table: sa.Table, owner: str, other: str, user_id: int, after: int | None, limit: int
) -> sa.Select[Any]:
    """``other`` ids of ``owner`` = ``user_id`` above ``after``, ascending (the primary key's order)."""
    query = sa.select(table.c[other]).where(table.c[owner] == user_id)
    if after is not None:
        query = query.where(table.c[other] > after)
    return query.order_by(table.c[other]).limit(limit)


class SqlGraph(SqlBase, GraphStore):
    def _add_edge(
        self,
        table: sa.Table,
        owner_id: int,
        other_id: int,
        counter: str,
        values: dict[str, Any],
        events: Sequence[Event],
    ) -> bool:
        with self._write(self._shards.db_of(owner_id), f"add {table.name} edge") as conn:
            done = conn.execute(self._insert_ignore(table, values))
            if not self._changed(conn, done, events, owner_id):
                return False
            self._bump(conn, owner_id, counter, 1)
        return True

    def _remove_edge(
        self,
        table: sa.Table,
        owner: str,
        owner_id: int,
        other: str,
        other_id: int,
        counter: str,
        events: Sequence[Event],
    ) -> bool:
        with self._write(self._shards.db_of(owner_id), f"remove {table.name} edge") as conn:
            done = conn.execute(table.delete().where(table.c[owner] == owner_id, table.c[other] == other_id))
            if not self._changed(conn, done, events, owner_id):
                return False
            self._bump(conn, owner_id, counter, -1)
        return True

    def add_follow(self, follower_id: int, followee_id: int, created_at: float, events: Sequence[Event] = ()) -> bool:
        values = {"follower_id": follower_id, "followee_id": followee_id, "created_at": created_at}
        return self._add_edge(follows, follower_id, followee_id, "following_count", values, events)

    def remove_follow(self, follower_id: int, followee_id: int, events: Sequence[Event] = ()) -> bool:
        return self._remove_edge(
            follows, "follower_id", follower_id, "followee_id", followee_id, "following_count", events
        )

    def add_reverse(self, followee_id: int, follower_id: int, created_at: float) -> bool:
        values = {"followee_id": followee_id, "follower_id": follower_id, "created_at": created_at}
        return self._add_edge(followers, followee_id, follower_id, "follower_count", values, ())

    def remove_reverse(self, followee_id: int, follower_id: int) -> bool:
        return self._remove_edge(
            followers, "followee_id", followee_id, "follower_id", follower_id, "follower_count", ()
        )

    def is_following(self, follower_id: int, followee_id: int) -> bool:
        with self._read(self._shards.db_of(follower_id), "is following") as conn:
            query = sa.select(sa.literal(1)).where(
                follows.c.follower_id == follower_id, follows.c.followee_id == followee_id
            )
            return conn.execute(query).first() is not None

    def following(self, user_id: int, after: int | None, limit: int) -> list[int]:
        with self._read(self._shards.db_of(user_id), "following") as conn:
            return list(
                conn.execute(edge_page_query(follows, "follower_id", "followee_id", user_id, after, limit)).scalars()
            )

    def followers(self, user_id: int, after: int | None, limit: int) -> list[int]:
        query = edge_page_query(followers, "followee_id", "follower_id", user_id, after, limit)
        return self._read_replica(self._shards.db_of(user_id), "followers", scalars_of([query]))
