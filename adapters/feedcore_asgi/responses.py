"""What leaves the app: a status, headers and a body, sent over raw ASGI.

Every response says ``X-Content-Type-Options: nosniff``: a browser takes JSON as JSON and
media as their declared type, never as a page or a script it guessed from the bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec

from .asgi import Send

__all__ = ["JSON", "NOSNIFF", "Response", "encode"]

JSON = "application/json"

NOSNIFF = (b"x-content-type-options", b"nosniff")
"""The header every response carries (raw ASGI)."""

encode = msgspec.json.Encoder().encode
"""Compact UTF-8 JSON of a Struct (or of builtins)."""


class Response:
    """One response, ready to send. ``headers`` are extra headers, a mapping or pairs (several
    ``Set-Cookie``); content type and length are added. ``viewer`` is the authenticated user,
    for the access log."""

    __slots__ = ("body", "content_type", "headers", "status", "viewer")

    def __init__(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = JSON,
        headers: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
        viewer: int | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type if body else None
        self.headers = list(headers.items() if isinstance(headers, Mapping) else headers) if headers else []
        self.viewer = viewer

    async def send(self, send: Send, head: bool = False) -> None:
        """Send it; ``head`` sends the headers only (the answer to a HEAD request)."""
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers]
        if all(name != NOSNIFF[0] for name, _ in raw):  # pages declare it among their headers
            raw.append(NOSNIFF)
        if self.content_type is not None:
            raw.append((b"content-type", self.content_type.encode("latin-1")))
        if self.status not in (204, 304):
            raw.append((b"content-length", str(len(self.body)).encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if head else self.body})
