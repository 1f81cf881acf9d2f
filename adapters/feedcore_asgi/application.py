"""The ASGI application generated from the route table: routing, lifespan, observation and
the one error shape for what no route takes, over raw ASGI (no framework on the request path).

An unknown path is a JSON 404 and a known path with another method a JSON 405 with ``Allow``;
``HEAD`` is answered wherever ``GET`` is. GET and HEAD requests no route takes go to the
``fallback`` ASGI app when there is one (the web client), which answers for itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from starlette.exceptions import HTTPException

from .asgi import ASGIApp, Message, Receive, Scope, Send
from .context import AppContext
from .endpoint import Disconnected, Endpoint
from .errors import error_json, error_response
from .observe import UNMATCHED, observe
from .responses import Response
from .router import Router
from .runtime import blocking
from .table import Route

__all__ = ["App", "not_found"]

log = logging.getLogger("feedcore.http")


class App:
    """feedcore's HTTP API over one platform: ``context`` (settings, platform, metrics,
    document) and ``routes`` (the table it serves)."""

    def __init__(self, context: AppContext, routes: Sequence[Route], fallback: ASGIApp | None = None) -> None:
        self.context = context
        self.routes = tuple(routes)
        self.router = Router([Endpoint(route, context) for route in routes])
        self.fallback = fallback
        self.asgi: ASGIApp = self._http
        """What serves an HTTP request: the app itself, or middleware around it (CORS)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.asgi(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:  # websockets: none here
            await send({"type": "websocket.close", "code": 1000})

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        method: str = scope["method"]
        path: str = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        found = self.router.match(path)
        endpoint = None if found is None else found.methods.get("GET" if method == "HEAD" else method)
        if found is not None and endpoint is not None:
            try:
                response = await endpoint.respond(scope, receive, found.params)
            except Disconnected:
                return
            await response.send(send, head=method == "HEAD")
            observe(
                self.context.metrics, scope, found.template, response.status, len(response.body), response.viewer, start
            )
        elif found is None and self.fallback is not None and method in ("GET", "HEAD"):
            await self._fallback(scope, receive, send, start)
        else:
            response = _no_route(method, path, list(found.methods) if found is not None else None)
            await response.send(send, head=method == "HEAD")
            observe(self.context.metrics, scope, UNMATCHED, response.status, len(response.body), None, start)

    async def _fallback(self, scope: Scope, receive: Receive, send: Send, start: float) -> None:
        assert self.fallback is not None
        status, size = 500, 0

        async def observed(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.fallback(scope, receive, observed)
        except Exception as exc:  # the fallback's refusal or failure, in the error shape when still possible
            if status != 500 or size:
                raise
            if isinstance(exc, HTTPException):  # StaticFiles' way to say 404
                code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
                answer = error_json(exc.status_code, code, f"no file {scope['path'][:200]}", exc.headers)
            else:
                answer = error_response(exc)
            status, size = answer.status, len(answer.body)
            await answer.send(send)
        finally:
            observe(self.context.metrics, scope, UNMATCHED, status, size, None, start)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        """Open the platform and start watching the event loop's lag at startup (failing the
        startup if the platform cannot open); stop both at shutdown."""
        holder, admission = self.context.holder, self.context.admission
        watcher: asyncio.Task[None] | None = None
        try:
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    try:
                        await blocking(holder.get)
                    except Exception as exc:
                        log.error("startup failed: %s", exc, exc_info=exc)
                        await send({"type": "lifespan.startup.failed", "message": str(exc)})
                        return
                    watcher = asyncio.create_task(admission.watch())
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    try:
                        await blocking(admission.close)
                        await blocking(holder.close)
                    finally:
                        await send({"type": "lifespan.shutdown.complete"})
                    return
        finally:
            if watcher is not None:
                watcher.cancel()


def _no_route(method: str, path: str, methods: Sequence[str] | None) -> Response:
    if methods is None:
        return error_json(404, "not_found", f"no route {path[:200]}")
    allow = sorted({*methods, *(["HEAD"] if "GET" in methods else [])})
    return error_json(405, "method_not_allowed", f"method {method} not allowed here", {"Allow": ", ".join(allow)})


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """The JSON 404 as an ASGI app (what a fallback answers for a path it does not serve)."""
    await _no_route(scope["method"], scope["path"], None).send(send)
