"""What the store's parts share: transactions per database, error translation, the outbox insert."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ... import blocking
from ...errors import Conflict, InvalidInput, NotFound, Unavailable
from ...events import Event
from ...ids import shard_of
from .schema import outbox, users
from .shards import WRITE_OPTION, ShardMap

__all__ = ["SqlBase", "chunks", "translate_errors"]

T = TypeVar("T")

IN_CHUNK = 500
"""Ids per ``IN (...)`` list, well under SQLite's and PostgreSQL's bound-parameter limits."""


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextlib.contextmanager
def translate_errors(what: str) -> Iterator[None]:
    """Turn SQLAlchemy and driver errors into feedcore's; other exceptions pass unchanged."""
    try:
        yield
    except sa.exc.IntegrityError as exc:
        code = getattr(exc.orig, "sqlstate", None)
        if code == "23503" or "FOREIGN KEY" in str(exc.orig):
            raise NotFound(f"{what}: a row it refers to does not exist") from exc
        raise Conflict(f"{what}: it clashes with an existing row") from exc
    except sa.exc.DataError as exc:
        raise InvalidInput(f"{what}: a value does not fit its column") from exc
    except sa.exc.SQLAlchemyError as exc:  # OperationalError, InterfaceError, pool TimeoutError, ...
        raise Unavailable(
            f"{what}: the database failed ({type(exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc).__name__})"
        ) from exc


def outbox_row(event: Event, shard: int) -> dict[str, Any]:
    """The outbox row of ``event``, a change on logical ``shard``."""
    return {
        "id": event.id,
        "type": event.type,
        "key": event.key,
        "payload": dict(event.payload),
        "created_at": event.created_at,
        "shard": shard,
    }


class SqlBase:
    """Base of the store's mixins. Subclasses set ``_shards``."""

    _shards: ShardMap

    @contextlib.contextmanager
    def _read(self, db: int, what: str, replica: bool = False) -> Iterator[sa.Connection]:
        """A connection to database ``db`` (a replica if asked and configured) for reading."""
        blocking.check(what)
        with translate_errors(what), self._shards.engine(db, replica).connect() as conn:
            yield conn

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

    def _insert_ignore(self, table: sa.Table, values: dict[str, Any]) -> sa.Insert:
        """``INSERT ... ON CONFLICT DO NOTHING``; its rowcount says whether a row went in."""
        dialect = postgresql if self._shards.dialect == "postgresql" else sqlite
        stmt: sa.Insert = dialect.insert(table).values(values).on_conflict_do_nothing()
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

    def _select_many(self, ids: Iterable[int], what: str, query: Any) -> list[sa.Row[Any]]:
        """Rows of ``query(chunk_of_ids)`` for ``ids`` spread over the databases (primaries)."""
        rows: list[sa.Row[Any]] = []
        for db, group in self._shards.group(ids).items():
            with self._read(db, what) as conn:
                for part in chunks(group):
                    rows += conn.execute(query(part)).all()
        return rows
