"""SlotLease: a process's id generator slot, leased from the store, renewed, given back."""

from __future__ import annotations

import pytest

from feedcore.backends.memory.store import MemoryStore
from feedcore.errors import Unavailable
from feedcore.ids import IdGenerator, shard_of
from feedcore.slots import CLOCK_MARGIN, LEASE_SECONDS, RENEW_SECONDS, SlotLease

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
    """A memory store whose slot calls can be made to fail."""

    down = False

    def renew_slot(self, slot: int, holder: str, expires_at: float) -> bool:
        if self.down:
            raise Unavailable("renew id slot: the database failed")
        return super().renew_slot(slot, holder, expires_at)


@pytest.fixture
def t() -> Time:
    return Time()


@pytest.fixture
def store() -> FlakyStore:
    return FlakyStore()


def _lease(store: MemoryStore, t: Time, slots: int = 64) -> SlotLease:
    return SlotLease(store, t.wall, t.mono, slots)


def test_each_lease_holds_its_own_slot_and_renews_it(store, t) -> None:
    one, two = _lease(store, t), _lease(store, t)
    assert (one(), two(), one()) == (0, 1, 0)
    t.advance(LEASE_SECONDS - 1)  # renewed on this call: a newcomer still finds both held
    assert (one(), two()) == (0, 1)
    assert store.lease_slot("newcomer", 2, NOW + LEASE_SECONDS + 1, NOW + 2 * LEASE_SECONDS) is None


def test_a_lease_lost_while_idle_is_replaced_by_another_slot(store, t) -> None:
    idle = _lease(store, t)
    assert idle() == 0
    t.advance(LEASE_SECONDS)
    assert store.lease_slot("other", 64, t.wall(), t.wall() + LEASE_SECONDS) == 0
    assert idle() == 1


def test_renewal_failures_are_survived_only_while_the_lease_holds(store, t) -> None:
    lease = _lease(store, t)
    assert lease() == 0
    store.down = True
    t.advance(RENEW_SECONDS)
    assert lease() == 0  # renewal failed; the lease still holds
    t.advance(LEASE_SECONDS - CLOCK_MARGIN - RENEW_SECONDS)
    with pytest.raises(Unavailable):
        lease()  # another process may take the slot soon: no more ids with it
    store.down = False
    assert lease() == 0


def test_no_free_slot_is_unavailable(store, t) -> None:
    assert _lease(store, t, slots=1)() == 0
    with pytest.raises(Unavailable, match="at most 1 processes"):
        _lease(store, t, slots=1)()


def test_a_released_slot_is_free_after_the_clock_margin_and_how_far_ids_ran_ahead(store, t) -> None:
    lease = _lease(store, t)
    assert lease() == 0
    lease.release(ahead=3.0)
    free_at = NOW + CLOCK_MARGIN + 3.0
    assert store.lease_slot("next", 1, free_at - 0.1, free_at + 60) is None
    assert store.lease_slot("next", 1, free_at, free_at + 60) == 0


def test_generators_with_their_own_slots_never_make_the_same_id(store, t) -> None:
    frozen = IdGenerator(lambda: NOW, _lease(store, t)), IdGenerator(lambda: NOW, _lease(store, t))
    ids = [new_id(5) for _ in range(500) for new_id in frozen]
    assert len(set(ids)) == len(ids)
    assert {shard_of(i) for i in ids} == {5}
    assert [i & 63 for i in ids[:4]] == [0, 1, 0, 1]


def test_closing_a_generator_releases_its_slot(store, t) -> None:
    lease = _lease(store, t)
    new_id = IdGenerator(t.wall, lease)
    new_id(1)
    new_id.close()
    assert store.lease_slot("next", 1, NOW + CLOCK_MARGIN, NOW + 60) == 0
