"""Per-request cost of the HTTP layer, in process: the ASGI app called directly with a prepared
scope, receive and send (no server, no socket), on the memory backends.

    python -m benchmarks.asgi_overhead [--requests N]

Prints CPU microseconds per request for a trivial route (``GET /healthz``) and a cached home feed
(``GET /v1/feed?limit=20``, 20 items), and the same feed page read by a direct call, so the
difference is what the HTTP layer adds (routing, token, rate limit, thread hop, decoding,
encoding, observation).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable, Coroutine
from typing import Any

from feedcore_asgi import create_app

from feedcore import Platform, Settings

_SETTINGS: dict[str, Any] = {
    "database_url": "memory://",
    "cache_url": "memory://",
    "bus_url": "memory://",
    "media_url": "memory://",
    "rate_limit": "100000000/minute",
    "anonymous_rate_limit": "100000000/minute",
    "password_cost": 16,
}
PASSWORD = "correct horse battery"


def _scope(path: str, query: bytes, token: str | None) -> dict[str, Any]:
    headers = [(b"host", b"localhost")]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
        "state": {},
    }


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def _per_request(run: Callable[[], Coroutine[Any, Any, None]], requests: int) -> float:
    """CPU microseconds per request (every thread of the process), the best of 7 rounds: the
    machine's other work barely moves it."""

    async def rounds() -> float:
        best = float("inf")
        for _ in range(7):
            start = time.process_time()
            for _ in range(requests):
                await run()
            best = min(best, (time.process_time() - start) / requests)
        return best * 1e6

    return asyncio.run(rounds())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    requests = parser.parse_args().requests
    with tempfile.TemporaryDirectory() as data, Platform.open(Settings(data_dir=data, **_SETTINGS)) as platform:
        reader = platform.users.register("reader", PASSWORD)
        for n in range(5):
            author = platform.users.register(f"author{n}", PASSWORD)
            platform.graph.follow(reader.id, author.id)
            for i in range(6):
                platform.posts.create(author.id, f"post {i} by author {n}")
        platform.drain()
        token = platform.auth.login("reader", PASSWORD).access_token
        assert len(platform.feeds.home(reader.id, 20).items) == 20
        app = create_app(platform)
        statuses: list[int] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        def call(path: str, query: bytes, auth: str | None) -> Callable[[], Coroutine[Any, Any, None]]:
            scope = _scope(path, query, auth)
            return lambda: app(dict(scope), _receive, send)  # type: ignore[arg-type]

        health = _per_request(call("/healthz", b"", None), requests)
        feed = _per_request(call("/v1/feed", b"limit=20", token), requests)
        assert set(statuses) == {200}, set(statuses)

        async def direct() -> None:
            platform.feeds.home(reader.id, 20)

        core = _per_request(direct, requests)
    print(f"GET /healthz                     {health:8.1f} us/request")
    print(f"GET /v1/feed?limit=20 (cached)   {feed:8.1f} us/request")
    print(f"  the same page read directly    {core:8.1f} us")
    print(f"  HTTP layer on a feed read      {feed - core:8.1f} us")


if __name__ == "__main__":
    main()
