"""FailureCounter contract, run on every cache backend."""

from __future__ import annotations

from feedcore.ports import Failures
from tests.fixtures.caches import CacheEnv


def test_counts_and_remembers_the_last_failure(cache_env: CacheEnv) -> None:
    cache = cache_env.cache
    assert cache.failures(["a", "b"]) == [Failures(), Failures()]
    cache.add_failure(["a", "b"], 100.5, ttl=60)
    cache.add_failure(["a"], 107.25, ttl=60)
    assert cache.failures(["a", "b", "c"]) == [Failures(2, 107.25), Failures(1, 100.5), Failures()]
    assert cache.failures([]) == []


def test_clear(cache_env: CacheEnv) -> None:
    cache = cache_env.cache
    cache.add_failure(["a", "b"], 1.0, ttl=60)
    cache.clear_failures(["a", "nope"])
    assert cache.failures(["a", "b"]) == [Failures(), Failures(1, 1.0)]
    cache.add_failure(["a"], 2.0, ttl=60)
    assert cache.failures(["a"]) == [Failures(1, 2.0)]


def test_keys_expire_ttl_after_their_last_failure(cache_env: CacheEnv) -> None:
    cache = cache_env.cache
    cache.add_failure(["short"], 1.0, ttl=0.5)
    cache.add_failure(["long"], 1.0, ttl=30)
    cache_env.advance(0.7)
    assert cache.failures(["short", "long"]) == [Failures(), Failures(1, 1.0)]
    cache.add_failure(["short"], 2.0, ttl=30)
    assert cache.failures(["short"]) == [Failures(1, 2.0)]
