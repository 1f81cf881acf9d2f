"""One route made executable: content type and size checks and the body read on the event
loop, then in one step (:class:`~feedcore_asgi.admission.Admission` decides where: the loop for
a read the caches answer, else a thread) the gate (token, rate limit), decoding, the handler and
encoding. Every failure leaves in the route's error shape, with the RateLimit headers on every
counted response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from feedcore.errors import Forbidden, TooLarge, Unauthorized, UnsupportedMedia
from feedcore.model import Principal

from .admission import LoopPolicy
from .asgi import Receive, Scope
from .auth import bearer_token, identify
from .call import Call, Raw
from .context import AppContext
from .decode import BodyDecoder, QueryDecoder, media_type
from .ratelimit import denial, hit, rate_headers
from .responses import Response, encode
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
        self._loop_policy = LoopPolicy() if route.method == "GET" else None

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
            raw = None
            if self.body is not None:
                ctype = media_type(content_type or "")
                if not self.body.accepts(ctype):
                    raise UnsupportedMedia(
                        f"content type {ctype or 'none'!r} is not accepted here; "
                        f"use {' or '.join(self.body.body.content_types)}"
                    )
                raw = await read_body(receive, self.body.limit, length)
            request = _Request(scope, authorization, address, raw, content_type or "", params)
            if self.route.inline:
                return self.run(request)
            context = self.context
            on_loop = self._loop_policy if context.holder.opened else None
            return await context.admission.run(lambda: self.run(request), on_loop)
        except Disconnected:
            raise
        except Exception as exc:  # every failure leaves in the route's error shape
            return self.route.error_shape.render(exc, {})

    def run(self, request: _Request) -> Response:
        """Gate, decode, call the handler, encode. Run again after WouldBlock (on a thread), it
        reuses the gate's outcome: the request is counted once."""
        route = self.route
        viewer: int | None = None
        rate: dict[str, str] = {}
        try:
            if request.gate is None:
                request.gate = self._gate(request) if self._gated else _Gate(None, {})
            principal, rate = request.gate.principal, request.gate.rate
            viewer = principal.user_id if principal is not None else None
            scope, raw = request.scope, request.raw
            body = self.body.decode(raw or b"", request.content_type) if self.body is not None else None
            query = self.query.decode(scope.get("query_string", b"")) if self.query is not None else None
            call: Call[Any, Any] = Call(self.context, scope, route, principal, body, query, request.params)
            return _render(call, route.handler(call), rate)
        except Exception as exc:  # every failure leaves in the route's error shape
            if isinstance(exc, _Refused):
                viewer, rate, exc = exc.viewer, exc.rate, exc.cause
            response = route.error_shape.render(exc, rate)
            response.viewer = viewer
            return response

    def _gate(self, request: _Request) -> _Gate:
        """Who is asking and whether they may: the principal and the RateLimit headers, or
        _Refused with the reason."""
        route = self.route
        platform = self.context.holder.get()
        principal, auth_error = (
            identify(platform, bearer_token(request.authorization)) if route.auth != "none" else (None, None)
        )
        viewer = principal.user_id if principal is not None else None
        if viewer is not None:
            platform.analytics.seen(viewer)  # readers count as active: no I/O here
        decision = hit(platform, viewer, request.address) if route.limited else None
        rate = rate_headers(decision)
        refusal: Exception | None = None
        if decision is not None and not decision.allowed:
            refusal = denial(decision)
        elif auth_error is not None:
            refusal = auth_error
        elif route.auth == "required" and viewer is None:
            refusal = Unauthorized("authentication required: send 'Authorization: Bearer <access token>'")
        elif principal is not None and route.scope not in principal.scopes:
            refusal = Forbidden(f"the access token lacks the '{route.scope}' scope", code="insufficient_scope")
        if refusal is not None:
            raise _Refused(refusal, viewer, rate)
        return _Gate(principal, rate)


@attrs.define
class _Request:
    """What a route needs of one request, read on the event loop."""

    scope: Scope
    authorization: str | None
    address: str
    raw: bytes | None
    content_type: str
    params: Mapping[str, str]
    gate: _Gate | None = None
    """The gate's outcome once passed (a run again after WouldBlock does not count it twice)."""


@attrs.frozen
class _Gate:
    principal: Principal | None
    rate: dict[str, str]


class _Refused(Exception):
    """The gate refused the request: ``cause`` with the viewer and RateLimit headers known then."""

    def __init__(self, cause: Exception, viewer: int | None, rate: dict[str, str]) -> None:
        super().__init__(cause)
        self.cause, self.viewer, self.rate = cause, viewer, rate


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
