"""RedisCache: every cache port on one Redis (or Redis Cluster) connection."""

from __future__ import annotations

from typing import Self

from redis.cluster import RedisCluster

from ...ports.roles import Cache
from ...settings import Settings
from .activity import RedisActivity
from .client import Client, connect, translated
from .content import RedisContent
from .failures import RedisFailures
from .keys import Keys
from .ratelimit import RedisRateLimiter
from .timelines import RedisTimelines

__all__ = ["RedisCache"]


class RedisCache(RedisTimelines, RedisContent, RedisRateLimiter, RedisFailures, RedisActivity, Cache):
    """TimelineCache, ContentCache, RateLimiter, FailureCounter and ActivityCounter on Redis.

    Thread-safe (redis-py pools connections). Every Redis error surfaces as
    :class:`feedcore.errors.Unavailable`. Keys start with ``namespace``.
    """

    def __init__(self, client: Client, *, namespace: str = "feedcore") -> None:
        super().__init__(client)
        self._keys = Keys(namespace)

    @classmethod
    def from_url(cls, url: str, settings: Settings) -> Self:
        """``redis://``, ``rediss://`` or ``redis+cluster://`` (also ``redis://…?cluster=true``).
        Connects lazily; raises ConfigurationError for a malformed URL."""
        return cls(connect(url), namespace=settings.namespace)

    @property
    def namespace(self) -> str:
        return self._keys.namespace

    def check(self) -> None:
        with translated("ping"):
            self._client.ping()

    def close(self) -> None:
        with translated("close"):
            self._close_direct()
            if isinstance(self._client, RedisCluster):  # its close() leaves the nodes' pools connected
                for node in self._client.get_nodes():  # type: ignore[no-untyped-call]
                    if node.redis_connection is not None:
                        node.redis_connection.connection_pool.disconnect()
            self._client.close()
