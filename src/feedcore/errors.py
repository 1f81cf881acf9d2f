"""The one exception tree of feedcore.

Every error a caller can see derives from :class:`FeedcoreError`; backends translate
driver errors (``raise Unavailable(...) from exc``) so nothing raw escapes::

    FeedcoreError
    ├── InvalidInput        bad arguments; nothing was changed          (HTTP 400/422)
    ├── NotFound            the thing does not exist (or is deleted)   (HTTP 404)
    ├── Conflict            it clashes with existing state             (HTTP 409)
    ├── Unauthorized        missing, bad, expired or revoked token     (HTTP 401)
    ├── Forbidden           authenticated, but not allowed             (HTTP 403)
    ├── RateLimited         over the limit; see ``retry_after``        (HTTP 429)
    ├── TooLarge            a body or upload over its size limit       (HTTP 413)
    ├── UnsupportedMedia    a content type feedcore does not accept    (HTTP 415)
    ├── Unavailable         a backend cannot be reached right now      (HTTP 503)
    └── ConfigurationError  bad settings, unknown URL scheme, missing extra

Each class carries a stable snake_case ``code`` used in the HTTP error shape.
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "Conflict",
    "FeedcoreError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "RateLimited",
    "TooLarge",
    "Unauthorized",
    "Unavailable",
    "UnsupportedMedia",
]


class FeedcoreError(Exception):
    """Base of every error feedcore raises on purpose."""

    code = "feedcore_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(FeedcoreError):
    """The arguments are malformed or break a rule; nothing was changed."""

    code = "invalid_input"


class NotFound(FeedcoreError):
    """The user, post, comment, media or session does not exist."""

    code = "not_found"


class Conflict(FeedcoreError):
    """The change clashes with existing state, e.g. a taken handle."""

    code = "conflict"


class Unauthorized(FeedcoreError):
    """Credentials or token missing, wrong, expired or revoked."""

    code = "unauthorized"


class Forbidden(FeedcoreError):
    """The actor is known but may not do this."""

    code = "forbidden"


class RateLimited(FeedcoreError):
    """Too many requests; retry after ``retry_after`` seconds."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float, limit: int = 0, reset_after: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.limit = limit
        self.reset_after = reset_after


class TooLarge(FeedcoreError):
    """A body or upload exceeds its configured size limit."""

    code = "too_large"


class UnsupportedMedia(FeedcoreError):
    """The content type is not accepted, or the bytes do not match it."""

    code = "unsupported_media_type"


class Unavailable(FeedcoreError):
    """A backend cannot be reached or failed; the operation may be retried."""

    code = "unavailable"


class ConfigurationError(FeedcoreError):
    """Settings are wrong: an unknown URL scheme, a missing extra, a bad value."""

    code = "configuration_error"
