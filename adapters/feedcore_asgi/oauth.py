"""The authorization server's HTTP endpoints: token (RFC 6749), revocation (RFC 7009),
introspection (RFC 7662) and metadata (RFC 8414).

They speak OAuth's own wire format (form bodies; flat ``error`` / ``error_description``
errors: :data:`~feedcore_asgi.table.OAUTH_ERRORS`), and are not counted by the API's rate
limit (sign-in has its own throttling). Each handler hands the core's
:class:`~feedcore.oauth.OAuthServer` the framework-free request it answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from feedcore.oauth import PATHS, HttpRequest, HttpResponse

from . import wire_oauth as w
from .call import Call, Params, Raw
from .responses import encode
from .table import NO_STORE, OAUTH_ERRORS, Header, Reply, Route, oauth_form

__all__ = ["ROUTES"]


def _request(call: Call[Params, None]) -> HttpRequest:
    return HttpRequest("POST", call.url, call.request_headers, call.body.pairs, call.address)


def _answer(call: Call[Params, None], response: HttpResponse) -> Raw:
    """The server's answer as this route's reply (its status and headers must be declared)."""
    if response.status != call.status:
        call.reply(response.status)
    for name, value in response.headers.items():
        if name.lower() != "content-type":
            call.header(name, value)
    return Raw(encode(dict(response.body)), "application/json")


def token(call: Call[Params, None]) -> Raw:
    return _answer(call, call.platform.oauth.token(_request(call)))


def revoke(call: Call[Params, None]) -> Raw:
    return _answer(call, call.platform.oauth.revoke(_request(call)))


def introspect(call: Call[Params, None]) -> Raw:
    return _answer(call, call.platform.oauth.introspect(_request(call)))


def metadata(call: Call[None, None]) -> Raw:
    """RFC 8414 metadata; the issuer is the origin the client reached this server at."""
    issuer = HttpRequest("GET", call.url, {}).origin
    return Raw(encode(call.platform.oauth.metadata(issuer)), "application/json")


_CHALLENGE = Header("WWW-Authenticate", "The client authentication challenge.", required=True)
_RETRY = Header("Retry-After", "Seconds to wait.", {"type": "integer"}, required=True)


def _replies(ok: Reply, *, throttled: bool = False) -> tuple[Reply, ...]:
    """What the server may answer besides ``ok``: RFC 6749 errors, with their headers."""
    replies = [
        Reply(400, "An RFC 6749 error (invalid_request, invalid_grant, ...).", w.OAuthError, headers=NO_STORE),
        Reply(401, "Client authentication failed.", w.OAuthError, headers=(*NO_STORE, _CHALLENGE)),
        Reply(503, "A backend is unavailable; retry later.", w.OAuthError, headers=(*NO_STORE, _RETRY)),
    ]
    if throttled:
        replies.append(Reply(429, "Too many failed sign-ins; retry later.", w.OAuthError, headers=(*NO_STORE, _RETRY)))
    return (ok, *replies)


def _oauth_route(
    path: str, handler: Callable[[Call[Params, None]], Raw], summary: str, ok: Reply, body: Any, throttled: bool = False
) -> Route:
    first, *also = _replies(ok, throttled=throttled)
    return Route(
        "POST",
        path,
        handler,
        summary,
        first,
        auth="none",
        body=oauth_form(body),
        also=tuple(also),
        limited=False,
        error_shape=OAUTH_ERRORS,
        tags=("oauth",),
    )


ROUTES = [
    _oauth_route(
        PATHS["token_endpoint"],
        token,
        "OAuth 2 token endpoint (RFC 6749): authorization code with PKCE, refresh token, client credentials, "
        "password (first-party clients).",
        Reply(200, "Fresh tokens.", w.Tokens, headers=NO_STORE),
        w.TokenRequest,
        throttled=True,
    ),
    _oauth_route(
        PATHS["revocation_endpoint"],
        revoke,
        "Revoke a refresh or access token (RFC 7009: an unknown token is not an error).",
        Reply(200, "Revoked, or nothing to revoke.", w.Empty, headers=NO_STORE),
        w.RevokeRequest,
    ),
    _oauth_route(
        PATHS["introspection_endpoint"],
        introspect,
        "Introspect a token (RFC 7662; confidential clients).",
        Reply(200, "What the token is.", w.Introspection, headers=NO_STORE),
        w.IntrospectRequest,
    ),
    Route(
        "GET",
        "/.well-known/oauth-authorization-server",
        metadata,
        "Authorization server metadata (RFC 8414).",
        Reply(200, "The metadata.", w.Metadata),
        auth="none",
        limited=False,
        error_shape=OAUTH_ERRORS,
        tags=("oauth",),
    ),
]
