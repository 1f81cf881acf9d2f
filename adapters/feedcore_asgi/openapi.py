"""The OpenAPI 3.1 document of the app, written by hand; a test checks it lists exactly the
app's routes, and schemathesis checks the app's answers against it."""

from __future__ import annotations

import functools
from typing import Any

from feedcore import __version__
from feedcore.scopes import SCOPE_DESCRIPTIONS
from feedcore.services.media import ACCEPTED_TYPES

from .endpoint import required_scope

__all__ = ["openapi_document"]

JSON = dict[str, Any]

_ID: JSON = {"type": "string", "pattern": "^[0-9]+$", "description": "A 64-bit id as a decimal string."}
_TIME: JSON = {"type": "string", "format": "date-time", "description": "RFC 3339, UTC."}
_NULLABLE_TIME: JSON = {"type": ["string", "null"], "format": "date-time"}
_COUNT: JSON = {"type": "integer", "minimum": 0}


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: dict[str, JSON], optional: dict[str, JSON] | None = None, closed: bool = True) -> JSON:
    schema: JSON = {"type": "object", "properties": {**required, **(optional or {})}, "required": list(required)}
    if closed:
        schema["additionalProperties"] = False
    return schema


_POST_FIELDS: JSON = {
    "id": _ID,
    "author_id": _ID,
    "text": {"type": "string"},
    "media": {"type": "array", "items": _ref("MediaRef")},
    "created_at": _TIME,
    "edited_at": _NULLABLE_TIME,
}


def _page(item: str) -> JSON:
    return _obj({"items": {"type": "array", "items": _ref(item)}, "next_cursor": {"type": ["string", "null"]}})


_SCHEMAS: JSON = {
    "Error": _obj({"error": _obj({"code": {"type": "string", "pattern": "^[a-z_]+$"}, "message": {"type": "string"}})}),
    "User": _obj(
        {
            "id": _ID,
            "handle": {"type": "string"},
            "display_name": {"type": "string"},
            "bio": {"type": "string"},
            "created_at": _TIME,
            "follower_count": _COUNT,
            "following_count": _COUNT,
            "post_count": _COUNT,
        }
    ),
    "UserCard": _obj({"id": _ID, "handle": {"type": "string"}, "display_name": {"type": "string"}}),
    "MediaRef": _obj({"id": _ID, "url": {"type": "string"}, "content_type": {"type": "string"}}),
    "Media": _obj({"id": _ID, "url": {"type": "string"}, "content_type": {"type": "string"}, "size": _COUNT}),
    "FeedPost": _obj(_POST_FIELDS),
    "Post": _obj({**_POST_FIELDS, "like_count": _COUNT, "comment_count": _COUNT}),
    "FeedItem": _obj(
        {
            "post": _ref("FeedPost"),
            "author": _ref("UserCard"),
            "like_count": _COUNT,
            "comment_count": _COUNT,
            "liked_by_me": {"type": "boolean"},
        }
    ),
    "Comment": _obj({"id": _ID, "post_id": _ID, "author_id": _ID, "text": {"type": "string"}, "created_at": _TIME}),
    "Tokens": _obj(
        {
            "access_token": {"type": "string"},
            "token_type": {"const": "Bearer"},
            "expires_in": _COUNT,
            "scope": {"type": "string"},
        },
        {"refresh_token": {"type": "string"}},
    ),
    "UserPage": _page("User"),
    "FeedPage": _page("FeedItem"),
    "CommentPage": _page("Comment"),
    "Empty": _obj({}),
    "Health": _obj({"status": {"const": "ok"}}),
    "Ready": _obj(
        {
            "status": {"enum": ["ok", "unavailable"]},
            "backends": {"type": "object", "additionalProperties": {"type": "string"}},
        }
    ),
    "NewUser": _obj(
        {
            "handle": {"type": "string", "pattern": "^[A-Za-z0-9_]{3,30}$"},
            "password": {"type": "string", "minLength": 8},
        },
        {"display_name": {"type": "string", "maxLength": 50}},
        closed=False,
    ),
    "TokenRequest": _obj(
        {"grant_type": {"enum": ["authorization_code", "refresh_token", "client_credentials", "password"]}},
        {
            name: {"type": "string"}
            for name in (
                "code",
                "redirect_uri",
                "code_verifier",
                "refresh_token",
                "username",
                "password",
                "scope",
                "client_id",
                "client_secret",
            )
        },
        closed=False,
    ),
    "RevokeRequest": _obj({"token": {"type": "string"}}, {"token_type_hint": {"type": "string"}}, closed=False),
    "OAuthError": _obj(
        {"error": {"type": "string", "pattern": "^[a-z_]+$"}},
        {"error_description": {"type": "string"}, "error_uri": {"type": "string"}},
    ),
    "Introspection": _obj({"active": {"type": "boolean"}}, closed=False),
    "NewClient": _obj(
        {"name": {"type": "string", "minLength": 1, "maxLength": 100}},
        {
            "redirect_uris": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
            "scope": {"type": "string"},
            "confidential": {"type": "boolean"},
            "client_credentials": {"type": "boolean"},
        },
        closed=False,
    ),
    "Client": _obj(
        {
            "client_id": {"type": "string"},
            "name": {"type": "string"},
            "redirect_uris": {"type": "array", "items": {"type": "string"}},
            "scope": {"type": "string"},
            "grant_types": {"type": "array", "items": {"type": "string"}},
            "token_endpoint_auth_method": {"enum": ["none", "client_secret_basic"]},
        },
        {"client_secret": {"type": "string"}},
    ),
    "Session": _obj(
        {
            "id": _ID,
            "client_id": {"type": "string"},
            "client_name": {"type": "string"},
            "scope": {"type": "string"},
            "created_at": _TIME,
            "expires_at": _TIME,
            "current": {"type": "boolean"},
        }
    ),
    "SessionPage": _page("Session"),
    "PasswordConfirmation": _obj({"password": {"type": "string"}}, closed=False),
    "PasswordChange": _obj(
        {"current_password": {"type": "string"}, "new_password": {"type": "string", "minLength": 8}}, closed=False
    ),
    "Metadata": _obj({"issuer": {"type": "string"}, "token_endpoint": {"type": "string"}}, closed=False),
    "ProfileUpdate": _obj(
        {},
        {"display_name": {"type": "string", "maxLength": 50}, "bio": {"type": "string", "maxLength": 160}},
        closed=False,
    ),
    "NewPost": _obj(
        {"text": {"type": "string", "minLength": 1}},
        {"media_ids": {"type": "array", "items": _ID, "maxItems": 4}},
        closed=False,
    ),
    "Text": _obj({"text": {"type": "string", "minLength": 1}}, closed=False),
}

