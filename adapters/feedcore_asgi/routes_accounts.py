"""Accounts: registration and the caller's profile (sign-in is OAuth's: see :mod:`.oauth`)."""

from __future__ import annotations

from . import wire
from .call import Call
from .table import LOCATION, Reply, Route, json_body, links

__all__ = ["ROUTES"]


def register(call: Call[wire.NewUser, None]) -> wire.User:
    body = call.body
    user = call.platform.users.register(body.handle, body.password, wire.given(body.display_name))
    call.header("Location", f"/v1/users/{user.id}")
    return wire.User.of(user)


def me(call: Call[None, None]) -> wire.User:
    return wire.User.of(call.platform.users.get(call.user))


def update_me(call: Call[wire.ProfileUpdate, None]) -> wire.User:
    body = call.body
    user = call.platform.users.update_profile(
        call.user, display_name=wire.given(body.display_name), bio=wire.given(body.bio)
    )
    return wire.User.of(user)


_USER_LINKS = links(
    "user", "$response.body#/id", "show_user", "followers", "following", "user_posts", "follow", "unfollow"
)

ROUTES = [
    Route(
        "POST",
        "/v1/users",
        register,
        "Register a user.",
        Reply(201, "The new user.", wire.User, headers=(LOCATION,), links=_USER_LINKS),
        auth="none",
        body=json_body(wire.NewUser),
        errors=(409,),
        tags=("accounts",),
    ),
    Route(
        "GET",
        "/v1/me",
        me,
        "The caller's profile.",
        Reply(200, "The caller.", wire.User, links=_USER_LINKS),
        auth="required",
        scope="read",
        tags=("accounts",),
    ),
    Route(
        "PATCH",
        "/v1/me",
        update_me,
        "Change the caller's display name or bio.",
        Reply(200, "The caller, changed.", wire.User),
        auth="required",
        scope="write",
        body=json_body(wire.ProfileUpdate),
        tags=("accounts",),
    ),
]
