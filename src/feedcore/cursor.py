"""Opaque page cursors: a versioned, URL-safe encoding of the last id on a page."""

from __future__ import annotations

import base64
import binascii

from .errors import InvalidInput

__all__ = ["decode_cursor", "encode_cursor"]

_PREFIX = b"v1:"


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(_PREFIX + str(last_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The id a cursor points after, or None for the first page. Raises InvalidInput."""
    if cursor is None or cursor == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        if raw.startswith(_PREFIX):
            value = int(raw[len(_PREFIX) :])
            if value >= 0:
                return value
    except (binascii.Error, ValueError):
        pass
    raise InvalidInput("malformed cursor", code="invalid_cursor")
