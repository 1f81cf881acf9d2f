"""ContentCache contract, run on every cache backend."""

from __future__ import annotations

TTL = 3600.0


def test_missing_ids_are_absent(cache):
    assert cache.get_many("post", [1, 2]) == {}
    assert cache.get_many("post", []) == {}


def test_set_then_get_many(cache):
    values = {i: f"post-{i}".encode() for i in range(1, 201)}
    cache.set_many("post", values, TTL)
    assert cache.get_many("post", range(1, 202)) == values
    assert cache.get_many("post", iter([5, 5, 999])) == {5: b"post-5"}


def test_kinds_are_separate_and_values_overwrite(cache):
    cache.set_many("post", {1: b"p1"}, TTL)
    cache.set_many("user", {1: b"u1"}, TTL)
    cache.set_many("post", {1: b"p1-edited"}, TTL)
    assert cache.get_many("post", [1]) == {1: b"p1-edited"}
    assert cache.get_many("user", [1]) == {1: b"u1"}


def test_binary_values_round_trip(cache):
    blob = bytes(range(256)) * 4
    cache.set_many("post", {7: blob, 8: b""}, TTL)
    assert cache.get_many("post", [7, 8]) == {7: blob, 8: b""}


def test_delete_many(cache):
    cache.set_many("post", {1: b"a", 2: b"b", 3: b"c"}, TTL)
    cache.delete_many("post", [1, 3, 42])
    cache.delete_many("post", [])
    assert cache.get_many("post", [1, 2, 3]) == {2: b"b"}


def test_values_expire(cache_env):
    cache = cache_env.cache
    cache.set_many("post", {1: b"short"}, 1.0)
    cache.set_many("post", {2: b"long"}, 30.0)
    cache_env.advance(1.3)
    assert cache.get_many("post", [1, 2]) == {2: b"long"}


def test_get_groups_reads_several_kinds_at_once(cache):
    cache.set_many("post", {1: b"p1", 2: b"p2"}, 60)
    cache.set_many("user", {1: b"u1"}, 60)
    assert cache.get_groups({"post": [1, 2, 3], "user": [1, 2], "none": []}) == {
        "post": {1: b"p1", 2: b"p2"},
        "user": {1: b"u1"},
        "none": {},
    }
    assert cache.get_groups({}) == {}


def test_add_many_keeps_what_is_cached(cache):
    cache.set_many("post", {1: b"newer"}, TTL)
    cache.add_many("post", {1: b"older", 2: b"filled"}, TTL)
    cache.add_many("post", {3: b"one"}, TTL)
    cache.add_many("post", {}, TTL)
    assert cache.get_many("post", [1, 2, 3]) == {1: b"newer", 2: b"filled", 3: b"one"}
    cache.delete_many("post", [1])
    cache.add_many("post", {1: b"refilled"}, TTL)
    assert cache.get_many("post", [1]) == {1: b"refilled"}
