"""What the services share: the ports, settings, clock and id source, assembled by the Platform."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ..errors import Unavailable
from ..events import Event
from ..nearcache import NearCache
from ..ports import (
    ClientStore,
    CodeStore,
    ContentCache,
    EventBus,
    FailureCounter,
    GraphStore,
    InteractionStore,
    MediaStore,
    Outbox,
    PostStore,
    RateLimiter,
    SessionStore,
    TimelineCache,
    UserStore,
)
from ..resilience import CircuitBreaker
from ..settings import Settings
from ..stats import Stats

__all__ = ["Deps"]


@attrs.frozen
class Deps:
    """The dependencies of every service. ``committed`` is called after a write that produced events."""

    settings: Settings
    users: UserStore
    posts: PostStore
    graph: GraphStore
    interactions: InteractionStore
    outbox: Outbox
    timelines: TimelineCache
    content: ContentCache
    clients: ClientStore
    sessions: SessionStore
    codes: CodeStore
    rate_limiter: RateLimiter
    failures: FailureCounter
    bus: EventBus
    media: MediaStore
    clock: Callable[[], float]
    new_id: Callable[[int], int]
    committed: Callable[[], None]
    cache_breaker: CircuitBreaker
    store_breaker: CircuitBreaker
    stats: Stats
    near: NearCache[tuple[str, int | str], Any]
    """Per-process copies of hot, rarely changed values (cards, pull lists, live sessions,
    verified access tokens, clients), by (kind, id)."""

    def cache_best_effort(self, fn: Callable[..., object], *args: object) -> bool:
        """Call a cache write through the breaker; False (and nothing raised) if the cache is
        down: cached entries expire by TTL and readers fall back to the store."""
        try:
            self.cache_breaker.call(fn, *args)
        except Unavailable:
            return False
        return True

    def event(self, type_: str, key: int, shard: int, **payload: Any) -> Event:
        """A new event of ``type_`` keyed by ``key``, its id made on ``shard``."""
        return Event(id=self.new_id(shard), type=type_, key=key, payload=payload, created_at=self.clock())
