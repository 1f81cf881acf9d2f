"""Every change produces its event, once, keyed for ordering; no-ops produce none."""

from __future__ import annotations

import time

from feedcore import Platform
from feedcore.events import TOPICS, PostCreated
from feedcore.ids import shard_of
from tests.behaviour.helpers import PNG, users


def test_each_write_emits_its_event(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    platform.graph.follow(bob.id, alice.id)
    platform.graph.follow(bob.id, alice.id)  # no-op: no event
    media = platform.media.upload(alice.id, data=PNG, content_type="image/png")
    post = platform.posts.create(alice.id, text="hello", media_ids=[media.id])
    platform.posts.edit(alice.id, post.id, text="hello again")
    platform.interactions.like(bob.id, post.id)
    platform.interactions.like(bob.id, post.id)  # no-op
    comment = platform.interactions.comment(bob.id, post.id, text="hi")
    platform.interactions.edit_comment(bob.id, comment.id, text="hi there")
    platform.interactions.delete_comment(bob.id, comment.id)
    platform.interactions.unlike(bob.id, post.id)
    platform.users.update_profile(alice.id, bio="new")
    platform.posts.delete(alice.id, post.id)
    platform.graph.unfollow(bob.id, alice.id)
    platform.drain()

    audit = platform._bus.subscribe("audit", list(TOPICS))
    events = []
    deadline = time.monotonic() + 30
    while len(events) < 13 and time.monotonic() < deadline:
        events += audit.poll(500, 0.5)
    events += audit.poll(500, 0.5)  # nothing more may come
    audit.close()
    types = sorted(e.type for e in events)
    assert types == sorted(
        [
            "user.registered",
            "user.registered",
            "follow.created",
            "post.created",
            "post.edited",
            "like.added",
            "comment.added",
            "comment.edited",
            "comment.deleted",
            "like.removed",
            "user.updated",
            "post.deleted",
            "follow.removed",
        ]
    )
    assert len({e.id for e in events}) == len(events)
    by_type = {e.type: e for e in events}
    assert by_type["post.created"].key == alice.id and by_type["post.created"] == PostCreated(
        by_type["post.created"].id, by_type["post.created"].created_at, post_id=post.id, author_id=alice.id
    )
    assert by_type["follow.created"].key == bob.id
    assert by_type["like.added"].key == post.id and shard_of(by_type["like.added"].id) == shard_of(post.id)
