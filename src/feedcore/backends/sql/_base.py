"""What the store's parts share: transactions per database, error translation, the outbox insert."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ... import blocking
from ...events import Event, from_record, to_record
from ...ids import shard_of
from ._errors import translate_errors
from .schema import outbox, users
from .shards import WRITE_OPTION, ShardMap

__all__ = ["SqlBase", "chunks", "scalars_of", "translate_errors"]

T = TypeVar("T")

IN_CHUNK = 500
"""Ids per ``IN (...)`` list, well under SQLite's and PostgreSQL's bound-parameter limits."""


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def scalars_of(queries: Sequence[sa.Executable]) -> Callable[[sa.Connection], list[Any]]:
    """A read that runs ``queries`` in turn and returns their first columns, concatenated."""
    return lambda conn: [value for query in queries for value in conn.execute(query).scalars()]


def outbox_row(event: Event, shard: int) -> dict[str, Any]:
    """The outbox row of ``event``, a change on logical ``shard``: the columns of its record,
    with the schema version kept in the payload (see :func:`event_of_row`)."""
    record = to_record(event)
    payload = {**record["payload"], _VERSION_KEY: record["v"]}
    return {
        "id": event.id,
        "type": event.type,
        "key": event.key,
        "payload": payload,
        "created_at": event.created_at,
        "shard": shard,
    }


_VERSION_KEY = "__v"
"""Payload key of the schema version in an outbox row (rows written before versions have none: 1)."""


def event_of_row(row: sa.Row[Any]) -> Event:
    """The event of an outbox row, or Undecodable saying why not."""
    m = row._mapping
    payload = dict(m["payload"]) if isinstance(m["payload"], dict) else m["payload"]
    version = payload.pop(_VERSION_KEY, 1) if isinstance(payload, dict) else 1
    return from_record(
        {
            "id": m["id"],
            "type": m["type"],
            "v": version,
            "key": m["key"],
            "created_at": m["created_at"],
            "payload": payload,
        }
    )


class SqlBase:
    """Base of the store's mixins. Subclasses set ``_shards``."""

    _shards: ShardMap

    @contextlib.contextmanager
    def _read(self, db: int, what: str) -> Iterator[sa.Connection]:
        """A connection to primary ``db`` for reading."""
        blocking.check(what)
        with translate_errors(what), self._shards.engine(db).connect() as conn:
            yield conn

    def _read_replica(self, db: int, what: str, query: Callable[[sa.Connection], T]) -> T:
        """``query(connection)`` on a replica of ``db`` that has every write committed before
        the call began, else on the primary (see :mod:`.replicas`)."""
        blocking.check(what)
        return self._shards.replicas[db].read(what, query)

    @contextlib.contextmanager
    def _write(self, db: int, what: str) -> Iterator[sa.Connection]:
        """A transaction on primary ``db``: committed if the block returns, rolled back if it raises."""
        blocking.check(what)
        with translate_errors(what), self._shards.engine(db).connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    def _execute_alone(self, db: int, what: str, statement: sa.Executable, params: dict[str, Any]) -> Any:
        """Run one statement that is atomic by itself in autocommit (no BEGIN and COMMIT round
        trips); returns its scalar result."""
        blocking.check(what)
        with translate_errors(what), self._shards.engine(db).connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            return conn.execute(statement, params).scalar_one()

    def _upsert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
        """An ``INSERT`` into ``table`` that can take ``ON CONFLICT`` clauses (in this dialect)."""
        if self._shards.dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    def _insert_ignore(self, table: sa.Table, values: dict[str, Any]) -> sa.Insert:
        """``INSERT ... ON CONFLICT DO NOTHING``; its rowcount says whether a row went in."""
        stmt: sa.Insert = self._upsert(table).values(values).on_conflict_do_nothing()
        return stmt.execution_options(preserve_rowcount=True)

    @staticmethod
    def _emit(conn: sa.Connection, events: Sequence[Event], shard: int) -> None:
        """Write ``events`` to the outbox inside ``conn``'s transaction."""
        if events:
            conn.execute(outbox.insert(), [outbox_row(e, shard) for e in events])

    def _changed(self, conn: sa.Connection, result: sa.CursorResult[Any], events: Sequence[Event], id_: int) -> bool:
        """True, writing ``events`` on ``id_``'s shard, if ``result`` touched a row."""
        if result.rowcount == 0:
            return False
        self._emit(conn, events, shard_of(id_))
        return True

    @staticmethod
    def _bump(conn: sa.Connection, user_id: int, column: str, delta: int) -> None:
        """Add ``delta`` to counter ``column`` of ``user_id`` (a row on ``conn``'s database)."""
        conn.execute(users.update().where(users.c.id == user_id).values({column: users.c[column] + delta}))

    def _ascending_everywhere(
        self, what: str, column: sa.ColumnElement[int], where: sa.ColumnElement[bool], after: int | None, limit: int
    ) -> list[int]:
        """The smallest ``limit`` values of ``column`` above ``after`` in rows matching
        ``where``, across every database (primaries), ascending."""
        query = sa.select(column).where(where).order_by(column).limit(limit)
        if after is not None:
            query = query.where(column > after)
        found: list[int] = []
        for db in range(len(self._shards)):
            with self._read(db, what) as conn:
                found += conn.execute(query).scalars()
        return sorted(found)[:limit]

    def _select_many(self, ids: Iterable[int], what: str, query: Any) -> list[sa.Row[Any]]:
        """Rows of ``query(chunk_of_ids)`` for ``ids`` spread over the databases (primaries)."""
        rows: list[sa.Row[Any]] = []
        for db, group in self._shards.group(ids).items():
            with self._read(db, what) as conn:
                for part in chunks(group):
                    rows += conn.execute(query(part)).all()
        return rows
