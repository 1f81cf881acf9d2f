"""The shard map: N logical shards over M physical databases, with optional replicas.

A row's logical shard is :func:`feedcore.ids.shard_of` of its id; its database is
``shard % len(databases)``. Replicas, when configured, come in the same order as the primaries,
several of one primary separated by ``|``, and serve the reads that may go to a replica under
an LSN fence (see :mod:`.replicas`). Replicas need PostgreSQL.

Connection pooling
------------------
Each database gets a SQLAlchemy ``QueuePool`` of ``settings.database_pool_size`` connections
(plus as many overflow), with ``pool_pre_ping``, a 10 s wait for a free connection and a 5 s
connect timeout unless the URL sets ``connect_timeout``. Nothing relies on session state (no
session ``SET``, no advisory locks, no ``LISTEN``, no temporary table outliving its transaction),
so PgBouncer in *transaction* pooling mode works (the test suites run through one). psycopg 3
prepares a statement server-side after 5 executions, which PgBouncer before 1.21 cannot follow
between server connections: add ``pgbouncer=true`` to a PostgreSQL URL
(``postgresql+psycopg://u@bouncer:6432/feed?pgbouncer=true``) and feedcore strips the option and
connects with ``prepare_threshold=None`` (never prepare).

SQLite
------
WAL journal, foreign keys on, a 5 s ``busy_timeout``, ``synchronous=NORMAL``. The driver's own
transaction handling is switched off: reads run in a deferred ``BEGIN`` (a snapshot that does
not block writers) and writes in ``BEGIN IMMEDIATE`` (they queue for the write lock up front
instead of failing on a lock upgrade). The parent directory of the file is created if missing.
``sqlite://`` (in memory) shares one connection, for single-threaded tests only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from ...errors import ConfigurationError
from ...ids import database_of
from .replicas import ReplicaSet

__all__ = ["WRITE_OPTION", "ShardMap", "create_engine", "normalize_url", "split_urls"]

WRITE_OPTION = "feedcore_write"
"""Execution option that makes SQLite begin with ``BEGIN IMMEDIATE``."""

SQLITE_BUSY_TIMEOUT_MS = 5000
PG_CONNECT_TIMEOUT_S = 5
_TRUE = {"1", "true", "yes", "on"}


def split_urls(text: str) -> list[str]:
    """One URL, or several separated by whitespace or commas."""
    return [u for u in re.split(r"[\s,]+", text.strip()) if u]


def normalize_url(url: str) -> URL:
    """``postgres://`` and ``postgresql://`` mean psycopg 3; SQLite stays as it is."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ConfigurationError(f"not a database URL: {url!r}") from exc
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("postgresql+psycopg", "sqlite", "sqlite+pysqlite"):
        raise ConfigurationError(
            f"the SQL store speaks sqlite:// and postgresql+psycopg://, not {parsed.drivername}://"
        )
    return parsed


def create_engine(url: str, pool_size: int) -> sa.Engine:
    """An engine for one physical database (see the module docstring for the pool settings)."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, pool_size)
    connect_args: dict[str, Any] = {}
    query = dict(parsed.query)
    if str(query.pop("pgbouncer", "")).lower() in _TRUE:
        connect_args["prepare_threshold"] = None
    if "connect_timeout" not in query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    parsed = parsed.set(query=query)
    return sa.create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args=connect_args,
    )


def _sqlite_engine(url: URL, pool_size: int) -> sa.Engine:
    database = url.database or ""
    if database in ("", ":memory:"):
        engine = sa.create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        directory = Path(database).expanduser().absolute().parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                f"cannot create {str(directory)!r} for the SQLite database: {exc.strerror or exc}; "
                "check data_dir (FEEDCORE_DATA_DIR) or the sqlite:// path in FEEDCORE_DATABASE_URL"
            ) from exc
        engine = sa.create_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            pool_timeout=10,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun by _begin below
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
            "synchronous=NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")

    return engine


class ShardMap:
    """Engines for the primaries (and replicas), and which database holds which shard."""

    def __init__(
        self,
        urls: list[str],
        replica_urls: list[str],
        pool_size: int,
        *,
        replica_max_lag: float = 0.1,
        replica_retry: float = 5.0,
    ) -> None:
        """``replica_urls``: none, or one entry per database in the same order, each the URLs of
        that database's replicas separated by ``|``. Raises ConfigurationError."""
        if not urls:
            raise ConfigurationError("the SQL store needs at least one database URL")
        if replica_urls and len(replica_urls) != len(urls):
            raise ConfigurationError(
                f"{len(replica_urls)} replica entries for {len(urls)} databases; give one per database "
                "(several replicas of one database separated by '|'), in the same order"
            )
        if replica_urls and normalize_url(urls[0]).get_backend_name() != "postgresql":
            raise ConfigurationError("read replicas need PostgreSQL (streaming replication)")
        self.primaries = [create_engine(u, pool_size) for u in urls]
        groups = [[u for u in entry.split("|") if u] for entry in replica_urls] or [[] for _ in urls]
        self.replicas = [
            ReplicaSet(
                db,
                primary,
                [create_engine(u, pool_size) for u in group],
                max_lag=replica_max_lag,
                retry=replica_retry,
            )
            for db, (primary, group) in enumerate(zip(self.primaries, groups, strict=True))
        ]

    def __len__(self) -> int:
        return len(self.primaries)

    @property
    def dialect(self) -> str:
        return self.primaries[0].dialect.name

    def db_of_shard(self, shard: int) -> int:
        """The index of the database that holds logical shard ``shard``."""
        return shard % len(self.primaries)

    def db_of(self, id_: int) -> int:
        """The index of the database that holds the row (or owner) with feedcore id ``id_``."""
        return database_of(id_, len(self.primaries))

    def group(self, ids: Iterable[int]) -> dict[int, list[int]]:
        """Distinct ``ids`` by database index, in first-seen order."""
        groups: dict[int, list[int]] = defaultdict(list)
        for id_ in dict.fromkeys(ids):
            groups[self.db_of(id_)].append(id_)
        return groups

    def engine(self, db: int) -> sa.Engine:
        """The primary of database ``db``."""
        return self.primaries[db]

    def engines(self) -> list[sa.Engine]:
        """Every engine, primaries first."""
        return self.primaries + [e for group in self.replicas for e in group.engines]

    def dispose(self) -> None:
        for engine in self.engines():
            engine.dispose()
