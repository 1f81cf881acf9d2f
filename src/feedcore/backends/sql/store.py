"""SqlStore: the system of record on SQLite or sharded PostgreSQL (SQLAlchemy Core, psycopg 3)."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from ...ports.roles import Store
from ...settings import Settings
from ._base import translate_errors
from .analytics import SqlAnalytics
from .auth import SqlAuth
from .bulk import SqlBulk
from .graph import SqlGraph
from .interactions import SqlInteractions
from .migrate import upgrade
from .outbox import SqlOutbox
from .posts import SqlPosts
from .replicas import ReplicaStatus
from .shards import ShardMap, split_urls
from .slots import SqlSlots
from .users import SqlUsers

__all__ = ["SqlStore"]


class SqlStore(
    SqlUsers, SqlPosts, SqlGraph, SqlInteractions, SqlOutbox, SqlAuth, SqlSlots, SqlAnalytics, SqlBulk, Store
):
    """UserStore, PostStore, GraphStore, InteractionStore, Outbox, ClientStore, SessionStore,
    CodeStore, SlotStore, AnalyticsStore and BulkLoader over one or more databases.

    ``urls`` are the physical databases in shard-map order (logical shard ``s`` lives on
    ``urls[s % len(urls)]``); ``replica_urls``, if given, one entry per database in the same
    order, each the URLs of its streaming replicas separated by ``|``. Follower lists and posts
    by authors are read from a replica that has caught up with the primary as of the read, within
    ``replica_max_lag`` seconds; one that has not is skipped for ``replica_retry`` seconds (see
    :mod:`.replicas`). Building a store connects to nothing and leaves the schema alone: call
    :meth:`migrate`. Thread-safe.
    """

    def __init__(
        self,
        urls: list[str],
        *,
        replica_urls: list[str] | None = None,
        logical_shards: int = 16,
        pool_size: int = 10,
        replica_max_lag: float = 0.1,
        replica_retry: float = 5.0,
    ) -> None:
        self._shards = ShardMap(
            urls, replica_urls or [], pool_size, replica_max_lag=replica_max_lag, replica_retry=replica_retry
        )
        self._logical_shards = logical_shards
        self._closed = False
        self._relay_turn = threading.Lock()

    @classmethod
    def from_url(cls, url: str, settings: Settings) -> SqlStore:
        """``url``: one database URL or several separated by commas or whitespace. Replicas,
        shard count and pool size come from ``settings``."""
        return cls(
            split_urls(url),
            replica_urls=settings.replica_urls,
            logical_shards=settings.logical_shards,
            pool_size=settings.database_pool_size,
            replica_max_lag=settings.database_replica_max_lag,
            replica_retry=settings.database_replica_retry,
        )

    @property
    def databases(self) -> int:
        """How many physical databases the shards are spread over."""
        return len(self._shards)

    def database_of(self, id_: int) -> int:
        """The index (in URL order) of the database holding the row, or owner, with id ``id_``."""
        return self._shards.db_of(id_)

    def migrate(self) -> None:
        """Create or upgrade the schema on every primary (Alembic, to head). Idempotent."""
        for engine in self._shards.primaries:
            upgrade(engine)

    def check(self) -> None:
        """Raise Unavailable unless every primary answers (a replica that does not is skipped
        by reads: see :meth:`replica_status`)."""
        for engine in self._shards.primaries:
            with translate_errors("check"), engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))

    def circuits(self) -> dict[str, bool]:
        """Each replica's breaker, ``replica <url>``: True while reads skip it."""
        return {f"replica {status.url}": not status.available for status in self.replica_status()}

    def replica_status(self) -> list[ReplicaStatus]:
        """Each replica's reads served and skipped so far, and whether reads use it now."""
        return [status for group in self._shards.replicas for status in group.status()]

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._shards.dispose()
