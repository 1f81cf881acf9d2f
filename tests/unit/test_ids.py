from __future__ import annotations

import threading

import pytest

from feedcore.ids import MAX_SHARDS, MAX_SLOTS, IdGenerator, id_at, shard_for_handle, shard_of, timestamp_of


def test_ids_name_their_shard_and_time() -> None:
    new_id = IdGenerator(clock=lambda: 1_800_000_000.0)
    for shard in (0, 1, 17, MAX_SHARDS - 1):
        id_ = new_id(shard)
        assert shard_of(id_) == shard
        assert timestamp_of(id_) == pytest.approx(1_800_000_000.0)
        assert 0 < id_ < 2**63


def test_ids_increase_even_when_the_clock_stalls_or_steps_back() -> None:
    times = iter([100.0] * 5000 + [99.0] * 10 + [101.0] * 10)
    new_id = IdGenerator(clock=lambda: next(times) + 1.8e9)
    ids = [new_id(3) for _ in range(5020)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_ids_are_unique_across_threads() -> None:
    new_id = IdGenerator()
    out: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        mine = [new_id(5) for _ in range(2000)]
        with lock:
            out.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(out)) == 8000


def test_id_at_bounds_ids_of_that_time() -> None:
    new_id = IdGenerator(clock=lambda: 1_800_000_000.5)
    assert id_at(1_800_000_000.5) <= new_id(9) < id_at(1_800_000_000.502)


def test_bad_shard() -> None:
    with pytest.raises(ValueError):
        IdGenerator()(MAX_SHARDS)


def test_handle_shard_is_stable_and_case_insensitive() -> None:
    assert shard_for_handle("Alice", 16) == shard_for_handle("alice", 16)
    assert len({shard_for_handle(f"user{n}", 16) for n in range(200)}) == 16


def test_ids_made_before_slots_still_name_their_shard_and_time() -> None:
    old = id_at(1_800_000_000.5, shard=9, sequence=4095)  # a 12-bit sequence, as ids had
    assert (shard_of(old), timestamp_of(old)) == (9, pytest.approx(1_800_000_000.5))


def test_without_slots_ids_carry_slot_0_and_64_per_millisecond() -> None:
    new_id = IdGenerator(clock=lambda: 1_800_000_000.0)
    ids = [new_id(2) for _ in range(65)]
    assert {i & (MAX_SLOTS - 1) for i in ids} == {0}
    assert timestamp_of(ids[63]) == pytest.approx(1_800_000_000.0)
    assert timestamp_of(ids[64]) == pytest.approx(1_800_000_000.001)  # borrowed from the next millisecond
