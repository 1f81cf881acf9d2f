"""ActivityCounter contract (active users per day), run on every cache backend: exact sets in
memory, HyperLogLogs on Redis (exact at these sizes, within 2% at thousands)."""

from __future__ import annotations

import time

from tests.fixtures.caches import CacheEnv

DAY = 86400


def _today(env: CacheEnv) -> int:
    return int(env.now() // DAY)


def test_counts_distinct_users_per_day_and_over_spans(cache_env: CacheEnv) -> None:
    cache, today = cache_env.cache, _today(cache_env)
    cache.add_active({today: {1, 2, 3}, today - 1: {3, 4}}, keep_days=31)
    cache.add_active({today: {2, 3, 5}}, keep_days=31)
    cache.add_active({today: {1, 2}}, keep_days=31)  # again: nothing changes
    cache.add_active({today - 2: set()}, keep_days=31)
    spans = [[today], [today - 1], [today - 1, today], [today - 6, today - 5], []]
    assert cache.count_active(spans) == [4, 2, 5, 0, 0]
    assert cache.count_active([]) == []


def test_large_sets_are_counted_within_two_percent(cache_env: CacheEnv) -> None:
    cache, today = cache_env.cache, _today(cache_env)
    for start in range(0, 5000, 1000):
        cache.add_active({today: range(start, start + 1000)}, keep_days=31)
    (count,) = cache.count_active([[today]])
    assert abs(count - 5000) <= 100


def test_days_past_their_keeping_time_are_gone(cache_env: CacheEnv) -> None:
    cache, today = cache_env.cache, _today(cache_env)
    cache.add_active({today - 40: {1, 2}, today - 3: {3}}, keep_days=31)
    cache.add_active({today - 3: {4}}, keep_days=2)  # its key now expires at the end of today - 1
    assert cache.count_active([[today - 40], [today - 3]]) == [0, 0]
    cache.add_active({today: {5}}, keep_days=0)
    assert cache.count_active([[today]]) == [1]
    if cache_env.now is time.time:
        return  # not waiting for midnight against a real Redis
    cache_env.advance(DAY)
    assert cache.count_active([[today]]) == [0]
