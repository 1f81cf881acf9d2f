"""Follow and like events handled in another order than their changes committed.

An event's id is made before its write, so an unfollow (unlike) that made its id first can
commit after a follow (like) of the same edge; relays in parallel processes publish their
batches in any order. Whatever the order, the reverse edges, follower counts and home feeds
end as the forward edges are, and the cached "liked by me" flags as the likes are.
"""

from __future__ import annotations

from feedcore import Platform
from feedcore.events import FollowCreated, FollowRemoved, LikeAdded, LikeRemoved
from feedcore.ids import shard_of
from tests.behaviour.helpers import home_ids, users


def _follow_events(platform: Platform, follower_id: int, followee_id: int) -> tuple[FollowRemoved, FollowCreated]:
    """An unfollow's and a follow's events of one edge, the unfollow's id made first."""
    shard, now = shard_of(follower_id), platform.users.get(follower_id).created_at
    edge = {"follower_id": follower_id, "followee_id": followee_id}
    removed = FollowRemoved(platform.new_id(shard), now, **edge)
    return removed, FollowCreated(platform.new_id(shard), now, **edge)


def test_a_removal_handled_before_the_follow_it_undid_leaves_no_edge(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    post = platform.posts.create(alice.id, text="hello")
    platform.graph.follow(bob.id, alice.id)
    platform.graph.unfollow(bob.id, alice.id)  # committed after the follow, its event id older
    platform.drain()
    for group in ("graph", "fanout"):
        platform.handlers[group](_follow_events(platform, bob.id, alice.id))
    assert platform.users.get(alice.id).follower_count == 0
    assert platform.graph.followers(alice.id).items == []
    assert post.id not in home_ids(platform, bob)


def test_a_follow_handled_after_its_removal_still_leaves_the_edge(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    post = platform.posts.create(alice.id, text="hello")
    platform.graph.follow(bob.id, alice.id)  # an unfollow was undone by this follow
    platform.drain()
    removed, created = _follow_events(platform, bob.id, alice.id)
    for group in ("graph", "fanout"):
        platform.handlers[group]([created, removed])
    assert platform.users.get(alice.id).follower_count == 1
    assert [u.id for u in platform.graph.followers(alice.id).items] == [bob.id]
    assert post.id in home_ids(platform, bob)


def test_a_like_removal_handled_before_the_like_it_undid_leaves_the_post_unliked(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    post = platform.posts.create(alice.id, text="hello")
    platform.interactions.like(bob.id, post.id)
    platform.interactions.unlike(bob.id, post.id)  # committed after the like, its event id older
    platform.drain()
    shard, now, like = shard_of(post.id), post.created_at, {"post_id": post.id, "user_id": bob.id}
    removed = LikeRemoved(platform.new_id(shard), now, **like)
    platform.handlers["interactions"]([removed, LikeAdded(platform.new_id(shard), now, **like)])
    item = platform.feeds.timeline(alice.id, viewer_id=bob.id).items[0]
    assert (item.like_count, item.liked_by_me) == (0, False)
