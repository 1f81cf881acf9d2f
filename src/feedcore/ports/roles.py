"""The ports each kind of backend URL provides, combined: what :class:`feedcore.Platform` takes."""

from __future__ import annotations

from .analytics import ActivityCounter, AnalyticsStore
from .auth import ClientStore, CodeStore, SessionStore
from .caches import ContentCache, FailureCounter, RateLimiter, TimelineCache
from .slots import SlotStore
from .stores import GraphStore, InteractionStore, Outbox, PostStore, UserStore

__all__ = ["Cache", "Store"]


class Store(
    UserStore,
    PostStore,
    GraphStore,
    InteractionStore,
    Outbox,
    ClientStore,
    SessionStore,
    CodeStore,
    SlotStore,
    AnalyticsStore,
):
    """A ``database_url`` backend: the system of record, its outbox, the authorization server's
    clients, sessions and codes, the id generator slots' leases and the analytics rollups (often
    also a :class:`~feedcore.ports.BulkLoader`)."""


class Cache(TimelineCache, ContentCache, RateLimiter, FailureCounter, ActivityCounter):
    """A ``cache_url`` backend: timelines, content, rate limits, sign-in failure counts and
    active users per day."""
