"""Event consumers, one per consumer group. Each takes a batch of events and is idempotent."""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from . import events as ev
from .events import TOPICS, Event
from .fanout import FanoutHandler
from .services.deps import Deps
from .services.hydration import Hydrator

__all__ = [
    "DEFAULT_GROUPS",
    "AnalyticsHandler",
    "GraphHandler",
    "Handler",
    "InteractionsHandler",
    "MediaHandler",
    "build_handlers",
]

DEFAULT_GROUPS = ("graph", "fanout", "interactions", "media", "analytics")


class Handler(Protocol):
    """A consumer group's handler: the topics it reads and a batch callback."""

    @property
    def topics(self) -> Sequence[str]: ...

    def __call__(self, events: Sequence[Event]) -> None: ...


class GraphHandler:
    """Writes reverse follow edges (and follower counts) on the followee's shard."""

    topics = ("graph",)

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def __call__(self, events: Sequence[Event]) -> None:
        graph = self._deps.graph
        for event in events:
            p = event.payload
            if event.type == ev.FOLLOW_CREATED:
                graph.add_reverse(p["followee_id"], p["follower_id"], p.get("created_at", event.created_at))
            elif event.type == ev.FOLLOW_REMOVED:
                graph.remove_reverse(p["followee_id"], p["follower_id"])


class InteractionsHandler:
    """Recounts like and comment counters of the posts a batch touched, once per post."""

    topics = ("interactions",)

    def __init__(self, deps: Deps, hydrator: Hydrator) -> None:
        self._deps = deps
        self._hydrator = hydrator

    def __call__(self, events: Sequence[Event]) -> None:
        post_ids = list(dict.fromkeys(e.payload["post_id"] for e in events if e.topic == "interactions"))
        if post_ids:
            self._deps.posts.recount_interactions(post_ids)
            self._hydrator.forget_posts(post_ids)


class MediaHandler:
    """Deletes the stored objects of deleted posts' media."""

    topics = ("posts",)

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def __call__(self, events: Sequence[Event]) -> None:
        ids = [mid for e in events if e.type == ev.POST_DELETED for mid in e.payload.get("media_ids", ())]
        for media in self._deps.posts.get_media(ids).values():
            self._deps.media.delete(media.key)


class AnalyticsHandler:
    """Counts events by type (exported as metrics by the service adapters)."""

    topics = TOPICS

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: collections.Counter[str] = collections.Counter()

    def __call__(self, events: Sequence[Event]) -> None:
        with self._lock:
            self.counts.update(e.type for e in events)


def build_handlers(deps: Deps, hydrator: Hydrator) -> dict[str, Handler]:
    """Every consumer group's handler, by group name."""
    factories: dict[str, Callable[[], Handler]] = {
        "graph": lambda: GraphHandler(deps),
        "fanout": lambda: FanoutHandler(deps, hydrator),
        "interactions": lambda: InteractionsHandler(deps, hydrator),
        "media": lambda: MediaHandler(deps),
        "analytics": AnalyticsHandler,
    }
    return {name: factories[name]() for name in DEFAULT_GROUPS}
