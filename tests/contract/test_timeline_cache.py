"""TimelineCache contract, run on every cache backend."""

from __future__ import annotations

import time
from typing import Any

import pytest

from feedcore.backends import open_backend
from feedcore.errors import Unavailable
from feedcore.ids import id_at
from feedcore.ports.caches import Timeline, TimelineCache, TimelineSlice
from feedcore.settings import Settings
from tests.fixtures.services import free_port

HOME, AUTHOR = Timeline.HOME, Timeline.AUTHOR
TTL = 3600.0


def range_ids(cache: TimelineCache, *args: Any) -> list[int] | None:
    """The ids of ``cache.range(*args)``, None if not materialised."""
    got = cache.range(*args)
    return None if got is None else got.ids


def range_ids_many(cache: TimelineCache, *args: Any) -> list[list[int] | None]:
    return [None if got is None else got.ids for got in cache.range_many(*args)]


def complete(cache: TimelineCache, owner: int, timeline: Timeline = Timeline.HOME) -> bool | None:
    got = cache.range(timeline, owner, None, 1)
    return None if got is None else got.complete


def test_not_materialised_timeline_is_left_alone(cache):
    assert range_ids(cache, HOME, 1, None, 10) is None
    assert cache.add(HOME, [1], [100], 10) == 0
    assert range_ids(cache, HOME, 1, None, 10) is None
    assert cache.touch(HOME, 1, TTL) is False
    cache.remove(HOME, [1], [100])
    assert range_ids(cache, HOME, 1, None, 10) is None


def test_empty_replace_is_materialised(cache):
    cache.replace(HOME, 1, [], TTL)
    assert range_ids(cache, HOME, 1, None, 10) == []
    assert cache.add(HOME, [1], [5], 10) == 1
    assert range_ids(cache, HOME, 1, None, 10) == [5]


def test_add_counts_and_updates_only_materialised(cache):
    cache.replace(HOME, 1, [1], TTL)
    cache.replace(HOME, 2, [], TTL)
    assert cache.add(HOME, [1, 2, 3], [7, 3], 10) == 2
    assert range_ids(cache, HOME, 1, None, 10) == [7, 3, 1]
    assert range_ids(cache, HOME, 2, None, 10) == [7, 3]
    assert range_ids(cache, HOME, 3, None, 10) is None


def test_timelines_and_owners_are_independent(cache):
    cache.replace(HOME, 1, [1], TTL)
    cache.replace(AUTHOR, 1, [2], TTL)
    cache.replace(HOME, 2, [3], TTL)
    assert range_ids(cache, HOME, 1, None, 10) == [1]
    assert range_ids(cache, AUTHOR, 1, None, 10) == [2]
    assert range_ids(cache, HOME, 2, None, 10) == [3]
    assert range_ids(cache, AUTHOR, 2, None, 10) is None


def test_replace_overwrites(cache):
    cache.replace(HOME, 1, [1, 2, 3], TTL)
    cache.replace(HOME, 1, [9, 8], TTL)
    assert range_ids(cache, HOME, 1, None, 10) == [9, 8]


def test_add_trims_to_newest_max_len(cache):
    cache.replace(HOME, 1, [1, 2, 3, 4, 5], TTL)
    assert cache.add(HOME, [1], [7, 6], 4) == 1
    assert range_ids(cache, HOME, 1, None, 10) == [7, 6, 5, 4]
    cache.add(HOME, [1], [2], 4)  # older than everything kept: trimmed straight away
    assert range_ids(cache, HOME, 1, None, 10) == [7, 6, 5, 4]


def test_re_adding_is_idempotent(cache):
    cache.replace(HOME, 1, [1], TTL)
    for _ in range(3):
        assert cache.add(HOME, [1, 1], [5, 5, 3], 10) == 1
    assert range_ids(cache, HOME, 1, None, 10) == [5, 3, 1]


def test_range_pages_newest_first_with_exclusive_before(cache):
    cache.replace(HOME, 1, list(range(10, 101, 10)), TTL)
    assert range_ids(cache, HOME, 1, None, 3) == [100, 90, 80]
    assert range_ids(cache, HOME, 1, 80, 3) == [70, 60, 50]
    assert range_ids(cache, HOME, 1, 75, 3) == [70, 60, 50]
    assert range_ids(cache, HOME, 1, 20, 3) == [10]
    assert range_ids(cache, HOME, 1, 10, 3) == []
    assert range_ids(cache, HOME, 1, None, 0) == []
    assert range_ids(cache, HOME, 1, None, 100) == list(range(100, 9, -10))


def test_range_is_exact_for_adjacent_63_bit_ids(cache):
    # Real ids exceed 2**53, where a double score cannot tell neighbours apart.
    base = id_at(time.time(), shard=517)
    ids = [base + i for i in range(10)]
    cache.replace(HOME, 1, ids[:5], TTL)
    cache.add(HOME, [1], ids[5:], 100)
    assert range_ids(cache, HOME, 1, None, 4) == ids[:-5:-1]
    assert range_ids(cache, HOME, 1, ids[5], 3) == [ids[4], ids[3], ids[2]]
    assert range_ids(cache, HOME, 1, ids[1], 10) == [ids[0]]
    cache.remove(HOME, [1], [ids[3]])
    assert range_ids(cache, HOME, 1, ids[5], 3) == [ids[4], ids[2], ids[1]]


