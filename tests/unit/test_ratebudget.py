"""RateBudget: limits decided in the process, settled with the shared limiter in the background."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from feedcore.backends.memory.cache import MemoryCache
from feedcore.errors import Unavailable
from feedcore.ratebudget import RateBudget


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def shared() -> MemoryCache:
    return MemoryCache(clock=Clock())


def budget(shared: MemoryCache, clock: Clock) -> RateBudget:
    return RateBudget(shared.charge, sync=3600.0, clock=clock)  # settled by hand in these tests


def test_within_one_process_the_limit_is_exact(shared: MemoryCache) -> None:
    b = budget(shared, Clock())
    decisions = [b.hit("user:1", 5, 60.0) for _ in range(7)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 2
    assert [d.remaining for d in decisions[:5]] == [4, 3, 2, 1, 0]
    assert 0 < decisions[-1].retry_after <= 12.0
    b.close()


def test_processes_learn_each_others_hits_when_they_settle(shared: MemoryCache) -> None:
    clock = Clock()
    first, second = budget(shared, clock), budget(shared, clock)
    assert all(first.hit("k", 5, 60.0).allowed for _ in range(3))
    assert all(second.hit("k", 5, 60.0).allowed for _ in range(2))
    first.settle()
    second.settle()  # the shared state now holds all five
    assert not second.hit("k", 5, 60.0).allowed
    first.settle()  # and the first process learns the second's two
    assert not first.hit("k", 5, 60.0).allowed
    clock.now += 12.0
    assert first.hit("k", 5, 60.0).allowed  # one interval later there is room for one
    first.close()
    second.close()


def test_hits_during_a_settlement_are_kept_for_the_next(shared: MemoryCache) -> None:
    clock = Clock()
    calls: list[Mapping[str, int]] = []

    def charge(costs: Mapping[str, int], limit: int, period: float) -> dict[str, float]:
        calls.append(dict(costs))
        late.hit("k", 10, 60.0)  # another request arrives while the limiter answers
        return shared.charge(costs, limit, period)

    late = RateBudget(charge, sync=3600.0, clock=clock)
    late.hit("k", 10, 60.0)
    late.settle()
    late.settle()
    assert calls == [{"k": 1}, {"k": 1}]
    late.close()


def test_a_limiter_that_is_down_leaves_decisions_local(shared: MemoryCache) -> None:
    clock = Clock()
    down = True

    def charge(costs: Mapping[str, int], limit: int, period: float) -> dict[str, float]:
        if down:
            raise Unavailable("cache down")
        return shared.charge(costs, limit, period)

    b = RateBudget(charge, sync=3600.0, clock=clock)
    assert [b.hit("k", 2, 60.0).allowed for _ in range(3)] == [True, True, False]
    b.settle()  # logged, nothing raised
    down = False
    b.settle()
    assert shared.hit("k", 2, 60.0).allowed is False  # the shared limiter got the two hits
    b.close()
