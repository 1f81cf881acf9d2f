"""The analytics consumer group on every platform: daily counts, active users (readers too),
trending posts; a replayed topic changes nothing."""

from __future__ import annotations

from feedcore import Platform
from feedcore.events import Event
from feedcore.ports import DayCounts
from feedcore.services.analytics import day_of
from tests.fixtures.platforms import FakeClock, PlatformFactory

PASSWORD = "correct horse battery"


def _activity(p: Platform) -> tuple[list[int], list[int]]:
    """alice posts twice, bob likes both and comments on one, carol follows alice and likes one."""
    alice, bob, carol = (p.users.register(h, PASSWORD).id for h in ("alice", "bob", "carol"))
    first, second = p.posts.create(alice, "first").id, p.posts.create(alice, "second").id
    p.interactions.like(bob, first)
    p.interactions.like(bob, second)
    p.interactions.like(carol, second)
    p.interactions.comment(bob, first, "nice")
    p.graph.follow(carol, alice)
    return [alice, bob, carol], [first, second]


def test_counts_per_day_active_users_and_trending(platform: Platform, clock: FakeClock) -> None:
    _, (first, second) = _activity(platform)
    platform.drain()
    report = platform.analytics.report(days=2)
    today = day_of(clock())
    assert report.days == [
        DayCounts(today - 1),
        DayCounts(today, active=3, signups=3, posts=2, likes=3, comments=1, follows=1),
    ]
    assert (report.active.day, report.active.week, report.active.month) == (3, 3, 3)
    assert [(t.post.id, t.score, t.author.handle) for t in report.trending] == [
        (first, 3.0, "alice"),
        (second, 2.0, "alice"),
    ]
    platform.posts.delete(report.trending[0].post.author_id, first)
    platform.drain()
    assert [t.post.id for t in platform.analytics.trending()] == [second]


def test_readers_count_as_active_without_writing(platform: Platform, clock: FakeClock) -> None:
    (alice, *_), _ = _activity(platform)
    platform.drain()
    reader = platform.users.register("dave", PASSWORD).id
    platform.drain()
    clock.advance(86400)  # the next day: only dave and alice read
    for user in (reader, alice, reader):
        platform.analytics.seen(user)
    platform.analytics.flush()
    report = platform.analytics.report(days=2)
    assert [d.active for d in report.days] == [4, 2]
    assert (report.active.day, report.active.week) == (2, 4)


def test_the_rollup_survives_a_lost_cache(platform_factory: PlatformFactory, clock: FakeClock) -> None:
    platform = platform_factory()
    _activity(platform)
    platform.drain()
    settings = platform.settings
    platform.close()
    if settings.cache_url != "memory://" or settings.database_url == "memory://":
        return  # the cache here outlives the platform, or the store does not
    with Platform.open(settings, clock=clock) as reopened:  # a new in-process cache: no sketches
        report = reopened.analytics.report(days=1)
        assert (report.days[0].active, report.active.day, report.active.month) == (3, 3, 3)
        assert not report.active.complete  # the month is a lower bound: the cache lost its days


def test_replaying_every_topic_changes_nothing(platform_factory: PlatformFactory) -> None:
    platform = platform_factory(inline_dispatch=False)
    _activity(platform)
    published: list[Event] = []
    while platform.relay.run_once(published.extend):
        pass
    analytics = platform.consumer("analytics")
    for event in published:  # one at a time, as they come
        analytics.handle([event])
    before = platform.analytics.report(days=2)
    analytics.handle(published)  # the whole topic again, at once
    analytics.handle(published[::-1])
    assert platform.analytics.report(days=2) == before
    assert before.days[-1].likes == 3 and before.active.day == 3
