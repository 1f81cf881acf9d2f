"""The authorization server's ports for :class:`~feedcore.backends.memory.store.MemoryStore`
(a mixin; the store's lock). Expired sessions and codes vanish when read."""

from __future__ import annotations

from typing import Any

import attrs

from ...errors import Conflict
from ...model import AuthorizationCode, Client, Session
from ...ports import ClientStore, CodeStore, SessionStore

__all__ = ["MemoryAuth"]


class MemoryAuth(ClientStore, SessionStore, CodeStore):
    """Expects ``_open`` from MemoryStore; keeps its own tables."""

    _open: Any

    def __init__(self) -> None:
        self._clients: dict[str, Client] = {}
        self._sessions: dict[int, Session] = {}
        self._codes: dict[int, AuthorizationCode] = {}

    # -- ClientStore ----------------------------------------------------------------------

    def create_client(self, client: Client) -> None:
        with self._open():
            if client.id in self._clients:
                raise Conflict(f"client {client.id!r} exists")
            self._clients[client.id] = client

    def get_client(self, client_id: str) -> Client | None:
        with self._open():
            return self._clients.get(client_id)

    def delete_client(self, client_id: str) -> bool:
        with self._open():
            return self._clients.pop(client_id, None) is not None

    # -- SessionStore ---------------------------------------------------------------------

    def create_session(self, session: Session) -> None:
        with self._open():
            self._sessions = {k: s for k, s in self._sessions.items() if s.expires_at > session.created_at}
            if session.id in self._sessions:
                raise Conflict(f"session {session.id} exists")
            self._sessions[session.id] = session

    def _live(self, session_id: int, now: float) -> Session | None:
        session = self._sessions.get(session_id)
        return session if session is not None and session.expires_at > now else None

    def get_session(self, session_id: int, now: float) -> Session | None:
        with self._open():
            return self._live(session_id, now)

    def sessions_of(self, user_id: int, now: float) -> list[Session]:
        with self._open():
            found = [s for s in self._sessions.values() if s.user_id == user_id and s.expires_at > now]
        return sorted(found, key=lambda s: s.id, reverse=True)

    def rotate_refresh(
        self, session_id: int, refresh_gen: int, refresh_hash: str, expires_at: float, now: float
    ) -> bool:
        with self._open():
            session = self._live(session_id, now)
            if session is None or session.family_hash is None or session.refresh_gen != refresh_gen:
                return False
            self._sessions[session_id] = attrs.evolve(
                session, refresh_gen=refresh_gen + 1, refresh_hash=refresh_hash, expires_at=expires_at
            )
            return True

    def revoke_session(self, session_id: int) -> bool:
        with self._open():
            return self._sessions.pop(session_id, None) is not None

    def revoke_sessions_of(self, user_id: int, keep: int | None = None) -> list[int]:
        with self._open():
            ids = [k for k, s in self._sessions.items() if s.user_id == user_id and k != keep]
            for k in ids:
                del self._sessions[k]
            return ids

    def revoke_sessions_of_client(self, client_id: str) -> list[int]:
        with self._open():
            ids = [k for k, s in self._sessions.items() if s.client_id == client_id]
            for k in ids:
                del self._sessions[k]
            return ids

    # -- CodeStore ------------------------------------------------------------------------

    def save_code(self, code: AuthorizationCode) -> None:
        with self._open():
            self._codes = {k: c for k, c in self._codes.items() if c.expires_at > code.created_at}
            if code.id in self._codes:
                raise Conflict(f"authorization code {code.id} exists")
            self._codes[code.id] = code

    def use_code(self, code_id: int, secret_hash: str, now: float) -> AuthorizationCode | None:
        with self._open():
            code = self._codes.get(code_id)
            if code is None or code.expires_at <= now or code.secret_hash != secret_hash:
                return None
            if code.used_at is None:
                self._codes[code_id] = attrs.evolve(code, used_at=now)
            return code
