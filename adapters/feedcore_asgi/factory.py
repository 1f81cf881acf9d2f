"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from feedcore import Platform, Settings

from . import oauth, routes_accounts, routes_clients, routes_ops, routes_pages, routes_posts, routes_users
from .cors import cors_middleware
from .errors import http_exception_handler, unexpected_error_handler
from .metrics import Metrics
from .observe import ObserveMiddleware
from .runtime import PlatformHolder, blocking
from .spa import WebClient

__all__ = ["ROUTES", "create_app"]

ROUTES: list[BaseRoute] = [
    *oauth.ROUTES,
    *routes_pages.ROUTES,
    *routes_clients.ROUTES,
    *routes_accounts.ROUTES,
    *routes_users.ROUTES,
    *routes_posts.ROUTES,
    *routes_ops.ROUTES,
]


def create_app(platform: Platform | None = None, settings: Settings | None = None) -> Starlette:
    """The feedcore HTTP API over ``platform`` (left open: the caller closes it), or over a
    platform opened from ``settings`` (else ``FEEDCORE_*`` variables) at startup, or on the
    first request when the server runs no lifespan, and closed at shutdown."""
    if platform is not None:
        settings = platform.settings
    elif settings is None:
        settings = Settings.from_env()
    holder = PlatformHolder(platform, settings)
    metrics = Metrics(holder)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await blocking(holder.get)
        try:
            yield
        finally:
            await blocking(holder.close)

    app = Starlette(
        routes=ROUTES,
        middleware=[*cors_middleware(settings), Middleware(ObserveMiddleware, metrics=metrics)],
        exception_handlers={HTTPException: http_exception_handler, Exception: unexpected_error_handler},
        lifespan=lifespan,
    )
    app.router.default = WebClient(app.router.default)  # the web client, for unmatched GETs
    app.state.holder = holder
    app.state.metrics = metrics
    return app
