"""Connecting to Redis or Redis Cluster from a URL, running scripts, translating errors."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
import redis.cluster
from redis.crc import key_slot
from redis.exceptions import NoScriptError, RedisClusterException, RedisError, ResponseError

from ...errors import ConfigurationError, Unavailable
from .._explain import explain, fixes
from .scripts import ALL, Script

__all__ = ["RedisConnection", "connect", "translated"]

_URL = "the cache URL (cache_url, FEEDCORE_CACHE_URL)"
_FIXES = fixes(
    ("Connection refused", f"is redis-server running and listening there? Check host and port in {_URL}"),
    (
        "NOAUTH|WRONGPASS|invalid password|invalid username-password|AUTH",
        f"set the password in {_URL}: redis://:PASSWORD@host:6379/0",
    ),
    ("DB index is out of range", f"the database number in {_URL} is above the server's 'databases' setting"),
    ("Name or service not known|nodename nor servname|getaddrinfo", f"check the host name in {_URL}"),
    ("Timeout", f"is the host reachable? (socket_connect_timeout=SECONDS in {_URL})"),
)

Client = redis.Redis | redis.cluster.RedisCluster

_DEFAULTS: dict[str, Any] = {
    "socket_timeout": 2.0,
    "socket_connect_timeout": 2.0,
    "health_check_interval": 15,
    "max_connections": 64,
}


def connect(url: str) -> Client:
    """A client for ``url``: a RedisCluster or a plain Redis.

    ``redis+cluster://host:port`` or ``?cluster=true`` selects Redis Cluster (``host:port`` is
    any one node). Query parameters such as ``socket_timeout`` override the defaults above.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    flag = [v for k, v in query if k == "cluster"]
    cluster = parts.scheme == "redis+cluster" or (bool(flag) and flag[-1].lower() in {"1", "true", "yes"})
    scheme = "redis" if parts.scheme == "redis+cluster" else parts.scheme
    plain = urlunsplit((scheme, parts.netloc, parts.path, urlencode([(k, v) for k, v in query if k != "cluster"]), ""))
    try:
        if cluster:
            return redis.cluster.RedisCluster.from_url(plain, **_DEFAULTS)
        return redis.Redis.from_url(plain, **_DEFAULTS)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"bad Redis URL {url!r}: {exc}") from exc
    except (RedisError, RedisClusterException) as exc:
        raise Unavailable(f"cannot reach Redis at {parts.hostname}:{parts.port}: {explain(exc, _FIXES)}") from exc


@contextmanager
def translated(what: str) -> Iterator[None]:
    """Re-raise any redis-py error as :class:`Unavailable`."""
    try:
        yield
    except (RedisError, RedisClusterException) as exc:
        raise Unavailable(f"redis {what} failed: {explain(exc, _FIXES)}") from exc


def _send(conn: Any, args: tuple[Any, ...]) -> Any:
    """``args`` as one command on ``conn`` (connecting it if needed), and its reply."""
    try:
        conn.send_command(*args)
        return conn.read_response()
    except (RedisError, OSError) as exc:
        if not isinstance(exc, ResponseError):  # the connection is in an unknown state
            conn.disconnect()
        raise


class RedisConnection:
    """What the port mixins share: the client, the key names and script calls.

    Single commands on plain Redis go through :meth:`_command`: each thread keeps a connection
    of its own and talks on it directly, skipping redis-py's per-call layers (pool checkout and
    release, the retry wrapper, observability hooks), which cost more client CPU than the
    command itself (a 20-key MGET: ~50 µs direct against ~140 µs through ``Redis.mget``).
    Redis Cluster routes every command by its keys, so there the client's own methods serve.
    """

    def __init__(self, client: Client) -> None:
        self._client = client
        self._local = threading.local()
        self._direct: weakref.WeakSet[redis.Connection] = weakref.WeakSet()  # a dead thread's goes
        self._direct_lock = threading.Lock()

    def _command(self, *args: Any) -> Any:
        """One command and its reply (plain Redis: on this thread's own connection). A connection
        the server dropped (it restarted, say) is noticed by the next command on it, which then
        goes again once on a new connection, as redis-py's own retry would."""
        client = self._client
        if isinstance(client, redis.cluster.RedisCluster):
            return client.execute_command(*args)  # type: ignore[no-untyped-call]
        conn: redis.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            pool = client.connection_pool
            conn = self._local.conn = pool.connection_class(**pool.connection_kwargs)
            with self._direct_lock:
                self._direct.add(conn)
        reused = conn.is_connected
        try:
            return _send(conn, args)
        except (redis.exceptions.ConnectionError, OSError):
            if not reused:
                raise
            return _send(conn, args)  # once more, on a new connection

    def _close_direct(self) -> None:
        """Close every thread's own connection (they reconnect if used again)."""
        with self._direct_lock:
            for conn in list(self._direct):
                conn.disconnect()  # type: ignore[no-untyped-call]

    def _load_scripts(self) -> None:
        for script in ALL:
            self._client.script_load(script.source)  # on every primary, in cluster mode

    def _call(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> Any:
        """One script call; loads the scripts once if the server lost them (restart, flush)."""
        try:
            return self._evalsha(script, keys, args)
        except NoScriptError:
            self._load_scripts()
            return self._evalsha(script, keys, args)

    def _evalsha(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> Any:
        if isinstance(self._client, redis.cluster.RedisCluster):  # routed by its keys
            return self._client.evalsha(script.sha, len(keys), *keys, *args)
        return self._command("EVALSHA", script.sha, len(keys), *keys, *args)

    def _pipelined(self, build: Callable[[Any], None]) -> list[Any]:
        """Run the commands ``build`` queues in one pipeline (not a transaction).

        Used only for idempotent commands: after loading lost scripts the batch runs again.
        """
        for attempt in (1, 2):
            pipe = self._client.pipeline(transaction=False)
            build(pipe)
            try:
                return list(pipe.execute())
            except NoScriptError:
                if attempt == 2:
                    raise
                self._load_scripts()
        raise AssertionError("unreachable")

    def _slot_groups(self, keys: Sequence[str]) -> list[list[str]]:
        """``keys`` split into groups that one script call may touch together."""
        if not isinstance(self._client, redis.cluster.RedisCluster):
            return [list(keys)]
        groups: dict[int, list[str]] = {}
        for key in keys:
            groups.setdefault(key_slot(key.encode()), []).append(key)
        return list(groups.values())
