"""Accounts: registration, the caller's profile."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from .endpoint import Call, endpoint, json_response
from .serialize import user_json

__all__ = ["ROUTES"]


@endpoint(auth="none", body="json")
def register(call: Call) -> Response:
    user = call.platform.users.register(call.field("handle"), call.field("password"), call.field("display_name"))
    return json_response(user_json(user), 201, {"Location": f"/v1/users/{user.id}"})


@endpoint(auth="required")
def me(call: Call) -> Response:
    return json_response(user_json(call.platform.users.get(call.user)))


@endpoint(auth="required", body="json")
def update_me(call: Call) -> Response:
    user = call.platform.users.update_profile(call.user, display_name=call.field("display_name"), bio=call.field("bio"))
    return json_response(user_json(user))


ROUTES = [
    Route("/v1/users", register, methods=["POST"]),
    Route("/v1/me", me, methods=["GET"]),
    Route("/v1/me", update_me, methods=["PATCH"]),
]
