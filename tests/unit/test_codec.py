"""The ContentCache codec: versioned values; another version is a miss, not an error."""

from __future__ import annotations

import orjson

from feedcore import Platform, Settings
from feedcore.codec import VERSION, decode_card, decode_post, encode_card, encode_post
from feedcore.model import MediaRef, Post, UserCard

POST = Post(id=7, author_id=3, text="hi", created_at=1.5, like_count=2, media=(MediaRef(9, "u", "image/png", 4),))


def test_round_trip() -> None:
    assert decode_post(encode_post(POST)) == POST
    card = UserCard(3, "alice", "Alice")
    assert decode_card(encode_card(card)) == card


def test_unversioned_and_unknown_versions_decode_to_none() -> None:
    unversioned = orjson.dumps([7, 3, "hi", 1.5, None, 2, 0, []])  # the layout before versions
    assert decode_post(unversioned) is None
    assert decode_card(orjson.dumps([3, "alice", "Alice"])) is None
    assert decode_post(orjson.dumps([VERSION + 1, "anything"])) is None
    assert decode_card(orjson.dumps({"v": VERSION})) is None


def test_a_cached_value_of_another_version_is_a_miss_reloaded_and_rewritten(tmp_path) -> None:
    settings = Settings(data_dir=str(tmp_path), database_url="memory://", media_url="memory://", near_cache_ttl=0)
    with Platform.open(settings) as p:
        alice = p.users.register("alice", "correct horse battery")
        post = p.posts.create(alice.id, "hello")
        old = orjson.dumps([post.id, alice.id, "stale", post.created_at, None, 0, 0, []])
        p._cache.set_many("post", {post.id: old}, 60)
        assert p.posts.get(post.id).text == "hello"
        assert decode_post(p._cache.get_many("post", [post.id])[post.id]) == post
