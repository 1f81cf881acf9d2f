"""Sign-in with a password, the tokens a user holds, and the user's sessions."""

from __future__ import annotations

import hmac
import secrets

from ..errors import NotFound, Unauthorized
from ..events import UserDeleted
from ..ids import shard_of
from ..model import Principal, Session, Tokens
from ..passwords import hash_password, verify_password
from ..ports import SessionStore, UserStore
from ..scopes import USER_SCOPES, scope_text
from ..settings import Settings
from ..validation import check_password as check_new_password
from ..validation import is_handle
from .hydration import Hydrator
from .recorder import Recorder
from .throttle import SignInThrottle
from .tokens import TokenService

__all__ = ["SIGNIN_TTL", "WEB_CLIENT_ID", "AuthService"]

WEB_CLIENT_ID = "feedcore-web"
"""The built-in first-party public client: the bundled web app, and password sign-ins that name no client."""
SIGNIN_TTL = 12 * 3600.0
"""How long a browser stays signed in at the authorization server's pages."""


class AuthService:
    def __init__(
        self,
        users: UserStore,
        sessions: SessionStore,
        recorder: Recorder,
        tokens: TokenService,
        throttle: SignInThrottle,
        hydrator: Hydrator,
        settings: Settings,
    ) -> None:
        self._users = users
        self._sessions = sessions
        self._recorder = recorder
        self._clock = recorder.clock
        self._tokens = tokens
        self._throttle = throttle
        self._hydrator = hydrator
        self._settings = settings
        # verified against when the handle is unknown, so timing does not reveal which handles exist
        self._dummy_hash = hash_password(secrets.token_hex(8), self._settings.password_cost)

    def login(
        self,
        handle: str,
        password: str,
        *,
        client_id: str = WEB_CLIENT_ID,
        scope: str | None = None,
        address: str = "",
    ) -> Tokens:
        """Tokens (with a refresh token) for a correct handle and password, scoped to ``scope``
        (default: every scope a user can grant). ``address`` is the client's IP address, for
        throttling. Raises Unauthorized (code ``invalid_grant``) or RateLimited."""
        return self.issue(self.check_password(handle, password, address=address), client_id=client_id, scope=scope)

    def issue(self, user_id: int, *, client_id: str = WEB_CLIENT_ID, scope: str | None = None) -> Tokens:
        """Tokens (with a refresh token) for ``user_id`` without a password: a new session, as
        a login makes, scoped as :meth:`login`. For trusted callers only (seeding, benchmarks,
        admin tools, an embedding app's own sign-in); the user is not checked."""
        granted = self._tokens.narrow(scope_text(USER_SCOPES), scope)
        return self._tokens.open_session(user_id, client_id, granted, refresh=True)

    def check_password(self, handle: str, password: str, *, address: str = "") -> int:
        """The id of the user ``handle`` if ``password`` is theirs, re-hashing it if it was
        hashed at another cost. Raises RateLimited while sign-ins as ``handle`` from ``address``
        are throttled (see :mod:`~feedcore.services.throttle`), else Unauthorized (code
        ``invalid_grant``), taking as long for an unknown handle as for a wrong password."""
        known = is_handle(handle)
        if known:
            self._throttle.check(handle, address)
        user = self._users.user_by_handle(handle) if known else None
        stored = self._users.password_hash(user.id) if user else None
        text = password if isinstance(password, str) else ""
        ok, stale = verify_password(text, stored or self._dummy_hash, self._settings.password_cost)
        if user is None or stored is None or not ok:
            if known:
                self._throttle.failed(handle, address)
            raise Unauthorized("wrong handle or password", code="invalid_grant")
        self._throttle.succeeded(handle, address)
        if stale:
            self._users.set_password_hash(user.id, hash_password(text, self._settings.password_cost))
        return user.id

    def change_password(self, user_id: int, current: str, new: str, *, keep_session: int | None = None) -> None:
        """Set a new password after checking the current one, and end every other session of
        the user (all but ``keep_session``). Raises Unauthorized (code ``invalid_grant``),
        RateLimited, InvalidInput (a weak new password) or NotFound."""
        user = self._users.get_user(user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        self.check_password(user.handle, current, address=f"user:{user_id}")
        check_new_password(new, user.handle, self._settings.min_password_length)
        self._users.set_password_hash(user_id, hash_password(new, self._settings.password_cost))
        self._tokens.revoke_sessions_of(user_id, keep=keep_session)

    def delete_account(self, user_id: int, password: str) -> None:
        """Delete the account after checking its password: it disappears at once (its handle is
        free, every session ends) and the ``accounts`` consumer removes its posts, likes,
        comments, follows and media through events. Raises Unauthorized (code
        ``invalid_grant``), RateLimited or NotFound."""
        user = self._users.get_user(user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        self.check_password(user.handle, password, address=f"user:{user_id}")
        event = self._recorder.event(UserDeleted, shard_of(user_id), user_id=user_id)
        self._users.delete_user(user_id, self._clock(), [event])
        self._tokens.revoke_sessions_of(user_id)
        self._hydrator.refresh_users([user_id])
        self._recorder.committed()

    def sign_in(self, handle: str, password: str, *, address: str = "") -> str:
        """Sign a browser in at the authorization server's pages: a token for its cookie,
        valid :data:`SIGNIN_TTL` seconds. Raises as :meth:`check_password`."""
        return self._tokens.sign_in(self.check_password(handle, password, address=address), SIGNIN_TTL)

    def signed_in(self, token: str) -> Principal | None:
        """The browser sign-in a cookie's token names, if still live."""
        return self._tokens.signed_in(token) if isinstance(token, str) else None

    def sign_out(self, token: str) -> None:
        """End the browser sign-in a cookie's token names (nothing to do if it is not live)."""
        principal = self.signed_in(token)
        if principal is not None and principal.session_id is not None:
            self._tokens.revoke_session(principal.session_id)

    def csrf_token(self, nonce: str) -> str:
        """The anti-forgery token for forms of a browser whose cookie holds ``nonce``."""
        return self._tokens.sign("csrf", nonce)

    def check_csrf(self, nonce: str, token: str) -> bool:
        """Whether ``token`` is :meth:`csrf_token` of ``nonce`` (compared in constant time)."""
        ok = isinstance(nonce, str) and isinstance(token, str) and bool(nonce)
        return ok and hmac.compare_digest(self.csrf_token(nonce), token)

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
        return self._sessions.sessions_of(user_id, self._clock())

    def end_session(self, user_id: int, session_id: int) -> None:
        """Revoke one of the user's sessions. Raises NotFound if they have no such live session."""
        session = self._sessions.get_session(session_id, self._clock())
        if session is None or session.user_id != user_id:
            raise NotFound(f"no session {session_id}")
        self._tokens.revoke_session(session_id)
