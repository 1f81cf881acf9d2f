"""The application factory."""

from __future__ import annotations

from collections.abc import Sequence

from feedcore import Platform, Settings

from . import (
    oauth,
    routes_accounts,
    routes_admin,
    routes_clients,
    routes_ops,
    routes_pages,
    routes_posts,
    routes_users,
)
from .admission import Admission
from .application import App, not_found
from .context import AppContext
from .cors import cors_middleware
from .metrics import Metrics
from .openapi import openapi_document
from .responses import encode
from .runtime import PlatformHolder
from .spa import WebClient
from .table import Route

__all__ = ["ROUTES", "create_app"]

ROUTES: list[Route] = [
    *oauth.ROUTES,
    *routes_pages.ROUTES,
    *routes_clients.ROUTES,
    *routes_accounts.ROUTES,
    *routes_users.ROUTES,
    *routes_posts.ROUTES,
    *routes_admin.ROUTES,
    *routes_ops.ROUTES,
]
"""Every route of the API, in the document's order."""


def create_app(
    platform: Platform | None = None, settings: Settings | None = None, routes: Sequence[Route] = ROUTES
) -> App:
    """The feedcore HTTP API over ``platform`` (left open: the caller closes it), or over a
    platform opened from ``settings`` (else ``FEEDCORE_*`` variables) at startup, or on the
    first request when the server runs no lifespan, and closed at shutdown. Its decoders and
    its document carry the bounds of those settings; GET requests no route takes go to the
    bundled web client."""
    settings = platform.settings if platform is not None else settings or Settings.from_env()
    holder = PlatformHolder(platform, settings)
    metrics = Metrics(holder)
    document = encode(openapi_document(routes, settings))
    context = AppContext(settings, holder, metrics, document, Admission(settings, metrics.registry))
    app = App(context, routes, fallback=WebClient(not_found))
    for cls, args, kwargs in reversed(cors_middleware(settings)):
        app.asgi = cls(app.asgi, *args, **kwargs)
    return app
