"""Likes and comments: idempotent writes, exact counters after drain, permissions."""

from __future__ import annotations

import pytest

from feedcore import Platform
from feedcore.errors import Forbidden, InvalidInput, NotFound
from tests.behaviour.helpers import users


def test_likes_are_idempotent_and_counted_once(platform: Platform) -> None:
    alice, bob, carol = users(platform, "alice", "bob", "carol")
    post = platform.posts.create(alice.id, text="like me")
    assert platform.interactions.like(bob.id, post.id) is True
    assert platform.interactions.like(bob.id, post.id) is False
    platform.interactions.like(carol.id, post.id)
    platform.drain()
    assert platform.posts.get(post.id).like_count == 2
    assert platform.interactions.unlike(bob.id, post.id) is True
    assert platform.interactions.unlike(bob.id, post.id) is False
    platform.drain()
    assert platform.posts.get(post.id).like_count == 1
    item = platform.feeds.timeline(alice.id, viewer_id=carol.id).items[0]
    assert (item.like_count, item.liked_by_me) == (1, True)


def test_like_unknown_or_deleted_post(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    with pytest.raises(NotFound):
        platform.interactions.like(bob.id, 999)
    post = platform.posts.create(alice.id, text="soon gone")
    platform.posts.delete(alice.id, post.id)
    with pytest.raises(NotFound):
        platform.interactions.like(bob.id, post.id)


def test_comments_page_oldest_first_and_count(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    post = platform.posts.create(alice.id, text="discuss")
    made = [platform.interactions.comment(bob.id, post.id, text=f"c{n}") for n in range(5)]
    platform.drain()
    assert platform.posts.get(post.id).comment_count == 5
    first = platform.interactions.comments(post.id, limit=3)
    rest = platform.interactions.comments(post.id, limit=3, cursor=first.next_cursor)
    assert [c.id for c in list(first.items) + list(rest.items)] == [c.id for c in made]
    assert rest.next_cursor is None


def test_comment_validation(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    post = platform.posts.create(alice.id, text="discuss")
    for text in ("", " ", "x" * 501):
        with pytest.raises(InvalidInput):
            platform.interactions.comment(bob.id, post.id, text=text)
    with pytest.raises(NotFound):
        platform.interactions.comment(bob.id, 31337, text="where?")
    assert platform.interactions.comments(post.id).items == []


def test_who_may_delete_a_comment(platform: Platform) -> None:
    alice, bob, carol = users(platform, "alice", "bob", "carol")
    post = platform.posts.create(alice.id, text="discuss")
    by_bob = platform.interactions.comment(bob.id, post.id, text="bob says")
    by_carol = platform.interactions.comment(carol.id, post.id, text="carol says")
    with pytest.raises(Forbidden):
        platform.interactions.delete_comment(carol.id, by_bob.id)
    platform.interactions.delete_comment(bob.id, by_bob.id)  # its author
    platform.interactions.delete_comment(alice.id, by_carol.id)  # the post's author
    with pytest.raises(NotFound):
        platform.interactions.delete_comment(alice.id, by_carol.id)
    platform.drain()
    assert platform.interactions.comments(post.id).items == []
    assert platform.posts.get(post.id).comment_count == 0


def test_only_its_author_edits_a_comment_as_validated_as_a_new_one(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    post = platform.posts.create(alice.id, text="discuss")
    comment = platform.interactions.comment(bob.id, post.id, text="frist")
    with pytest.raises(Forbidden):
        platform.interactions.edit_comment(alice.id, comment.id, text="the post's author may not")
    for text in ("", " ", "x" * 501, "\ud800"):
        with pytest.raises(InvalidInput):
            platform.interactions.edit_comment(bob.id, comment.id, text=text)
    edited = platform.interactions.edit_comment(bob.id, comment.id, text="  first ")
    assert (edited.id, edited.text, edited.created_at) == (comment.id, "first", comment.created_at)
    platform.drain()
    assert platform.interactions.comments(post.id).items == [edited]
    assert platform.posts.get(post.id).comment_count == 1
    platform.interactions.delete_comment(bob.id, comment.id)
    for missing in (comment.id, 31337):
        with pytest.raises(NotFound):
            platform.interactions.edit_comment(bob.id, missing, text="gone")


def test_liked_says_what_feeds_say(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    post = platform.posts.create(alice.id, text="like me")
    assert platform.interactions.liked(bob.id, post.id) is False
    platform.interactions.like(bob.id, post.id)
    assert platform.interactions.liked(bob.id, post.id) is True
    assert platform.feeds.timeline(alice.id, viewer_id=bob.id).items[0].liked_by_me is True
    platform.interactions.unlike(bob.id, post.id)
    assert platform.interactions.liked(bob.id, post.id) is False
