"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response as StarletteResponse
from starlette.routing import Route as StarletteRoute

from feedcore import Platform, Settings

from . import oauth, routes_accounts, routes_clients, routes_ops, routes_pages, routes_posts, routes_users
from .context import AppContext
from .cors import cors_middleware
from .endpoint import Endpoint
from .errors import error_json, error_response
from .metrics import Metrics
from .observe import ObserveMiddleware
from .openapi import openapi_document
from .responses import Response, encode
from .runtime import PlatformHolder, blocking
from .spa import WebClient
from .table import PATH_PARAMS, Route

__all__ = ["ROUTES", "create_app"]

ROUTES: list[Route] = [
    *oauth.ROUTES,
    *routes_pages.ROUTES,
    *routes_clients.ROUTES,
    *routes_accounts.ROUTES,
    *routes_users.ROUTES,
    *routes_posts.ROUTES,
    *routes_ops.ROUTES,
]
"""Every route of the API, in the document's order."""


def _starlette(response: Response) -> StarletteResponse:
    answer = StarletteResponse(response.body, response.status, media_type=response.content_type)
    for name, value in response.headers:
        answer.headers.append(name, value)
    return answer


async def _http_error(request: Request, exc: Exception) -> StarletteResponse:
    """Starlette's own errors (unknown route, wrong method) in the error shape."""
    assert isinstance(exc, HTTPException)
    code, message = {
        404: ("not_found", f"no route {request.url.path}"),
        405: ("method_not_allowed", f"method {request.method} not allowed here"),
    }.get(exc.status_code, ("http_error", str(exc.detail)))
    return _starlette(error_json(exc.status_code, code, message, exc.headers))


async def _unexpected(request: Request, exc: Exception) -> StarletteResponse:
    return _starlette(error_response(exc))


def create_app(
    platform: Platform | None = None, settings: Settings | None = None, routes: Sequence[Route] = ROUTES
) -> Starlette:
    """The feedcore HTTP API over ``platform`` (left open: the caller closes it), or over a
    platform opened from ``settings`` (else ``FEEDCORE_*`` variables) at startup, or on the
    first request when the server runs no lifespan, and closed at shutdown. Its decoders and
    its document carry the bounds of those settings."""
    settings = platform.settings if platform is not None else settings or Settings.from_env()
    holder = PlatformHolder(platform, settings)
    metrics = Metrics(holder)
    context = AppContext(settings, holder, metrics, encode(openapi_document(routes, settings)))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await blocking(holder.get)
        try:
            yield
        finally:
            await blocking(holder.close)

    def path(route: Route) -> str:
        return route.path.format_map(
            {p: f"{{{p}:path}}" if PATH_PARAMS[p].multi_segment else f"{{{p}}}" for p in route.params}
        )

    app = Starlette(
        routes=[StarletteRoute(path(r), Endpoint(r, context), methods=[r.method]) for r in routes],
        middleware=[*cors_middleware(settings), Middleware(ObserveMiddleware, metrics=metrics)],
        exception_handlers={HTTPException: _http_error, Exception: _unexpected},
        lifespan=lifespan,
    )
    app.router.default = WebClient(app.router.default)  # the web client, for unmatched GETs
    app.state.context = context
    return app