def test_remove_keeps_timeline_materialised(cache):
    cache.replace(HOME, 1, [1, 2, 3], TTL)
    cache.replace(HOME, 2, [2], TTL)
    cache.remove(HOME, [1, 2, 3], [2, 99])
    assert range_ids(cache, HOME, 1, None, 10) == [3, 1]
    assert range_ids(cache, HOME, 2, None, 10) == []
    assert range_ids(cache, HOME, 3, None, 10) is None


def test_large_fan_out_and_backfill(cache):
    owners = list(range(1, 1101))  # beyond one script call's chunk of keys
    for owner in owners[::2]:
        cache.replace(HOME, owner, [], TTL)
    posts = list(range(1, 601))  # beyond one script call's chunk of posts
    assert cache.add(HOME, owners, posts, 500) == 550
    assert range_ids(cache, HOME, 1, None, 2) == [600, 599]
    assert range_ids(cache, HOME, 1099, 202, 1000) == list(range(201, 100, -1))  # trimmed to 101..600
    assert range_ids(cache, HOME, 2, None, 2) is None
    cache.replace(HOME, 1, posts, TTL)
    assert len(range_ids(cache, HOME, 1, None, 5000)) == 600


def test_range_many_answers_each_timeline_in_order(cache):
    cache.replace(HOME, 1, [1, 2, 3], TTL)
    cache.replace(AUTHOR, 2, [], TTL)
    wanted = [(HOME, 1), (AUTHOR, 2), (HOME, 3), (AUTHOR, 1)]
    assert range_ids_many(cache, wanted, None, 2) == [[3, 2], [], None, None]
    assert range_ids_many(cache, wanted, 3, 10, TTL) == [[2, 1], [], None, None]
    assert range_ids_many(cache, [], None, 10, TTL) == []
    assert range_ids(cache, HOME, 3, None, 10) is None  # touching materialises nothing


def test_replace_many_materialises_each_owner(cache):
    cache.replace(HOME, 1, [9], TTL)
    cache.replace_many(HOME, {1: [1, 2], 2: [], 3: list(range(1, 1201))}, TTL)
    assert range_ids(cache, HOME, 1, None, 10) == [2, 1]
    assert range_ids(cache, HOME, 2, None, 10) == []
    assert len(range_ids(cache, HOME, 3, None, 5000)) == 1200
    cache.replace_many(HOME, {1: [5], 2: [6]}, 0)
    assert range_ids_many(cache, [(HOME, 1), (HOME, 2)], None, 10) == [None, None]


def test_ttl_expiry_and_touch(cache_env):
    cache = cache_env.cache
    cache.replace(HOME, 1, [1], 1.0)
    cache.replace(HOME, 2, [2], 1.0)
    assert cache.touch(HOME, 2, 30.0) is True
    cache_env.advance(1.3)
    assert range_ids(cache, HOME, 1, None, 10) is None
    assert cache.add(HOME, [1, 2], [5], 10) == 1
    assert range_ids(cache, HOME, 2, None, 10) == [5, 2]


def test_backends_open_by_url():
    assert type(open_backend("cache", "memory://", Settings())).__name__ == "MemoryCache"
    pytest.importorskip("redis")
    cache = open_backend("cache", "redis://127.0.0.1:6379/0?socket_timeout=1", Settings(namespace="x"))
    try:  # connects lazily
        assert type(cache).__name__ == "RedisCache" and cache.namespace == "x"
    finally:
        cache.close()


def test_unreachable_redis_raises_unavailable():
    pytest.importorskip("redis")
    port = free_port()
    with pytest.raises(Unavailable):  # a cluster client asks for the slot map at once
        open_backend("cache", f"redis://127.0.0.1:{port}?cluster=true&socket_connect_timeout=0.5", Settings())
    cache = open_backend("cache", f"redis://127.0.0.1:{port}/0?socket_connect_timeout=0.5", Settings())
    try:
        with pytest.raises(Unavailable):
            cache.check()
        with pytest.raises(Unavailable):
            range_ids(cache, HOME, 1, None, 10)
        with pytest.raises(Unavailable):
            cache.add(HOME, [1], [1], 10)
    finally:
        cache.close()


def test_a_timeline_is_complete_only_when_replaced_so_and_never_trimmed_or_partly_filled(cache):
    cache.replace(HOME, 1, [1, 2], TTL)
    cache.replace(HOME, 2, [1, 2], TTL, complete=True)
    cache.replace(HOME, 3, [1, 2], TTL, complete=True)
    cache.replace(HOME, 4, [], TTL, complete=True)
    assert [complete(cache, o) for o in (1, 2, 3, 4, 5)] == [False, True, True, True, None]
    cache.add(HOME, [2, 3, 4], [3], 3)  # fits: still complete
    assert [complete(cache, o) for o in (2, 3, 4)] == [True, True, True]
    cache.add(HOME, [2], [4], 3)  # post 1 trimmed away: the store has more than the cache
    cache.add(HOME, [4], [9], 3, partial=True)  # a backfill cut short
    cache.remove(HOME, [3], [1])  # removing keeps what the cache knows
    assert [complete(cache, o) for o in (2, 3, 4)] == [False, True, False]
    assert cache.range(HOME, 2, None, 10) == TimelineSlice([4, 3, 2], False)
    assert cache.range_many([(HOME, 3), (HOME, 1)], 3, 10) == [TimelineSlice([2], True), TimelineSlice([2, 1], False)]
    cache.replace_many(HOME, {5: [7], 6: []}, TTL, complete=True)
    assert [complete(cache, o) for o in (5, 6)] == [True, True]
