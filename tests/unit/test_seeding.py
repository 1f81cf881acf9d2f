"""The synthetic network: deterministic, well-shaped, loadable, with feeds as rebuild makes them."""

from __future__ import annotations

import statistics

import pytest

from feedcore import Platform, Settings, blocking
from feedcore.ids import shard_for_handle, shard_of
from feedcore.ports import Timeline
from feedcore.seeding import NetworkSpec, load_network


def small(**kw: object) -> NetworkSpec:
    values = {"users": 3000, "seed": 5, "pull_threshold": 300, "logical_shards": 4, "chunk_size": 700}
    values.update(kw)
    return NetworkSpec(**values)  # type: ignore[arg-type]


def test_same_seed_same_network_and_another_seed_differs():
    a, b, c = small().chunk(1), small().chunk(1), small(seed=6).chunk(1)
    assert a == b
    assert a.follows != c.follows


def test_shape_power_law_followers_skewed_posts_some_active():
    spec = small()
    chunks = list(spec.iter_chunks())
    followers: dict[int, int] = {}
    for c in chunks:
        for _, followee, _ in c.follows:
            followers[followee] = followers.get(followee, 0) + 1
    counts = [followers.get(u.id, 0) for c in chunks for u in c.users]
    assert 55 <= statistics.mean(counts) <= 95
    hubs = sum(1 for n in counts if n >= spec.pull_threshold) / spec.users
    assert 0.01 <= hubs <= 0.05
    posts = [sum(1 for p in c.posts if p.author_id == u.id) for c in chunks for u in c.users]
    assert 0.4 <= sum(1 for n in posts if n == 0) / len(posts) <= 0.6
    assert max(posts) > 5 * spec.posts_per_user_mean
    active = sum(len(c.active) for c in chunks) / spec.users
    assert 0.07 <= active <= 0.13


def test_active_followers_like_some_posts_after_they_are_written_and_before_the_end():
    spec = small(users=800)
    chunk = spec.chunk(0)
    assert chunk.likes == spec.chunk(0).likes and chunk.likes != small(users=800, seed=6).chunk(0).likes
    posts = {p.id: p for p in chunk.posts}
    followers = {(a, b) for a, b, _ in chunk.follows}
    active = {uid for c in spec.iter_chunks() for uid in c.active}
    for user_id, post_id, at in chunk.likes:
        assert user_id in active and (user_id, posts[post_id].author_id) in followers
        assert posts[post_id].created_at <= at < min(posts[post_id].created_at + 86400, spec.end)
    chances = sum(1 for p in chunk.posts for a, b in followers if b == p.author_id and a in active)
    assert 0.2 <= len(chunk.likes) / chances <= 0.4  # like_probability 0.3


def test_ids_are_unique_and_name_their_shards():
    spec = small()
    chunks = list(spec.iter_chunks())
    users = [u for c in chunks for u in c.users]
    posts = [p for c in chunks for p in c.posts]
    assert len({u.id for u in users}) == len(users)
    assert len({p.id for p in posts}) == len(posts)
    assert all(shard_of(u.id) == shard_for_handle(u.handle, 4) for u in users)
    by_id = {u.id: u for u in users}
    assert all(shard_of(p.id) == shard_of(by_id[p.author_id].id) for p in posts)
    edges = [(a, b) for c in chunks for a, b, _ in c.follows]
    assert len(set(edges)) == len(edges) and all(a != b for a, b in edges)


def test_small_networks_lower_the_hub_fraction():
    assert small(users=500, pull_threshold=10_000).effective_hub_fraction == 0.0
    assert 0 < small(pull_threshold=2000).effective_hub_fraction < 0.02


@pytest.mark.parametrize("database", ["memory://", "sqlite"])
def test_seed_loads_idempotently_with_exact_counters_and_rebuilt_feeds(tmp_path, database):
    url = database if database == "memory://" else f"sqlite:///{tmp_path / 'seed.db'}"
    settings = Settings(data_dir=str(tmp_path), database_url=url, logical_shards=4, pull_threshold=300)
    spec = small(users=1200, chunk_size=500)
    with Platform.open(settings) as platform:
        store = platform.bulk_loader()
        stages: dict[str, tuple[int, int]] = {}
        first = load_network(platform, spec, progress=lambda stage, done, total: stages.update({stage: (done, total)}))
        active = (first["active"],) * 2
        assert stages == {"users": (1200, 1200), "graph+posts": (1200, 1200), "feeds": active, "warm": active}
        readers = [a for c in spec.iter_chunks() for a in c.active][:25]
        with blocking.forbidden():  # the caches are warm: the first reads need nothing from the store
            assert all(platform.feeds.home(uid).items for uid in readers)
        again = load_network(platform, spec)  # resumes: nothing new
        assert (first["follows"], first["posts"]) == (again["follows"], again["posts"])
        chunks = list(spec.iter_chunks())
        some = [u.id for u in chunks[0].users[:50]]
        got = store.get_users(some)
        for uid in some:
            assert got[uid].follower_count == sum(1 for c in chunks for _, b, _ in c.follows if b == uid)
            assert got[uid].following_count == sum(1 for c in chunks for a, _, _ in c.follows if a == uid)
            assert got[uid].post_count == sum(1 for c in chunks for p in c.posts if p.author_id == uid)
        some_posts = [p.id for p in chunks[0].posts[:50]]
        for post in store.get_posts(some_posts).values():
            assert post.like_count == sum(1 for c in chunks for _, p, _ in c.likes if p == post.id)
        for uid in [a for c in chunks for a in c.active][:25]:
            seeded = platform._cache.range(Timeline.HOME, uid, None, 1000)
            platform.feeds.rebuild(uid)
            rebuilt = platform._cache.range(Timeline.HOME, uid, None, 1000)
            assert seeded is not None and rebuilt is not None and seeded.ids == rebuilt.ids
