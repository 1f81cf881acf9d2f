"""SessionStore on SQL: refresh sessions in the first database, so they survive restarts.

The embedded default keeps sessions here rather than in its in-process cache. Expired rows are
skipped on read and purged as new sessions are created.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import sqlalchemy as sa

from ...model import Session
from ...ports import SessionStore
from ._base import SqlBase
from .schema import sessions

__all__ = ["SqlSessions"]

_SESSIONS_DB = 0


class SqlSessions(SqlBase, SessionStore):
    _clock: Callable[[], float]

    def create_session(self, session: Session) -> None:
        with self._write(_SESSIONS_DB, "create session") as conn:
            conn.execute(sessions.delete().where(sessions.c.expires_at <= self._clock()))
            conn.execute(sessions.insert().values(attrs.asdict(session)))

    def get_session(self, session_id: str) -> Session | None:
        query = sa.select(sessions).where(sessions.c.id == session_id, sessions.c.expires_at > self._clock())
        with self._read(_SESSIONS_DB, "get session") as conn:
            row = conn.execute(query).first()
        return Session(**row._mapping) if row else None

    def revoke_session(self, session_id: str) -> bool:
        live = sa.and_(sessions.c.id == session_id, sessions.c.expires_at > self._clock())
        with self._write(_SESSIONS_DB, "revoke session") as conn:
            live_before = conn.execute(sa.select(sessions.c.id).where(live)).first() is not None
            conn.execute(sessions.delete().where(sessions.c.id == session_id))
        return live_before
