"""Profiles and the follow graph; an author's posts; the caller's home feed."""

from __future__ import annotations

from feedcore.model import FeedItem, Page
from feedcore.model import User as DomainUser

from . import wire
from .call import Call, parse_id
from .paging import FEED_PAGING, LIST_PAGING, Paging
from .table import Header, Reply, Route, links

__all__ = ["DEGRADED_HEADER", "ROUTES"]

DEGRADED_HEADER = "X-Feedcore-Degraded"
_DEGRADED = Header(DEGRADED_HEADER, "Sent (true) when a backend was skipped: the page may be stale.", {"const": "true"})
_DONE = Reply(204, "Done (idempotent).")


def _named(call: Call[None, Paging] | Call[None, None]) -> int | DomainUser:
    """What the ``user`` path parameter names: digits are an id, else a handle (optional @)."""
    text = call.params["user"]
    if text.isascii() and text.isdigit():
        return parse_id(text, "user")
    return call.platform.users.by_handle(text.removeprefix("@"))


def _user(call: Call[None, Paging] | Call[None, None]) -> DomainUser:
    """The user the ``user`` path parameter names."""
    named = _named(call)
    return call.platform.users.get(named) if isinstance(named, int) else named


def _user_id(call: Call[None, None]) -> int:
    """The id of the user the ``user`` path parameter names (an id is not looked up here)."""
    named = _named(call)
    return named if isinstance(named, int) else named.id


def _feed_page(call: Call[None, Paging], page: Page[FeedItem]) -> wire.FeedPage:
    call.context.metrics.feed_reads.labels("true" if page.degraded else "false").inc()
    if page.degraded:
        call.header(DEGRADED_HEADER, "true")
    return wire.FeedPage.of(page, wire.FeedItem.of)


def show_user(call: Call[None, None]) -> wire.Profile:
    user, viewer = _user(call), call.viewer
    following = viewer is not None and viewer != user.id and call.platform.graph.is_following(viewer, user.id)
    return wire.Profile.seen(user, following)


def followers(call: Call[None, Paging]) -> wire.UserPage:
    page = call.platform.graph.followers(_user(call).id, call.query.limit, call.query.cursor)
    return wire.UserPage.of(page, wire.User.of)


def following(call: Call[None, Paging]) -> wire.UserPage:
    page = call.platform.graph.following(_user(call).id, call.query.limit, call.query.cursor)
    return wire.UserPage.of(page, wire.User.of)


def user_posts(call: Call[None, Paging]) -> wire.FeedPage:
    q = call.query
    return _feed_page(call, call.platform.feeds.timeline(_user(call).id, q.limit, q.cursor, viewer_id=call.viewer))


def follow(call: Call[None, None]) -> None:
    call.platform.graph.follow(call.user, _user_id(call))


def unfollow(call: Call[None, None]) -> None:
    call.platform.graph.unfollow(call.user, _user_id(call))


def home_feed(call: Call[None, Paging]) -> wire.FeedPage:
    return _feed_page(call, call.platform.feeds.home(call.user, call.query.limit, call.query.cursor))


_TAGS = ("users",)
_USER_LINKS = links("user", "$response.body#/id", "follow", "unfollow", "followers", "following", "user_posts")
_LISTED_USER_LINKS = links("user", "$response.body#/items/0/id", "show_user", "follow", "unfollow")
_FEED_LINKS = links("post_id", "$response.body#/items/0/post/id", "show_post", "like", "add_comment")

ROUTES = [
    Route(
        "GET",
        "/v1/users/{user}",
        show_user,
        "A user, with counters.",
        Reply(200, "The user, with whether the caller follows them.", wire.Profile, links=_USER_LINKS),
        scope="read",
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/v1/users/{user}/followers",
        followers,
        "Who follows the user, newest first.",
        Reply(200, "A page of users.", wire.UserPage, links=_LISTED_USER_LINKS),
        scope="read",
        query=LIST_PAGING,
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/v1/users/{user}/following",
        following,
        "Whom the user follows, newest first.",
        Reply(200, "A page of users.", wire.UserPage, links=_LISTED_USER_LINKS),
        scope="read",
        query=LIST_PAGING,
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/v1/users/{user}/posts",
        user_posts,
        "The user's posts, newest first.",
        Reply(200, "A page of feed items.", wire.FeedPage, headers=(_DEGRADED,), links=_FEED_LINKS),
        scope="read",
        query=FEED_PAGING,
        tags=_TAGS,
    ),
    Route(
        "PUT",
        "/v1/me/following/{user}",
        follow,
        "Follow a user (idempotent).",
        _DONE,
        auth="required",
        scope="follow",
        errors=(400,),
        tags=_TAGS,
    ),
    Route(
        "DELETE",
        "/v1/me/following/{user}",
        unfollow,
        "Unfollow a user (idempotent).",
        _DONE,
        auth="required",
        scope="follow",
        errors=(400,),
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/v1/feed",
        home_feed,
        "The caller's home feed, newest first.",
        Reply(200, "A page of feed items.", wire.FeedPage, headers=(_DEGRADED,), links=_FEED_LINKS),
        auth="required",
        scope="read",
        query=FEED_PAGING,
        tags=("feed",),
    ),
]
