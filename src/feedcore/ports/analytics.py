"""Analytics ports: durable daily rollups and trending engagement (store), distinct active users
per day (cache, HyperLogLog).

Days are whole UTC days since the Unix epoch (``int(seconds // 86400)``), hours whole hours.
"""

from __future__ import annotations

import abc
from collections.abc import Collection, Mapping, Sequence

import attrs

from .base import Backend

__all__ = ["METRICS", "ActivityCounter", "AnalyticsStore", "DayCounts", "Fact"]

METRICS = ("signups", "posts", "likes", "comments", "follows")
"""What is counted per day: accounts registered, posts created, likes, comments and follows added."""


@attrs.frozen
class Fact:
    """What one event adds to the rollups: ``count`` (1 for an event; more for a backfilled
    total) to ``metric`` on ``day`` (None: nothing), and ``engagement`` (may be negative) to post
    ``post_id`` in ``hour``."""

    event_id: int
    day: int
    metric: str | None = None
    post_id: int | None = None
    hour: int = 0
    engagement: int = 0
    count: int = 1


@attrs.frozen
class DayCounts:
    """One day's rollup: distinct ``active`` users and each of :data:`METRICS`."""

    day: int
    active: int = 0
    signups: int = 0
    posts: int = 0
    likes: int = 0
    comments: int = 0
    follows: int = 0


class AnalyticsStore(Backend):
    """Rollups in the system of record. Idempotent: a fact is applied once per event id (for
    :meth:`prune`'s retention), so replaying a topic changes nothing."""

    @abc.abstractmethod
    def record_facts(self, facts: Sequence[Fact], active: Mapping[int, int] | None = None) -> int:
        """Apply, in one transaction, each fact whose event id was not applied before, and
        :meth:`set_active` ``active``; returns how many facts were new."""

    @abc.abstractmethod
    def set_active(self, counts: Mapping[int, int]) -> None:
        """Raise each day's stored active-user count to ``counts[day]`` if that is higher (a
        count never goes down, so writers in any order agree)."""

    @abc.abstractmethod
    def day_counts(self, first: int, last: int) -> list[DayCounts]:
        """The rollup of every day from ``first`` to ``last`` inclusive, ascending (zeros for a
        day with nothing recorded)."""

    @abc.abstractmethod
    def trending(self, weights: Mapping[int, float], limit: int) -> list[tuple[int, float]]:
        """Posts by score, the sum over the hours in ``weights`` of their engagement in that
        hour times its weight: ``(post id, score)`` with a positive score, highest first (ties:
        newer post first), at most ``limit``."""

    @abc.abstractmethod
    def prune(self, before_day: int) -> None:
        """Forget which events were applied on days before ``before_day`` and engagement of
        hours before it (daily rollups are kept)."""


class ActivityCounter(Backend):
    """Distinct users active on each day: a HyperLogLog per day (Redis PFADD/PFCOUNT, about
    0.8% standard error) or exact sets (memory)."""

    @abc.abstractmethod
    def add_active(self, marks: Mapping[int, Collection[int]], keep_days: int) -> None:
        """Add user ids to days' sets (``marks``: day -> ids) in one round trip, each then kept
        until ``keep_days`` days after its day ends; a day already past that is dropped."""

    @abc.abstractmethod
    def count_active(self, spans: Sequence[Collection[int]]) -> list[int]:
        """For each span (a collection of days), how many distinct users were active on any of
        them, in one round trip."""
