"""InteractionStore contract, run on every store backend (see tests/fixtures/stores.py)."""

from __future__ import annotations


def _like_event(kit, post, user):
    return kit.event("like.added", post.id, post_id=post.id, user_id=user.id)


def test_likes_are_idempotent_and_evented_once(kit):
    author, fan = kit.users(2)
    post = kit.post(author)
    store = kit.store
    assert store.add_like(fan.id, post.id, kit.clock(), [_like_event(kit, post, fan)]) is True
    assert store.add_like(fan.id, post.id, kit.clock(), [_like_event(kit, post, fan)]) is False
    assert store.pending() == 1
    assert store.remove_like(fan.id, post.id, [_like_event(kit, post, fan)]) is True
    assert store.remove_like(fan.id, post.id, [_like_event(kit, post, fan)]) is False
    assert store.pending() == 2
    assert store.liked(fan.id, [post.id]) == set()


def test_liked_across_shards(kit):
    authors = kit.users(6)
    fan = kit.user()
    posts = [kit.post(a) for a in authors]
    for post in posts[::2]:
        kit.store.add_like(fan.id, post.id, kit.clock())
    assert kit.store.liked(fan.id, [p.id for p in posts] + [kit.new_id(1)]) == {p.id for p in posts[::2]}
    assert kit.store.liked(authors[0].id, [p.id for p in posts]) == set()
    assert kit.store.liked(fan.id, []) == set()


def test_comment_lifecycle(kit):
    author, fan = kit.users(2)
    post = kit.post(author)
    store = kit.store
    event = kit.event("comment.added", post.id, post_id=post.id)
    comment = kit.comment(post, fan, "first!")
    assert store.get_comment(comment.id) == comment
    kit.comment(post, fan, "evented", (event,))
    assert store.pending() == 1
    assert store.delete_comment(comment.id, [kit.event("comment.deleted", post.id)]) is True
    assert store.delete_comment(comment.id, [kit.event("comment.deleted", post.id)]) is False
    assert store.get_comment(comment.id) is None
    assert store.get_comment(kit.new_id(2)) is None
    assert store.pending() == 2


def test_comment_edit_changes_the_text_only(kit):
    author, fan = kit.users(2)
    post = kit.post(author)
    store = kit.store
    comment, other = kit.comment(post, fan, "frist"), kit.comment(post, fan, "second")
    assert store.edit_comment(comment.id, "first", [kit.event("comment.edited", post.id)]) is True
    assert store.pending() == 1
    edited = store.get_comment(comment.id)
    assert edited is not None and edited.text == "first"
    assert (edited.id, edited.post_id, edited.author_id, edited.created_at) == (
        comment.id,
        comment.post_id,
        comment.author_id,
        comment.created_at,
    )
    assert store.comments(post.id, None, 10) == [edited, other]
    store.delete_comment(comment.id)
    assert store.edit_comment(comment.id, "again", [kit.event("comment.edited", post.id)]) is False
    assert store.edit_comment(kit.new_id(2), "none", [kit.event("comment.edited", post.id)]) is False
    assert store.pending() == 1 and store.get_comment(comment.id) is None


def test_comments_page_oldest_first_without_deleted(kit):
    author, fan = kit.users(2)
    post, other = kit.post(author), kit.post(author)
    made = [kit.comment(post, fan, f"c{i}") for i in range(7)]
    kit.comment(other, fan)
    kit.store.delete_comment(made[1].id)
    live = [c for c in made if c.id != made[1].id]
    assert kit.store.comments(post.id, None, 100) == live
    assert kit.store.comments(post.id, None, 3) == live[:3]
    assert kit.store.comments(post.id, live[2].id, 2) == live[3:5]
    assert kit.store.comments(post.id, live[-1].id, 10) == []
