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
- every answer with the object's headers also carries ``Content-Disposition: inline`` with a
  file name made of safe characters only (``attachment`` for a type that is not an image or a
  video) and ``Content-Security-Policy: default-src 'none'; sandbox``, so bytes opened as a
  document load nothing and run nothing (``nosniff`` is on every response);
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

from feedcore.errors import InvalidInput, NotFound

from . import wire
from .call import Call, Raw
from .responses import encode
from .spa import IMMUTABLE
from .table import Header, Reply

__all__ = ["GONE", "REPLIES", "REQUEST_HEADERS", "media_bytes"]

GONE = "public, max-age=86400"
_DIGEST = re.compile(r"-([0-9a-f]{64})\.[0-9a-z]+$")
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
POLICY = "default-src 'none'; sandbox"
"""Media opened as a document load nothing, run no script and get an opaque origin."""

_COMMON = (
    Header("ETag", "The SHA-256 of the bytes.", required=True),
    Header("Cache-Control", "Cache forever.", {"const": IMMUTABLE}, required=True),
    Header("Accept-Ranges", "One byte range may be asked for.", {"const": "bytes"}, required=True),
    Header("Content-Disposition", "Shown inline (images, video), under a safe file name.", required=True),
    Header("Content-Security-Policy", "Nothing loads or runs.", {"const": POLICY}, required=True),
)
_RANGE_HEADER = Header("Content-Range", "The bytes sent, of how many.", required=True)
_BINARY = tuple(wire.MEDIA_TYPES)
REPLIES = (
    Reply(200, "The bytes; they never change.", content_types=_BINARY, headers=_COMMON),
    Reply(206, "The byte range asked for (Range).", content_types=_BINARY, headers=(*_COMMON, _RANGE_HEADER)),
    Reply(304, "Not modified: If-None-Match names the ETag.", headers=_COMMON),
    Reply(
        404,
        "No such media, never again (cacheable).",
        wire.Error,
        headers=(Header("Cache-Control", "Cache the absence.", {"const": GONE}, required=True),),
    ),
    Reply(416, "The byte range asked for is outside the object.", wire.Error, headers=(*_COMMON, _RANGE_HEADER)),
)
"""Every answer of the media route (the first is its success)."""
REQUEST_HEADERS = (
    Header("Range", "One range, `bytes=first-last`, `bytes=first-` or `bytes=-count`."),
    Header("If-Range", "The ETag the range is wanted of (else the whole object)."),
    Header("If-None-Match", "ETags the client has: 304 when one matches."),
)


def _error(call: Call[None, None], status: int, code: str, message: str) -> Raw:
    call.reply(status)
    return Raw(encode(wire.Error(wire.ErrorDetail(code, message))), "application/json")


def media_bytes(call: Call[None, None]) -> Raw | None:
    """A GET of the media object ``key``: the bytes, a range of them, or not modified."""
    key, headers = call.params["key"], call.request_headers
    try:
        if any(part in ("", ".", "..") for part in key.split("/")):
            raise NotFound(f"no media {key[:80]}")
        data, content_type = call.platform.media.read(key)
    except (NotFound, InvalidInput):  # a key the store refuses names nothing either
        missing = _error(call, 404, "not_found", f"no media {key[:80]}")
        call.header("Cache-Control", GONE)
        return missing
    found = _DIGEST.search(key)
    etag = f'"{found.group(1) if found else hashlib.sha256(data).hexdigest()}"'
    common = {
        "ETag": etag,
        "Cache-Control": IMMUTABLE,
        "Accept-Ranges": "bytes",
        "Content-Disposition": _disposition(key, content_type),
        "Content-Security-Policy": POLICY,
    }
    wanted, if_range = headers.get("range"), headers.get("if-range")
    span: tuple[int, int] | None = None
    answer: Raw | None = Raw(data, content_type)
    if _names(headers.get("if-none-match"), etag):
        call.reply(304)
        answer = None
    elif wanted is not None and (if_range is None or if_range == etag):
        try:
            span = _span(wanted, len(data))
        except _Unsatisfiable:
            answer = _error(
                call, 416, "range_not_satisfiable", f"range {wanted[:80]!r} is outside the {len(data)} bytes"
            )
            common["Content-Range"] = f"bytes */{len(data)}"
    if span is not None:
        first, last = span
        call.reply(206)
        common["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
        answer = Raw(data[first : last + 1], content_type)
    for name, value in common.items():
        call.header(name, value)
    return answer


def _disposition(key: str, content_type: str) -> str:
    """``inline`` for images and video, else ``attachment``, named by the key's last segment
    with anything but letters, digits, ``.``, ``_`` and ``-`` replaced."""
    shown = content_type.startswith(("image/", "video/"))
    name = _UNSAFE.sub("_", key.rsplit("/", 1)[-1]).lstrip(".") or "media"
    return f'{"inline" if shown else "attachment"}; filename="{name}"'


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
