"""Two processes' worth of platforms on one PostgreSQL + Redis: what the per-process near
cache (user cards, pull-author lists) lets one platform see of the other's changes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feedcore import Platform, Settings
from feedcore.errors import Unauthorized
from tests.fixtures.platforms import TEST_SETTINGS, FakeClock
from tests.fixtures.stores import PgDatabases

pytestmark = pytest.mark.integration

Opener = Callable[..., Platform]


@pytest.fixture
def open_shared(pg_databases: PgDatabases, redis_url: str, tmp_path: Path, clock: FakeClock) -> Iterator[Opener]:
    pg_databases.empty()
    shared = {
        **TEST_SETTINGS,
        "data_dir": str(tmp_path),
        "namespace": f"fc{uuid.uuid4().hex[:10]}",
        "database_url": ",".join(pg_databases.urls),
        "logical_shards": 4,
        "cache_url": redis_url,
    }
    opened: list[Platform] = []

    def open_platform(**settings: object) -> Platform:
        opened.append(Platform.open(Settings(**{**shared, **settings}), clock=clock))
        return opened[-1]

    yield open_platform
    for p in opened:
        p.close()


def _author_names(p: Platform, reader: int) -> list[str]:
    return [item.author.display_name for item in p.feeds.home(reader).items]


def _bob_reads_alice(writer: Platform, reader: Platform) -> tuple[int, int]:
    """Alice posts, Bob follows her; ``reader`` shows Bob's feed (and keeps Alice's card)."""
    alice = writer.users.register("alice", "correct horse", display_name="Alice")
    bob = writer.users.register("bob", "battery staple")
    writer.graph.follow(bob.id, alice.id)
    writer.posts.create(alice.id, "hello")
    assert _author_names(reader, bob.id) == ["Alice"]
    return alice.id, bob.id


def test_a_profile_change_reaches_other_processes_within_the_near_cache_ttl(open_shared: Opener, clock: FakeClock):
    writer, reader = open_shared(), open_shared(near_cache_ttl=5.0)
    alice, bob = _bob_reads_alice(writer, reader)
    writer.users.update_profile(alice, display_name="Alicia")
    assert _author_names(writer, bob) == ["Alicia"]  # the writer forgot its own copy
    clock.advance(5.1)
    assert _author_names(reader, bob) == ["Alicia"]


def test_without_a_near_cache_other_processes_see_changes_at_once(open_shared: Opener):
    writer, reader = open_shared(), open_shared(near_cache_ttl=0)
    alice, bob = _bob_reads_alice(writer, reader)
    writer.users.update_profile(alice, display_name="Alicia")
    assert _author_names(reader, bob) == ["Alicia"]


def test_a_logout_reaches_other_processes_within_the_near_cache_ttl(open_shared: Opener, clock: FakeClock):
    writer, reader = open_shared(), open_shared(near_cache_ttl=5.0)
    alice = writer.users.register("alice", "correct horse")
    tokens = writer.auth.login("alice", "correct horse")
    assert reader.auth.verify(tokens.access_token).user_id == alice.id
    writer.auth.logout(tokens.refresh_token)
    with pytest.raises(Unauthorized):
        writer.auth.verify(tokens.access_token)  # the process that logged out forgot at once
    clock.advance(5.1)
    with pytest.raises(Unauthorized):
        reader.auth.verify(tokens.access_token)
