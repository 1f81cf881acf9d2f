"""Store ports of the authorization server: client applications, sessions, authorization codes.

They belong to the system of record (strongly consistent, durable): a lost cache costs no login.
Sessions and codes of a user live on the user's shard (their ids are made there); those of a
client credentials grant on the shard of the client id's hash. ``now`` is the caller's clock
(seconds since the epoch): rows whose ``expires_at`` is not after it are never returned.
"""

from __future__ import annotations

import abc

from ..model import AuthorizationCode, Client, Session
from .base import Backend

__all__ = ["ClientStore", "CodeStore", "SessionStore"]


class ClientStore(Backend):
    @abc.abstractmethod
    def create_client(self, client: Client) -> None:
        """Register ``client``. Raises Conflict if its id is taken."""

    @abc.abstractmethod
    def get_client(self, client_id: str) -> Client | None:
        """The registered client, or None."""

    @abc.abstractmethod
    def delete_client(self, client_id: str) -> bool:
        """Remove the client; False if there was none."""


class SessionStore(Backend):
    @abc.abstractmethod
    def create_session(self, session: Session) -> None:
        """Store ``session``. Raises Conflict if its id is taken."""

    @abc.abstractmethod
    def get_session(self, session_id: int, now: float) -> Session | None:
        """The live session, or None if unknown, expired or revoked."""

    @abc.abstractmethod
    def sessions_of(self, user_id: int, now: float) -> list[Session]:
        """The user's live sessions, newest first."""

    @abc.abstractmethod
    def rotate_refresh(
        self, session_id: int, refresh_gen: int, refresh_hash: str, expires_at: float, now: float
    ) -> bool:
        """Atomically replace the live session's refresh token of generation ``refresh_gen`` by
        generation ``refresh_gen + 1`` with ``refresh_hash``, and extend the session to
        ``expires_at``. False, changing nothing, if the session is not live or is no longer at
        that generation (another exchange of the same token won)."""

    @abc.abstractmethod
    def revoke_session(self, session_id: int) -> bool:
        """End the session; False if there was none."""

    @abc.abstractmethod
    def revoke_sessions_of(self, user_id: int, keep: int | None = None) -> list[int]:
        """End every session of the user except ``keep``; returns the ids ended."""

    @abc.abstractmethod
    def revoke_sessions_of_client(self, client_id: str) -> list[int]:
        """End every session issued to the client (of any user, on every shard); returns the
        ids ended."""


class CodeStore(Backend):
    @abc.abstractmethod
    def save_code(self, code: AuthorizationCode) -> None:
        """Store a new authorization code. Raises Conflict if its id is taken."""

    @abc.abstractmethod
    def use_code(self, code_id: int, secret_hash: str, now: float) -> AuthorizationCode | None:
        """Mark the unexpired code with ``secret_hash`` used at ``now`` and return it as it was
        before: ``used_at`` None on its first use, set on any later one (a replay). None, changing
        nothing, if unknown, expired or of another secret. Atomic: of concurrent first uses
        exactly one sees ``used_at`` None."""
