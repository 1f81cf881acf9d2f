"""The authorization server's ports on SQL: clients on the first database, sessions and
authorization codes on the shard their ids name. Expired rows are skipped on read and purged
from a database as new ones are written there."""

from __future__ import annotations

from typing import Any

import attrs
import sqlalchemy as sa

from ...model import AuthorizationCode, Client, Session
from ...ports import ClientStore, CodeStore, SessionStore
from ._base import SqlBase
from .schema import authorization_codes, clients, sessions

__all__ = ["SqlAuth"]

_CLIENTS_DB = 0


def _client_from_row(row: sa.Row[Any]) -> Client:
    m = row._mapping
    return Client(**{**m, **{k: tuple(m[k]) for k in ("redirect_uris", "scopes", "grant_types")}})


class SqlAuth(SqlBase, ClientStore, SessionStore, CodeStore):
    # -- ClientStore ----------------------------------------------------------------------

    def create_client(self, client: Client) -> None:
        with self._write(_CLIENTS_DB, "create client") as conn:
            conn.execute(clients.insert().values({k: _jsonable(v) for k, v in attrs.asdict(client).items()}))

    def get_client(self, client_id: str) -> Client | None:
        with self._read(_CLIENTS_DB, "get client") as conn:
            row = conn.execute(sa.select(clients).where(clients.c.id == client_id)).first()
        return _client_from_row(row) if row else None

    def delete_client(self, client_id: str) -> bool:
        with self._write(_CLIENTS_DB, "delete client") as conn:
            return conn.execute(clients.delete().where(clients.c.id == client_id)).rowcount > 0

    # -- SessionStore ---------------------------------------------------------------------

    def create_session(self, session: Session) -> None:
        with self._write(self._shards.db_of(session.id), "create session") as conn:
            conn.execute(sessions.delete().where(sessions.c.expires_at <= session.created_at))
            conn.execute(sessions.insert().values(attrs.asdict(session)))

    def get_session(self, session_id: int, now: float) -> Session | None:
        query = sa.select(sessions).where(sessions.c.id == session_id, sessions.c.expires_at > now)
        with self._read(self._shards.db_of(session_id), "get session") as conn:
            row = conn.execute(query).first()
        return Session(**row._mapping) if row else None

    def sessions_of(self, user_id: int, now: float) -> list[Session]:
        query = (
            sa.select(sessions)
            .where(sessions.c.user_id == user_id, sessions.c.expires_at > now)
            .order_by(sessions.c.id.desc())
        )
        with self._read(self._shards.db_of(user_id), "list sessions") as conn:
            return [Session(**row._mapping) for row in conn.execute(query)]

    def rotate_refresh(
        self, session_id: int, refresh_gen: int, refresh_hash: str, expires_at: float, now: float
    ) -> bool:
        c = sessions.c
        statement = (
            sessions.update()
            .where(c.id == session_id, c.refresh_gen == refresh_gen, c.expires_at > now, c.family_hash.is_not(None))
            .values(refresh_gen=refresh_gen + 1, refresh_hash=refresh_hash, expires_at=expires_at)
        )
        with self._write(self._shards.db_of(session_id), "rotate refresh token") as conn:
            return conn.execute(statement).rowcount > 0

    def revoke_session(self, session_id: int) -> bool:
        with self._write(self._shards.db_of(session_id), "revoke session") as conn:
            return conn.execute(sessions.delete().where(sessions.c.id == session_id)).rowcount > 0

    def revoke_sessions_of(self, user_id: int, keep: int | None = None) -> list[int]:
        where = sessions.c.user_id == user_id
        if keep is not None:
            where = sa.and_(where, sessions.c.id != keep)
        with self._write(self._shards.db_of(user_id), "revoke sessions") as conn:
            ids = list(conn.execute(sa.select(sessions.c.id).where(where)).scalars())
            conn.execute(sessions.delete().where(sessions.c.id.in_(ids)))
        return ids

    def revoke_sessions_of_client(self, client_id: str) -> list[int]:
        issued = sessions.c.client_id == client_id  # a rare, operator-sized scan: no index
        ids: list[int] = []
        for db in range(len(self._shards)):
            with self._write(db, "revoke sessions of client") as conn:
                found = list(conn.execute(sa.select(sessions.c.id).where(issued)).scalars())
                conn.execute(sessions.delete().where(sessions.c.id.in_(found)))
            ids += found
        return ids

    # -- CodeStore ------------------------------------------------------------------------

    def save_code(self, code: AuthorizationCode) -> None:
        table = authorization_codes
        with self._write(self._shards.db_of(code.id), "save authorization code") as conn:
            conn.execute(table.delete().where(table.c.expires_at <= code.created_at))
            conn.execute(table.insert().values(attrs.asdict(code)))

    def use_code(self, code_id: int, secret_hash: str, now: float) -> AuthorizationCode | None:
        c = authorization_codes.c
        live = sa.and_(c.id == code_id, c.secret_hash == secret_hash, c.expires_at > now)
        with self._write(self._shards.db_of(code_id), "use authorization code") as conn:
            row = conn.execute(sa.select(authorization_codes).where(live)).first()
            if row is None:
                return None
            code = AuthorizationCode(**row._mapping)
            first = conn.execute(
                authorization_codes.update().where(c.id == code_id, c.used_at.is_(None)).values(used_at=now)
            )
        # a concurrent first use may have committed between the read and the update
        return code if first.rowcount > 0 else attrs.evolve(code, used_at=code.used_at or now)


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
