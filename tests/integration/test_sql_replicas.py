"""Reads from a real streaming standby: the LSN fence, the lag breaker, fall-back to the primary.

A private primary and its hot standby (``pg_replicated``) run for the session; a test may pause
replay or stop the standby, and the fixture puts it back afterwards. The store contract suite
also runs with its reads routed to the standby (store backend ``postgres-replica``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feedcore import Platform, Settings
from feedcore.backends.sql import SqlStore
from tests.fixtures.pgservers import Replicated
from tests.fixtures.platforms import TEST_SETTINGS
from tests.fixtures.services import free_port, wait_for
from tests.fixtures.stores import LOGICAL_SHARDS, StoreKit

pytestmark = pytest.mark.integration

StoreFactory = Callable[..., SqlStore]


@pytest.fixture
def replicated_store(pg_replicated: Replicated) -> Iterator[StoreFactory]:
    """``make(replicas=None, **options)``: a store on the private primary reading from its
    standby (or from ``replicas``, the one ``replica_urls`` entry)."""
    pg_replicated.empty()
    stores: list[SqlStore] = []

    def make(replicas: str | None = None, **options: float) -> SqlStore:
        store = SqlStore(
            [pg_replicated.primary.url()],
            replica_urls=[replicas or pg_replicated.standby.url()],
            logical_shards=LOGICAL_SHARDS,
            pool_size=2,
            **options,
        )
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()
    pg_replicated.heal()


def _on_standby(replicated: Replicated, post_id: int) -> bool:
    return bool(replicated.standby.sql(f"SELECT count(*) FROM posts WHERE id = {post_id}"))


def test_reads_go_to_the_standby_and_see_every_write_made_before_them(replicated_store: StoreFactory):
    store = replicated_store(replica_max_lag=10.0)  # this machine may be loaded: never skip here
    kit = StoreKit(store)
    fan, author = kit.users(2)
    for _ in range(10):
        post = kit.post(author)
        assert store.posts_by_authors([author.id], None, 1) == [post.id]
    store.add_reverse(author.id, fan.id, kit.clock())
    assert store.followers(author.id, None, 10) == [fan.id]
    [status] = store.replica_status()
    assert (status.served, status.skipped, status.available) == (11, 0, True)


def test_an_idle_primary_at_a_fresh_wal_segment_does_not_look_ahead_of_the_standby(
    replicated_store: StoreFactory, pg_replicated: Replicated
):
    """After a segment switch the insert position points past the new segment's page header,
    which no standby ever replays: the fence must take the boundary."""
    store = replicated_store(replica_max_lag=0.5, replica_retry=60.0)
    author = StoreKit(store).user()
    pg_replicated.primary.sql("SELECT pg_switch_wal()")
    wait_for(pg_replicated.caught_up, "the standby to replay the switch")
    assert store.posts_by_authors([author.id], None, 10) == []
    [status] = store.replica_status()
    assert (status.served, status.skipped) == (1, 0)


def test_paused_replay_sends_reads_to_the_primary_and_own_writes_stay_visible(
    replicated_store: StoreFactory, pg_replicated: Replicated
):
    store = replicated_store(replica_max_lag=0.2, replica_retry=0.5)
    kit = StoreKit(store)
    author = kit.user()
    pg_replicated.pause_replay()
    post = kit.post(author)
    assert not _on_standby(pg_replicated, post.id)
    assert store.posts_by_authors([author.id], None, 10) == [post.id]  # waited 0.2 s, then the primary
    assert store.posts_by_authors([author.id], None, 10) == [post.id]  # skipped at once
    [status] = store.replica_status()
    assert (status.served, status.skipped, status.available) == (0, 1, False)

    pg_replicated.heal()
    time.sleep(0.6)  # the skip lasts replica_retry seconds
    later = kit.post(author)
    assert store.posts_by_authors([author.id], None, 10) == [later.id, post.id]
    [status] = store.replica_status()
    assert (status.served, status.skipped, status.available) == (1, 1, True)


def test_a_stopped_standby_is_skipped_and_reads_keep_working(replicated_store: StoreFactory, pg_replicated: Replicated):
    store = replicated_store(replica_retry=60.0)
    kit = StoreKit(store)
    fan, author = kit.users(2)
    store.add_reverse(author.id, fan.id, kit.clock())
    pg_replicated.standby.stop()
    assert store.followers(author.id, None, 10) == [fan.id]
    post = kit.post(author)
    assert store.posts_by_authors([author.id], None, 10) == [post.id]
    [status] = store.replica_status()
    assert (status.served, status.skipped, status.available) == (0, 1, False)
    assert store.circuits() == {f"replica {status.url}": True}  # exported as feedcore_circuit_open
    store.check()  # ready: reads do without the replica


def test_replicas_take_turns_and_an_unreachable_one_is_skipped(
    replicated_store: StoreFactory, pg_replicated: Replicated
):
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"
    store = replicated_store(f"{pg_replicated.standby.url()}|{dead}", replica_max_lag=10.0, replica_retry=60.0)
    kit = StoreKit(store)
    author = kit.user()
    for _ in range(4):
        post = kit.post(author)
        assert store.posts_by_authors([author.id], None, 1) == [post.id]
    live, unreachable = store.replica_status()
    assert (live.served, live.skipped, live.available) == (4, 0, True)
    assert (unreachable.served, unreachable.skipped, unreachable.available) == (0, 1, False)


def test_with_the_primary_down_the_standby_serves_what_it_has(
    replicated_store: StoreFactory, pg_replicated: Replicated
):
    store = replicated_store(replica_max_lag=10.0)
    kit = StoreKit(store)
    author = kit.user()
    post = kit.post(author)
    wait_for(pg_replicated.caught_up, "the standby to replay the post")
    pg_replicated.primary.stop()
    try:
        assert store.posts_by_authors([author.id], None, 10) == [post.id]
    finally:
        pg_replicated.primary.start()
    [status] = store.replica_status()
    assert (status.served, status.skipped) == (1, 0)


def test_the_platform_reports_each_replica_breaker(pg_replicated: Replicated, tmp_path: Path):
    pg_replicated.empty()
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"
    replicas = f"{pg_replicated.standby.url()}|{dead}"
    settings = Settings(
        **TEST_SETTINGS,
        data_dir=str(tmp_path),
        database_url=pg_replicated.primary.url(),
        database_replica_urls=replicas,
        database_replica_max_lag=10.0,
        database_replica_retry=60.0,
    )
    with Platform.open(settings, migrate=False) as platform:
        alice = platform.users.register("alice", "correct horse battery")
        for _ in range(2):  # the turn passes to the unreachable replica once
            assert platform.graph.followers(alice.id).items == []
        circuits = platform.open_circuits()
    assert circuits == {"cache": False, "store": False, f"replica {pg_replicated.standby.url()}": False} | {
        f"replica {dead}": True
    }
