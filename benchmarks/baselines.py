"""The baselines: what the same work costs with raw redis-py and psycopg, no feedcore."""

from __future__ import annotations

import contextlib
import heapq
import json
import queue
from collections.abc import Iterator, Sequence
from typing import Any

_NOT_SENTINEL = "(0"  # score 0 marks a materialised timeline; real posts score above it


class RawFeeds:
    """Home feed reads straight from feedcore's Redis layout."""

    def __init__(self, client: Any, namespace: str) -> None:
        self.r, self.ns = client, namespace

    def _tl(self, kind: str, owner: int) -> str:
        return f"{self.ns}:tl:{kind}:{{{owner}}}"

    def _posts(self, ids: Sequence[bytes | int]) -> list[Any]:
        if not ids:
            return []
        values = self.r.mget([f"{self.ns}:c:post:{{{int(i)}}}" for i in ids])
        return [json.loads(v) for v in values if v is not None]

    def home(self, user_id: int, limit: int = 20) -> list[Any]:
        """ZREVRANGEBYSCORE, then MGET of the cached posts: 2 round trips."""
        ids = self.r.zrevrangebyscore(self._tl("home", user_id), "+inf", _NOT_SENTINEL, start=0, num=limit)
        return self._posts(ids)

    def home_with_pull(self, user_id: int, authors: Sequence[int], limit: int = 20) -> list[Any]:
        """One pipeline (home + each pulled author's range), then MGET: 2 round trips."""
        pipe = self.r.pipeline(transaction=False)
        pipe.zrevrangebyscore(self._tl("home", user_id), "+inf", _NOT_SENTINEL, start=0, num=limit)
        for a in authors:
            pipe.zrevrangebyscore(self._tl("author", a), "+inf", _NOT_SENTINEL, start=0, num=limit)
        streams = [[int(m) for m in s] for s in pipe.execute()]
        ids = list(dict.fromkeys(heapq.merge(*streams, reverse=True)))[:limit]
        return self._posts(ids)

    def fanout(self, follower_ids: Sequence[int], post_id: int, batch: int = 1000) -> None:
        """Pipelined ZADD to each follower's home feed, ``batch`` commands per round trip."""
        member = f"{post_id:019d}"
        for start in range(0, len(follower_ids), batch):
            pipe = self.r.pipeline(transaction=False)
            for f in follower_ids[start : start + batch]:
                pipe.zadd(self._tl("home", f), {member: post_id})
            pipe.execute()


class RawPosts:
    """INSERT post + outbox row in one transaction, one psycopg connection per thread and database."""

    def __init__(self, dsns: list[str]) -> None:
        self.dsns = dsns
        self.pools: list[queue.SimpleQueue[Any]] = [queue.SimpleQueue() for _ in dsns]
        self.all: list[Any] = []

    @contextlib.contextmanager
    def _conn(self, db: int) -> Iterator[Any]:
        import psycopg

        try:
            conn = self.pools[db].get_nowait()
        except queue.Empty:
            conn = psycopg.connect(self.dsns[db])
            self.all.append(conn)
        try:
            yield conn
        finally:
            self.pools[db].put(conn)

    def create(self, db: int, post_id: int, author_id: int, text: str, now: float, event_id: int, shard: int) -> None:
        with self._conn(db) as conn, conn.transaction():
            conn.execute(
                "INSERT INTO posts (id, author_id, text, media, created_at) VALUES (%s, %s, %s, '[]', %s)",
                (post_id, author_id, text, now),
            )
            payload = json.dumps({"post_id": post_id, "author_id": author_id})
            conn.execute(
                "INSERT INTO outbox (id, type, key, payload, created_at, shard)"
                " VALUES (%s, 'post.created', %s, %s, %s, %s)",
                (event_id, author_id, payload, now, shard),
            )

    def followers(self, db: int, user_id: int) -> list[int]:
        with self._conn(db) as conn, conn.transaction():
            rows = conn.execute(
                "SELECT follower_id FROM followers WHERE followee_id = %s ORDER BY follower_id", (user_id,)
            )
            return [r[0] for r in rows]

    def close(self) -> None:
        for conn in self.all:
            conn.close()
