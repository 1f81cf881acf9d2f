"""Accounts: registration, the OAuth2-style token endpoint, revocation, the caller's profile."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from feedcore.errors import InvalidInput

from .endpoint import Call, endpoint, json_response
from .serialize import tokens_json, user_json

__all__ = ["ROUTES"]

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@endpoint(auth="none", body="json")
def register(call: Call) -> Response:
    user = call.platform.users.register(call.field("handle"), call.field("password"), call.field("display_name"))
    return json_response(user_json(user), 201, {"Location": f"/v1/users/{user.id}"})


def _required(call: Call, name: str) -> str:
    value = call.field(name)
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{name} is required", code="invalid_request")
    return value


@endpoint(auth="none", body="form")
def token(call: Call) -> Response:
    """grant_type=password (username, password) or grant_type=refresh_token (refresh_token)."""
    grant = call.field("grant_type")
    auth = call.platform.auth
    if grant == "password":
        tokens = auth.login(_required(call, "username"), _required(call, "password"))
    elif grant == "refresh_token":
        tokens = auth.refresh(_required(call, "refresh_token"))
    else:
        raise InvalidInput("grant_type must be 'password' or 'refresh_token'", code="unsupported_grant_type")
    return json_response(tokens_json(tokens), 200, _NO_STORE)


@endpoint(auth="none", body="form")
def revoke(call: Call) -> Response:
    call.platform.auth.revoke(_required(call, "token"))
    return json_response({})


@endpoint(auth="required")
def me(call: Call) -> Response:
    return json_response(user_json(call.platform.users.get(call.user)))


@endpoint(auth="required", body="json")
def update_me(call: Call) -> Response:
    user = call.platform.users.update_profile(call.user, display_name=call.field("display_name"), bio=call.field("bio"))
    return json_response(user_json(user))


ROUTES = [
    Route("/v1/users", register, methods=["POST"]),
    Route("/v1/auth/token", token, methods=["POST"]),
    Route("/v1/auth/revoke", revoke, methods=["POST"]),
    Route("/v1/me", me, methods=["GET"]),
    Route("/v1/me", update_me, methods=["PATCH"]),
]
