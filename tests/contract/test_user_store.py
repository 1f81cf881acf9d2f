"""UserStore contract, run on every store backend (see tests/fixtures/stores.py)."""

from __future__ import annotations

import pytest

from feedcore.errors import Conflict, NotFound
from feedcore.ids import shard_of
from feedcore.model import User


def test_create_then_read_by_id_and_handle(kit):
    user = kit.user("Alice", bio="hi there")
    store = kit.store
    assert store.get_user(user.id) == user
    assert store.get_users([user.id]) == {user.id: user}
    assert store.user_by_handle("alice") == user
    assert store.user_by_handle("ALICE") == user
    assert store.password_hash(user.id) == "hash-of-Alice"


def test_set_password_hash(kit):
    user = kit.user("Alice")
    kit.store.set_password_hash(user.id, "new-hash")
    assert kit.store.password_hash(user.id) == "new-hash"
    assert kit.store.get_user(user.id) == user
    with pytest.raises(NotFound):
        kit.store.set_password_hash(kit.new_id(0), "x")


def test_unknown_users_are_absent(kit):
    known = kit.user()
    unknown = kit.new_id(0)
    assert kit.store.get_user(unknown) is None
    assert kit.store.get_users([unknown, known.id]) == {known.id: known}
    assert kit.store.get_users([]) == {}
    assert kit.store.user_by_handle("nobody") is None
    assert kit.store.password_hash(unknown) is None


def test_taken_handle_conflicts_case_insensitively_and_writes_no_event(kit):
    first = kit.user("Bob", with_event=True)
    before = kit.store.pending()
    with pytest.raises(Conflict):
        kit.user("bOB", with_event=True)
    assert kit.store.pending() == before
    assert kit.store.user_by_handle("bob") == first


def test_create_writes_its_events(kit):
    kit.user(with_event=True)
    assert kit.store.pending() == 1


def test_get_users_merges_across_shards(kit):
    users = kit.users(12)
    assert len({shard_of(u.id) for u in users}) > 1
    found = kit.store.get_users([u.id for u in users] + [users[0].id])
    assert found == {u.id: u for u in users}


def test_update_profile_sets_given_fields_only(kit):
    user = kit.user("carol", display_name="Carol", bio="old")
    event = kit.event("user.updated", user.id, user_id=user.id)
    updated = kit.store.update_profile(user.id, display_name=None, bio="new", events=[event])
    assert updated == User(id=user.id, handle="carol", display_name="Carol", created_at=user.created_at, bio="new")
    assert kit.store.get_user(user.id) == updated
    renamed = kit.store.update_profile(user.id, display_name="C.", bio=None)
    assert (renamed.display_name, renamed.bio) == ("C.", "new")
    assert kit.store.pending() == 1


def test_update_profile_of_unknown_user_raises_and_writes_no_event(kit):
    ghost = kit.new_id(1)
    with pytest.raises(NotFound):
        kit.store.update_profile(ghost, display_name="x", bio=None, events=[kit.event("user.updated", ghost)])
    assert kit.store.pending() == 0


def test_user_ids_pages_every_user_in_id_order(kit):
    made = sorted(kit.user(f"user{n}").id for n in range(7))
    store = kit.store
    assert store.user_ids(None, 100) == made
    first = store.user_ids(None, 3)
    assert first == made[:3]
    assert store.user_ids(first[-1], 3) == made[3:6]
    assert store.user_ids(made[-1], 3) == []


def test_a_deleted_user_is_absent_and_frees_the_handle(kit):
    alice = kit.user("alice")
    before = kit.store.pending()
    assert kit.store.delete_user(alice.id, kit.clock(), [kit.event("user.deleted", alice.id, user_id=alice.id)])
    assert kit.store.pending() == before + 1
    assert kit.store.get_user(alice.id) is None
    assert kit.store.user_by_handle("alice") is None
    assert kit.store.password_hash(alice.id) is None
    assert alice.id not in kit.store.user_ids(None, 100)
    assert not kit.store.delete_user(alice.id, kit.clock(), [kit.event("user.deleted", alice.id)])
    assert kit.store.pending() == before + 1
    with pytest.raises(NotFound):
        kit.store.update_profile(alice.id, display_name="x", bio=None)
    again = kit.user("alice")
    assert kit.store.user_by_handle("ALICE") == again
