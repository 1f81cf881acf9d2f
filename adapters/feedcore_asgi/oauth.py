"""The authorization server's HTTP endpoints: token (RFC 6749), revocation (RFC 7009),
introspection (RFC 7662) and metadata (RFC 8414).

They speak OAuth's own wire format (form bodies; flat ``error`` / ``error_description``
errors), so they bypass the API's error shape: each builds the framework-free request the
core's :class:`~feedcore.oauth.OAuthServer` answers.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from feedcore import Platform
from feedcore.errors import InvalidInput, TooLarge, Unavailable
from feedcore.oauth import PATHS, HttpRequest, HttpResponse

from .bodies import parse_json_object, read_limited
from .errors import STATUS, error_response
from .runtime import blocking

__all__ = ["ROUTES", "oauth_request"]

Answer = Callable[[Platform, HttpRequest], HttpResponse]


async def oauth_request(request: Request, limit: int) -> HttpRequest:
    """The request as the core's authorization server reads it: form fields of a POST (a
    JSON object is accepted too), the query of a GET. Raises TooLarge past ``limit`` bytes,
    InvalidInput for a malformed JSON body."""
    params: list[tuple[str, str]] = list(request.query_params.multi_items()) if request.method == "GET" else []
    if request.method == "POST":
        raw = await read_limited(request, limit)
        if request.headers.get("content-type", "").split(";")[0].strip().lower() == "application/json":
            params = [(k, v) for k, v in parse_json_object(raw).items() if isinstance(v, str)]
        else:
            params = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
    return HttpRequest(
        method=request.method,
        url=str(request.url),
        headers=dict(request.headers),
        params=tuple(params),
        address=request.client.host if request.client else "",
    )


def _endpoint(answer: Answer) -> Callable[[Request], object]:
    async def run(request: Request) -> Response:
        try:
            platform = await blocking(request.app.state.holder.get)
            oauth = await oauth_request(request, platform.settings.max_json_bytes)
            reply = await blocking(answer, platform, oauth)
        except (InvalidInput, TooLarge, Unavailable) as exc:
            return _flat_error(exc)
        except Exception as exc:  # a bug: a JSON 500
            return error_response(exc)
        return JSONResponse(dict(reply.body), status_code=reply.status, headers=dict(reply.headers))

    return run


def _flat_error(exc: InvalidInput | TooLarge | Unavailable) -> Response:
    """A body the server cannot read, or a backend down, as an RFC 6749 error."""
    if isinstance(exc, Unavailable):
        return JSONResponse(
            {"error": "temporarily_unavailable", "error_description": exc.message}, 503, {"Retry-After": "1"}
        )
    return JSONResponse({"error": "invalid_request", "error_description": exc.message}, STATUS[type(exc)])


async def metadata(request: Request) -> Response:
    """RFC 8414 metadata; the issuer is the origin the client reached this server at."""
    platform = await blocking(request.app.state.holder.get)
    issuer = f"{request.url.scheme}://{request.url.netloc}"
    return JSONResponse(platform.oauth.metadata(issuer))


ROUTES = [
    Route(PATHS["token_endpoint"], _endpoint(lambda p, r: p.oauth.token(r)), methods=["POST"]),
    Route(PATHS["revocation_endpoint"], _endpoint(lambda p, r: p.oauth.revoke(r)), methods=["POST"]),
    Route(PATHS["introspection_endpoint"], _endpoint(lambda p, r: p.oauth.introspect(r)), methods=["POST"]),
    Route("/.well-known/oauth-authorization-server", metadata, methods=["GET"]),
]
