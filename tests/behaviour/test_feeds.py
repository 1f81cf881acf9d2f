"""Home feeds: hybrid fan-out, trimming, stable cursors, rebuilds."""

from __future__ import annotations

import pytest

from feedcore import Platform
from feedcore.errors import InvalidInput, NotFound
from feedcore.ports import Timeline, TimelineSlice
from tests.behaviour.helpers import all_pages, home_ids, users
from tests.http.client import eventually


def test_follower_sees_new_post_without_drain(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    platform.graph.follow(bob.id, alice.id)
    assert platform.feeds.home(bob.id).items == []
    post = platform.posts.create(alice.id, text="hi bob")
    if not platform.settings.dispatch_inline:
        platform.drain()  # a broker: no dispatcher thread in this process
    items = eventually(lambda: platform.feeds.home(bob.id).items)  # the dispatcher thread delivers it
    assert [i.post.id for i in items] == [post.id]
    assert items[0].author.handle == "alice"


def test_newest_first_and_own_posts_included(platform: Platform) -> None:
    alice, bob, carol = users(platform, "alice", "bob", "carol")
    platform.graph.follow(alice.id, bob.id)
    platform.graph.follow(alice.id, carol.id)
    posts = [platform.posts.create(author.id, text=f"post {n}") for n, author in enumerate([bob, carol, alice, bob])]
    assert home_ids(platform, alice) == [p.id for p in reversed(posts)]
    assert home_ids(platform, bob) == [posts[3].id, posts[0].id]


def test_follow_backfills_and_unfollow_removes(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    assert home_ids(platform, bob) == []  # materialise bob's feed first
    older = [platform.posts.create(alice.id, text=f"old {n}") for n in range(3)]
    assert platform.graph.follow(bob.id, alice.id) is True
    assert platform.graph.follow(bob.id, alice.id) is False  # idempotent
    assert home_ids(platform, bob) == [p.id for p in reversed(older)]
    assert platform.graph.is_following(bob.id, alice.id)
    assert platform.graph.unfollow(bob.id, alice.id) is True
    assert platform.graph.unfollow(bob.id, alice.id) is False
    assert home_ids(platform, bob) == []
    assert not platform.graph.is_following(bob.id, alice.id)


def test_graph_rules_and_counts(platform: Platform) -> None:
    alice, bob, carol = users(platform, "alice", "bob", "carol")
    with pytest.raises(InvalidInput):
        platform.graph.follow(alice.id, alice.id)
    with pytest.raises(NotFound):
        platform.graph.follow(alice.id, 987654)
    platform.graph.follow(bob.id, alice.id)
    platform.graph.follow(carol.id, alice.id)
    platform.drain()
    assert [u.handle for u in platform.graph.followers(alice.id).items] == ["bob", "carol"]
    assert [u.handle for u in platform.graph.following(bob.id).items] == ["alice"]
    first = platform.graph.followers(alice.id, limit=1)
    second = platform.graph.followers(alice.id, limit=1, cursor=first.next_cursor)
    assert [u.handle for u in first.items + list(second.items)] == ["bob", "carol"] and second.next_cursor is None
    a = platform.users.get(alice.id)
    assert (a.follower_count, a.following_count) == (2, 0)
    assert platform.users.get(bob.id).following_count == 1


def test_high_fanout_authors_are_pulled_not_pushed(platform_factory) -> None:  # type: ignore[no-untyped-def]
    platform = platform_factory(pull_threshold=2)
    star, bob, carol, dave = users(platform, "star", "bob", "carol", "dave")
    for fan in (bob, carol):
        platform.graph.follow(fan.id, star.id)
    platform.graph.follow(bob.id, dave.id)
    assert home_ids(platform, bob) == []  # materialised
    shine = platform.posts.create(star.id, text="to my many fans")
    plain = platform.posts.create(dave.id, text="just dave")
    platform.drain()
    cached = platform._cache.range(Timeline.HOME, bob.id, None, 10)
    assert cached is not None and shine.id not in cached.ids and plain.id in cached.ids  # star was not pushed
    assert home_ids(platform, bob) == [plain.id, shine.id]  # but is merged at read time
    assert home_ids(platform, carol) == [shine.id]


def test_feeds_are_trimmed_but_history_continues_from_the_store(platform_factory) -> None:  # type: ignore[no-untyped-def]
    platform = platform_factory(feed_max_len=5)
    alice, bob = users(platform, "alice", "bob")
    platform.graph.follow(bob.id, alice.id)
    assert home_ids(platform, bob) == []
    posts = [platform.posts.create(alice.id, text=f"p{n}") for n in range(13)]
    platform.drain()
    cached = platform._cache.range(Timeline.HOME, bob.id, None, 100)
    assert cached is not None and cached.ids == [p.id for p in reversed(posts)][:5] and not cached.complete
    assert all_pages(platform, bob, limit=4) == [p.id for p in reversed(posts)]


def test_cursor_is_stable_while_posting(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    platform.graph.follow(bob.id, alice.id)
    posts = [platform.posts.create(alice.id, text=f"p{n}") for n in range(6)]
    first = platform.feeds.home(bob.id, limit=3)
    newer = platform.posts.create(alice.id, text="arrives while paging")
    second = platform.feeds.home(bob.id, limit=3, cursor=first.next_cursor)
    seen = [i.post.id for i in list(first.items) + list(second.items)]
    assert seen == [p.id for p in reversed(posts)] and newer.id not in seen
    assert second.next_cursor is None


def test_pages_are_never_short_when_posts_were_filtered(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    platform.graph.follow(bob.id, alice.id)
    posts = [platform.posts.create(alice.id, text=f"p{n}") for n in range(8)]
    for gone in posts[3:6]:
        platform.posts.delete(alice.id, gone.id)
    platform.drain()
    # a stale cache entry pointing at a deleted post (e.g. a fan-out redelivered late)
    platform._cache.add(Timeline.HOME, [bob.id], [posts[4].id], platform.settings.feed_max_len)
    live = [p.id for p in reversed(posts) if p not in posts[3:6]]
    assert all_pages(platform, bob, limit=2) == live


def test_a_lost_cache_rebuilds_from_the_store(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    platform.graph.follow(bob.id, alice.id)
    posts = [platform.posts.create(alice.id, text=f"p{n}") for n in range(3)]
    platform.drain()
    platform._cache.remove(Timeline.HOME, [bob.id], [p.id for p in posts])
    platform._cache.replace(Timeline.HOME, bob.id, [], 1.0)
    assert platform.feeds.rebuild(bob.id) == 3
    assert home_ids(platform, bob) == [p.id for p in reversed(posts)]


def test_bad_page_arguments(platform: Platform) -> None:
    (alice,) = users(platform, "alice")
    for limit in (0, 101, -1):
        with pytest.raises(InvalidInput):
            platform.feeds.home(alice.id, limit=limit)
    with pytest.raises(InvalidInput):
        platform.feeds.home(alice.id, cursor="not-a-cursor")
    with pytest.raises(NotFound):
        platform.feeds.home(123456)


def test_author_timeline_with_viewer(platform: Platform) -> None:
    alice, bob = users(platform, "alice", "bob")
    first = platform.posts.create(alice.id, text="one")
    second = platform.posts.create(alice.id, text="two")
    platform.interactions.like(bob.id, first.id)
    platform.drain()
    page = platform.feeds.timeline(alice.id, viewer_id=bob.id)
    assert [(i.post.id, i.liked_by_me, i.like_count) for i in page.items] == [
        (second.id, False, 0),
        (first.id, True, 1),
    ]


def test_inactive_users_feeds_expire_and_rebuild_on_return(platform_factory, clock) -> None:  # type: ignore[no-untyped-def]
    from feedcore.backends.memory.cache import MemoryCache

    platform = platform_factory(backends={"cache": MemoryCache(clock=clock)}, inactive_days=1)
    alice, bob = users(platform, "alice", "bob")
    platform.graph.follow(bob.id, alice.id)
    before = platform.posts.create(alice.id, text="before the holiday")
    assert home_ids(platform, bob) == [before.id]
    clock.advance(2 * 86400)  # bob stays away longer than inactive_days
    during = platform.posts.create(alice.id, text="while bob was away")
    platform.drain()
    assert platform._cache.range(Timeline.HOME, bob.id, None, 10) is None  # not materialised, not pushed
    assert home_ids(platform, bob) == [during.id, before.id]  # rebuilt on return, never empty
    assert platform._cache.range(Timeline.HOME, bob.id, None, 10) == TimelineSlice([during.id, before.id], True)


def test_cached_feeds_are_served_while_the_store_is_down(tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    from feedcore import Settings
    from feedcore.errors import Unavailable
    from tests.fixtures.platforms import TEST_SETTINGS

    urls = {role: "memory://" for role in ("database_url", "cache_url", "bus_url", "media_url")}
    with Platform.open(Settings(data_dir=str(tmp_path), **urls, **TEST_SETTINGS), clock=clock) as platform:
        alice, bob = users(platform, "alice", "bob")
        platform.graph.follow(bob.id, alice.id)
        posts = [platform.posts.create(alice.id, text=f"p{n}") for n in range(3)]
        assert home_ids(platform, bob) == [p.id for p in reversed(posts)]  # feed, posts and cards cached
        platform._store.close()  # the store goes away
        page = platform.feeds.home(bob.id, limit=10)
        assert [i.post.id for i in page.items] == [p.id for p in reversed(posts)]
        assert not page.degraded  # the cached feed is complete: nothing was needed from the store
        with pytest.raises(Unavailable):
            platform.posts.create(alice.id, text="writes need the store")


def test_feeds_come_from_the_store_while_the_cache_is_down(tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    from feedcore import Settings
    from tests.fixtures.platforms import TEST_SETTINGS
    from tests.fixtures.services import free_port

    down = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with Platform.open(Settings(data_dir=str(tmp_path), cache_url=down, **TEST_SETTINGS), clock=clock) as platform:
        alice, bob = users(platform, "alice", "bob")
        platform.graph.follow(bob.id, alice.id)
        posts = [platform.posts.create(alice.id, text=f"written while the cache is down {n}") for n in range(3)]
        page = platform.feeds.home(bob.id, limit=2)
        assert page.degraded and [i.post.id for i in page.items] == [posts[2].id, posts[1].id]
        rest = platform.feeds.home(bob.id, limit=2, cursor=page.next_cursor)
        assert [i.post.id for i in rest.items] == [posts[0].id] and rest.next_cursor is None
        assert platform.users.get(bob.id).following_count == 1


def test_warming_caches_what_the_next_read_needs(platform: Platform) -> None:
    from feedcore import blocking

    alice, bob, carol = users(platform, "alice", "bob", "carol")
    platform.graph.follow(bob.id, alice.id)
    platform.graph.follow(carol.id, alice.id)
    post = platform.posts.create(alice.id, text="warm me")
    platform.drain()
    assert platform.feeds.warm([bob.id, carol.id]) == 2
    with blocking.forbidden():  # the next reads need nothing from the store
        assert [i.post.id for i in platform.feeds.home(bob.id).items] == [post.id]
        assert [i.post.id for i in platform.feeds.home(carol.id).items] == [post.id]
