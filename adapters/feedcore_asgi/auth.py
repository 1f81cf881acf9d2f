"""Bearer tokens: read from the Authorization header, verified by the platform's AuthService."""

from __future__ import annotations

from feedcore import Platform
from feedcore.errors import Unauthorized
from feedcore.model import Principal

__all__ = ["bearer_token", "identify"]


def bearer_token(authorization: str | None) -> str | None:
    """The credentials of an ``Authorization`` header ("" for another scheme), None if absent."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def identify(platform: Platform, token: str | None) -> tuple[Principal | None, Unauthorized | None]:
    """``(principal, None)`` for a valid token, ``(None, error)`` for a bad one, ``(None, None)`` without."""
    if token is None:
        return None, None
    if not token:
        return None, Unauthorized("use an 'Authorization: Bearer <access token>' header", code="invalid_token")
    try:
        return platform.auth.verify(token), None
    except Unauthorized as exc:
        return None, exc
