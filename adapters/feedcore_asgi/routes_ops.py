"""Operations: liveness, readiness (each backend), Prometheus metrics, the OpenAPI document,
and media bytes for stores without a public URL of their own (``file://``)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST

from . import wire
from .call import Call, Raw
from .media import REPLIES, REQUEST_HEADERS, media_bytes
from .table import Reply, Route

__all__ = ["ROUTES"]

_OPS = ("operations",)


def healthz(call: Call[None, None]) -> wire.Health:
    """Liveness: the process answers. Touches no backend."""
    return wire.Health("ok")


def readyz(call: Call[None, None]) -> wire.Ready:
    """Readiness: every backend answers now; 503 (with each one's status) otherwise."""
    backends = call.platform.check()
    ready = all(status == "ok" for status in backends.values())
    if not ready:
        call.reply(503)
    return wire.Ready("ok" if ready else "unavailable", backends)


def metrics(call: Call[None, None]) -> Raw:
    return Raw(call.context.metrics.render(), CONTENT_TYPE_LATEST)


def openapi(call: Call[None, None]) -> Raw:
    return Raw(call.context.document, "application/json")


ROUTES = [
    Route(
        "GET",
        "/healthz",
        healthz,
        "Liveness.",
        Reply(200, "The process answers.", wire.Health),
        auth="none",
        limited=False,
        inline=True,
        tags=_OPS,
    ),
    Route(
        "GET",
        "/readyz",
        readyz,
        "Readiness of every backend.",
        Reply(200, "Every backend answers.", wire.Ready),
        auth="none",
        limited=False,
        also=(Reply(503, "A backend is down.", wire.Ready),),
        tags=_OPS,
    ),
    Route(
        "GET",
        "/metrics",
        metrics,
        "Prometheus metrics.",
        Reply(200, "The exposition text.", content_types=("text/plain",)),
        auth="none",
        limited=False,
        tags=_OPS,
    ),
    Route(
        "GET",
        "/openapi.json",
        openapi,
        "This document (OpenAPI 3.1).",
        Reply(200, "The document.", content_types=("application/json",)),
        auth="none",
        limited=False,
        inline=True,
        tags=_OPS,
    ),
    Route(
        "GET",
        "/media/{key}",
        media_bytes,
        "Media bytes (for media stores without public URLs): immutable, with an ETag and byte ranges.",
        REPLIES[0],
        auth="none",
        also=REPLIES[1:],
        request_headers=REQUEST_HEADERS,
        limited=False,
        tags=("media",),
    ),
]
