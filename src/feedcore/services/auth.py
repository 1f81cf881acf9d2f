"""Sign-in with a password, the tokens a user holds, and the user's sessions."""

from __future__ import annotations

import secrets

from ..errors import NotFound, Unauthorized
from ..model import Principal, Session, Tokens
from ..passwords import hash_password, verify_password
from ..scopes import USER_SCOPES, scope_text
from ..validation import is_handle
from .deps import Deps
from .tokens import TokenService

__all__ = ["WEB_CLIENT_ID", "AuthService"]

WEB_CLIENT_ID = "feedcore-web"
"""The built-in first-party public client: the bundled web app, and password sign-ins that name no client."""


class AuthService:
    def __init__(self, deps: Deps, tokens: TokenService) -> None:
        self._deps = deps
        self._tokens = tokens
        # verified against when the handle is unknown, so timing does not reveal which handles exist
        self._dummy_hash = hash_password(secrets.token_hex(8), deps.settings.password_cost)

    def login(self, handle: str, password: str, *, client_id: str = WEB_CLIENT_ID, scope: str | None = None) -> Tokens:
        """Tokens (with a refresh token) for a correct handle and password, scoped to ``scope``
        (default: every scope a user can grant). Raises Unauthorized (code ``invalid_grant``)."""
        return self.issue(self.check_password(handle, password), client_id=client_id, scope=scope)

    def issue(self, user_id: int, *, client_id: str = WEB_CLIENT_ID, scope: str | None = None) -> Tokens:
        """Tokens (with a refresh token) for ``user_id`` without a password: a new session, as
        a login makes, scoped as :meth:`login`. For trusted callers only (seeding, benchmarks,
        admin tools, an embedding app's own sign-in); the user is not checked."""
        granted = self._tokens.narrow(scope_text(USER_SCOPES), scope)
        return self._tokens.open_session(user_id, client_id, granted, refresh=True)

    def check_password(self, handle: str, password: str) -> int:
        """The id of the user ``handle`` if ``password`` is theirs. Raises Unauthorized
        (code ``invalid_grant``), taking as long for an unknown handle as for a wrong password."""
        d = self._deps
        user = d.users.user_by_handle(handle) if is_handle(handle) else None
        stored = d.users.password_hash(user.id) if user else None
        ok = verify_password(password if isinstance(password, str) else "", stored or self._dummy_hash)
        if user is None or stored is None or not ok:
            raise Unauthorized("wrong handle or password", code="invalid_grant")
        return user.id

    def verify(self, access_token: str) -> Principal:
        """Who an access token speaks for. Raises Unauthorized if it is malformed, expired, or
        its session was revoked."""
        return self._tokens.verify(access_token)

    def refresh(self, refresh_token: str, scope: str | None = None) -> Tokens:
        """New tokens for a live refresh token; the old one is spent (rotation), and reusing a
        spent one revokes its session. Raises Unauthorized (code ``invalid_grant``)."""
        return self._tokens.refresh(refresh_token, scope=scope)

    def logout(self, refresh_token: str) -> None:
        """Revoke the session of ``refresh_token``; its access tokens stop working too.
        Raises Unauthorized (code ``invalid_grant``) for a token of no live session."""
        self._tokens.revoke_session(self._tokens.refresh_session(refresh_token).id)

    def revoke(self, token: str) -> None:
        """Revoke the session of a refresh or access token (RFC 7009: unknown tokens are not an error)."""
        session = self._tokens.session_of(token)
        if session is not None:
            self._tokens.revoke_session(session.id)

    def sessions(self, user_id: int) -> list[Session]:
        """The user's live sessions, newest first."""
        return self._deps.sessions.sessions_of(user_id, self._deps.clock())

    def end_session(self, user_id: int, session_id: int) -> None:
        """Revoke one of the user's sessions. Raises NotFound if they have no such live session."""
        session = self._deps.sessions.get_session(session_id, self._deps.clock())
        if session is None or session.user_id != user_id:
            raise NotFound(f"no session {session_id}")
        self._tokens.revoke_session(session_id)
