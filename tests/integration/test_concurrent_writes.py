"""Follows, unfollows and likes racing through several processes on one PostgreSQL store.

Each :class:`Platform` here stands for a process (``serve --workers 2``, a worker, ``feedctl``):
its own id generator, the session's two databases holding 4 logical shards, its own
in-memory bus. However the writes race, a repeated follow or like is a no-op, never a
Conflict, and the counters are exact once the events are handled.
"""

from __future__ import annotations

import itertools
import multiprocessing
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feedcore import Platform, Settings, User
from tests.behaviour.helpers import users
from tests.fixtures.platforms import TEST_SETTINGS
from tests.fixtures.stores import LOGICAL_SHARDS, PgDatabases

pytestmark = pytest.mark.integration

Edge = tuple[int, int]


def _settings(urls: list[str], data_dir: str) -> Settings:
    """Memory cache and bus, no inline dispatch: events wait in the outbox (as they do for a
    relay process) until the test drains them."""
    return Settings(
        **TEST_SETTINGS,
        data_dir=data_dir,
        database_url=",".join(urls),
        logical_shards=LOGICAL_SHARDS,
        cache_url="memory://",
        bus_url="memory://",
        media_url="memory://",
        inline_dispatch=False,
    )


@pytest.fixture
def settings(pg_databases: PgDatabases, tmp_path: Path) -> Settings:
    pg_databases.empty()
    return _settings(pg_databases.urls, str(tmp_path))


@pytest.fixture
def open_platform(settings: Settings) -> Iterator[Callable[..., Platform]]:
    opened: list[Platform] = []

    def open_(clock: Callable[[], float] = time.time) -> Platform:
        opened.append(Platform.open(settings, clock=clock, migrate=False))
        return opened[-1]

    yield open_
    for platform in opened:
        platform.close()


