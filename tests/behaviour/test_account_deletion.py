"""Deleting an account: gone at once, its data removed through events, feeds cleaned."""

from __future__ import annotations

import pytest

from feedcore import Platform
from feedcore.errors import NotFound, Unauthorized
from tests.behaviour.helpers import PNG

PASSWORD = "correct horse"


def test_deleting_an_account_removes_everything_it_made(platform: Platform) -> None:
    alice = platform.users.register("alice", PASSWORD)
    bob = platform.users.register("bob", PASSWORD)
    carol = platform.users.register("carol", PASSWORD)
    platform.graph.follow(bob.id, alice.id)
    platform.graph.follow(alice.id, carol.id)
    media = platform.media.upload(alice.id, PNG, "image/png")
    alices = platform.posts.create(alice.id, "alice was here", [media.id])
    carols = platform.posts.create(carol.id, "carol's post")
    platform.interactions.like(alice.id, carols.id)
    platform.interactions.comment(alice.id, carols.id, "nice one")
    tokens = platform.auth.login("alice", PASSWORD)
    platform.drain()
    assert [i.post.id for i in platform.feeds.home(bob.id).items] == [alices.id]

    with pytest.raises(Unauthorized):
        platform.auth.delete_account(alice.id, "not the password")
    platform.auth.delete_account(alice.id, PASSWORD)
    with pytest.raises(NotFound):
        platform.users.get(alice.id)
    with pytest.raises(Unauthorized):
        platform.auth.verify(tokens.access_token)
    with pytest.raises(Unauthorized):
        platform.auth.login("alice", PASSWORD)
    platform.drain()

    assert platform.feeds.home(bob.id).items == []
    with pytest.raises(NotFound):
        platform.posts.get(alices.id)
    kept = platform.posts.get(carols.id)
    assert (kept.like_count, kept.comment_count) == (0, 0)
    assert platform.interactions.comments(carols.id).items == []
    assert platform.users.get(bob.id).following_count == 0
    assert platform.users.get(carol.id).follower_count == 0
    with pytest.raises(NotFound):
        platform.media.read(media.key)
    platform.users.register("alice", PASSWORD)  # the handle is free again
