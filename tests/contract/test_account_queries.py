"""What erasing an account reads: a user's likes, comments and media, on every store backend."""

from __future__ import annotations

from tests.fixtures.stores import StoreKit


def test_liked_posts_across_shards_in_pages(kit: StoreKit) -> None:
    fan, *authors = kit.users(5)
    posts = sorted(kit.post(a).id for a in authors for _ in range(2))
    for post_id in posts:
        kit.store.add_like(fan.id, post_id, kit.clock())
    kit.store.add_like(authors[0].id, posts[0], kit.clock())
    assert kit.store.liked_posts(fan.id, None, 100) == posts
    assert kit.store.liked_posts(fan.id, None, 3) == posts[:3]
    assert kit.store.liked_posts(fan.id, posts[2], 100) == posts[3:]
    assert kit.store.liked_posts(authors[1].id, None, 10) == []


def test_comments_by_an_author_across_shards(kit: StoreKit) -> None:
    critic, *authors = kit.users(4)
    mine = sorted(kit.comment(kit.post(a), critic).id for a in authors)
    kit.comment(kit.post(authors[0]), authors[1])
    assert kit.store.comments_by(critic.id, None, 10) == mine
    assert kit.store.comments_by(critic.id, mine[0], 1) == mine[1:2]
    kit.store.delete_comment(mine[1])
    assert kit.store.comments_by(critic.id, None, 10) == [mine[0], mine[2]]


def test_media_of_an_owner_and_deleting_records(kit: StoreKit) -> None:
    alice, bob = kit.users(2)
    mine = [kit.media(alice) for _ in range(3)]
    kit.media(bob)
    assert kit.store.media_of(alice.id, None, 10) == mine
    assert kit.store.media_of(alice.id, mine[0].id, 1) == mine[1:2]
    kit.store.delete_media([mine[0].id, mine[2].id])
    assert kit.store.media_of(alice.id, None, 10) == [mine[1]]
    assert kit.store.get_media([mine[0].id]) == {}