_RATE_HEADERS: JSON = {
    "RateLimit-Limit": {"description": "Requests allowed per period.", "schema": {"type": "integer"}},
    "RateLimit-Remaining": {"description": "Requests left in this period.", "schema": {"type": "integer"}},
    "RateLimit-Reset": {"description": "Seconds until the limit resets.", "schema": {"type": "integer"}},
}

_ERRORS: dict[int, str] = {
    400: "Invalid input (malformed body, bad field, bad limit or cursor).",
    401: "Missing, invalid, expired or revoked token.",
    403: "Authenticated, but not allowed (or the token lacks the scope: insufficient_scope).",
    404: "No such resource.",
    409: "Conflicts with existing state.",
    413: "Body larger than its limit.",
    415: "Media type not accepted, or the bytes are not of that type.",
    416: "The byte range asked for is outside the object.",
    429: "Rate limited; see Retry-After.",
    503: "A backend is unavailable; retry later.",
}


def _error(status: int) -> JSON:
    headers: JSON = dict(_RATE_HEADERS)
    if status == 401:
        headers["WWW-Authenticate"] = {"required": True, "schema": {"type": "string"}}
    if status == 429:
        headers["Retry-After"] = {"required": True, "schema": {"type": "integer"}}
    return {
        "description": _ERRORS[status],
        "headers": headers,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _ok(status: int, schema: str | None, description: str, headers: JSON | None = None) -> JSON:
    response: JSON = {"description": description, "headers": {**_RATE_HEADERS, **(headers or {})}}
    if schema is not None:
        response["content"] = {"application/json": {"schema": _ref(schema)}}
    return response


def _op(
    summary: str,
    ok: tuple[int, str | None],
    *,
    auth: str = "optional",
    body: str | None = None,
    params: tuple[str, ...] = (),
    errors: tuple[int, ...] = (),
    paged: bool = False,
    degraded: bool = False,
    rate_limited: bool = True,
) -> JSON:
    status, schema = ok
    extra = (
        {"X-Feedcore-Degraded": {"description": "true when a backend was skipped.", "schema": {"const": "true"}}}
        if degraded
        else None
    )
    responses: JSON = {str(status): _ok(status, schema, "Success." if schema else "Done.", extra)}
    codes = set(errors)
    if rate_limited:
        codes |= {429, 503}
    if auth != "none":
        codes.add(401)
    if body is not None:
        codes |= {400, 413}
    if params:
        codes.add(404)
    if paged:
        codes.add(400)
    for code in sorted(codes):
        responses[str(code)] = _error(code)
    op: JSON = {"summary": summary, "responses": responses}
    parameters = [{"name": p, "in": "path", "required": True, "schema": _PARAM_SCHEMAS[p]} for p in params]
    if paged:
        parameters += [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": 100},
            },
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
        ]
    if parameters:
        op["parameters"] = parameters
    if auth == "required":
        op["security"] = [{"bearer": []}]
    elif auth == "optional":
        op["security"] = [{"bearer": []}, {}]
    if body is not None:
        op["requestBody"] = {"required": True, "content": _BODIES[body]}
    return op


