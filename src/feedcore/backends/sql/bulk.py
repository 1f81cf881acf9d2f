"""BulkLoader on SQL: COPY on PostgreSQL, executemany batches on SQLite, sharded like the rest.

Each call writes each database's rows in one transaction, so a batch is on a database either
entirely or not at all. On PostgreSQL a batch whose first and last rows exist is skipped; any
other batch is COPied straight into the table, or, if some of its rows exist (a resumed load),
COPied into a temporary table and inserted with ``ON CONFLICT DO NOTHING``. The loading
transaction sets ``synchronous_commit = off`` and, when the role may (superuser), skips the
foreign-key triggers (``session_replication_role = replica``): callers load users first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from ...model import Post, User
from ...ports.bulk import BulkLoader, Edge, Like
from ._base import SqlBase, chunks
from .schema import comments, followers, follows, likes, posts, users

__all__ = ["SqlBulk"]

_USER_COLUMNS = (
    "id",
    "handle",
    "handle_key",
    "display_name",
    "bio",
    "password_hash",
    "created_at",
    "follower_count",
    "following_count",
    "post_count",
)
_POST_COLUMNS = ("id", "author_id", "text", "media", "created_at", "like_count", "comment_count")
_EDGE_COLUMNS = ("follower_id", "followee_id", "created_at")
_REVERSE_COLUMNS = ("followee_id", "follower_id", "created_at")
_LIKE_COLUMNS = ("post_id", "user_id", "created_at")
_SQLITE_BATCH = 5000

# Hash aggregates over whole tables beat a correlated count per user by far after a bulk load;
# rows whose counters are right already are not rewritten.
_PG_RECOUNT = """
UPDATE users u SET follower_count = c.fr, following_count = c.fg, post_count = c.p
FROM (
  SELECT x.id, coalesce(a.n, 0) AS fr, coalesce(b.n, 0) AS fg, coalesce(q.n, 0) AS p
  FROM users x
  LEFT JOIN (SELECT followee_id, count(*) AS n FROM followers GROUP BY followee_id) a ON a.followee_id = x.id
  LEFT JOIN (SELECT follower_id, count(*) AS n FROM follows GROUP BY follower_id) b ON b.follower_id = x.id
  LEFT JOIN (SELECT author_id, count(*) AS n FROM posts WHERE deleted_at IS NULL GROUP BY author_id) q
    ON q.author_id = x.id
) c
WHERE c.id = u.id AND (u.follower_count, u.following_count, u.post_count) IS DISTINCT FROM (c.fr, c.fg, c.p)
"""
_PG_RECOUNT_POSTS = """
UPDATE posts p SET like_count = c.l, comment_count = c.c
FROM (
  SELECT x.id, coalesce(a.n, 0) AS l, coalesce(b.n, 0) AS c
  FROM posts x
  LEFT JOIN (SELECT post_id, count(*) AS n FROM likes GROUP BY post_id) a ON a.post_id = x.id
  LEFT JOIN (SELECT post_id, count(*) AS n FROM comments WHERE NOT deleted GROUP BY post_id) b ON b.post_id = x.id
) c
WHERE c.id = p.id AND (p.like_count, p.comment_count) IS DISTINCT FROM (c.l, c.c)
"""


def _counted(
    table: sa.Table, owner: sa.Column[Any], condition: Any = None, of: sa.Table = users
) -> sa.ScalarSelect[Any]:
    where = [owner == of.c.id] + ([condition] if condition is not None else [])
    return sa.select(sa.func.count()).select_from(table).where(*where).scalar_subquery()


class SqlBulk(SqlBase, BulkLoader):
    def load_users(self, users_: Sequence[User], password_hash: str) -> int:
        def row(u: User) -> tuple[Any, ...]:
            return (
                u.id,
                u.handle,
                u.handle.lower(),
                u.display_name,
                u.bio,
                password_hash,
                u.created_at,
                u.follower_count,
                u.following_count,
                u.post_count,
            )

        return self._load(users, _USER_COLUMNS, 1, [(u.id, row(u)) for u in users_])

    def load_posts(self, posts_: Sequence[Post]) -> int:
        media = "[]" if self._shards.dialect == "postgresql" else []
        rows = [(p.id, (p.id, p.author_id, p.text, media, p.created_at, p.like_count, p.comment_count)) for p in posts_]
        return self._load(posts, _POST_COLUMNS, 1, rows)

    def load_follows(self, edges: Sequence[Edge]) -> int:
        done = self._load(follows, _EDGE_COLUMNS, 2, [(e[0], e) for e in edges])
        self._load(followers, _REVERSE_COLUMNS, 2, [(e[1], (e[1], e[0], e[2])) for e in edges])
        return done

    def load_likes(self, likes_: Sequence[Like]) -> int:
        return self._load(likes, _LIKE_COLUMNS, 2, [(p, (p, u, t)) for u, p, t in likes_])

    def recount_users(self) -> None:
        values = {
            "follower_count": _counted(followers, followers.c.followee_id),
            "following_count": _counted(follows, follows.c.follower_id),
            "post_count": _counted(posts, posts.c.author_id, posts.c.deleted_at.is_(None)),
        }
        self._recount("users", users.update().values(values), (users, posts, follows, followers), _PG_RECOUNT)

    def recount_posts(self) -> None:
        values = {
            "like_count": _counted(likes, likes.c.post_id, of=posts),
            "comment_count": _counted(comments, comments.c.post_id, comments.c.deleted.is_(False), of=posts),
        }
        self._recount("posts", posts.update().values(values), (posts, likes, comments), _PG_RECOUNT_POSTS)

    def _recount(self, what: str, update: sa.Update, tables: Sequence[sa.Table], pg_statement: str) -> None:
        """On each database, ``update`` (correlated counts), or on PostgreSQL ``pg_statement``
        (hash aggregates) after analysing ``tables``."""
        for db in range(len(self._shards)):
            with self._write(db, f"recount {what}") as conn:
                if self._shards.dialect != "postgresql":
                    conn.execute(update)
                    continue
                for table in tables:
                    conn.exec_driver_sql(f"ANALYZE {table.name}")
                conn.exec_driver_sql(pg_statement)

    # -- the two paths --------------------------------------------------------------------

    def _load(self, table: sa.Table, columns: Sequence[str], keys: int, rows: Sequence[tuple[int, Any]]) -> int:
        """Insert ``rows`` (owner id, row tuple) absent from ``table``; the first ``keys``
        columns are its primary key. Returns how many rows went in."""
        by_db: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for owner, row in rows:
            by_db[self._shards.db_of(owner)].append(row)
        load: Callable[[Any, sa.Table, Sequence[str], int, list[tuple[Any, ...]]], int]
        load = _copy if self._shards.dialect == "postgresql" else _executemany
        total = 0
        for db, group in by_db.items():
            with self._write(db, f"bulk load {table.name}") as conn:
                total += load(conn, table, columns, keys, group)
        return total


def _executemany(conn: sa.Connection, table: sa.Table, columns: Sequence[str], keys: int, rows: list[Any]) -> int:
    from sqlalchemy.dialects import sqlite

    statement = sqlite.insert(table).on_conflict_do_nothing()
    total = 0
    for part in chunks(rows, _SQLITE_BATCH):
        result = conn.execute(statement, [dict(zip(columns, r, strict=True)) for r in part])
        total += max(0, result.rowcount)
    return total


def _copy(conn: sa.Connection, table: sa.Table, columns: Sequence[str], keys: int, rows: list[Any]) -> int:
    raw = conn.connection.driver_connection
    assert raw is not None
    cols = ", ".join(columns)
    key = " AND ".join(f"{c} = %s" for c in columns[:keys])
    with raw.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        if cur.execute("SHOW is_superuser").fetchone() == ("on",):
            cur.execute("SET LOCAL session_replication_role = replica")
        probe = f"SELECT count(*) FROM {table.name} WHERE {key}"
        present = sum(cur.execute(probe, r[:keys]).fetchone()[0] for r in (rows[0], rows[-1]))
        if present == 2:
            return 0
        if present == 0:
            cur.execute("SAVEPOINT bulk")
            try:
                _copy_rows(cur, f"COPY {table.name} ({cols}) FROM STDIN", rows)
                return len(rows)
            except Exception as exc:  # a unique violation: some rows exist, take the slow path
                if getattr(exc, "sqlstate", None) != "23505":
                    raise
                cur.execute("ROLLBACK TO SAVEPOINT bulk")
        stage = f"bulk_{table.name}"
        cur.execute(f"CREATE TEMP TABLE {stage} (LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP")
        _copy_rows(cur, f"COPY {stage} ({cols}) FROM STDIN", rows)
        cur.execute(f"INSERT INTO {table.name} ({cols}) SELECT {cols} FROM {stage} ON CONFLICT DO NOTHING")
        done = cur.rowcount
        cur.execute(f"DROP TABLE {stage}")
        return max(0, int(done))


def _copy_rows(cur: Any, statement: str, rows: list[Any]) -> None:
    with cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
