"""The SQL store through a real PgBouncer in transaction pooling mode.

The store contract suite (``postgres-pgbouncer``) and the behaviour suite (platform ``pgbouncer``)
run through it as well; these tests check that their traffic really goes through the pooler and
cover what those suites do not: bulk loading (COPY, ``SET LOCAL``, temporary staging tables),
migrations, and that no session state leaks from one client to the next server connection user.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from feedcore.backends.sql import SqlStore, migrate
from feedcore.seeding import NetworkSpec
from feedcore.settings import Settings
from tests.fixtures.pgservers import PgBouncer
from tests.fixtures.stores import LOGICAL_SHARDS, PgDatabases, StoreKit

pytestmark = pytest.mark.integration


@pytest.fixture
def bounced(pg_bouncer: PgBouncer, pg_databases: PgDatabases) -> Iterator[SqlStore]:
    pg_databases.empty()
    store = SqlStore(pg_bouncer.urls, logical_shards=LOGICAL_SHARDS, pool_size=8)
    yield store
    store.close()


def _transactions(bouncer: PgBouncer) -> dict[str, int]:
    return {row["database"]: int(row["total_xact_count"]) for row in bouncer.show("STATS")}


def test_store_traffic_goes_through_transaction_pooling(bounced: SqlStore, pg_bouncer: PgBouncer):
    names = [url.rsplit("/", 1)[1].split("?")[0] for url in pg_bouncer.urls]
    before = _transactions(pg_bouncer)
    kit = StoreKit(bounced)
    users = kit.users(8)

    def work(user):
        for _ in range(5):
            kit.post(user, with_event=True)
            bounced.posts_by_authors([u.id for u in users], None, 20)

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert bounced.relay(lambda events: None) == 40
    after = _transactions(pg_bouncer)
    assert all(after.get(name, 0) > before.get(name, 0) for name in names)
    pools = [row for row in pg_bouncer.show("POOLS") if row["database"] in names]
    assert pools and {row["pool_mode"] for row in pools} == {"transaction"}
    assert sum(row["sv_active"] + row["sv_idle"] + row["sv_used"] for row in pools) <= 2 * 6  # default_pool_size


def test_bulk_loading_and_resuming_through_pgbouncer(bounced: SqlStore, pg_bouncer: PgBouncer):
    chunk = NetworkSpec(users=300, seed=3, logical_shards=LOGICAL_SHARDS, pull_threshold=100).chunk(0)
    half = chunk.users[: len(chunk.users) // 2]
    assert bounced.load_users(half, "hash") == len(half)
    # a resumed load: some rows exist, so the rows go through a temporary staging table
    assert bounced.load_users(chunk.users, "hash") == len(chunk.users) - len(half)
    assert bounced.load_users(chunk.users, "hash") == 0
    assert bounced.load_posts(chunk.posts) == len(chunk.posts)
    assert bounced.load_follows(chunk.follows) == len(chunk.follows)
    bounced.recount_users()
    some = chunk.users[0]
    assert bounced.get_user(some.id).follower_count == sum(1 for _, b, _ in chunk.follows if b == some.id)
    assert bounced.get_user(some.id).post_count == sum(1 for p in chunk.posts if p.author_id == some.id)


def test_no_session_state_outlives_a_transaction(bounced: SqlStore, pg_bouncer: PgBouncer):
    """The bulk loader's SET LOCALs end with its transaction: the server connections it used,
    which PgBouncer now hands to other clients, are back to their defaults."""
    chunk = NetworkSpec(users=200, seed=4, logical_shards=LOGICAL_SHARDS, pull_threshold=100).chunk(0)
    bounced.load_users(chunk.users, "hash")
    bounced.load_follows(chunk.follows)
    for db in range(bounced.databases):
        engine = bounced._shards.engine(db)
        connections = [engine.connect() for _ in range(6)]  # as many as the pool's server connections
        try:
            for conn in connections:
                settings = conn.exec_driver_sql(
                    "SELECT current_setting('session_replication_role'), current_setting('synchronous_commit')"
                ).one()
                assert tuple(settings) == ("origin", "on")
        finally:
            for conn in connections:
                conn.close()


def test_migrations_run_through_pgbouncer(pg_bouncer: PgBouncer):
    migrate(Settings(database_url=",".join(pg_bouncer.urls)))  # at head already: checks and changes nothing