_PARAM_SCHEMAS: dict[str, JSON] = {
    "client_id": {"type": "string", "description": "A client application's id."},
    "session_id": _ID,
    "user": {"type": "string", "description": "A user id or handle."},
    "user_id": _ID,
    "post_id": _ID,
    "comment_id": _ID,
    "key": {"type": "string", "description": "The media object's key."},
}

_BODIES: dict[str, JSON] = {
    "NewUser": {"application/json": {"schema": _ref("NewUser")}},
    "TokenRequest": {
        "application/x-www-form-urlencoded": {"schema": _ref("TokenRequest")},
        "application/json": {"schema": _ref("TokenRequest")},
    },
    "RevokeRequest": {
        "application/x-www-form-urlencoded": {"schema": _ref("RevokeRequest")},
        "application/json": {"schema": _ref("RevokeRequest")},
    },
    "ProfileUpdate": {"application/json": {"schema": _ref("ProfileUpdate")}},
    "NewClient": {"application/json": {"schema": _ref("NewClient")}},
    "PasswordChange": {"application/json": {"schema": _ref("PasswordChange")}},
    "PasswordConfirmation": {"application/json": {"schema": _ref("PasswordConfirmation")}},
    "NewPost": {"application/json": {"schema": _ref("NewPost")}},
    "Text": {"application/json": {"schema": _ref("Text")}},
    "Media": {t: {"schema": {"type": "string", "format": "binary"}} for t in ACCEPTED_TYPES},
}


def _oauth_op(summary: str, ok: str, body: str | None) -> JSON:
    """An operation that speaks OAuth's wire format: RFC 6749 errors, no rate limit headers."""
    flat = {"application/json": {"schema": _ref("OAuthError")}}
    responses: JSON = {
        "200": {"description": "Success.", "content": {"application/json": {"schema": _ref(ok)}}},
        "400": {"description": "An RFC 6749 error.", "content": flat},
        "401": {"description": "Client authentication failed (RFC 6749 section 5.2).", "content": flat},
        "413": {"description": "Body larger than its limit.", "content": flat},
        "429": {"description": "Too many failed sign-ins; see Retry-After.", "content": flat},
        "503": {"description": "A backend is unavailable; retry later.", "content": flat},
    }
    if body is None:
        return {"summary": summary, "responses": {"200": responses["200"]}}
    return {"summary": summary, "responses": responses, "requestBody": {"required": True, "content": _BODIES[body]}}


def _page_op(summary: str, params: tuple[str, ...], form: bool) -> JSON:
    """A browser page of the authorization server: HTML, or a redirect (303)."""
    page = {"text/html": {"schema": {"type": "string"}}}
    responses: JSON = {
        "200": {"description": "The page.", "content": page},
        "303": {"description": "On to the next page, or back to the client.", "headers": {"Location": _LOCATION}},
        "400": {"description": "A request that cannot go back to its client.", "content": page},
        "401": {"description": "Wrong handle or password.", "content": page},
        "403": {"description": "The form expired (anti-forgery check).", "content": page},
        "429": {"description": "Too many failed sign-ins; see Retry-After.", "content": page},
        "503": {"description": "A backend is unavailable.", "content": {"application/json": {"schema": _ref("Error")}}},
    }
    op: JSON = {"summary": summary, "responses": responses}
    fields = {name: {"type": "string"} for name in params}
    if form:
        schema = {"type": "object", "properties": fields}
        op["requestBody"] = {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}
    else:
        op["parameters"] = [{"name": p, "in": "query", "required": False, "schema": {"type": "string"}} for p in params]
    return op


