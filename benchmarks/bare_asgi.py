"""The http-feed baseline: a bare ASGI callable doing the raw feed read (ZREVRANGE + MGET) in a
worker thread, as feedcore's app runs core calls, answering JSON. ``GET /feed?u=<user id>``.
Configured by FEEDCORE_BENCH_REDIS_URL and FEEDCORE_BENCH_NAMESPACE (read on first request)."""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import parse_qs

_feeds: Any = None


def _raw() -> Any:
    global _feeds
    if _feeds is None:
        import redis

        from benchmarks.baselines import RawFeeds

        client = redis.Redis.from_url(os.environ["FEEDCORE_BENCH_REDIS_URL"], max_connections=64)
        _feeds = RawFeeds(client, os.environ["FEEDCORE_BENCH_NAMESPACE"])
    return _feeds


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    import anyio.to_thread

    user = int(parse_qs(scope["query_string"].decode()).get("u", ["0"])[0])
    items = await anyio.to_thread.run_sync(_raw().home, user, 20)
    body = json.dumps({"items": items, "next_cursor": None}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
