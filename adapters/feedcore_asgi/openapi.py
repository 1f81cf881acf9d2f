"""The OpenAPI 3.1 document of an app, derived from its route table and its settings.

Schemas come from the wire Structs (``msgspec.json.schema_components``) with the app's bounds;
paths, parameters, request bodies, responses, headers, links and security from the routes. The
error statuses an operation lists follow from its declaration (:func:`error_statuses`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from feedcore import Settings, __version__
from feedcore.oauth import PATHS
from feedcore.scopes import SCOPE_DESCRIPTIONS

from .decode import BodyDecoder, QueryDecoder
from .limits import bind
from .table import PATH_PARAMS, Header, Reply, Route
from .uploads import CONTENT_MULTIPART, form_schema
from .wire import MEDIA_TYPES

__all__ = ["error_statuses", "openapi_document"]

JSON = dict[str, Any]

_REF = "#/components/schemas/{name}"
_ERRORS: dict[int, str] = {
    400: "Invalid input: the body, a field or a query parameter.",
    401: "Missing, invalid, expired or revoked token.",
    403: "Authenticated, but not allowed (or the token lacks the scope: insufficient_scope).",
    404: "No such resource.",
    409: "Conflicts with existing state.",
    413: "The body is larger than its limit.",
    415: "Content type not accepted here, or the bytes are not of that type.",
    416: "The byte range asked for is outside the object.",
    429: "Rate limited; retry after Retry-After seconds.",
    503: "A backend is unavailable; retry later.",
}
_SHARED_HEADERS: dict[str, Header] = {
    h.name: h
    for h in (
        Header("RateLimit-Limit", "Requests allowed per period.", {"type": "integer"}),
        Header("RateLimit-Remaining", "Requests left in this period.", {"type": "integer"}),
        Header("RateLimit-Reset", "Seconds until the limit resets.", {"type": "integer"}),
        Header("Retry-After", "Seconds to wait before retrying.", {"type": "integer"}, required=True),
        Header("WWW-Authenticate", "The bearer challenge (RFC 6750).", required=True),
    )
}
_SCOPE_CHALLENGE = Header("WWW-Authenticate", "With insufficient_scope: the scope the token lacks (RFC 6750).")
_RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
_REQUIRED_HEADERS = {401: "WWW-Authenticate", 429: "Retry-After", 503: "Retry-After"}


def error_statuses(route: Route) -> list[int]:
    """The error statuses of ``route``: what its declaration implies, plus its ``errors``."""
    codes = set(route.errors)
    if not route.inline:
        codes.add(503)  # a backend (or opening the platform) failed
    if route.limited:
        codes.add(429)
    if route.auth != "none":
        codes.add(401)
    if route.scope is not None:
        codes.add(403)  # the token lacks the scope
    if route.body is not None:
        codes |= {400, 413, 415}
    if route.query is not None and _refusable(route.query):
        codes.add(400)
    if route.params:
        codes.add(404)
    return sorted(codes)


def _refusable(query: type[Any]) -> bool:
    """Whether a query string can fail to decode: some parameter is required, typed or bounded."""
    _, components = msgspec.json.schema_components([query])
    schema = components[query.__name__]
    free = {"type", "title", "description", "default"}
    return bool(schema.get("required")) or any(
        prop.get("type") != "string" or set(prop) - free for prop in schema["properties"].values()
    )


def openapi_document(routes: Sequence[Route], settings: Settings) -> JSON:
    """The document of an app serving ``routes`` with ``settings`` (a fresh dict each call)."""
    types: list[Any] = list(dict.fromkeys(route.error_shape.type for route in routes))
    for route in routes:
        if route.body is not None and route.body.kind != "raw":
            types.append(BodyDecoder(route.body, settings).type)
        if route.query is not None:
            types.append(QueryDecoder(route.query, settings).type)
        types += [reply.type for reply in route.replies if reply.type is not None]
    refs, schemas = msgspec.json.schema_components(types, ref_template=_REF)
    ref_of: dict[Any, JSON] = dict(zip(types, refs, strict=True))
    queries = {bind(r.query, settings).__name__ for r in routes if r.query is not None}
    query_schemas = {name: schemas.pop(name) for name in queries}
    paths: JSON = {}
    operation_ids: set[str] = set()
    for route in routes:
        op = _operation(route, settings, ref_of, query_schemas)
        if op["operationId"] in operation_ids:
            raise ValueError(f"two routes are named {op['operationId']!r}")
        operation_ids.add(op["operationId"])
        paths.setdefault(route.path, {})[route.method.lower()] = op
    _check_links(routes)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "feedcore",
            "version": __version__,
            "description": "Users, posts with media, a follow graph, home feeds, likes and comments. "
            "Ids are decimal strings; times are RFC 3339 UTC; every error is "
            '`{"error": {"code", "message"}}`, with `field` added when the schema refused a value.',
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "headers": {name: _header(h) for name, h in _SHARED_HEADERS.items()},
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": PATHS["authorization_endpoint"],
                            "tokenUrl": PATHS["token_endpoint"],
                            "refreshUrl": PATHS["token_endpoint"],
                            "scopes": SCOPE_DESCRIPTIONS,
                        },
                        "clientCredentials": {"tokenUrl": PATHS["token_endpoint"], "scopes": SCOPE_DESCRIPTIONS},
                        "password": {"tokenUrl": PATHS["token_endpoint"], "scopes": SCOPE_DESCRIPTIONS},
                    },
                },
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            },
        },
    }


def _check_links(routes: Sequence[Route]) -> None:
    """Every link names an operation of ``routes`` and only path parameters it has."""
    params = {route.handler.__name__: set(route.params) for route in routes}
    for route in routes:
        for reply in route.replies:
            for link in reply.links:
                if link.operation not in params or not set(link.parameters) <= params[link.operation]:
                    raise ValueError(f"{route.method} {route.path}: a link to {link} leads nowhere")


def _operation(route: Route, settings: Settings, ref_of: dict[Any, JSON], query_schemas: JSON) -> JSON:
    op: JSON = {"operationId": route.handler.__name__, "summary": route.summary}
    if route.tags:
        op["tags"] = list(route.tags)
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": PATH_PARAMS[name].description,
            "schema": msgspec.json.schema(PATH_PARAMS[name].schema_type),
        }
        for name in route.params
    ]
    parameters += [
        {"name": h.name, "in": "header", "required": False, "description": h.description, "schema": dict(h.schema)}
        for h in route.request_headers
    ]
    if route.query is not None:
        query = query_schemas[bind(route.query, settings).__name__]
        required = set(query.get("required", ()))
        parameters += [
            {"name": name, "in": "query", "required": name in required, "schema": schema}
            for name, schema in query["properties"].items()
        ]
    if parameters:
        op["parameters"] = parameters
    if route.body is not None:
        decoder = BodyDecoder(route.body, settings)
        schema = ref_of[decoder.type] if route.body.kind != "raw" else {"type": "string", "format": "binary"}
        op["requestBody"] = {
            "required": True,
            "description": f"At most {decoder.content_limit} bytes"
            + (f" ({decoder.limit} for a form, with its framing)." if route.body.framing else "."),
            "x-feedcore-max-bytes": decoder.content_limit,
            "content": {
                ct: form_schema(MEDIA_TYPES) if ct == CONTENT_MULTIPART else {"schema": schema}
                for ct in route.body.content_types
            },
        }
    op["responses"] = _responses(route, ref_of)
    if route.scope is not None:  # an access token granted the scope, from the OAuth flows or as a bearer token
        requirements: list[JSON] = [{"oauth2": [route.scope]}, {"bearer": []}]
        op["security"] = requirements if route.auth == "required" else [*requirements, {}]
    return op


def _header(header: Header) -> JSON:
    required = {"required": True} if header.required else {}
    return {"description": header.description, **required, "schema": dict(header.schema)}


def _shared(name: str) -> JSON:
    return {"$ref": f"#/components/headers/{name}"}


def _responses(route: Route, ref_of: dict[Any, JSON]) -> JSON:
    rate = {name: _shared(name) for name in _RATE_HEADERS} if route.limited else {}
    replies: dict[int, Reply] = {reply.status: reply for reply in route.replies}
    responses: JSON = {}
    errors = error_statuses(route)
    for status in sorted({*replies, *errors}):
        reply = replies.get(status)
        schemas: list[JSON] = []
        response: JSON = {"description": "", "headers": dict(rate)}
        descriptions: list[str] = []
        content: JSON = {}
        if reply is not None:
            descriptions.append(reply.description)
            response["headers"].update({h.name: _header(h) for h in reply.headers})
            if reply.type is not None:
                schemas.append(ref_of[reply.type])
            if reply.links:
                response["links"] = {
                    link.operation: {"operationId": link.operation, "parameters": dict(link.parameters)}
                    for link in reply.links
                }
            for ct in reply.content_types:
                content[ct] = {"schema": _raw_schema(ct)}
        if status in errors:
            descriptions.append(_ERRORS[status])
            schemas.append(ref_of[route.error_shape.type])
            response["headers"].update({h.name: _header(h) for h in route.error_shape.headers})
            if status in _REQUIRED_HEADERS:
                response["headers"][_REQUIRED_HEADERS[status]] = _shared(_REQUIRED_HEADERS[status])
            elif status == 403 and route.scope is not None:
                response["headers"]["WWW-Authenticate"] = _header(_SCOPE_CHALLENGE)
        schemas = list({id(schema): schema for schema in schemas}.values())
        if schemas:
            content["application/json"] = {"schema": schemas[0] if len(schemas) == 1 else {"anyOf": schemas}}
        response["description"] = " Or: ".join(dict.fromkeys(descriptions))
        if content:
            response["content"] = content
        if not response["headers"]:
            del response["headers"]
        responses[str(status)] = response
    return responses


def _raw_schema(content_type: str) -> JSON:
    if content_type == "application/json":
        return {"type": "object"}
    if content_type.startswith("text/"):
        return {"type": "string"}
    return {"type": "string", "format": "binary"}
