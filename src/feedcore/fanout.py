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

from collections.abc import Callable, Sequence

from .events import Event, FollowCreated, FollowRemoved, PostCreated, PostDeleted, PostEdited
from .ports import GraphStore, PostStore, Timeline, TimelineCache, UserStore
from .services.graph import iter_ids
from .services.hydration import Hydrator
from .settings import Settings
from .stats import Stats

__all__ = ["FANOUT_BATCH", "FanoutHandler"]

FANOUT_BATCH = 1000


class FanoutHandler:
    """Keeps home feeds and author timelines in step with posts and follows."""

    topics = ("posts", "graph")

    def __init__(
        self,
        users: UserStore,
        posts: PostStore,
        graph: GraphStore,
        timelines: TimelineCache,
        stats: Stats,
        clock: Callable[[], float],
        hydrator: Hydrator,
        settings: Settings,
    ) -> None:
        self._users = users
        self._posts = posts
        self._graph = graph
        self._timelines = timelines
        self._stats = stats
        self._clock = clock
        self._hydrator = hydrator
        self._settings = settings

    def __call__(self, events: Sequence[Event]) -> None:
        for event in events:
            match event:
                case PostCreated():
                    written = self.push(event.author_id, [event.post_id])
                    self._stats.incr("fanout_feeds_written", written)
                    self._stats.set("fanout_lag_seconds", self._clock() - event.created_at)
                case PostDeleted():
                    self.retract(event.author_id, event.post_id)
                case PostEdited():
                    self._hydrator.refresh_posts([event.post_id], strict=True)
                case FollowCreated() | FollowRemoved():  # as the edge is now (see GraphHandler)
                    if self._graph.is_following(event.follower_id, event.followee_id):
                        self.backfill(event.follower_id, event.followee_id)
                    else:
                        self.unfill(event.follower_id, event.followee_id)

    def is_pull_author(self, author_id: int) -> bool:
        author = self._users.get_user(author_id)
        return author is not None and author.follower_count >= self._settings.pull_threshold

    def push(self, author_id: int, post_ids: Sequence[int]) -> int:
        """Fan ``post_ids`` out; returns how many home feeds were written."""
        max_len = self._settings.feed_max_len
        self._timelines.add(Timeline.AUTHOR, [author_id], post_ids, max_len)
        written = self._timelines.add(Timeline.HOME, [author_id], post_ids, max_len)
        if self.is_pull_author(author_id):
            return written
        for followers in iter_ids(lambda after, n: self._graph.followers(author_id, after, n), FANOUT_BATCH):
            written += self._timelines.add(Timeline.HOME, followers, post_ids, max_len)
        return written

    def retract(self, author_id: int, post_id: int) -> None:
        self._hydrator.refresh_posts([post_id], strict=True)
        self._timelines.remove(Timeline.AUTHOR, [author_id], [post_id])
        self._timelines.remove(Timeline.HOME, [author_id], [post_id])
        for followers in iter_ids(lambda after, n: self._graph.followers(author_id, after, n), FANOUT_BATCH):
            self._timelines.remove(Timeline.HOME, followers, [post_id])

    def backfill(self, follower_id: int, followee_id: int) -> None:
        if self.is_pull_author(followee_id):
            return  # pulled at read time
        recent = self._recent(followee_id)
        if recent:
            max_len = self._settings.feed_max_len
            # a followee with max_len posts or more may have older ones this backfill leaves out
            self._timelines.add(Timeline.HOME, [follower_id], recent, max_len, partial=len(recent) >= max_len)

    def unfill(self, follower_id: int, followee_id: int) -> None:
        recent = self._recent(followee_id)
        if recent:
            self._timelines.remove(Timeline.HOME, [follower_id], recent)

    def _recent(self, author_id: int) -> list[int]:
        return self._posts.posts_by_authors([author_id], None, self._settings.feed_max_len)