def _race(*work: Callable[[], None]) -> list[BaseException]:
    """Run each of ``work`` in its own thread, started together; the exceptions they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(work))

    def run(job: Callable[[], None]) -> None:
        start.wait()
        try:
            job()
        except Exception as exc:  # collected, asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _edges(people: list[User], per_user: int, seed: int = 7) -> list[Edge]:
    rng = random.Random(seed)
    return [(u.id, v.id) for u in people for v in rng.sample([p for p in people if p != u], per_user)]


def _assert_graph(platform: Platform, people: list[User], edges: set[Edge]) -> None:
    """Edges and both counters of every user are exactly ``edges`` (after draining)."""
    platform.drain()
    for user in people:
        following = {b for a, b in edges if a == user.id}
        followers = {a for a, b in edges if b == user.id}
        fresh = platform.users.get(user.id)
        assert (fresh.following_count, fresh.follower_count) == (len(following), len(followers)), user.handle
        assert set(platform.graph.following_ids(user.id)) == following
        assert {u.id for u in platform.graph.followers(user.id, limit=1000).items} == followers


def test_two_processes_minting_in_the_same_millisecond_do_not_clash(open_platform):
    """Two generators on one millisecond and shard made the same event id: the second
    follow's outbox row clashed with the first's (409 "add follows edge: it clashes")."""
    alice, bob, carol = users(open_platform(), "alice", "bob", "carol")
    frozen = 1_800_000_000.0
    one, two = open_platform(lambda: frozen), open_platform(lambda: frozen)
    assert one.graph.follow(alice.id, bob.id) is True
    assert two.graph.follow(alice.id, carol.id) is True
    post = one.posts.create(bob.id, text="first")
    assert two.posts.create(bob.id, text="second").id != post.id
    _assert_graph(one, [alice, bob, carol], {(alice.id, bob.id), (alice.id, carol.id)})


def test_follows_race_through_two_platforms_and_stay_exact(open_platform):
    """Every edge followed twice at once (once through each platform), then half of them
    unfollowed twice at once: no errors, every counter exact."""
    setup = open_platform()
    people = users(setup, *(f"user{n}" for n in range(24)))
    edges = _edges(people, 8)
    one, two = open_platform(), open_platform()

    def follow_all(platform: Platform, order: list[Edge]) -> Callable[[], None]:
        return lambda: [platform.graph.follow(a, b) for a, b in order]

    def unfollow_all(platform: Platform, order: list[Edge]) -> Callable[[], None]:
        return lambda: [platform.graph.unfollow(a, b) for a, b in order]

    shuffled = random.Random(1).sample(edges, len(edges))
    halves = [shuffled[i::2] for i in range(2)]
    assert _race(*(follow_all(p, h) for p, h in itertools.product((one, two), halves))) == []
    _assert_graph(setup, people, set(edges))

    gone = shuffled[: len(edges) // 2]
    assert _race(*(unfollow_all(p, gone[i::2]) for p, i in itertools.product((one, two), (0, 1)))) == []
    _assert_graph(setup, people, set(edges) - set(gone))


def test_likes_race_through_two_platforms_and_count_once(open_platform):
    setup = open_platform()
    people = users(setup, *(f"fan{n}" for n in range(12)))
    posts = [setup.posts.create(u.id, text=f"post of {u.handle}") for u in people[:4]]
    likes = [(u.id, p.id) for u in people for p in posts]
    one, two = open_platform(), open_platform()

    def like_all(platform: Platform, order: list[tuple[int, int]]) -> Callable[[], None]:
        return lambda: [platform.interactions.like(u, p) for u, p in order]

    assert _race(*(like_all(p, likes[i::2]) for p, i in itertools.product((one, two), (0, 1)))) == []
    setup.drain()
    assert [setup.posts.get(p.id).like_count for p in posts] == [len(people)] * len(posts)


def _follow_in_process(urls: list[str], data_dir: str, edges: list[Edge], start_at: float) -> int:
    """In a child process: follow ``edges`` from ``start_at`` on; how many follows failed."""
    failed = 0
    with Platform.open(_settings(urls, data_dir), migrate=False) as platform:
        time.sleep(max(0.0, start_at - time.time()))
        for follower, followee in edges:
            try:
                platform.graph.follow(follower, followee)
            except Exception:  # counted: any failure is the defect
                failed += 1
    return failed


@pytest.mark.slow
def test_follows_race_through_two_processes(open_platform, settings, pg_databases, tmp_path):
    """``serve --workers 2``: both processes follow every edge, starting together."""
    setup = open_platform()
    people = users(setup, *(f"proc{n}" for n in range(30)))
    edges = _edges(people, 10)
    orders = [random.Random(seed).sample(edges, len(edges)) for seed in (1, 2)]
    start_at = time.time() + 3.0
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        args = [(pg_databases.urls, str(tmp_path), order, start_at) for order in orders]
        assert pool.starmap(_follow_in_process, args) == [0, 0]
    _assert_graph(setup, people, set(edges))


def _assert_reverse_matches_forward(platform: Platform, people: list[User]) -> set[Edge]:
    """After draining: every follower list and both counters agree with the forward edges."""
    edges = {(u.id, v) for u in people for v in platform.graph.following_ids(u.id)}
    _assert_graph(platform, people, edges)
    return edges


def test_follow_and_unfollow_of_the_same_edges_race_and_the_reverse_edges_follow(open_platform):
    """One platform follows while the other unfollows the same edges, round after round: the
    events may reach the graph consumer in another order than their changes committed, yet
    the reverse edges and follower counts end as the forward edges are."""
    setup = open_platform()
    people = users(setup, *(f"toggle{n}" for n in range(8)))
    edges = _edges(people, 3)
    one, two = open_platform(), open_platform()

    def toggle(platform: Platform, follow: bool, seed: int) -> Callable[[], None]:
        rng = random.Random(seed)

        def run() -> None:
            for _ in range(10):
                for a, b in rng.sample(edges, len(edges)):
                    (platform.graph.follow if follow else platform.graph.unfollow)(a, b)

        return run

    work = [toggle(one, True, 1), toggle(two, False, 2), toggle(one, False, 3), toggle(two, True, 4)]
    assert _race(*work) == []
    _assert_reverse_matches_forward(setup, people)
