"""NearCache: entries expire by the injected clock, the size is bounded, ttl=0 turns it off."""

from __future__ import annotations

from feedcore.nearcache import NearCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_entries_live_ttl_seconds() -> None:
    clock = Clock()
    near: NearCache[int, str] = NearCache(5.0, 10, clock)
    near.set_many({1: "a", 2: "b"})
    clock.now += 4.9
    assert near.get_many([1, 2, 3]) == {1: "a", 2: "b"}
    clock.now += 0.2
    assert near.get_many([1, 2]) == {}


def test_delete_and_size_bound() -> None:
    near: NearCache[int, int] = NearCache(60.0, 3, Clock())
    near.set_many({i: i for i in range(5)})
    assert len(near.get_many(range(5))) == 3
    near.delete_many([4, 99])
    assert 4 not in near.get_many(range(5))


def test_zero_ttl_keeps_nothing() -> None:
    near: NearCache[int, int] = NearCache(0.0, 10, Clock())
    near.set_many({1: 1})
    near.delete_many([1])
    assert near.get_many([1]) == {}


def test_an_entry_expiring_during_a_read_is_a_miss_not_an_error() -> None:
    """The clock moves between one lookup's membership test and its read (another thread's
    time passing): the entry is simply absent, never a KeyError."""
    readings = iter([1000.0, 1004.0, 1005.0, 1006.0])  # set; then each reading of one get
    near: NearCache[int, str] = NearCache(5.0, 10, lambda: next(readings))
    near.set_many({1: "a"})
    assert near.get_many([1]) in ({}, {1: "a"})
