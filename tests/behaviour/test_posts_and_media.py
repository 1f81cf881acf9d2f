"""Posts and media: validation, ownership, edits and deletes seen everywhere."""

from __future__ import annotations

import pytest

from feedcore import Platform
from feedcore.errors import Forbidden, InvalidInput, NotFound, TooLarge, UnsupportedMedia
from tests.behaviour.helpers import PNG, home_ids, users


def test_post_with_media(platform: Platform) -> None:
    (alice,) = users(platform, "alice")
    media = platform.media.upload(alice.id, data=PNG, content_type="image/png")
    assert media.url and media.size == len(PNG) and media.content_type == "image/png"
    data, content_type = platform.media.read(media.key)
    assert (data, content_type) == (PNG, "image/png")
    post = platform.posts.create(alice.id, text="  hello  ", media_ids=[media.id])
    assert post.text == "hello"
    assert [m.id for m in post.media] == [media.id]
    assert platform.posts.get(post.id) == post
    with pytest.raises(InvalidInput):
        platform.posts.create(alice.id, text="again", media_ids=[media.id])  # already attached


def test_media_must_belong_to_the_author(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    media = platform.media.upload(bob.id, data=PNG, content_type="image/png")
    with pytest.raises(InvalidInput):
        platform.posts.create(alice.id, text="mine now", media_ids=[media.id])
    with pytest.raises(InvalidInput):
        platform.posts.create(alice.id, text="nothing", media_ids=[424242])


@pytest.mark.parametrize(
    "data, content_type, error",
    [
        (PNG, "text/html", UnsupportedMedia),
        (b"GIF89a not a png", "image/png", UnsupportedMedia),
        (b"", "image/png", InvalidInput),
    ],
)
def test_bad_uploads(platform: Platform, data: bytes, content_type: str, error: type[Exception]) -> None:
    (alice,) = users(platform, "alice")
    with pytest.raises(error):
        platform.media.upload(alice.id, data=data, content_type=content_type)


def test_upload_size_limit(platform_factory) -> None:  # type: ignore[no-untyped-def]
    platform = platform_factory(max_media_bytes=100)
    (alice,) = users(platform, "alice")
    with pytest.raises(TooLarge):
        platform.media.upload(alice.id, data=PNG + b"\x00" * 100, content_type="image/png")


@pytest.mark.parametrize("text", ["", "   ", "x" * 501, "bell\x07"])
def test_bad_post_text(platform: Platform, text: str) -> None:
    (alice,) = users(platform, "alice")
    with pytest.raises(InvalidInput):
        platform.posts.create(alice.id, text=text)
    assert platform.feeds.timeline(alice.id).items == []


def test_unknown_author_and_post(platform: Platform) -> None:
    with pytest.raises(NotFound):
        platform.posts.create(777, text="ghost")
    with pytest.raises(NotFound):
        platform.posts.get(777)


def test_only_the_author_edits_or_deletes(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    post = platform.posts.create(alice.id, text="mine")
    with pytest.raises(Forbidden):
        platform.posts.edit(bob.id, post.id, text="yours")
    with pytest.raises(Forbidden):
        platform.posts.delete(bob.id, post.id)
    assert platform.posts.get(post.id).text == "mine"


def test_edit_shows_everywhere(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    platform.graph.follow(bob.id, alice.id)
    post = platform.posts.create(alice.id, text="first draft")
    assert home_ids(platform, bob) == [post.id]  # feed and content cache are warm now
    edited = platform.posts.edit(alice.id, post.id, text="final text")
    assert edited.edited_at is not None
    platform.drain()
    assert platform.feeds.home(bob.id).items[0].post.text == "final text"
    assert platform.feeds.timeline(alice.id).items[0].post.text == "final text"
    assert platform.posts.get(post.id).text == "final text"


def test_delete_disappears_everywhere(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    platform.graph.follow(bob.id, alice.id)
    keep = platform.posts.create(alice.id, text="keep")
    gone = platform.posts.create(alice.id, text="gone")
    assert home_ids(platform, bob) == [gone.id, keep.id]
    platform.posts.delete(alice.id, gone.id)
    assert home_ids(platform, bob) == [keep.id]
    assert [i.post.id for i in platform.feeds.timeline(alice.id).items] == [keep.id]
    with pytest.raises(NotFound):
        platform.posts.get(gone.id)
    with pytest.raises(NotFound):
        platform.posts.delete(alice.id, gone.id)
    assert platform.users.get(alice.id).post_count == 1


def test_deleting_a_post_deletes_its_media(platform: Platform) -> None:
    (alice,) = users(platform, "alice")
    media = platform.media.upload(alice.id, data=PNG, content_type="image/png")
    post = platform.posts.create(alice.id, text="pic", media_ids=[media.id])
    platform.posts.delete(alice.id, post.id)
    platform.drain()
    with pytest.raises(NotFound):
        platform.media.read(media.key)
