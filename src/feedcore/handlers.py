"""Event consumers, one per consumer group. Each takes a batch of events and is idempotent."""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from .events import (
    TOPICS,
    Event,
    FollowCreated,
    FollowRemoved,
    InteractionEvent,
    LikeAdded,
    LikeRemoved,
    PostDeleted,
    UserDeleted,
)
from .ports import GraphStore, MediaStore, PostStore
from .services.accounts import AccountEraser
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
    writes the posts and the likers' flags to the cache (the batch is handled again if the cache
    cannot be written: a skipped write could leave an older value cached)."""

    topics = ("interactions",)

    def __init__(self, posts: PostStore, hydrator: Hydrator) -> None:
        self._posts = posts
        self._hydrator = hydrator

    def __call__(self, events: Sequence[Event]) -> None:
        post_ids = list(dict.fromkeys(e.post_id for e in events if isinstance(e, InteractionEvent)))
        if post_ids:
            self._posts.recount_interactions(post_ids)
            self._hydrator.refresh_posts(post_ids, strict=True)
        for event in events:
            if isinstance(event, LikeAdded | LikeRemoved):
                self._hydrator.set_liked(event.user_id, event.post_id, isinstance(event, LikeAdded), strict=True)


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
    """Counts events by type (exported as metrics by the service adapters)."""

    topics = TOPICS

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: collections.Counter[str] = collections.Counter()

    def __call__(self, events: Sequence[Event]) -> None:
        with self._lock:
            self.counts.update(e.type for e in events)
