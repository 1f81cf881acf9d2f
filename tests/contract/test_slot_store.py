"""SlotStore contract (leases of id generator slots), run on every store backend."""

from __future__ import annotations

import threading

NOW = 1_800_000_000.0


def test_slots_are_leased_lowest_free_first_until_none_is(store) -> None:
    assert [store.lease_slot(f"p{n}", 3, NOW, NOW + 60) for n in range(3)] == [(0, 0.0), (1, 0.0), (2, 0.0)]
    assert store.lease_slot("p3", 3, NOW, NOW + 60) is None
    assert store.lease_slot("p3", 4, NOW, NOW + 60) == (3, 0.0)


def test_an_expired_lease_frees_its_slot_and_its_issued_until_stays(store) -> None:
    assert store.lease_slot("old", 2, NOW, NOW + 60) == (0, 0.0)
    assert store.renew_slot(0, "old", NOW + 60, NOW + 61.5) is True
    assert store.lease_slot("other", 2, NOW, NOW + 90) == (1, 0.0)
    assert store.lease_slot("new", 2, NOW + 59, NOW + 120) is None
    assert store.lease_slot("new", 2, NOW + 60, NOW + 120) == (0, NOW + 61.5)
    assert store.renew_slot(0, "old", NOW + 180, NOW + 200) is False
    assert store.renew_slot(0, "new", NOW + 180, NOW + 200) is True


def test_renewing_extends_the_lease_and_never_lowers_issued_until(store) -> None:
    assert store.lease_slot("p", 1, NOW, NOW + 60) == (0, 0.0)
    assert store.renew_slot(0, "p", NOW + 600, NOW + 100) is True
    assert store.renew_slot(0, "p", NOW + 600, NOW + 50) is True
    assert store.lease_slot("q", 1, NOW + 599, NOW + 660) is None
    assert store.lease_slot("q", 1, NOW + 600, NOW + 660) == (0, NOW + 100)
    assert store.renew_slot(1, "p", NOW + 60, NOW) is False  # never leased


def test_a_released_slot_is_free_at_once_from_the_time_its_holder_gave(store) -> None:
    assert store.lease_slot("p", 1, NOW, NOW + 60) == (0, 0.0)
    assert store.renew_slot(0, "p", NOW + 60, NOW + 60) is True
    store.release_slot(0, "someone else", NOW)  # not theirs: nothing happens
    assert store.lease_slot("q", 1, NOW + 1, NOW + 61) is None
    store.release_slot(0, "p", NOW + 0.002)  # lowers issued_until: p made no id at or after it
    assert store.lease_slot("q", 1, NOW + 1, NOW + 61) == (0, NOW + 0.002)


def test_concurrent_holders_get_different_slots(store) -> None:
    got: list[tuple[int, float] | None] = []
    start = threading.Barrier(8)

    def lease(n: int) -> None:
        start.wait()
        got.append(store.lease_slot(f"p{n}", 16, NOW, NOW + 60))

    threads = [threading.Thread(target=lease, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert None not in got
    assert len({leased[0] for leased in got if leased is not None}) == 8