_LOCATION: JSON = {"required": True, "schema": {"type": "string"}}
_AUTHORIZE_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def _paths() -> JSON:
    post = ("post_id",)
    return {
        "/v1/auth/authorize": {
            "get": _page_op("Authorization endpoint (RFC 6749 3.1): the consent page.", _AUTHORIZE_PARAMS, False),
            "post": _page_op(
                "The user's decision on the consent page.", (*_AUTHORIZE_PARAMS, "decision", "csrf"), True
            ),
        },
        "/v1/auth/login": {
            "get": _page_op("The sign-in page.", ("next",), False),
            "post": _page_op(
                "Sign in (a browser, for the authorization endpoint).", ("username", "password", "csrf", "next"), True
            ),
        },
        "/v1/users": {"post": _op("Register a user.", (201, "User"), auth="none", body="NewUser", errors=(409,))},
        "/v1/auth/token": {"post": _oauth_op("OAuth 2 token endpoint (RFC 6749).", "Tokens", "TokenRequest")},
        "/v1/auth/revoke": {
            "post": _oauth_op("Revoke a refresh or access token (RFC 7009).", "Empty", "RevokeRequest")
        },
        "/v1/auth/introspect": {
            "post": _oauth_op("Introspect a token (RFC 7662; confidential clients).", "Introspection", "RevokeRequest")
        },
        "/.well-known/oauth-authorization-server": {
            "get": _oauth_op("Authorization server metadata (RFC 8414).", "Metadata", None)
        },
        "/v1/clients": {
            "post": _op(
                "Register a client application (OAuth 2); the secret of a confidential one is shown only here.",
                (201, "Client"),
                auth="required",
                body="NewClient",
                errors=(403,),
            )
        },
        "/v1/clients/{client_id}": {
            "delete": _op(
                "Remove a client application the caller registered.",
                (204, None),
                auth="required",
                params=("client_id",),
            )
        },
        "/v1/me/sessions": {
            "get": _op("The caller's sessions (sign-ins), newest first.", (200, "SessionPage"), auth="required")
        },
        "/v1/me/sessions/{session_id}": {
            "delete": _op("End one of the caller's sessions.", (204, None), auth="required", params=("session_id",))
        },
        "/v1/me/password": {
            "put": _op(
                "Change the caller's password; their other sessions end.",
                (204, None),
                auth="required",
                body="PasswordChange",
                errors=(404,),
            )
        },
        "/v1/me": {
            "delete": _op(
                "Delete the caller's account (confirmed by password); its posts, likes, comments, follows and "
                "media are removed in the background.",
                (202, "Empty"),
                auth="required",
                body="PasswordConfirmation",
                errors=(404,),
            ),
            "get": _op("The caller's profile.", (200, "User"), auth="required", errors=(404,)),
            "patch": _op(
                "Change the caller's display name or bio.",
                (200, "User"),
                auth="required",
                body="ProfileUpdate",
                errors=(404,),
            ),
        },
        "/v1/users/{user}": {"get": _op("A user, with counters.", (200, "User"), params=("user",))},
        "/v1/users/{user}/followers": {
            "get": _op("Who follows the user.", (200, "UserPage"), params=("user",), paged=True)
        },
        "/v1/users/{user}/following": {
            "get": _op("Whom the user follows.", (200, "UserPage"), params=("user",), paged=True)
        },
        "/v1/users/{user}/posts": {
            "get": _op(
                "The user's posts, newest first.", (200, "FeedPage"), params=("user",), paged=True, degraded=True
            )
        },
        "/v1/me/following/{user_id}": {
            "put": _op("Follow a user (idempotent).", (204, None), auth="required", params=("user_id",), errors=(400,)),
            "delete": _op(
                "Unfollow a user (idempotent).", (204, None), auth="required", params=("user_id",), errors=(400,)
            ),
        },
        "/v1/feed": {
            "get": _op(
                "The caller's home feed, newest first.",
                (200, "FeedPage"),
                auth="required",
                paged=True,
                degraded=True,
                errors=(404,),
            )
        },
        "/v1/media": {
            "post": _op(
                "Upload an image or video (raw body).", (201, "Media"), auth="required", body="Media", errors=(404, 415)
            )
        },
        "/v1/posts": {"post": _op("Publish a post.", (201, "Post"), auth="required", body="NewPost", errors=(404,))},
        "/v1/posts/{post_id}": {
            "get": _op("A post.", (200, "Post"), params=post),
            "patch": _op(
                "Edit a post's text (its author only).",
                (200, "Post"),
                auth="required",
                body="Text",
                params=post,
                errors=(403,),
            ),
            "delete": _op("Delete a post (its author only).", (204, None), auth="required", params=post, errors=(403,)),
        },
        "/v1/posts/{post_id}/like": {
            "put": _op("Like a post (idempotent).", (204, None), auth="required", params=post),
            "delete": _op("Take a like back (idempotent).", (204, None), auth="required", params=post),
        },
        "/v1/posts/{post_id}/comments": {
            "post": _op("Comment on a post.", (201, "Comment"), auth="required", body="Text", params=post),
            "get": _op("Comments on a post, oldest first.", (200, "CommentPage"), params=post, paged=True),
        },
        "/v1/comments/{comment_id}": {
            "delete": _op(
                "Delete a comment (its author or the post's).",
                (204, None),
                auth="required",
                params=("comment_id",),
                errors=(403,),
            )
        },
        "/healthz": {
            "get": {
                "summary": "Liveness.",
                "responses": {
                    "200": {
                        "description": "The process answers.",
                        "content": {"application/json": {"schema": _ref("Health")}},
                    }
                },
            }
        },
        "/readyz": {
            "get": {
                "summary": "Readiness of every backend.",
                "responses": {
                    "200": {
                        "description": "Every backend answers.",
                        "content": {"application/json": {"schema": _ref("Ready")}},
                    },
                    "503": {
                        "description": "A backend is down.",
                        "content": {"application/json": {"schema": {"anyOf": [_ref("Ready"), _ref("Error")]}}},
                    },
                },
            }
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics.",
                "responses": {
                    "200": {
                        "description": "Exposition text.",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    "503": _error(503),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document.",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/media/{key}": {
            "get": _op(
                "Media bytes (for media stores without public URLs): immutable, with an ETag and byte ranges.",
                (200, None),
                auth="none",
                params=("key",),
                rate_limited=False,
                errors=(416, 503),
            )
        },
    }


@functools.cache
def openapi_document() -> JSON:
    """The OpenAPI 3.1 document (built once; treat it as read-only)."""
    paths = _paths()
    for path, item in paths.items():
        for method, op in item.items():
            if "security" in op:  # every route that takes tokens declares the OAuth scope it needs
                scope = required_scope(method.upper(), path.replace("{", "").replace("}", ""))
                optional: list[JSON] = [{}] if {} in op["security"] else []
                op["security"] = [{"oauth2": [scope]}, {"bearer": []}, *optional]
                op["responses"]["403"] = _error(403)
    media = paths["/media/{key}"]["get"]
    binary = {t: {"schema": {"type": "string", "format": "binary"}} for t in ACCEPTED_TYPES}
    media["responses"]["200"]["content"] = binary
    media["responses"]["206"] = {"description": "The byte range asked for (Range).", "content": binary}
    media["responses"]["304"] = {"description": "Not modified: If-None-Match names the ETag."}
    media["parameters"] += [
        {"name": name, "in": "header", "required": False, "schema": {"type": "string"}}
        for name in ("Range", "If-Range", "If-None-Match")
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "feedcore",
            "version": __version__,
            "description": "Users, posts with media, a follow graph, home feeds, likes and comments. "
            "Ids are decimal strings; times are RFC 3339 UTC; errors are "
            '{"error": {"code", "message"}}.',
        },
        "paths": paths,
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "oauth2": {
                    "type": "oauth2",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": "/v1/auth/authorize",
                            "tokenUrl": "/v1/auth/token",
                            "refreshUrl": "/v1/auth/token",
                            "scopes": SCOPE_DESCRIPTIONS,
                        },
                        "clientCredentials": {"tokenUrl": "/v1/auth/token", "scopes": SCOPE_DESCRIPTIONS},
                        "password": {"tokenUrl": "/v1/auth/token", "scopes": SCOPE_DESCRIPTIONS},
                    },
                },
            },
        },
    }
