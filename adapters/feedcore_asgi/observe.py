"""Per-request observation: the latency histogram labelled by route template (so ids do not
explode the label space) and one JSON access-log line (logger ``feedcore.access``)."""

from __future__ import annotations

import logging
import time

import orjson

from .asgi import Scope
from .metrics import Metrics

__all__ = ["UNMATCHED", "observe"]

access_log = logging.getLogger("feedcore.access")
UNMATCHED = "<unmatched>"
"""The template of requests no route took (unknown paths, the web client's files)."""


def observe(
    metrics: Metrics, scope: Scope, template: str, status: int, size: int, viewer: int | None, start: float
) -> None:
    """Record one finished request that began at ``start`` (``time.perf_counter()``)."""
    elapsed = time.perf_counter() - start
    metrics.observe(scope["method"], template, status, elapsed)
    if access_log.isEnabledFor(logging.INFO):
        client = scope.get("client")
        line = {
            "ts": round(time.time(), 3),
            "method": scope["method"],
            "path": scope["path"],
            "route": template,
            "status": status,
            "duration_ms": round(elapsed * 1000, 2),
            "bytes": size,
            "client": client[0] if client else None,
            "user_id": None if viewer is None else str(viewer),
        }
        access_log.info(orjson.dumps(line).decode())
