"""One JSON error shape for every failure: ``{"error": {"code", "message"}}`` with its status.

feedcore errors map by class; Starlette's own 404/405 and anything unexpected (a 500) take
the same shape, so clients never see an HTML or plain-text error page.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

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

__all__ = ["STATUS", "error_json", "error_response", "http_exception_handler", "unexpected_error_handler"]

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

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 413: "too_large"}


def error_json(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=dict(headers or {}))


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
            extra["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
        elif isinstance(exc, Unavailable):
            extra["Retry-After"] = "1"
        if status == 500:
            log.error("server-side feedcore error: %s", exc, exc_info=exc)
            return error_json(500, "internal_error", "the server failed to handle the request", extra)
        return error_json(status, exc.code, exc.message, extra)
    log.error("unhandled error", exc_info=exc)
    return error_json(500, "internal_error", "the server failed to handle the request", extra)


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown route, wrong method) in the error shape."""
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = {404: f"no route {request.url.path}", 405: f"method {request.method} not allowed here"}.get(
        exc.status_code, str(exc.detail)
    )
    return error_json(exc.status_code, code, message, exc.headers)


async def unexpected_error_handler(request: Request, exc: Exception) -> Response:
    return error_response(exc)
