"""Login, signed access tokens (JWT, HS256), revocable refresh sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, cast

import jwt

from ..errors import Unauthorized
from ..model import Session, Tokens
from ..passwords import hash_password, verify_password
from ..validation import is_handle
from .deps import Deps

__all__ = ["AuthService"]

_ALGORITHM = "HS256"
_SESSION_KIND = "session"
_TOKEN_KIND = "token"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class AuthService:
    def __init__(self, deps: Deps, secret_key: str) -> None:
        self._deps = deps
        self._key = secret_key
        # verified against when the handle is unknown, so timing does not reveal which handles exist
        self._dummy_hash = hash_password(secrets.token_hex(8), deps.settings.password_cost)

    def login(self, handle: str, password: str) -> Tokens:
        """Tokens for a correct handle and password. Raises Unauthorized."""
        d = self._deps
        user = d.users.user_by_handle(handle) if is_handle(handle) else None
        stored = d.users.password_hash(user.id) if user else None
        ok = verify_password(password if isinstance(password, str) else "", stored or self._dummy_hash)
        if user is None or stored is None or not ok:
            raise Unauthorized("wrong handle or password", code="invalid_grant")
        return self.issue(user.id)

    def verify(self, access_token: str) -> int:
        """The user id an access token belongs to. Raises Unauthorized if it is malformed,
        expired, or its session was revoked."""
        claims = self._claims(access_token)
        if claims["exp"] <= self._deps.clock():
            raise Unauthorized("access token expired", code="token_expired")
        if claims.get("typ") != "access" or not self._session_alive(str(claims["sid"])):
            raise Unauthorized("access token revoked", code="invalid_token")
        return int(claims["sub"])

    def refresh(self, refresh_token: str) -> Tokens:
        """New tokens for a live refresh token; the old one is revoked (rotation). Raises Unauthorized."""
        session = self._session_of(refresh_token)
        self._revoke(session.id)
        return self.issue(session.user_id)

    def logout(self, refresh_token: str) -> None:
        """Revoke the session of ``refresh_token``; its access tokens stop working too."""
        self._revoke(self._session_of(refresh_token).id)

    def revoke(self, token: str) -> None:
        """Revoke a refresh or access token's session (RFC 7009: unknown tokens are not an error)."""
        try:
            claims = jwt.decode(
                token, self._key, algorithms=[_ALGORITHM], options={"verify_exp": False, "verify_iat": False}
            )
            self._revoke(str(claims.get("sid", "")))
        except jwt.PyJWTError:
            try:
                self.logout(token)
            except Unauthorized:
                pass

    def _claims(self, access_token: str) -> dict[str, Any]:
        """The claims of a well-signed token. Tokens already verified by this process are kept
        in the near cache (the HMAC check and JSON parsing are most of a token's cost)."""
        d, key = self._deps, (_TOKEN_KIND, access_token)
        known = d.near.get_many([key])
        if known:
            return cast("dict[str, Any]", known[key])
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
        d.near.set_many({key: claims})
        return claims

    def _session_alive(self, sid: str) -> bool:
        """Whether session ``sid`` is live; a yes is kept in the near cache (a revocation made
        by another process applies here within ``near_cache_ttl``)."""
        d, key = self._deps, (_SESSION_KIND, sid)
        if d.near.get_many([key]):
            return True
        if d.sessions.get_session(sid) is None:
            return False
        d.near.set_many({key: True})
        return True

    def _revoke(self, sid: str) -> None:
        self._deps.near.delete_many([(_SESSION_KIND, sid)])
        self._deps.sessions.revoke_session(sid)

    def _session_of(self, refresh_token: str) -> Session:
        sid, _, secret = (refresh_token if isinstance(refresh_token, str) else "").partition(".")
        session = self._deps.sessions.get_session(sid) if sid and secret else None
        if session is None or not hmac.compare_digest(session.secret_hash, _digest(secret)):
            raise Unauthorized("invalid or revoked refresh token", code="invalid_grant")
        return session

    def issue(self, user_id: int) -> Tokens:
        """Tokens for ``user_id`` without a password: a new session, as a login makes. For
        trusted callers only (seeding, benchmarks, admin tools); the user is not checked."""
        d = self._deps
        now = d.clock()
        sid, secret = secrets.token_urlsafe(16), secrets.token_urlsafe(32)
        d.sessions.create_session(
            Session(
                id=sid,
                user_id=user_id,
                secret_hash=_digest(secret),
                created_at=now,
                expires_at=now + d.settings.refresh_token_ttl,
            )
        )
        ttl = d.settings.access_token_ttl
        claims = {"sub": str(user_id), "sid": sid, "typ": "access", "iat": int(now), "exp": int(now) + ttl}
        return Tokens(
            access_token=jwt.encode(claims, self._key, algorithm=_ALGORITHM),
            refresh_token=f"{sid}.{secret}",
            expires_in=ttl,
        )
