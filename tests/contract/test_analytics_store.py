"""AnalyticsStore contract, run on every store backend (see tests/fixtures/stores.py)."""

from __future__ import annotations

from typing import Any

from feedcore.ports import DayCounts, Fact

DAY = 20_000


def test_facts_count_once_per_event_id(store: Any) -> None:
    facts = [
        Fact(1, DAY, "signups"),
        Fact(2, DAY, "posts"),
        Fact(3, DAY, "likes", post_id=10, hour=DAY * 24 + 5, engagement=1),
        Fact(4, DAY + 1, "comments", post_id=10, hour=(DAY + 1) * 24, engagement=2),
        Fact(5, DAY + 1, "follows"),
        Fact(6, DAY + 1, None, post_id=11, hour=(DAY + 1) * 24, engagement=-1),
    ]
    assert store.record_facts(facts) == 6
    expected = [
        DayCounts(DAY - 1),
        DayCounts(DAY, signups=1, posts=1, likes=1),
        DayCounts(DAY + 1, comments=1, follows=1),
        DayCounts(DAY + 2),
    ]
    assert store.day_counts(DAY - 1, DAY + 2) == expected
    # a replay, alone or mixed with new events (and repeated within one batch), adds only the new
    assert store.record_facts(facts) == 0
    assert store.record_facts([*facts[:3], Fact(7, DAY, "likes"), Fact(7, DAY, "likes")]) == 1
    assert store.day_counts(DAY, DAY)[0].likes == 2
    assert store.record_facts([]) == 0


def test_a_fact_may_carry_a_total_applied_once(store: Any) -> None:
    backfill = [Fact(-1, DAY, "posts", count=40), Fact(-2, DAY, "likes", count=7), Fact(-3, DAY, "posts")]
    assert store.record_facts(backfill) == 3
    assert store.record_facts(backfill) == 0
    assert store.day_counts(DAY, DAY) == [DayCounts(DAY, posts=41, likes=7)]


def test_active_users_only_go_up(store: Any) -> None:
    store.set_active({DAY: 5, DAY + 1: 2})
    store.set_active({DAY: 3})
    store.set_active({DAY + 1: 4})
    store.set_active({})
    store.record_facts([Fact(1, DAY, "posts")], {DAY: 4, DAY + 2: 1})  # with the facts, in one transaction
    store.record_facts([], {DAY + 2: 3})
    assert store.day_counts(DAY, DAY + 2) == [
        DayCounts(DAY, active=5, posts=1),
        DayCounts(DAY + 1, active=4),
        DayCounts(DAY + 2, active=3),
    ]


def test_trending_sums_weighted_engagement(store: Any) -> None:
    hour = DAY * 24
    store.record_facts(
        [
            Fact(1, DAY, "likes", post_id=100, hour=hour, engagement=1),
            Fact(2, DAY, "likes", post_id=100, hour=hour, engagement=1),
            Fact(3, DAY, "comments", post_id=200, hour=hour + 1, engagement=2),
            Fact(4, DAY, "likes", post_id=300, hour=hour + 1, engagement=1),
            Fact(5, DAY, None, post_id=300, hour=hour + 1, engagement=-1),  # unliked: score 0, left out
            Fact(6, DAY, "likes", post_id=400, hour=hour - 5, engagement=1),  # outside the window
            Fact(7, DAY, "likes", post_id=500, hour=hour + 1, engagement=1),
        ]
    )
    weights = {hour: 0.5, hour + 1: 1.0}
    assert store.trending(weights, 10) == [(200, 2.0), (500, 1.0), (100, 1.0)]
    assert store.trending(weights, 1) == [(200, 2.0)]
    assert store.trending({}, 10) == []


def test_prune_forgets_old_event_ids_and_engagement_but_keeps_the_days(store: Any) -> None:
    old = [Fact(1, DAY, "likes", post_id=100, hour=DAY * 24, engagement=1)]
    store.record_facts(old)
    store.record_facts([Fact(2, DAY + 1, "likes", post_id=100, hour=(DAY + 1) * 24, engagement=1)])
    store.prune(DAY + 1)
    assert store.trending({DAY * 24: 1.0, (DAY + 1) * 24: 1.0}, 10) == [(100, 1.0)]
    assert [d.likes for d in store.day_counts(DAY, DAY + 1)] == [1, 1]
    assert store.record_facts([Fact(2, DAY + 1, "likes")]) == 0  # still remembered
