"""Tokens: sessions kept in the store and fronted by the cache, signed access tokens (JWT,
HS256), refresh tokens that rotate at each use and revoke their session when one is reused.

A session is live while its row is in the store. Verifying an access token costs, per process,
one HMAC check per ``near_cache_ttl``; the shared cache vouches for a live session for at most
:data:`VOUCH_TTL` seconds, so a lost cache costs a store read, never a login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any, cast

import attrs
import jwt

from ..errors import InvalidInput, Unauthorized, Unavailable
from ..ids import shard_for_handle, shard_of
from ..model import Principal, Session, Tokens
from ..nearcache import NearCache
from ..ports import ContentCache, SessionStore
from ..resilience import CircuitBreaker
from ..scopes import parse_scope, scope_text
from ..settings import Settings

__all__ = ["SIGNIN_CLIENT_ID", "VOUCH_TTL", "TokenService", "digest", "parse_credential"]

_ALGORITHM = "HS256"
_SESSION_KIND = "session"
_TOKEN_KIND = "token"
_USER_TOKEN, _CLIENT_TOKEN, _SIGNIN_TOKEN = "access", "client", "signin"
SIGNIN_CLIENT_ID = "feedcore-signin"
"""The client id of browser sign-ins at the authorization server's own pages."""
VOUCH_TTL = 300.0
"""Seconds the shared cache may vouch for a live session: bounds how long a revocation that
could not reach an unreachable cache goes unseen by processes that ask it."""


