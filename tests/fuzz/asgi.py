"""One HTTP request straight into an ASGI app, no client library in between: what the decoding
fuzz needs to send bytes exactly as generated (bad UTF-8, lone surrogate escapes, raw query
strings) at a few hundred requests a second."""

from __future__ import annotations

import asyncio
from typing import Any

import attrs

__all__ = ["Answer", "request"]


@attrs.frozen
class Answer:
    status: int
    content_type: str
    body: bytes


async def request(
    app: Any, method: str, path: str, query: bytes = b"", headers: tuple[tuple[str, str], ...] = (), body: bytes = b""
) -> Answer:
    """``app``'s answer to one request (the body in one message; the client stays connected)."""
    done = asyncio.Event()
    delivered = False
    status = 0
    content_type = ""
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, content_type
        if message["type"] == "http.response.start":
            status = message["status"]
            for name, value in message.get("headers", ()):
                if name.lower() == b"content-type":
                    content_type = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
    }
    await app(scope, receive, send)
    done.set()
    return Answer(status, content_type, b"".join(chunks))
