"""A Redis restart costs no request once the server is back: connections it dropped are
noticed by the next command on them, which goes again on a new connection (before, each
thread's own connection failed one command, which kept the cache breaker open long after)."""

from __future__ import annotations

from pathlib import Path

from feedcore.backends import open_backend
from feedcore.settings import Settings
from tests.fixtures.caches import _start_redis
from tests.fixtures.services import free_port, stop_processes


def test_the_first_commands_after_a_restart_succeed(tmp_path: Path) -> None:
    port = free_port()
    proc = _start_redis(tmp_path, port)
    cache = open_backend("cache", f"redis://127.0.0.1:{port}/0", Settings(namespace="restart"))
    try:
        cache.set_many("post", {1: b"one"}, 60.0)
        assert cache.get_many("post", [1]) == {1: b"one"}
        assert cache.hit("user:1", 10, 60.0).allowed
        stop_processes([proc])
        proc = _start_redis(tmp_path, port)
        assert cache.get_many("post", [1]) == {}  # the restart lost it; no error
        assert cache.hit("user:1", 10, 60.0).allowed
        cache.set_many("post", {1: b"again"}, 60.0)
        assert cache.get_many("post", [1]) == {1: b"again"}
    finally:
        cache.close()
        stop_processes([proc])
