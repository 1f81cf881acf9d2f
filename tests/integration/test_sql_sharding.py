"""The SQL store on sharded PostgreSQL: placement, concurrent relays, index use.

Uses the session's two fresh databases (tests/fixtures/stores.py): ``sharded`` spreads 4
logical shards over both.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.dialects import postgresql

from feedcore.backends.sql import SqlStore
from feedcore.backends.sql.graph import edge_page_query
from feedcore.backends.sql.interactions import comments_query, liked_query
from feedcore.backends.sql.posts import posts_by_authors_query
from feedcore.backends.sql.schema import followers
from feedcore.ids import shard_of
from tests.fixtures.stores import LOGICAL_SHARDS, PgDatabases, StoreKit

pytestmark = pytest.mark.integration


@pytest.fixture
def dbs(pg_databases: PgDatabases) -> PgDatabases:
    pg_databases.empty()
    return pg_databases


def _store(urls: list[str], replicas: list[str] | None = None) -> SqlStore:
    return SqlStore(urls, replica_urls=replicas, logical_shards=LOGICAL_SHARDS, pool_size=4)


@pytest.fixture
def sharded(dbs: PgDatabases) -> Iterator[SqlStore]:
    store = _store(dbs.urls)
    yield store
    store.close()


def _ids(dsn: str, sql: str) -> set[int]:
    with psycopg.connect(dsn) as conn:
        return {row[0] for row in conn.execute(sql)}


def test_rows_live_on_the_shard_their_ids_name(sharded, dbs):
    kit = StoreKit(sharded)
    users = kit.users(8)
    assert {sharded.database_of(u.id) for u in users} == {0, 1}
    posts = [kit.post(u) for u in users]
    fan = users[0]
    for user, post in zip(users[1:], posts[1:], strict=True):
        sharded.add_follow(fan.id, user.id, kit.clock(), [kit.event("follow.created", fan.id)])
        sharded.add_reverse(user.id, fan.id, kit.clock())
        sharded.add_like(fan.id, post.id, kit.clock(), [kit.event("like.added", post.id)])
        kit.comment(post, fan)

    for db, dsn in enumerate(dbs.dsns):

        def here(ids, db=db):
            return {i for i in ids if shard_of(i) % 2 == db}

        assert _ids(dsn, "SELECT id FROM users") == here(u.id for u in users)
        assert _ids(dsn, "SELECT id FROM posts") == here(p.id for p in posts)
        assert _ids(dsn, "SELECT author_id FROM posts") == here(u.id for u in users)
        assert _ids(dsn, "SELECT follower_id FROM follows") == here([fan.id])
        assert _ids(dsn, "SELECT followee_id FROM followers") == here(u.id for u in users[1:])
        assert _ids(dsn, "SELECT post_id FROM likes") == here(p.id for p in posts[1:])
        assert _ids(dsn, "SELECT post_id FROM comments") == here(p.id for p in posts[1:])
        assert _ids(dsn, "SELECT key FROM outbox WHERE type = 'like.added'") == here(p.id for p in posts[1:])
        assert _ids(dsn, "SELECT key FROM outbox WHERE type = 'follow.created'") == here([fan.id])
    assert {u.id for u in users[1:]} == set(sharded.following(fan.id, None, 100))
    assert sharded.posts_by_authors([u.id for u in users], None, 100) == sorted((p.id for p in posts), reverse=True)


def test_parallel_relays_never_publish_an_event_twice(dbs):
    """Two stores (as two relay processes would) drain one outbox; SKIP LOCKED keeps their batches apart."""
    writer, relay_a, relay_b = _store(dbs.urls), _store(dbs.urls), _store(dbs.urls)
    kit = StoreKit(writer)
    users = kit.users(20)
    for round_ in range(10):
        for user in users:
            writer.update_profile(
                user.id, display_name=None, bio=f"b{round_}", events=[kit.event("user.updated", user.id)]
            )
    assert writer.pending() == 200

    published: Counter[int] = Counter()
    by_relay: Counter[str] = Counter()
    lock = threading.Lock()
    inside, most_inside = 0, 0

    def run(name: str, store: SqlStore) -> None:
        def publish(events):
            nonlocal inside, most_inside
            with lock:
                inside += 1
                most_inside = max(most_inside, inside)
            time.sleep(0.01)
            with lock:
                inside -= 1
                published.update(e.id for e in events)
                by_relay[name] += len(events)

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (store.relay(publish, limit=10) or store.pending()):
            pass

    threads = [threading.Thread(target=run, args=(n, s)) for n, s in (("a", relay_a), ("b", relay_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for store in (writer, relay_a, relay_b):
        store.close()
    assert len(published) == 200
    assert max(published.values()) == 1, "an event was published twice"
    assert by_relay["a"] > 0 and by_relay["b"] > 0
    assert most_inside == 2, "the relays never published at the same time"


def test_a_database_that_is_not_a_standby_is_never_read_as_a_replica(dbs):
    """The "replica" URL names an independent database: its (empty) tables are never read; real
    streaming replicas are tested in test_sql_replicas."""
    store = _store(dbs.urls[:1], dbs.urls[1:])
    try:
        kit = StoreKit(store)
        a, b = kit.users(2)
        post = kit.post(b)
        store.add_reverse(b.id, a.id, kit.clock())
        assert store.followers(b.id, None, 10) == [a.id]
        assert store.posts_by_authors([b.id], None, 10) == [post.id]
        [status] = store.replica_status()
        assert (status.served, status.skipped, status.available) == (0, 1, False)
    finally:
        store.close()


def _plan(dsn: str, query) -> str:
    sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    with psycopg.connect(dsn) as conn:
        return "\n".join(row[0] for row in conn.execute(f"EXPLAIN {sql}"))


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("posts_by_authors", "ix_posts_live_author_id"),
        ("followers page", "pk_followers"),
        ("comments page", "ix_comments_post_id_id"),
        ("liked", "ix_likes_user_id_post_id"),
    ],
)
def test_hot_queries_use_their_index(sharded, dbs, name, index):
    """With enough rows for the planner to care (1,000 authors, 20,000 posts, filled by SQL)."""
    store = _store(dbs.urls[:1])  # one database holds everything
    try:
        kit = StoreKit(store)
        users = kit.users(3)
        posts = [kit.post(u) for u in users]
        for user in users[1:]:
            store.add_reverse(users[0].id, user.id, kit.clock())
            store.add_like(user.id, posts[0].id, kit.clock())
            kit.comment(posts[0], user)
    finally:
        store.close()
    with psycopg.connect(dbs.dsns[0], autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users (id, handle, handle_key, display_name, password_hash, created_at) "
            "SELECT g, 'u' || g, 'u' || g, 'U', 'h', 0 FROM generate_series(1, 1000) g"
        )
        conn.execute(
            "INSERT INTO posts (id, author_id, text, media, created_at) "
            "SELECT 10000 + g, 1 + g % 1000, 't', '[]', 0 FROM generate_series(1, 20000) g"
        )
        conn.execute(
            "INSERT INTO followers (followee_id, follower_id, created_at) "
            "SELECT 1 + g % 1000, g, 0 FROM generate_series(1, 20000) g"
        )
        conn.execute(
            "INSERT INTO likes (post_id, user_id, created_at) "
            "SELECT 10001 + g % 20000, 1 + g % 1000, 0 FROM generate_series(1, 20000) g"
        )
        conn.execute(
            "INSERT INTO comments (id, post_id, author_id, text, created_at) "
            "SELECT g, 10001 + g % 20000, 1, 'c', 0 FROM generate_series(1, 20000) g"
        )
        conn.execute("ANALYZE")
    query = {
        "posts_by_authors": lambda: posts_by_authors_query([u.id for u in users] + [7, 8], None, 20, "postgresql"),
        "followers page": lambda: edge_page_query(followers, "followee_id", "follower_id", users[0].id, None, 10),
        "comments page": lambda: comments_query(posts[0].id, None, 10),
        "liked": lambda: liked_query(users[1].id, [p.id for p in posts] + [10_001, 10_002]),
    }[name]()
    plan = _plan(dbs.dsns[0], query)
    assert index in plan, f"{name} does not use {index}:\n{plan}"
