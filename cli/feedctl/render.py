"""feedctl's JSON output in the HTTP API's conventions: ids as strings (64-bit ints do not
survive JavaScript), times as RFC 3339 UTC strings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs

__all__ = ["plain", "rfc3339"]


def rfc3339(seconds: float) -> str:
    """``1700000000.5`` -> ``"2023-11-14T22:13:20.500Z"``."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def plain(value: Any, key: str = "") -> Any:
    """``value`` (attrs objects, dicts, lists, scalars) as JSON-ready data: under keys ``id`` and
    ``*_id`` (``*_ids`` for lists) ints become strings, under ``*_at`` seconds become RFC 3339."""
    if attrs.has(type(value)):
        value = attrs.asdict(value, recurse=False)
    if isinstance(value, dict):
        return {k: plain(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        item_key = key[:-1] if key.endswith("_ids") else ""
        return [plain(v, item_key) for v in value]
    if (key == "id" or key.endswith("_id")) and _number(value):
        return str(value)
    if key.endswith("_at") and _number(value):
        return rfc3339(value)
    return value
