"""The ports: small abstract base classes the core is written against."""

from .analytics import METRICS, ActivityCounter, AnalyticsStore, DayCounts, Fact
from .auth import ClientStore, CodeStore, SessionStore
from .base import Backend
from .bulk import BulkLoader, Edge, Like
from .bus import EventBus, Subscription
from .caches import (
    ContentCache,
    FailureCounter,
    Failures,
    RateDecision,
    RateLimiter,
    Timeline,
    TimelineCache,
    TimelineSlice,
)
from .media import MediaStore
from .roles import Cache, Store
from .slots import SlotStore
from .stores import GraphStore, InteractionStore, Outbox, PostStore, Publish, UserStore

__all__ = [
    "METRICS",
    "ActivityCounter",
    "AnalyticsStore",
    "Backend",
    "BulkLoader",
    "Cache",
    "ClientStore",
    "CodeStore",
    "ContentCache",
    "DayCounts",
    "Edge",
    "EventBus",
    "Fact",
    "FailureCounter",
    "Failures",
    "GraphStore",
    "InteractionStore",
    "Like",
    "MediaStore",
    "Outbox",
    "PostStore",
    "Publish",
    "RateDecision",
    "RateLimiter",
    "SessionStore",
    "SlotStore",
    "Store",
    "Subscription",
    "Timeline",
    "TimelineCache",
    "TimelineSlice",
    "UserStore",
]