def digest(secret: str) -> str:
    """The SHA-256 hex digest kept in place of a high-entropy secret (never of a password)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_credential(text: object, parts: int) -> tuple[int, list[str]] | None:
    """``"<id>.<part>..."`` with ``parts`` dot-separated parts after a decimal id, or None."""
    if not isinstance(text, str) or len(text) > 512:
        return None
    head, *rest = text.split(".")
    if len(rest) != parts or not all(rest) or not (head.isascii() and head.isdigit() and len(head) <= 19):
        return None
    return int(head), rest


def _refresh_token(session: Session, family: str, secret: str) -> str:
    return f"{session.id}.{session.refresh_gen}.{family}.{secret}"


class TokenService:
    """Issues, verifies, rotates and revokes the tokens of sessions."""

    def __init__(
        self,
        sessions: SessionStore,
        content: ContentCache,
        near: NearCache[tuple[str, int | str], Any],
        cache_breaker: CircuitBreaker,
        clock: Callable[[], float],
        new_id: Callable[[int], int],
        settings: Settings,
        secret_key: str,
    ) -> None:
        self._sessions = sessions
        self._content = content
        self._near = near
        self._cache_breaker = cache_breaker
        self._clock = clock
        self._new_id = new_id
        self._settings = settings
        self._key = secret_key

    def new_session_id(self, user_id: int | None, client_id: str) -> int:
        """An id for a session of ``user_id`` (on the user's shard) or of a client alone."""
        return self._new_id(
            shard_of(user_id) if user_id is not None else shard_for_handle(client_id, self._settings.logical_shards)
        )

    def open_session(
        self, user_id: int | None, client_id: str, scope: str, *, refresh: bool, session_id: int | None = None
    ) -> Tokens:
        """Start a session and return its first tokens; with ``refresh``, a refresh token too
        (the session then lives ``refresh_token_ttl`` past its last refresh, else as long as
        its access token). Raises Conflict if ``session_id`` is taken."""
        now = self._clock()
        family, secret = secrets.token_urlsafe(16), secrets.token_urlsafe(32)
        life = self._settings.refresh_token_ttl if refresh else self._settings.access_token_ttl
        session = Session(
            id=session_id or self.new_session_id(user_id, client_id),
            user_id=user_id,
            client_id=client_id,
            scope=scope,
            created_at=now,
            expires_at=now + life,
            family_hash=digest(family) if refresh else None,
            refresh_hash=digest(secret) if refresh else None,
        )
        self._sessions.create_session(session)
        return self._tokens(session, scope, _refresh_token(session, family, secret) if refresh else None, now)

    def refresh(self, refresh_token: str, *, client_id: str | None = None, scope: str | None = None) -> Tokens:
        """New tokens for a live refresh token, which is spent (rotation). ``scope`` may narrow
        the granted scopes. Presenting a spent token of the session revokes the session.
        Raises Unauthorized (code ``invalid_grant``) or InvalidInput (code ``invalid_scope``)."""
        now = self._clock()
        session, gen, family, secret = self._refresh_parts(refresh_token, now)
        if client_id is not None and client_id != session.client_id:
            raise Unauthorized("the refresh token was issued to another client", code="invalid_grant")
        granted = self.narrow(session.scope, scope)
        current = gen == session.refresh_gen and hmac.compare_digest(session.refresh_hash or "", digest(secret))
        new_secret = secrets.token_urlsafe(32)
        expires_at = now + self._settings.refresh_token_ttl
        if not current or not self._sessions.rotate_refresh(session.id, gen, digest(new_secret), expires_at, now):
            self.revoke_session(session.id)
            raise Unauthorized(
                "the refresh token was used already (rotated), so its session is revoked", code="invalid_grant"
            )
        renewed = attrs.evolve(session, refresh_gen=gen + 1, expires_at=expires_at)
        return self._tokens(renewed, granted, _refresh_token(renewed, family, new_secret), now)

    @staticmethod
    def narrow(granted: str, requested: str | None) -> str:
        """``requested`` scopes if they are among ``granted`` (all of ``granted`` if None or
        empty). Raises InvalidInput (code ``invalid_scope``)."""
        if not requested:
            return granted
        wanted = parse_scope(requested)
        if not set(wanted) <= set(granted.split()):
            raise InvalidInput(f"scope {requested!r} exceeds the granted {granted!r}", code="invalid_scope")
        return scope_text(wanted)

    def verify(self, access_token: str) -> Principal:
        """Who ``access_token`` speaks for. Raises Unauthorized if it is malformed, expired,
        or its session was revoked."""
        claims = self._claims(access_token)
        if claims["exp"] <= self._clock():
            raise Unauthorized("access token expired", code="token_expired")
        try:
            sid, typ = int(claims["sid"]), claims.get("typ")
            principal = Principal(
                user_id=int(claims["sub"]) if typ == _USER_TOKEN else None,
                client_id=str(claims["client_id"]),
                scopes=frozenset(str(claims["scope"]).split()),
                session_id=sid,
            )
        except (KeyError, TypeError, ValueError):
            raise Unauthorized("invalid access token", code="invalid_token") from None
        if typ not in (_USER_TOKEN, _CLIENT_TOKEN) or not self._live(sid):
            raise Unauthorized("access token revoked", code="invalid_token")
        return principal

    def refresh_session(self, refresh_token: str) -> Session:
        """The live session of a refresh token of any generation. Raises Unauthorized (code
        ``invalid_grant``)."""
        return self._refresh_parts(refresh_token, self._clock())[0]

    def session_of(self, token: str) -> Session | None:
        """The live session a refresh token (of any generation) or an unexpired access token
        names, or None: what revocation (RFC 7009) looks up."""
        found = self.introspect(token)
        return found[0] if found else None

    def introspect(self, token: str) -> tuple[Session, dict[str, Any]] | None:
        """The live session a refresh or unexpired access token names, and what RFC 7662 says
        of the token (``token_type``, ``scope``, ``client_id``, ``sub``, ``iat``, ``exp``), or None."""
        now = self._clock()
        try:
            session = self.refresh_session(token)
            return session, self._describe(
                session, "refresh_token", session.scope, session.created_at, session.expires_at
            )
        except Unauthorized:
            pass
        try:
            claims = self._claims(token)
            sid, typ = int(claims["sid"]), claims.get("typ")
        except (Unauthorized, KeyError, TypeError, ValueError):
            return None
        found = self._sessions.get_session(sid, now) if claims["exp"] > now and typ != _SIGNIN_TOKEN else None
        if found is None:
            return None
        return found, self._describe(found, "Bearer", str(claims.get("scope", "")), claims.get("iat", 0), claims["exp"])

    @staticmethod
    def _describe(session: Session, kind: str, scope: str, issued: float, expires: float) -> dict[str, Any]:
        return {
            "token_type": kind,
            "scope": scope,
            "client_id": session.client_id,
            "sub": str(session.user_id) if session.user_id is not None else session.client_id,
            "iat": int(issued),
            "exp": int(expires),
        }

    def sign_in(self, user_id: int, life: float) -> str:
        """A token for a browser signed in at the authorization server's pages for ``life``
        seconds (a session of its own, listed and revocable like any other; it grants no API
        access)."""
        now = self._clock()
        session = Session(
            id=self.new_session_id(user_id, SIGNIN_CLIENT_ID),
            user_id=user_id,
            client_id=SIGNIN_CLIENT_ID,
            scope="",
            created_at=now,
            expires_at=now + life,
        )
        self._sessions.create_session(session)
        claims = {"sub": str(user_id), "typ": _SIGNIN_TOKEN, "sid": str(session.id), "exp": int(session.expires_at)}
        return jwt.encode(claims, self._key, algorithm=_ALGORITHM)

    def signed_in(self, token: str) -> Principal | None:
        """Who a :meth:`sign_in` token of a live session speaks for, or None."""
        try:
            claims = self._claims(token)
            sid, user_id = int(claims["sid"]), int(claims["sub"])
        except (Unauthorized, KeyError, TypeError, ValueError):
            return None
        if claims.get("typ") != _SIGNIN_TOKEN or claims["exp"] <= self._clock() or not self._live(sid):
            return None
        return Principal(user_id=user_id, client_id=SIGNIN_CLIENT_ID, scopes=frozenset(), session_id=sid)

    def sign(self, purpose: str, value: str) -> str:
        """An HMAC of ``value`` for ``purpose`` under the platform's key (e.g. a CSRF token)."""
        return hmac.new(self._key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def revoke_session(self, session_id: int) -> bool:
        """End the session: its refresh token and access tokens stop working (in other
        processes within ``near_cache_ttl``). False if it was not live."""
        ended = self._sessions.revoke_session(session_id)
        self._forget([session_id])
        return ended

    def revoke_sessions_of(self, user_id: int, keep: int | None = None) -> list[int]:
        """End every session of the user except ``keep``; returns their ids."""
        ended = self._sessions.revoke_sessions_of(user_id, keep)
        self._forget(ended)
        return ended

    def revoke_sessions_of_client(self, client_id: str) -> list[int]:
        """End every session issued to the client; returns their ids."""
        ended = self._sessions.revoke_sessions_of_client(client_id)
        self._forget(ended)
        return ended

    # -- internals ------------------------------------------------------------------------

    def _refresh_parts(self, refresh_token: str, now: float) -> tuple[Session, int, str, str]:
        """The live session, generation, family and secret of a refresh token whose family
        matches its session. Raises Unauthorized (code ``invalid_grant``)."""
        parsed = parse_credential(refresh_token, 3)
        session = None
        if parsed is not None and parsed[1][0].isascii() and parsed[1][0].isdigit():
            session = self._sessions.get_session(parsed[0], now)
        if (
            parsed is None
            or session is None
            or session.family_hash is None
            or not hmac.compare_digest(session.family_hash, digest(parsed[1][1]))
        ):
            raise Unauthorized("invalid, expired or revoked refresh token", code="invalid_grant")
        gen, family, secret = parsed[1]
        return session, int(gen), family, secret

    def _tokens(self, session: Session, scope: str, refresh_token: str | None, now: float) -> Tokens:
        ttl = self._settings.access_token_ttl
        claims = {
            "sub": str(session.user_id) if session.user_id is not None else session.client_id,
            "typ": _USER_TOKEN if session.user_id is not None else _CLIENT_TOKEN,
            "client_id": session.client_id,
            "scope": scope,
            "sid": str(session.id),
            "iat": int(now),
            "exp": int(now) + ttl,
        }
        return Tokens(
            access_token=jwt.encode(claims, self._key, algorithm=_ALGORITHM),
            refresh_token=refresh_token,
            expires_in=ttl,
            scope=scope,
        )

    def _claims(self, access_token: str) -> dict[str, Any]:
        """The claims of a well-signed token. Tokens already verified by this process are kept
        in the near cache (the HMAC check and JSON parsing are most of a token's cost)."""
        key = (_TOKEN_KIND, access_token)
        known = self._near.get_many([key])
        if known:
            return cast("dict[str, Any]", known[key])
        if not isinstance(access_token, str):
            raise Unauthorized("invalid access token", code="invalid_token")
        try:
            # expiry is checked against the injected clock by the caller, not the wall clock
            claims: dict[str, Any] = jwt.decode(
                access_token,
                self._key,
                algorithms=[_ALGORITHM],
                options={"require": ["exp", "sub", "sid"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError:
            raise Unauthorized("invalid access token", code="invalid_token") from None
        self._near.set_many({key: claims})
        return claims

    def _live(self, session_id: int) -> bool:
        """Whether the session is live: the near cache, then the shared cache, then the store.
        A yes from the store is kept in the shared cache for at most :data:`VOUCH_TTL`."""
        key = (_SESSION_KIND, session_id)
        if self._near.get_many([key]):
            return True
        try:
            vouched = bool(self._cache_breaker.call(self._content.get_many, _SESSION_KIND, [session_id]))
        except Unavailable:
            vouched = False
        if not vouched:
            now = self._clock()
            session = self._sessions.get_session(session_id, now)
            if session is None:
                return False
            ttl = min(VOUCH_TTL, session.expires_at - now)
            self._cache_breaker.best_effort(self._content.set_many, _SESSION_KIND, {session_id: b"1"}, ttl)
        self._near.set_many({key: True})
        return True

    def _forget(self, session_ids: list[int]) -> None:
        if session_ids:
            self._cache_breaker.best_effort(self._content.delete_many, _SESSION_KIND, session_ids)
            self._near.delete_many([(_SESSION_KIND, sid) for sid in session_ids])
