"""The hybrid fan-out policy, applied by the ``fanout`` consumer.

- A new post goes into its author's timeline and own home feed, then is pushed into the home
  feeds of followers, unless the author has ``pull_threshold`` followers or more: such authors'
  posts are pulled at read time instead.
- Only materialised feeds are written (``TimelineCache.add``), so feeds of users who have not
  read for ``inactive_days`` are not kept; they are rebuilt on the next read.
- Follow backfills the followee's recent posts; unfollow removes them; delete removes the post
  everywhere. Every step is idempotent, so redelivered events change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import events as ev
from .events import Event
from .ports import Timeline
from .services.deps import Deps
from .services.graph import iter_ids
from .services.hydration import Hydrator

__all__ = ["FANOUT_BATCH", "FanoutHandler"]

FANOUT_BATCH = 1000


class FanoutHandler:
    """Keeps home feeds and author timelines in step with posts and follows."""

    topics = ("posts", "graph")

    def __init__(self, deps: Deps, hydrator: Hydrator) -> None:
        self._deps = deps
        self._hydrator = hydrator

    def __call__(self, events: Sequence[Event]) -> None:
        for event in events:
            p = event.payload
            if event.type == ev.POST_CREATED:
                written = self.push(p["author_id"], [p["post_id"]])
                self._deps.stats.incr("fanout_feeds_written", written)
                self._deps.stats.set("fanout_lag_seconds", self._deps.clock() - event.created_at)
            elif event.type == ev.POST_DELETED:
                self.retract(p["author_id"], p["post_id"])
            elif event.type == ev.POST_EDITED:
                self._hydrator.forget_posts([p["post_id"]])
            elif event.type == ev.FOLLOW_CREATED:
                self.backfill(p["follower_id"], p["followee_id"])
            elif event.type == ev.FOLLOW_REMOVED:
                self.unfill(p["follower_id"], p["followee_id"])

    def is_pull_author(self, author_id: int) -> bool:
        author = self._deps.users.get_user(author_id)
        return author is not None and author.follower_count >= self._deps.settings.pull_threshold

    def push(self, author_id: int, post_ids: Sequence[int]) -> int:
        """Fan ``post_ids`` out; returns how many home feeds were written."""
        d, max_len = self._deps, self._deps.settings.feed_max_len
        d.timelines.add(Timeline.AUTHOR, [author_id], post_ids, max_len)
        written = d.timelines.add(Timeline.HOME, [author_id], post_ids, max_len)
        if self.is_pull_author(author_id):
            return written
        for followers in iter_ids(lambda after, n: d.graph.followers(author_id, after, n), FANOUT_BATCH):
            written += d.timelines.add(Timeline.HOME, followers, post_ids, max_len)
        return written

    def retract(self, author_id: int, post_id: int) -> None:
        d = self._deps
        self._hydrator.forget_posts([post_id])
        d.timelines.remove(Timeline.AUTHOR, [author_id], [post_id])
        d.timelines.remove(Timeline.HOME, [author_id], [post_id])
        for followers in iter_ids(lambda after, n: d.graph.followers(author_id, after, n), FANOUT_BATCH):
            d.timelines.remove(Timeline.HOME, followers, [post_id])

    def backfill(self, follower_id: int, followee_id: int) -> None:
        if self.is_pull_author(followee_id):
            return  # pulled at read time
        recent = self._recent(followee_id)
        if recent:
            max_len = self._deps.settings.feed_max_len
            # a followee with max_len posts or more may have older ones this backfill leaves out
            self._deps.timelines.add(Timeline.HOME, [follower_id], recent, max_len, partial=len(recent) >= max_len)

    def unfill(self, follower_id: int, followee_id: int) -> None:
        recent = self._recent(followee_id)
        if recent:
            self._deps.timelines.remove(Timeline.HOME, [follower_id], recent)

    def _recent(self, author_id: int) -> list[int]:
        return self._deps.posts.posts_by_authors([author_id], None, self._deps.settings.feed_max_len)
