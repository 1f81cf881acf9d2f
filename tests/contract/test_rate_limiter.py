"""RateLimiter contract, run on every cache backend."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from feedcore.errors import InvalidInput


def test_allows_exactly_limit_then_denies(cache):
    decisions = [cache.hit("user:1", 5, 60.0) for _ in range(7)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 2
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0, 0]
    assert all(d.limit == 5 for d in decisions)
    denied = decisions[-1]
    assert 0 < denied.retry_after <= 12.0
    assert 0 < denied.reset_after <= 60.0
    assert all(d.retry_after == 0 for d in decisions[:5])
    assert all(0 < d.reset_after <= 60.0 for d in decisions[:5])


def test_keys_are_independent(cache):
    for _ in range(3):
        cache.hit("a", 3, 60.0)
    assert cache.hit("a", 3, 60.0).allowed is False
    assert cache.hit("b", 3, 60.0).allowed is True
    assert cache.hit("b", 3, 60.0).remaining == 1


def test_denied_hits_are_not_counted(cache_env):
    cache = cache_env.cache
    assert [cache.hit("k", 2, 1.0).allowed for _ in range(2)] == [True, True]
    denied = [cache.hit("k", 2, 1.0) for _ in range(5)]
    assert not any(d.allowed for d in denied)
    cache_env.advance(denied[-1].retry_after + 0.05)
    # Had the denied hits counted, the key would still be over its limit now.
    assert cache.hit("k", 2, 1.0).allowed is True
    assert cache.hit("k", 2, 1.0).allowed is False


def test_capacity_returns_after_a_period(cache_env):
    cache = cache_env.cache
    for _ in range(3):
        cache.hit("k", 3, 1.0)
    cache_env.advance(1.05)
    assert [cache.hit("k", 3, 1.0).allowed for _ in range(4)] == [True, True, True, False]


@pytest.mark.parametrize(("limit", "period"), [(0, 60.0), (5, 0.0), (-1, 1.0)])
def test_bad_limits_are_rejected(cache, limit, period):
    with pytest.raises(InvalidInput):
        cache.hit("k", limit, period)


def test_concurrent_hits_are_atomic(cache):
    with ThreadPoolExecutor(max_workers=8) as pool:
        decisions = list(pool.map(lambda _: cache.hit("shared", 20, 60.0), range(60)))
    assert sum(d.allowed for d in decisions) == 20


def test_charges_count_hits_let_through_elsewhere(cache):
    backlog = cache.charge({"a": 3, "b": 0}, 5, 60.0)
    assert 35.9 <= backlog["a"] <= 36.0 and backlog["b"] == 0.0  # three intervals of 12 s
    assert [cache.hit("a", 5, 60.0).allowed for _ in range(3)] == [True, True, False]
    assert cache.hit("b", 5, 60.0).remaining == 4


def test_a_charge_never_runs_more_than_a_period_ahead(cache):
    assert 59.9 <= cache.charge({"a": 1000}, 5, 60.0)["a"] <= 60.0
    assert cache.hit("a", 5, 60.0).allowed is False
