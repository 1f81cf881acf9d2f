"""Settings: one immutable object, from keyword arguments or ``FEEDCORE_*`` variables.

This is the only module that reads the environment, and only in :meth:`Settings.from_env`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import ConfigurationError

__all__ = ["Settings", "parse_rate"]

_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}


def parse_rate(text: str) -> tuple[int, float]:
    """``"100/minute"`` -> ``(100, 60.0)``; also ``"5/10s"``-style seconds. Raises ConfigurationError."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(?:(second|minute|hour|day)|(\d+(?:\.\d+)?)s)\s*", text)
    if not m or int(m.group(1)) <= 0:
        raise ConfigurationError(f"rate limit must look like '100/minute' or '5/10s', got {text!r}")
    period = _PERIODS[m.group(2)] if m.group(2) else float(m.group(3))
    return int(m.group(1)), period


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if value <= 0:
        raise ConfigurationError(f"{attribute.name} must be positive, got {value!r}")


def _not_negative(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise ConfigurationError(f"{attribute.name} must not be negative, got {value!r}")


@attrs.frozen(kw_only=True)
class Settings:
    """Everything a :class:`~feedcore.Platform` needs. URLs choose backends (see README).

    Left as None, ``database_url`` and ``media_url`` default to a SQLite file and a media
    directory under ``data_dir``: the embedded default.
    """

    data_dir: str = "feedcore-data"
    database_url: str | None = None
    """One URL, or several separated by whitespace or commas: one per physical database."""
    database_replica_urls: str | None = None
    """Streaming-replica URLs in the same order as ``database_url`` (optional), several of one
    database separated by ``|``. They serve follower lists and posts by authors (feed rebuilds,
    fan-out, timelines), each read only once the replica has every write committed before it."""
    database_replica_max_lag: float = attrs.field(default=0.1, validator=_positive)
    """Seconds a read waits for a replica to replay what the primary had when the read began;
    a replica that has not by then is skipped and the read goes to the primary."""
    database_replica_retry: float = attrs.field(default=5.0, validator=_positive)
    """Seconds a replica that lagged or failed is skipped before a read tries it again."""
    logical_shards: int = attrs.field(default=16, validator=_positive)
    database_pool_size: int = attrs.field(default=10, validator=_positive)
    cache_url: str = "memory://"
    bus_url: str = "memory://"
    media_url: str | None = None
    media_base_url: str | None = None
    """Public base URL media URLs start with (a CDN); None lets the backend decide."""
    media_purge_url: str | None = None
    """CDN purge hook: a URL template, ``{key}`` standing for the object key, requested when a
    deleted post's media object is deleted (see :mod:`feedcore.cdn`). None: no purge."""
    media_purge_method: str = "PURGE"
    """The HTTP method of purge requests (``PURGE`` for Varnish or Fastly, ``GET`` for nginx)."""
    namespace: str = "feedcore"
    """Prefix for Redis keys, Kafka topics and object keys, so platforms can share servers."""

    secret_key: str | None = None
    """JWT signing key. None: generated once and kept in ``data_dir`` (embedded default)."""
    access_token_ttl: int = attrs.field(default=900, validator=_positive)
    refresh_token_ttl: int = attrs.field(default=30 * 86400, validator=_positive)
    password_cost: int = attrs.field(default=19 * 1024, validator=_positive)
    """argon2id memory cost in KiB (OWASP's 19 MiB, 2 iterations); lower it only in tests.
    Hashes made at another cost are replaced at the user's next sign-in."""
    authorization_code_ttl: int = attrs.field(default=600, validator=_positive)
    password_grant: bool = True
    """Accept ``grant_type=password`` at the token endpoint (first-party clients only)."""
    min_password_length: int = 8

    pull_threshold: int = attrs.field(default=10_000, validator=_positive)
    """Authors with at least this many followers are pulled at read time, not pushed."""
    feed_max_len: int = attrs.field(default=800, validator=_positive)
    inactive_days: float = attrs.field(default=30.0, validator=_positive)
    """Feeds unread this long expire from the cache and are rebuilt on the next read."""
    content_ttl: float = attrs.field(default=3600.0, validator=_positive)
    near_cache_ttl: float = attrs.field(default=5.0, validator=_not_negative)
    """Seconds each process keeps the user cards and pull-author lists it read (0: off). Changes
    made through the process are seen at once; changes made by other processes within this long."""
    near_cache_size: int = attrs.field(default=100_000, validator=_not_negative)

    max_post_length: int = 500
    max_comment_length: int = 500
    max_media_bytes: int = 10 * 1024 * 1024
    max_json_bytes: int = 64 * 1024
    rate_limit: str = "100/minute"
    anonymous_rate_limit: str = "300/minute"
    rate_limit_sync: float = attrs.field(default=0.05, validator=_not_negative)
    """Seconds between settlements of the rate limits each process decides by itself with the
    shared limiter (no cache round trip per request; a key can exceed its limit by what it
    sends in that time to each process). 0: every request asks the limiter."""
    cors_origins: str = ""
    """Origins whose browser pages may call the HTTP API, separated by whitespace or commas
    (``*`` for any); none by default. Tokens travel in the Authorization header, never cookies."""
    serve_threads: int = attrs.field(default=16, validator=_positive)
    """Threads per server process for the requests that wait on the store or change something
    (reads the caches answer run on the event loop)."""
    serve_queue: int = attrs.field(default=512, validator=_positive)
    """Requests a server process holds for its threads beyond those running; more are refused (503)."""
    serve_deadline: float = attrs.field(default=0.25, validator=_positive)
    """Seconds a request may wait for a thread; one that waited longer is refused (503), not started late."""
    serve_max_lag: float = attrs.field(default=0.1, validator=_positive)
    """Seconds the event loop may run late; while it stays later than this (three ticks in a
    row), new requests are refused (503)."""

    inline_dispatch: bool | None = None
    """Relay and handle events in this process, in a dispatcher thread woken by each write
    (see :mod:`feedcore.dispatch`). None: only when the bus is in-process (``memory://``)."""
    relay_batch: int = attrs.field(default=500, validator=_positive)
    analytics_flush_interval: float = attrs.field(default=1.0, validator=_positive)
    """Seconds between the sends of the users a process saw (readers counted as active) to the
    cache, in one command each."""

    def __attrs_post_init__(self) -> None:
        parse_rate(self.rate_limit)
        parse_rate(self.anonymous_rate_limit)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{Path(self.data_dir) / 'feedcore.db'}"

    @property
    def resolved_media_url(self) -> str:
        return self.media_url or Path(self.data_dir, "media").absolute().as_uri()

    @property
    def cors_origin_list(self) -> list[str]:
        return _split_urls(self.cors_origins)

    @property
    def database_urls(self) -> list[str]:
        """The physical database URLs, in shard-map order."""
        return _split_urls(self.resolved_database_url)

    @property
    def replica_urls(self) -> list[str]:
        return _split_urls(self.database_replica_urls or "")

    @property
    def dispatch_inline(self) -> bool:
        if self.inline_dispatch is not None:
            return self.inline_dispatch
        return self.bus_url.startswith("memory:")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``FEEDCORE_<FIELD>`` variables (e.g. ``FEEDCORE_DATABASE_URL``),
        then ``overrides``. Raises ConfigurationError for a value of the wrong type."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in attrs.fields(cls):
            raw = env.get(f"FEEDCORE_{field.name.upper()}")
            if raw is not None:
                values[field.name] = _convert(field.name, field.type, raw)
        values.update(overrides)
        return cls(**values)


def _split_urls(text: str) -> list[str]:
    return [u for u in re.split(r"[\s,]+", text.strip()) if u]


def _convert(name: str, type_: Any, raw: str) -> Any:
    kind = str(type_)
    try:
        if kind.startswith("bool"):
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise ConfigurationError(f"FEEDCORE_{name.upper()}: cannot read {raw!r} as {kind}") from None
    return raw
