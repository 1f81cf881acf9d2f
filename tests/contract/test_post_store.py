"""PostStore contract, run on every store backend (see tests/fixtures/stores.py)."""

from __future__ import annotations

import pytest

from feedcore.errors import NotFound
from feedcore.model import User


def test_create_and_get_post_with_media(kit):
    author = kit.user()
    media = (kit.media(author), kit.media(author))
    post = kit.post(author, "with pictures", media)
    store = kit.store
    assert store.get_posts([post.id]) == {post.id: post}
    assert [m.id for m in post.media] == [m.id for m in media]
    attached = store.get_media([m.id for m in media])
    assert {m.post_id for m in attached.values()} == {post.id}
    assert attached[media[0].id].key == media[0].key
    assert store.get_user(author.id).post_count == 1


def test_unattached_media_and_unknown_ids(kit):
    author = kit.user()
    media = kit.media(author)
    assert kit.store.get_media([media.id, kit.new_id(2)]) == {media.id: media}
    assert kit.store.get_posts([kit.new_id(2)]) == {}
    assert kit.store.get_posts([]) == {}


def test_create_post_writes_its_events(kit):
    kit.post(kit.user(), with_event=True)
    assert kit.store.pending() == 1


def test_post_by_an_unknown_author_is_not_found_and_writes_nothing(kit):
    stranger = User(id=kit.new_id(1), handle="nobody", display_name="Nobody", created_at=kit.clock())
    with pytest.raises(NotFound):
        kit.post(stranger, with_event=True)
    assert kit.store.get_posts([]) == {}
    assert kit.store.pending() == 0


def test_edit_post(kit):
    post = kit.post(kit.user(), "first")
    edited = kit.store.edit_post(post.id, "second", 1_900_000_000.0, [kit.event("post.edited", post.author_id)])
    assert (edited.text, edited.edited_at, edited.id) == ("second", 1_900_000_000.0, post.id)
    assert kit.store.get_posts([post.id])[post.id] == edited
    assert kit.store.pending() == 1


def test_edit_of_missing_or_deleted_post_raises_and_writes_no_event(kit):
    author = kit.user()
    post = kit.post(author)
    kit.store.delete_post(post.id, kit.clock())
    for post_id in (post.id, kit.new_id(3)):
        with pytest.raises(NotFound):
            kit.store.edit_post(post_id, "x", kit.clock(), [kit.event("post.edited", author.id)])
    assert kit.store.pending() == 0


def test_delete_post_is_idempotent(kit):
    author = kit.user()
    post, kept = kit.post(author), kit.post(author)
    deleted = kit.store.delete_post(post.id, kit.clock(), [kit.event("post.deleted", author.id)])
    assert deleted is not None and deleted.id == post.id
    assert kit.store.get_posts([post.id, kept.id]) == {kept.id: kept}
    assert kit.store.get_user(author.id).post_count == 1
    assert kit.store.delete_post(post.id, kit.clock(), [kit.event("post.deleted", author.id)]) is None
    assert kit.store.delete_post(kit.new_id(0), kit.clock(), [kit.event("post.deleted", author.id)]) is None
    assert kit.store.get_user(author.id).post_count == 1
    assert kit.store.pending() == 1


def test_posts_by_authors_merges_newest_first_without_deleted(kit):
    authors = kit.users(6)
    posts = [kit.post(authors[i % 6], f"p{i}") for i in range(18)]
    kit.store.delete_post(posts[5].id, kit.clock())
    live = sorted((p.id for p in posts if p.id != posts[5].id), reverse=True)
    ids = [a.id for a in authors]
    assert kit.store.posts_by_authors(ids, None, 100) == live
    assert kit.store.posts_by_authors(ids, None, 4) == live[:4]
    assert kit.store.posts_by_authors(ids, live[3], 5) == live[4:9]
    assert kit.store.posts_by_authors(ids[:1], None, 100) == [p.id for p in reversed(posts) if p.author_id == ids[0]]
    assert kit.store.posts_by_authors([], None, 10) == []
    assert kit.store.posts_by_authors(ids, live[-1], 10) == []


def test_recount_interactions_counts_likes_and_live_comments(kit):
    author, fan, other = kit.users(3)
    post = kit.post(author)
    kit.store.add_like(fan.id, post.id, kit.clock())
    kit.store.add_like(other.id, post.id, kit.clock())
    kit.comment(post, fan)
    gone = kit.comment(post, other)
    kit.store.delete_comment(gone.id)
    kit.store.recount_interactions([post.id])
    counted = kit.store.get_posts([post.id])[post.id]
    assert (counted.like_count, counted.comment_count) == (2, 1)
    kit.store.remove_like(fan.id, post.id)
    kit.store.recount_interactions([post.id, kit.new_id(1)])
    assert kit.store.get_posts([post.id])[post.id].like_count == 1
