"""The route table's vocabulary: a :class:`Route` declares everything about one operation.

The router, request decoding, response encoding and the OpenAPI document are all derived from
the routes; nothing about the wire is kept anywhere else. A handler is a plain synchronous
function ``(Call) -> Struct | Raw | None`` (see :mod:`feedcore_asgi.call`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

import attrs
from msgspec import Meta, Struct

from .errors import error_response, oauth_error_response
from .responses import Response
from .uploads import CONTENT_MULTIPART, FRAMING_BYTES
from .wire import MEDIA_TYPES, Error, Id
from .wire_oauth import OAuthError

__all__ = [
    "API_ERRORS",
    "CONTENT_JSON",
    "CONTENT_TYPE_FORM",
    "LOCATION",
    "NO_STORE",
    "OAUTH_ERRORS",
    "PATH_PARAMS",
    "Auth",
    "Body",
    "ErrorShape",
    "Header",
    "Link",
    "PathParam",
    "Reply",
    "Route",
    "Scope",
    "json_body",
    "links",
    "media_body",
    "oauth_form",
]

Auth = Literal["none", "optional", "required"]
"""``none`` ignores tokens; ``optional`` refuses only a bad one; ``required`` needs a good one."""
Scope = Literal["read", "write", "follow", "admin"]

CONTENT_JSON = "application/json"
CONTENT_TYPE_FORM = "application/x-www-form-urlencoded"


@attrs.frozen
class Body:
    """How a route takes its request body.

    ``kind``: ``"struct"`` decodes into ``type``; ``"params"`` checks the fields against
    ``type`` but hands the handler the fields as sent (:class:`~feedcore_asgi.call.Params`:
    order and repeats kept, as OAuth needs them); ``"raw"`` hands over the bytes
    (:class:`~feedcore_asgi.call.Upload`). ``limit`` names the Settings field with the size
    bound in bytes, ``framing`` the bytes allowed beyond it (a form's boundaries and part headers).
    ``codes`` maps a field path to the error code its decoding errors carry;
    others carry ``default_code`` or, when that is None, ``invalid_<top-level field>``.
    """

    kind: Literal["struct", "params", "raw"]
    content_types: tuple[str, ...]
    type: Any = None
    limit: str = "max_json_bytes"
    framing: int = 0
    codes: Mapping[str, str] = attrs.field(factory=dict)
    default_code: str | None = None


def json_body(tp: Any) -> Body:
    """A JSON object decoded into ``tp``; any other content type is refused with 415."""
    return Body("struct", (CONTENT_JSON,), tp)


def oauth_form(tp: Any) -> Body:
    """OAuth parameters: a form (``application/x-www-form-urlencoded``) or a JSON object whose
    fields ``tp`` describes; refusals carry RFC 6749's codes."""
    codes = {"$.grant_type": "unsupported_grant_type"}
    return Body("params", (CONTENT_TYPE_FORM, CONTENT_JSON), tp, codes=codes, default_code="invalid_request")


def media_body() -> Body:
    """Media of an accepted type, up to ``max_media_bytes``: the raw bytes, or a form's one file."""
    return Body("raw", (CONTENT_MULTIPART, *MEDIA_TYPES), limit="max_media_bytes", framing=FRAMING_BYTES)


@attrs.frozen
class Header:
    """A response header a route may send (``required``: always, with that reply); ``schema``
    is its JSON Schema."""

    name: str
    description: str
    schema: Mapping[str, Any] = attrs.field(factory=lambda: {"type": "string"})
    required: bool = False


LOCATION = Header("Location", "Where the new resource lives.", required=True)
NO_STORE = (
    Header("Cache-Control", "Never cache this answer.", {"const": "no-store"}, required=True),
    Header("Pragma", "Never cache this answer (HTTP/1.0).", {"const": "no-cache"}, required=True),
)


@attrs.frozen
class ErrorShape:
    """How a route's errors look: the Struct the document names, how an exception is
    rendered (with the rate headers so far), and the headers every error carries."""

    type: Any
    render: Callable[[Exception, Mapping[str, str]], Response]
    headers: tuple[Header, ...] = ()


API_ERRORS = ErrorShape(Error, error_response)
OAUTH_ERRORS = ErrorShape(OAuthError, oauth_error_response, NO_STORE)
"""RFC 6749's flat errors, for the authorization server's endpoints."""


@attrs.frozen
class Link:
    """Where a reply leads (an OpenAPI link): the operation named ``operation`` (a handler's
    name), its path parameters taken from the reply by runtime expressions
    (``{"post_id": "$response.body#/id"}``). The document refuses a link to an unknown
    operation or parameter."""

    operation: str
    parameters: Mapping[str, str]


def links(parameter: str, expression: str, *operations: str) -> tuple[Link, ...]:
    """Links to each of ``operations``, their path parameter ``parameter`` from ``expression``."""
    return tuple(Link(operation, {parameter: expression}) for operation in operations)


@attrs.frozen
class Reply:
    """A response a handler may give: a JSON body of the Struct ``type``, or
    :class:`~feedcore_asgi.call.Raw` bytes of one of ``content_types``, or (neither) no body;
    ``links`` are the operations it leads to."""

    status: int
    description: str
    type: Any = None
    content_types: tuple[str, ...] = ()
    headers: tuple[Header, ...] = ()
    links: tuple[Link, ...] = ()


@attrs.frozen
class PathParam:
    """A path parameter, known by its name in every path that uses it."""

    schema_type: Any
    description: str
    multi_segment: bool = False


UserRef = Annotated[str, Meta(pattern=r"^(?:[0-9]+|@?[A-Za-z0-9_]{3,30})$")]

PATH_PARAMS: dict[str, PathParam] = {
    "user": PathParam(UserRef, "A user id, or a handle with an optional leading @."),
    "post_id": PathParam(Id, "A post id."),
    "comment_id": PathParam(Id, "A comment id."),
    "client_id": PathParam(str, "A client application's id."),
    "session_id": PathParam(Id, "A session id."),
    "key": PathParam(str, "A media object's key.", multi_segment=True),
}

_PARAM = re.compile(r"\{(\w+)\}")


@attrs.frozen
class Route:
    """One operation of the API, declared once.

    ``errors`` lists error statuses beyond those the declaration implies (see
    :func:`feedcore_asgi.openapi.error_statuses`); ``also`` lists other replies the handler
    may choose with ``call.reply(status)``. ``limited`` routes count against the rate limit.
    ``inline`` handlers touch no backend and run on the event loop. ``error_shape`` is how
    errors look (the API's, or OAuth's). ``request_headers`` are headers the handler reads.
    """

    method: str
    path: str
    handler: Callable[..., Any]
    summary: str
    ok: Reply
    auth: Auth = "optional"
    scope: Scope | None = None
    body: Body | None = None
    query: type[Struct] | None = None
    errors: tuple[int, ...] = ()
    also: tuple[Reply, ...] = ()
    limited: bool = True
    inline: bool = False
    tags: tuple[str, ...] = ()
    error_shape: ErrorShape = API_ERRORS
    request_headers: tuple[Header, ...] = ()

    def __attrs_post_init__(self) -> None:
        unknown = [p for p in self.params if p not in PATH_PARAMS]
        if unknown:
            raise ValueError(f"{self.method} {self.path}: undeclared path parameters {unknown}")
        if self.auth != "none" and self.scope is None:
            raise ValueError(f"{self.method} {self.path}: a route that takes tokens needs a scope")

    @property
    def params(self) -> tuple[str, ...]:
        """The path parameters' names, in order."""
        return tuple(_PARAM.findall(self.path))

    @property
    def replies(self) -> tuple[Reply, ...]:
        return (self.ok, *self.also)
