"""One JSON error shape for every failure: ``{"error": {"code", "message"[, "field"]}}``.

feedcore errors map by class; unknown paths (404), wrong methods (405) and anything
unexpected (a logged 500) take the same shape, so clients never see an HTML or text page.
The authorization server's endpoints answer in OAuth's own shape instead (RFC 6749 section
5.2: ``{"error", "error_description"}``), see :func:`oauth_error_response`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from msgspec import UNSET

from feedcore.errors import (
    Conflict,
    FeedcoreError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    TooLarge,
    Unauthorized,
    Unavailable,
    UnsupportedMedia,
)

from .ratelimit import retry_after_seconds
from .responses import Response, encode
from .wire import Error, ErrorDetail
from .wire_oauth import OAuthError

__all__ = ["NO_STORE", "STATUS", "error_json", "error_response", "oauth_error_response"]

log = logging.getLogger("feedcore.http")

STATUS: dict[type[FeedcoreError], int] = {
    InvalidInput: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    UnsupportedMedia: 415,
    RateLimited: 429,
    Unavailable: 503,
}


def error_json(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None, field: str | None = None
) -> Response:
    detail = ErrorDetail(code, message, UNSET if field is None else field)
    return Response(status, encode(Error(detail)), headers=headers)


def _status_of(exc: FeedcoreError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500  # ConfigurationError and the bare base: a server-side fault


def error_response(exc: Exception, headers: Mapping[str, str] | None = None) -> Response:
    """The response for ``exc``; unknown exceptions are logged and become a JSON 500."""
    extra = dict(headers or {})
    if isinstance(exc, FeedcoreError):
        status = _status_of(exc)
        if isinstance(exc, Unauthorized):
            # RFC 6750: no error attribute when the request carried no credentials
            challenge = 'Bearer realm="feedcore"'
            extra["WWW-Authenticate"] = (
                challenge if exc.code == "unauthorized" else f'{challenge}, error="invalid_token"'
            )
        elif isinstance(exc, Forbidden) and exc.code == "insufficient_scope":
            extra["WWW-Authenticate"] = 'Bearer realm="feedcore", error="insufficient_scope"'
        elif isinstance(exc, RateLimited):
            extra["Retry-After"] = str(retry_after_seconds(exc.retry_after))
        elif isinstance(exc, Unavailable):
            extra["Retry-After"] = "1"
        if status == 500:
            log.error("server-side feedcore error: %s", exc, exc_info=exc)
            return error_json(500, "internal_error", "the server failed to handle the request", extra)
        return error_json(status, exc.code, exc.message, extra, getattr(exc, "field", None))
    log.error("unhandled error", exc_info=exc)
    return error_json(500, "internal_error", "the server failed to handle the request", extra)


NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
"""What every answer of the authorization server carries (RFC 6749 section 5.1)."""


def oauth_error_response(exc: Exception, headers: Mapping[str, str] | None = None) -> Response:
    """``exc`` as an RFC 6749 error: input the schema refused keeps its (OAuth) code, other
    client errors are ``invalid_request``, a backend down ``temporarily_unavailable``."""
    extra = {**(headers or {}), **NO_STORE}
    status = _status_of(exc) if isinstance(exc, FeedcoreError) else 500
    if isinstance(exc, FeedcoreError) and status < 500:
        error = exc.code if isinstance(exc, InvalidInput) else "invalid_request"
        return Response(status, encode(OAuthError(error, exc.message)), headers=extra)
    if isinstance(exc, Unavailable):
        extra["Retry-After"] = "1"
        return Response(503, encode(OAuthError("temporarily_unavailable", exc.message)), headers=extra)
    log.error("unhandled error", exc_info=exc)
    return Response(500, encode(OAuthError("server_error", "the server failed to handle the request")), headers=extra)
