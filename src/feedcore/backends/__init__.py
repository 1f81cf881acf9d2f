"""Backends chosen by URL scheme through one alias table, imported only when used.

Each entry names ``"module:Class"``; the class has ``from_url(url, settings)``. A backend
whose driver is not installed raises ConfigurationError naming the extra to install.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import ConfigurationError

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["ALIASES", "open_backend", "scheme_of"]

_SQL = ("feedcore.backends.sql:SqlStore", None)
_PG = ("feedcore.backends.sql:SqlStore", "postgres")
_REDIS = ("feedcore.backends.redis:RedisCache", "redis")

# role -> scheme -> (import path, extra that provides its driver)
ALIASES: dict[str, dict[str, tuple[str, str | None]]] = {
    "store": {
        "memory": ("feedcore.backends.memory.store:MemoryStore", None),
        "sqlite": _SQL,
        "postgresql": _PG,
        "postgresql+psycopg": _PG,
        "postgres": _PG,
    },
    "cache": {
        "memory": ("feedcore.backends.memory.cache:MemoryCache", None),
        "redis": _REDIS,
        "rediss": _REDIS,
        "redis+cluster": _REDIS,
    },
    "bus": {
        "memory": ("feedcore.backends.memory.bus:MemoryBus", None),
        "kafka": ("feedcore.backends.kafka:KafkaBus", "kafka"),
    },
    "media": {
        "memory": ("feedcore.backends.memory.media:MemoryMediaStore", None),
        "file": ("feedcore.backends.files:FileMediaStore", None),
        "s3": ("feedcore.backends.s3:S3MediaStore", "s3"),
    },
}


def scheme_of(url: str) -> str:
    return urlsplit(url).scheme.lower()


def open_backend(role: str, url: str, settings: Settings) -> Any:
    """Build the backend for ``role`` ("store", "cache", "bus" or "media") from ``url``."""
    table = ALIASES[role]
    scheme = scheme_of(url)
    try:
        path, extra = table[scheme]
    except KeyError:
        known = ", ".join(f"{s}://" for s in sorted(table))
        raise ConfigurationError(f"no {role} backend for {url!r}; known schemes: {known}") from None
    module_name, _, class_name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        if extra is None or (exc.name or "").startswith("feedcore"):
            raise
        raise ConfigurationError(
            f"the {scheme}:// {role} backend needs a driver that is not installed ({exc.name}); "
            f"install it with: pip install 'feedcore[{extra}]'"
        ) from exc
    return getattr(module, class_name).from_url(url, settings)
