"""OAuth 2 scopes: what an access token lets its bearer do.

``read`` (read feeds, posts, profiles), ``write`` (post, comment, like, edit the profile),
``follow`` (change the follow graph), ``admin`` (operator endpoints: only clients an operator
registered with it may be granted it, never a user's app).
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import InvalidInput

__all__ = [
    "ADMIN",
    "FOLLOW",
    "READ",
    "SCOPES",
    "SCOPE_DESCRIPTIONS",
    "USER_SCOPES",
    "WRITE",
    "parse_scope",
    "scope_text",
]

READ, WRITE, FOLLOW, ADMIN = "read", "write", "follow", "admin"
SCOPES = (READ, WRITE, FOLLOW, ADMIN)
USER_SCOPES = (READ, WRITE, FOLLOW)
"""What apps may ask a user for."""
SCOPE_DESCRIPTIONS = {
    READ: "Read your home feed, posts, profiles and follow lists.",
    WRITE: "Post, comment, like, upload media and edit your profile.",
    FOLLOW: "Follow and unfollow accounts.",
    ADMIN: "Operate the platform (operators' clients only).",
}
"""What each scope lets an app do, as the consent page says it."""


def parse_scope(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """The scopes named in a space-separated string (or an iterable), known ones only, in
    canonical order. Raises InvalidInput (code ``invalid_scope``) for an unknown scope."""
    if isinstance(text, str):
        names = text.split()
    elif text is None or (isinstance(text, list | tuple) and all(isinstance(n, str) for n in text)):
        names = list(text or ())
    else:
        raise InvalidInput("scope must be a space-separated string", code="invalid_scope")
    unknown = sorted({n for n in names if n not in SCOPES})
    if unknown:
        raise InvalidInput(f"unknown scope {' '.join(unknown)!r}; known: {' '.join(SCOPES)}", code="invalid_scope")
    return tuple(s for s in SCOPES if s in names)


def scope_text(scopes: Iterable[str]) -> str:
    """Scopes as the space-separated string OAuth uses, in canonical order."""
    wanted = set(scopes)
    return " ".join(s for s in SCOPES if s in wanted)
