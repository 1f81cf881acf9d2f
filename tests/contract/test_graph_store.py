"""GraphStore contract, run on every store backend (see tests/fixtures/stores.py)."""

from __future__ import annotations


def _follow_event(kit, follower, followee):
    return kit.event("follow.created", follower.id, follower_id=follower.id, followee_id=followee.id)


def test_add_follow_is_idempotent_and_counts_once(kit):
    a, b = kit.users(2)
    store = kit.store
    assert store.add_follow(a.id, b.id, kit.clock(), [_follow_event(kit, a, b)]) is True
    assert store.add_follow(a.id, b.id, kit.clock(), [_follow_event(kit, a, b)]) is False
    assert store.is_following(a.id, b.id) and not store.is_following(b.id, a.id)
    assert store.get_user(a.id).following_count == 1
    assert store.get_user(b.id).follower_count == 0  # the reverse edge is written by a consumer
    assert store.pending() == 1


def test_remove_follow_is_idempotent(kit):
    a, b = kit.users(2)
    store = kit.store
    store.add_follow(a.id, b.id, kit.clock())
    assert store.remove_follow(a.id, b.id, [_follow_event(kit, a, b)]) is True
    assert store.remove_follow(a.id, b.id, [_follow_event(kit, a, b)]) is False
    assert not store.is_following(a.id, b.id)
    assert store.get_user(a.id).following_count == 0
    assert store.pending() == 1


def test_reverse_edges_count_followers_once_on_redelivery(kit):
    a, b = kit.users(2)
    store = kit.store
    assert store.add_reverse(b.id, a.id, kit.clock()) is True
    assert store.add_reverse(b.id, a.id, kit.clock()) is False
    assert store.get_user(b.id).follower_count == 1
    assert store.followers(b.id, None, 10) == [a.id]
    assert store.remove_reverse(b.id, a.id) is True
    assert store.remove_reverse(b.id, a.id) is False
    assert store.get_user(b.id).follower_count == 0
    assert store.followers(b.id, None, 10) == []
    assert store.pending() == 0


def test_following_and_followers_page_ascending(kit):
    hub, *others = kit.users(7)
    store = kit.store
    for other in others:
        store.add_follow(hub.id, other.id, kit.clock())
        store.add_reverse(hub.id, other.id, kit.clock())
    ids = sorted(o.id for o in others)
    for fetch in (store.following, store.followers):
        assert fetch(hub.id, None, 100) == ids
        assert fetch(hub.id, None, 3) == ids[:3]
        assert fetch(hub.id, ids[2], 3) == ids[3:6]
        assert fetch(hub.id, ids[-1], 3) == []
    assert store.following(others[0].id, None, 10) == []
