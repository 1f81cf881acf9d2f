"""SlotLease: a process's id generator slot, leased from the store, renewed, released; two
holders of one slot never make the same id, whatever their clocks say."""

from __future__ import annotations

import pytest

from feedcore.backends.memory.store import MemoryStore
from feedcore.errors import Unavailable
from feedcore.ids import MAX_SLOTS, IdGenerator, shard_of, timestamp_of
from feedcore.slots import LEASE_SECONDS, RENEW_SECONDS, SlotLease

NOW = 1_800_000_000.0


class Time:
    """Wall clock and monotonic clock, moved together by ``advance``."""

    def __init__(self) -> None:
        self.offset = 0.0

    def wall(self) -> float:
        return NOW + self.offset

    def mono(self) -> float:
        return 1000.0 + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class FlakyStore(MemoryStore):
    """A memory store whose slot renewals can be made to fail."""

    down = False

    def renew_slot(self, slot: int, holder: str, expires_at: float, issued_until: float) -> bool:
        if self.down:
            raise Unavailable("renew id slot: the database failed")
        return super().renew_slot(slot, holder, expires_at, issued_until)


@pytest.fixture
def t() -> Time:
    return Time()


@pytest.fixture
def store() -> FlakyStore:
    return FlakyStore()


def _lease(store: MemoryStore, t: Time, slots: int = MAX_SLOTS) -> SlotLease:
    return SlotLease(store, t.wall, t.mono, slots)


def test_each_lease_holds_its_own_slot_and_renews_it(store, t) -> None:
    one, two = _lease(store, t), _lease(store, t)
    assert (one(NOW)[0], two(NOW)[0], one(NOW)[0]) == (0, 1, 0)
    t.advance(LEASE_SECONDS - 1)  # renewed on this call: a newcomer still finds both held
    assert (one(t.wall())[0], two(t.wall())[0]) == (0, 1)
    assert store.lease_slot("newcomer", 2, NOW + LEASE_SECONDS + 1, NOW + 2 * LEASE_SECONDS) is None


def test_a_lease_lost_while_idle_is_replaced_by_another_slot(store, t) -> None:
    idle = _lease(store, t)
    assert idle(NOW) == (0, 0.0)
    t.advance(LEASE_SECONDS)
    assert store.lease_slot("other", MAX_SLOTS, t.wall(), t.wall() + LEASE_SECONDS) == (0, NOW + LEASE_SECONDS)
    assert idle(t.wall()) == (1, 0.0)


def test_holders_of_one_slot_never_clash_whatever_their_clocks_say(store, t) -> None:
    """The second process's clock is a lease ahead of the first's, so it takes the first one's
    slot while the first still makes ids with it: their ids still differ."""
    first = IdGenerator(t.wall, _lease(store, t))
    made = [first(3) for _ in range(100)]
    ahead = Time()
    ahead.advance(LEASE_SECONDS)
    second = IdGenerator(ahead.wall, _lease(store, ahead))
    made += [new_id(3) for _ in range(200) for new_id in (first, second)]
    assert len(set(made)) == len(made) and {i & (MAX_SLOTS - 1) for i in made} == {0}


def test_a_released_slot_is_taken_at_once_after_its_last_id(store, t) -> None:
    first = IdGenerator(t.wall, _lease(store, t, slots=1))
    last = max(first(1) for _ in range(200))  # runs ahead of the clock: 64 ids per ms
    first.close()
    second = IdGenerator(t.wall, _lease(store, t, slots=1))
    made = second(1)
    assert made > last and timestamp_of(made) == timestamp_of(last) + 0.001


def test_renewal_failures_are_survived_until_ids_reach_the_recorded_time(store, t) -> None:
    lease = _lease(store, t)
    assert lease(NOW)[0] == 0
    store.down = True
    t.advance(RENEW_SECONDS)
    assert lease(t.wall())[0] == 0  # renewal failed; the recorded time is still ahead
    t.advance(LEASE_SECONDS - RENEW_SECONDS)
    with pytest.raises(Unavailable):
        lease(t.wall())  # another holder may start here: no more ids with this slot
    store.down = False
    assert lease(t.wall())[0] == 0


def test_no_free_slot_is_unavailable(store, t) -> None:
    assert _lease(store, t, slots=1)(NOW)[0] == 0
    with pytest.raises(Unavailable, match="at most 1 processes"):
        _lease(store, t, slots=1)(NOW)


def test_generators_with_their_own_slots_never_make_the_same_id(store, t) -> None:
    frozen = IdGenerator(lambda: NOW, _lease(store, t)), IdGenerator(lambda: NOW, _lease(store, t))
    ids = [new_id(5) for _ in range(500) for new_id in frozen]
    assert len(set(ids)) == len(ids)
    assert {shard_of(i) for i in ids} == {5}
    assert [i & (MAX_SLOTS - 1) for i in ids[:4]] == [0, 1, 0, 1]
