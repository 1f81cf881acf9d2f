"""One route made executable: content type and size checks and the body read on the event
loop, then in one trip off it (:func:`~feedcore_asgi.runtime.blocking`) the gate (token, rate
limit), decoding, the handler and encoding. Every failure leaves in the route's error shape,
with the RateLimit headers on every counted response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from feedcore.errors import Forbidden, TooLarge, Unauthorized, UnsupportedMedia
from feedcore.model import Principal

from .asgi import Receive, Scope
from .auth import bearer_token, identify
from .call import Call, Raw
from .context import AppContext
from .decode import BodyDecoder, QueryDecoder, media_type
from .ratelimit import denial, hit, rate_headers
from .responses import Response, encode
from .runtime import blocking
from .table import Route

__all__ = ["Disconnected", "Endpoint"]


class Disconnected(Exception):
    """The client went away before its request body arrived: nothing to answer."""


class Endpoint:
    """A route of one app, with its decoders built from the app's settings."""

    def __init__(self, route: Route, context: AppContext) -> None:
        self.route = route
        self.context = context
        self.body = BodyDecoder(route.body, context.settings) if route.body is not None else None
        self.query = QueryDecoder(route.query, context.settings) if route.query is not None else None
        self._gated = route.auth != "none" or route.limited

    async def respond(self, scope: Scope, receive: Receive, params: Mapping[str, str]) -> Response:
        authorization = content_type = length = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
            elif name == b"content-type":
                content_type = value.decode("latin-1")
            elif name == b"content-length":
                length = value
        client = scope.get("client")
        address = client[0] if client else "unknown"
        try:
            raw, ctype = None, ""
            if self.body is not None:
                ctype = media_type(content_type or "")
                if not self.body.accepts(ctype):
                    raise UnsupportedMedia(
                        f"content type {ctype or 'none'!r} is not accepted here; "
                        f"use {' or '.join(self.body.body.content_types)}"
                    )
                raw = await read_body(receive, self.body.limit, length)
            args = (scope, authorization, address, raw, ctype, params)
            if self.route.inline:
                return self.run(*args)
            return await blocking(self.run, *args)
        except Disconnected:
            raise
        except Exception as exc:  # every failure leaves in the route's error shape
            return self.route.error_shape.render(exc, {})

    def run(
        self,
        scope: Scope,
        authorization: str | None,
        address: str,
        raw: bytes | None,
        content_type: str,
        params: Mapping[str, str],
    ) -> Response:
        """Off the event loop: gate, decode, call the handler, encode."""
        route = self.route
        viewer: int | None = None
        principal: Principal | None = None
        rate: dict[str, str] = {}
        try:
            if self._gated:
                platform = self.context.holder.get()
                principal, auth_error = (
                    identify(platform, bearer_token(authorization)) if route.auth != "none" else (None, None)
                )
                viewer = principal.user_id if principal is not None else None
                decision = hit(platform, viewer, address) if route.limited else None
                rate = rate_headers(decision)
                if decision is not None and not decision.allowed:
                    raise denial(decision)
                if auth_error is not None:
                    raise auth_error
                if route.auth == "required" and viewer is None:
                    raise Unauthorized("authentication required: send 'Authorization: Bearer <access token>'")
                if principal is not None and route.scope not in principal.scopes:
                    raise Forbidden(f"the access token lacks the '{route.scope}' scope", code="insufficient_scope")
            body = self.body.decode(raw or b"", content_type) if self.body is not None else None
            query = self.query.decode(scope.get("query_string", b"")) if self.query is not None else None
            call: Call[Any, Any] = Call(self.context, scope, route, principal, body, query, params)
            return _render(call, route.handler(call), rate)
        except Exception as exc:  # every failure leaves in the route's error shape
            response = route.error_shape.render(exc, rate)
            response.viewer = viewer
            return response


def _render(call: Call[Any, Any], result: Any, rate: dict[str, str]) -> Response:
    headers = [*rate.items(), *call.headers] if call.headers else rate
    if result is None:
        return Response(call.status, headers=headers, viewer=call.viewer)
    if isinstance(result, Raw):
        return Response(call.status, result.data, result.content_type, headers, call.viewer)
    return Response(call.status, encode(result), headers=headers, viewer=call.viewer)


async def read_body(receive: Receive, limit: int, declared: bytes | None) -> bytes:
    """The whole body, or TooLarge as soon as it passes ``limit`` bytes (declared or streamed)."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the body is larger than {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
