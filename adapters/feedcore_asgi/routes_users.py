"""Profiles and the follow graph; an author's posts; the caller's home feed."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from feedcore.model import FeedItem, Page, User

from .endpoint import Call, endpoint, json_response, no_content, parse_id
from .serialize import item_json, page_json, user_json

__all__ = ["DEGRADED_HEADER", "ROUTES"]

DEGRADED_HEADER = "X-Feedcore-Degraded"


def _user(call: Call) -> User:
    """The user named by the ``user`` path parameter: a decimal id, or a handle (optional @)."""
    text = call.request.path_params["user"]
    users = call.platform.users
    if text.isascii() and text.isdigit():
        return users.get(parse_id(text, "user"))
    return users.by_handle(text.removeprefix("@"))


def _feed_page(call: Call, page: Page[FeedItem]) -> Response:
    call.request.app.state.metrics.feed_reads.labels("true" if page.degraded else "false").inc()
    return json_response(page_json(page, item_json), headers={DEGRADED_HEADER: "true"} if page.degraded else None)


@endpoint()
def show_user(call: Call) -> Response:
    return json_response(user_json(_user(call)))


@endpoint()
def followers(call: Call) -> Response:
    page = call.platform.graph.followers(_user(call).id, call.query_limit(50), call.cursor)
    return json_response(page_json(page, user_json))


@endpoint()
def following(call: Call) -> Response:
    page = call.platform.graph.following(_user(call).id, call.query_limit(50), call.cursor)
    return json_response(page_json(page, user_json))


@endpoint()
def user_posts(call: Call) -> Response:
    return _feed_page(
        call, call.platform.feeds.timeline(_user(call).id, call.query_limit(20), call.cursor, viewer_id=call.viewer)
    )


@endpoint(auth="required")
def follow(call: Call) -> Response:
    call.platform.graph.follow(call.user, call.path_id("user_id", "user"))
    return no_content()


@endpoint(auth="required")
def unfollow(call: Call) -> Response:
    call.platform.graph.unfollow(call.user, call.path_id("user_id", "user"))
    return no_content()


@endpoint(auth="required")
def home_feed(call: Call) -> Response:
    return _feed_page(call, call.platform.feeds.home(call.user, call.query_limit(20), call.cursor))


ROUTES = [
    Route("/v1/users/{user}", show_user, methods=["GET"]),
    Route("/v1/users/{user}/followers", followers, methods=["GET"]),
    Route("/v1/users/{user}/following", following, methods=["GET"]),
    Route("/v1/users/{user}/posts", user_posts, methods=["GET"]),
    Route("/v1/me/following/{user_id}", follow, methods=["PUT"]),
    Route("/v1/me/following/{user_id}", unfollow, methods=["DELETE"]),
    Route("/v1/feed", home_feed, methods=["GET"]),
]
