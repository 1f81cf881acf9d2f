"""Backends chosen by URL scheme through one alias table, imported only when used.

Each entry names ``"module:Class"``; the class has ``from_url(url, settings)``. A backend
whose driver is not installed raises ConfigurationError naming the extra to install.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Literal, overload
from urllib.parse import urlsplit

from ..errors import ConfigurationError
from ..ports import Backend, Cache, EventBus, MediaStore, Store

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["ALIASES", "Role", "open_backend", "scheme_of"]

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


Role = Literal["store", "cache", "bus", "media"]
_PORTS: dict[str, type[Backend]] = {"store": Store, "cache": Cache, "bus": EventBus, "media": MediaStore}


@overload
def open_backend(role: Literal["store"], url: str, settings: Settings) -> Store: ...
@overload
def open_backend(role: Literal["cache"], url: str, settings: Settings) -> Cache: ...
@overload
def open_backend(role: Literal["bus"], url: str, settings: Settings) -> EventBus: ...
@overload
def open_backend(role: Literal["media"], url: str, settings: Settings) -> MediaStore: ...
def open_backend(role: Role, url: str, settings: Settings) -> Backend:
    """Build the backend for ``role`` from ``url``. Raises ConfigurationError for an unknown
    scheme, a driver that is not installed, or a class that does not provide the role's ports."""
    table = ALIASES[role]
    scheme = scheme_of(url)
    try:
        path, extra = table[scheme]
    except KeyError:
        known = ", ".join(f"{s}://" for s in sorted(table))
        raise ConfigurationError(f"no {role} backend for {url!r}; known schemes: {known}") from None
    module_name, _, class_name = path.partition(":")
    try:
        # the driver may be imported by the module, or only when the backend is built (SQLAlchemy
        # loads psycopg when it makes the engine)
        backend: object = getattr(importlib.import_module(module_name), class_name).from_url(url, settings)
    except ImportError as exc:
        if extra is None or (exc.name or "").startswith("feedcore"):
            raise
        raise ConfigurationError(
            f"the {scheme}:// {role} backend needs a driver that is not installed ({exc.name}); "
            f"install it with: pip install 'feedcore[{extra}]'"
        ) from exc
    if not isinstance(backend, _PORTS[role]):
        raise ConfigurationError(f"{path} is not a {_PORTS[role].__name__}, so it cannot be the {role}")
    return backend
