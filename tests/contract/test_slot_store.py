"""SlotStore contract (leases of id generator slots), run on every store backend."""

from __future__ import annotations

import threading

NOW = 1_800_000_000.0


def test_slots_are_leased_lowest_free_first_until_none_is(store) -> None:
    assert [store.lease_slot(f"p{n}", 3, NOW, NOW + 60) for n in range(3)] == [0, 1, 2]
    assert store.lease_slot("p3", 3, NOW, NOW + 60) is None
    assert store.lease_slot("p3", 4, NOW, NOW + 60) == 3


def test_an_expired_lease_frees_its_slot_for_another_holder(store) -> None:
    assert store.lease_slot("old", 2, NOW, NOW + 60) == 0
    assert store.lease_slot("other", 2, NOW, NOW + 90) == 1
    assert store.lease_slot("new", 2, NOW + 59, NOW + 120) is None
    assert store.lease_slot("new", 2, NOW + 60, NOW + 120) == 0
    assert store.renew_slot(0, "old", NOW + 180) is False
    assert store.renew_slot(0, "new", NOW + 180) is True


def test_renewing_moves_the_end_of_the_lease_either_way(store) -> None:
    assert store.lease_slot("p", 1, NOW, NOW + 60) == 0
    assert store.renew_slot(0, "p", NOW + 600) is True
    assert store.lease_slot("q", 1, NOW + 300, NOW + 360) is None
    assert store.renew_slot(0, "p", NOW + 5) is True  # given back, free after NOW + 5
    assert store.lease_slot("q", 1, NOW + 5, NOW + 65) == 0
    assert store.renew_slot(1, "p", NOW + 60) is False  # never leased


def test_concurrent_holders_get_different_slots(store) -> None:
    got: list[int | None] = []
    start = threading.Barrier(8)

    def lease(n: int) -> None:
        start.wait()
        got.append(store.lease_slot(f"p{n}", 16, NOW, NOW + 60))

    threads = [threading.Thread(target=lease, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(s for s in got if s is not None) == sorted(set(got)) and None not in got
