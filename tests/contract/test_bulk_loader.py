"""The BulkLoader contract, once, for every store backend (PostgreSQL's COPY paths included)."""

from __future__ import annotations

import pytest

from feedcore.ids import shard_for_handle, shard_of
from feedcore.model import Post, User
from feedcore.ports import BulkLoader
from tests.fixtures.stores import StoreKit

SEEDED = "!seeded"


def _users(kit: StoreKit, n: int) -> list[User]:
    made = []
    for i in range(n):
        handle = f"bulk{i}"
        made.append(
            User(
                id=kit.new_id(shard_for_handle(handle, kit.logical_shards)),
                handle=handle,
                display_name=f"Bulk {i}",
                created_at=kit.clock(),
            )
        )
    return sorted(made, key=lambda u: u.id)


def _posts(kit: StoreKit, authors: list[User], per_author: int) -> list[Post]:
    return [
        Post(id=kit.new_id(shard_of(a.id)), author_id=a.id, text=f"post {n}", created_at=kit.clock())
        for n in range(per_author)
        for a in authors
    ]


@pytest.fixture
def loader(kit: StoreKit) -> BulkLoader:
    assert isinstance(kit.store, BulkLoader)
    return kit.store


def test_users_load_once_and_a_resumed_load_adds_only_the_missing(kit: StoreKit, loader: BulkLoader) -> None:
    users = _users(kit, 12)
    assert loader.load_users(users[:8], SEEDED) == 8
    assert loader.load_users(users[:8], SEEDED) == 0  # the same batch again
    assert loader.load_users(users, SEEDED) == 4  # a resumed batch: some rows exist
    found = kit.store.get_users([u.id for u in users])
    assert {uid: u.handle for uid, u in found.items()} == {u.id: u.handle for u in users}
    assert kit.store.user_by_handle("BULK3").id == users[3].id  # handles stay case-insensitive
    assert kit.store.password_hash(users[0].id) == SEEDED


def test_posts_and_follows_load_idempotently_on_their_shards(kit: StoreKit, loader: BulkLoader) -> None:
    users = _users(kit, 6)
    loader.load_users(users, SEEDED)
    posts = _posts(kit, users, 3)
    assert loader.load_posts(posts[:10]) == 10
    assert loader.load_posts(posts) == len(posts) - 10
    assert loader.load_posts(posts) == 0
    edges = [(a.id, b.id, kit.clock()) for a in users for b in users if a is not b]
    assert loader.load_follows(edges[:7]) == 7
    assert loader.load_follows(edges) == len(edges) - 7
    assert loader.load_follows(edges) == 0
    first = users[0]
    assert kit.store.posts_by_authors([first.id], None, 10) == sorted(
        (p.id for p in posts if p.author_id == first.id), reverse=True
    )
    others = sorted(u.id for u in users[1:])
    assert kit.store.following(first.id, None, 10) == others
    assert kit.store.followers(first.id, None, 10) == others  # the reverse edges too


def test_recount_sets_exact_counters(kit: StoreKit, loader: BulkLoader) -> None:
    users = _users(kit, 5)
    loader.load_users(users, SEEDED)
    loader.load_posts(_posts(kit, users[:2], 2))
    hub = users[0]
    loader.load_follows([(u.id, hub.id, kit.clock()) for u in users[1:]] + [(hub.id, users[1].id, kit.clock())])
    assert kit.store.get_user(hub.id).follower_count == 0  # left to recount_users
    loader.recount_users()
    loader.recount_users()  # idempotent
    got = kit.store.get_users([u.id for u in users])
    assert (got[hub.id].follower_count, got[hub.id].following_count, got[hub.id].post_count) == (4, 1, 2)
    assert (got[users[1].id].follower_count, got[users[1].id].following_count, got[users[1].id].post_count) == (1, 1, 2)
    assert (got[users[4].id].follower_count, got[users[4].id].following_count, got[users[4].id].post_count) == (0, 1, 0)


def test_likes_load_idempotently_and_recount_sets_post_counters(kit: StoreKit, loader: BulkLoader) -> None:
    users = _users(kit, 4)
    loader.load_users(users, SEEDED)
    posts = _posts(kit, users, 2)
    loader.load_posts(posts)
    likes = [(u.id, p.id, kit.clock()) for p in posts[:5] for u in users if u.id != p.author_id]
    assert loader.load_likes(likes[:4]) == 4
    assert loader.load_likes(likes) == len(likes) - 4  # a resumed batch: some rows exist
    assert loader.load_likes(likes) == 0
    assert kit.store.get_posts([posts[0].id])[posts[0].id].like_count == 0  # left to recount_posts
    loader.recount_posts()
    loader.recount_posts()  # idempotent
    got = kit.store.get_posts([p.id for p in posts])
    assert [got[p.id].like_count for p in posts] == [3] * 5 + [0] * 3
    mine = {p.id for p in posts[:5] if p.author_id != users[0].id}
    assert kit.store.liked(users[0].id, [p.id for p in posts]) == mine
