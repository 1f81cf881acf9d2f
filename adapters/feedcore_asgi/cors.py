"""CORS for browser pages on other origins, from the ``cors_origins`` setting (none by default).

Starlette's CORSMiddleware answers preflights and adds the headers. Credentials (cookies) are
never allowed: the API authenticates with a bearer token in the Authorization header, which a
page sends explicitly, so ``*`` is safe to configure. The headers a client reads (rate limits,
Retry-After, Location, the degraded flag) are exposed. The preflight answers the middleware
gives itself say ``nosniff`` too, as every response of the app does.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from feedcore import Settings

from .asgi import ASGIApp, Message, Receive, Scope, Send
from .responses import NOSNIFF

__all__ = ["cors_middleware"]

ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
ALLOWED_HEADERS = ("Authorization", "Content-Type")
EXPOSED_HEADERS = (
    "Location",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "X-Feedcore-Degraded",
)
PREFLIGHT_MAX_AGE = 600  # seconds a browser may cache a preflight answer


class _NoSniff:
    """Adds ``X-Content-Type-Options: nosniff`` to the responses that lack it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and all(k != NOSNIFF[0] for k, _ in message["headers"]):
                message = {**message, "headers": [*message["headers"], NOSNIFF]}
            await send(message)

        await self.app(scope, receive, sending)


def cors_middleware(settings: Settings) -> list[Middleware]:
    """The CORS middleware for ``settings.cors_origins``; none at all when it names no origin,
    so requests pay nothing for it by default."""
    origins = settings.cors_origin_list
    if not origins:
        return []
    return [
        Middleware(_NoSniff),
        Middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            allow_credentials=False,
            expose_headers=EXPOSED_HEADERS,
            max_age=PREFLIGHT_MAX_AGE,
        ),
    ]
