"""The analytics a generated network implies, as the worker would have counted its events."""

from __future__ import annotations

import collections
import hashlib

import attrs

from ..ports import Fact
from ..services.analytics import TRENDING_HOURS, day_of
from ._network import Chunk, NetworkSpec

__all__ = ["Rollups"]


class Rollups:
    """Per day: signups, posts, likes and follows and the users who did them (active); per post
    and hour: likes (engagement) in the network's last :data:`TRENDING_HOURS` hours (only those
    can trend). Gathered while the chunks stream past."""

    def __init__(self, spec: NetworkSpec) -> None:
        self._source = repr(attrs.astuple(spec))
        self._first_hour = int(spec.end // 3600) - TRENDING_HOURS
        self.counts: collections.Counter[tuple[int, str]] = collections.Counter()  # (day, metric)
        self.active: dict[int, set[int]] = collections.defaultdict(set)  # day -> user ids
        self.engagement: collections.Counter[tuple[int, int]] = collections.Counter()  # (post id, hour)

    def take(self, chunk: Chunk) -> None:
        for metric, done in (
            ("signups", ((u.id, u.created_at) for u in chunk.users)),
            ("posts", ((p.author_id, p.created_at) for p in chunk.posts)),
            ("follows", ((f, t) for f, _, t in chunk.follows)),
            ("likes", ((u, t) for u, _, t in chunk.likes)),
        ):
            for user_id, at in done:
                day = day_of(at)
                self.counts[(day, metric)] += 1
                self.active[day].add(user_id)
        for _, post_id, at in chunk.likes:
            if (hour := int(at // 3600)) >= self._first_hour:
                self.engagement[(post_id, hour)] += 1

    def facts(self) -> list[Fact]:
        """One fact per day and metric and one per post and hour, each with an event id of its
        own derived from the spec (negative: never an id the platform makes), so recording
        them again adds nothing while another network's add to them."""
        days = [
            Fact(self._event_id("day", day, metric), day, metric, count=n)
            for (day, metric), n in sorted(self.counts.items())
        ]
        posts = [
            Fact(self._event_id("post", post_id, hour), hour // 24, None, post_id, hour, n)
            for (post_id, hour), n in sorted(self.engagement.items())
        ]
        return days + posts

    def _event_id(self, *key: object) -> int:
        digest = hashlib.blake2b(repr((self._source, *key)).encode(), digest_size=8).digest()
        return -1 - (int.from_bytes(digest, "big") >> 1)
