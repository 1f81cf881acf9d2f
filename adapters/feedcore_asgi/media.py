"""Media bytes served so that a CDN or caching proxy may keep them forever.

Object keys are content-addressed (``<owner>/<media id>-<sha256 of the bytes>.<ext>``) and never
reused, so a media URL always names the same bytes:

- 200 with ``Cache-Control: public, max-age=31536000, immutable``, a strong ``ETag`` (the
  SHA-256; hashed from the bytes for keys made before keys carried it) and
  ``Accept-Ranges: bytes``;
- ``If-None-Match`` naming that ETag (or ``*``): 304, no body;
- ``Range: bytes=first-last`` (one range, as video players seek; ``If-Range`` honoured): 206
  with ``Content-Range``; a range past the end: 416 with ``Content-Range: bytes */size``;
  several ranges: the whole object (RFC 9110 lets a server ignore Range);
- a key naming nothing (never stored, or deleted with its post): 404, cacheable for a day since
  such a key never comes back. Deleting a post's media also purges its URL from the CDN (see
  ``media_purge_url`` in the README).

The range and ETag parsing (a few lines) is written here: werkzeug would bring a WSGI toolkit for
two functions, and Starlette's range support is private to FileResponse and works on files, not
on a media store's bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from starlette.responses import Response

from feedcore import Platform
from feedcore.errors import InvalidInput, NotFound

from .errors import error_json, error_response
from .spa import IMMUTABLE

__all__ = ["GONE", "media_response"]

GONE = "public, max-age=86400"
_DIGEST = re.compile(r"-([0-9a-f]{64})\.[0-9a-z]+$")
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def media_response(platform: Platform, key: str, headers: Mapping[str, str]) -> Response:
    """The response to a GET of media object ``key`` with request ``headers`` (lower-case names)."""
    try:
        if not key or any(part in ("", ".", "..") for part in key.split("/")):
            raise NotFound(f"no media {key[:80]}")
        data, content_type = platform.media.read(key)
    except (NotFound, InvalidInput):  # a key the store refuses names nothing either
        return error_response(NotFound(f"no media {key[:80]}"), {"Cache-Control": GONE})
    found = _DIGEST.search(key)
    etag = f'"{found.group(1) if found else hashlib.sha256(data).hexdigest()}"'
    common = {"ETag": etag, "Cache-Control": IMMUTABLE, "Accept-Ranges": "bytes"}
    if _names(headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=common)
    wanted = headers.get("range")
    if_range = headers.get("if-range")
    if wanted is None or (if_range is not None and if_range != etag):
        return Response(data, media_type=content_type, headers=common)
    try:
        span = _span(wanted, len(data))
    except _Unsatisfiable:
        message = f"range {wanted[:80]!r} is outside the {len(data)} bytes"
        return error_json(416, "range_not_satisfiable", message, {**common, "Content-Range": f"bytes */{len(data)}"})
    if span is None:
        return Response(data, media_type=content_type, headers=common)
    first, last = span
    ranged = {**common, "Content-Range": f"bytes {first}-{last}/{len(data)}"}
    return Response(data[first : last + 1], status_code=206, media_type=content_type, headers=ranged)


def _names(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` list names ``etag`` (weak comparison, as for GET)."""
    if if_none_match is None:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


class _Unsatisfiable(Exception):
    """The range selects no byte of the object."""


def _span(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` of a single ``bytes=`` range over ``size`` bytes; None if the header is
    not one valid range in bytes (then it is ignored). Raises _Unsatisfiable."""
    match = _RANGE.fullmatch(header.strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # the final ``last`` bytes
        if not int(last) or not size:
            raise _Unsatisfiable
        return max(0, size - int(last)), size - 1
    if last and int(last) < int(first):
        return None
    if int(first) >= size:
        raise _Unsatisfiable
    return int(first), min(int(last), size - 1) if last else size - 1
