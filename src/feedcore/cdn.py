"""The CDN purge hook: telling a CDN or caching proxy that a media URL now names nothing.

Media URLs are immutable, so a CDN keeps what it fetched for a year; when a post is deleted its
media objects are deleted too (the ``media`` consumer group), and each one's URL is purged by a
request to ``settings.media_purge_url`` with ``{key}`` replaced by the object key (URL-quoted),
using ``settings.media_purge_method``: ``PURGE`` for Varnish- or Fastly-style caches, ``GET`` for
a purge location such as the nginx recipe in the README. Any answer below 500 counts as done
(a 404 means nothing was cached); a 5xx or no answer raises Unavailable, so the event is
delivered again and the purge retried, like any write to a backend that is down.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import quote

from .errors import Unavailable
from .settings import Settings

__all__ = ["PURGE_TIMEOUT", "purge"]

PURGE_TIMEOUT = 5.0
"""Seconds to wait for the purge endpoint."""


def purge(settings: Settings, key: str) -> None:
    """Ask the CDN to forget media object ``key``; nothing to do without ``media_purge_url``.
    Raises Unavailable when the endpoint fails or does not answer."""
    if not settings.media_purge_url:
        return
    url = settings.media_purge_url.replace("{key}", quote(key))
    request = urllib.request.Request(url, method=settings.media_purge_method)
    try:
        with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT):
            return
    except urllib.error.HTTPError as exc:
        if exc.code < 500:
            return
        raise Unavailable(f"CDN purge {settings.media_purge_method} {url} answered {exc.code}") from exc
    except OSError as exc:  # URLError, timeouts, refused connections
        raise Unavailable(f"CDN purge {settings.media_purge_method} {url} failed: {exc}") from exc
