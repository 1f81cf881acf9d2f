"""Event consumers, one per consumer group. Each takes a batch of events and is idempotent."""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from typing import Protocol

from .events import (
    TOPICS,
    CommentEdited,
    Event,
    FollowCreated,
    FollowRemoved,
    InteractionEvent,
    LikeAdded,
    LikeRemoved,
    PostDeleted,
    UserDeleted,
)
from .ports import ActivityCounter, AnalyticsStore, GraphStore, MediaStore, PostStore
from .services.accounts import AccountEraser
from .services.analytics import ACTIVE_KEEP_DAYS, RETENTION_DAYS, actor_of, day_of, fact_of
from .services.hydration import Hydrator

__all__ = [
    "DEFAULT_GROUPS",
    "AccountsHandler",
    "AnalyticsHandler",
    "GraphHandler",
    "Handler",
    "InteractionsHandler",
    "MediaHandler",
]

DEFAULT_GROUPS = ("graph", "fanout", "interactions", "media", "analytics", "accounts")


class Handler(Protocol):
    """A consumer group's handler: the topics it reads and a batch callback."""

    @property
    def topics(self) -> Sequence[str]: ...

    def __call__(self, events: Sequence[Event]) -> None: ...


class GraphHandler:
    """Writes reverse follow edges (and follower counts) on the followee's shard.

    A follow or unfollow event makes the reverse edge what the forward edge is when it is
    handled, whichever the event: events of one edge may come in another order than their
    changes committed (an event id is made before its write; parallel relays publish batches
    in any order), and the last one handled comes after the last change."""

    topics = ("graph",)

    def __init__(self, graph: GraphStore) -> None:
        self._graph = graph

    def __call__(self, events: Sequence[Event]) -> None:
        graph = self._graph
        for event in events:
            if isinstance(event, FollowCreated | FollowRemoved):
                if graph.is_following(event.follower_id, event.followee_id):
                    graph.add_reverse(event.followee_id, event.follower_id, event.created_at)
                else:
                    graph.remove_reverse(event.followee_id, event.follower_id)


class InteractionsHandler:
    """Recounts like and comment counters of the posts a batch touched, once per post, and
    writes the posts and the likers' flags to the cache as the store has them (events of one
    like may come in another order than their changes committed; the batch is handled again if
    the cache cannot be written: a skipped write could leave an older value cached). An edited
    comment changes no counter."""

    topics = ("interactions",)

    def __init__(self, posts: PostStore, hydrator: Hydrator) -> None:
        self._posts = posts
        self._hydrator = hydrator

    def __call__(self, events: Sequence[Event]) -> None:
        counted = (e for e in events if isinstance(e, InteractionEvent) and not isinstance(e, CommentEdited))
        post_ids = list(dict.fromkeys(e.post_id for e in counted))
        if post_ids:
            self._posts.recount_interactions(post_ids)
            self._hydrator.refresh_posts(post_ids, strict=True)
        liked: dict[int, set[int]] = collections.defaultdict(set)  # as the store has them, not as the events say
        for event in events:
            if isinstance(event, LikeAdded | LikeRemoved):
                liked[event.user_id].add(event.post_id)
        for user_id, user_post_ids in liked.items():
            self._hydrator.refresh_liked(user_id, user_post_ids, strict=True)


class MediaHandler:
    """Deletes the stored objects of deleted posts' media, then has ``purge(key)`` tell the CDN
    (:func:`feedcore.cdn.purge`)."""

    topics = ("posts",)

    def __init__(self, posts: PostStore, media: MediaStore, purge: Callable[[str], None]) -> None:
        self._posts = posts
        self._media = media
        self._purge = purge

    def __call__(self, events: Sequence[Event]) -> None:
        ids = [mid for e in events if isinstance(e, PostDeleted) for mid in e.media_ids]
        for media in self._posts.get_media(ids).values():
            self._media.delete(media.key)
            self._purge(media.key)


class AccountsHandler:
    """Erases the data of deleted accounts (see :mod:`feedcore.services.accounts`)."""

    topics = ("users",)

    def __init__(self, eraser: AccountEraser) -> None:
        self._eraser = eraser

    def __call__(self, events: Sequence[Event]) -> None:
        for event in events:
            if isinstance(event, UserDeleted):
                self._eraser.erase(event.user_id)


class AnalyticsHandler:
    """Keeps the analytics rollups (see :mod:`feedcore.services.analytics`): each event's fact
    applied once by event id, its actor marked active in the cache on the event's day, and
    those days' rollups raised to the cache's counts. Replaying events changes nothing. Once
    a day it forgets applied event ids older than the retention."""

    topics = TOPICS

    def __init__(self, store: AnalyticsStore, active: ActivityCounter, clock: Callable[[], float]) -> None:
        self._store = store
        self._active = active
        self._clock = clock
        self._pruned_day = 0

    def __call__(self, events: Sequence[Event]) -> None:
        marks: dict[int, set[int]] = {}
        for event in events:
            actor = actor_of(event)
            if actor is not None:
                marks.setdefault(day_of(event.created_at), set()).add(actor)
        active: dict[int, int] = {}
        if marks:
            self._active.add_active(marks, ACTIVE_KEEP_DAYS)
            days = sorted(marks)
            active = dict(zip(days, self._active.count_active([[day] for day in days]), strict=True))
        self._store.record_facts([fact for fact in map(fact_of, events) if fact is not None], active)
        today = day_of(self._clock())
        if today > self._pruned_day:
            self._store.prune(today - RETENTION_DAYS)
            self._pruned_day = today
