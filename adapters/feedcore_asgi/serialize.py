"""Domain objects as JSON: ids as strings (64-bit ints do not survive JavaScript), times RFC 3339 UTC."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from feedcore.model import Comment, FeedItem, Media, MediaRef, Page, Post, User, UserCard

__all__ = [
    "card_json",
    "comment_json",
    "item_json",
    "media_json",
    "page_json",
    "post_json",
    "rfc3339",
    "user_json",
]

T = TypeVar("T")
JSON = dict[str, Any]


def rfc3339(seconds: float | None) -> str | None:
    """``1700000000.5`` -> ``"2023-11-14T22:13:20.500Z"``."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user_json(user: User) -> JSON:
    return {
        "id": str(user.id),
        "handle": user.handle,
        "display_name": user.display_name,
        "bio": user.bio,
        "created_at": rfc3339(user.created_at),
        "follower_count": user.follower_count,
        "following_count": user.following_count,
        "post_count": user.post_count,
    }


def card_json(card: UserCard) -> JSON:
    return {"id": str(card.id), "handle": card.handle, "display_name": card.display_name}


def _media_ref(ref: MediaRef) -> JSON:
    return {"id": str(ref.id), "url": ref.url, "content_type": ref.content_type}


def _post_core(post: Post) -> JSON:
    return {
        "id": str(post.id),
        "author_id": str(post.author_id),
        "text": post.text,
        "media": [_media_ref(m) for m in post.media],
        "created_at": rfc3339(post.created_at),
        "edited_at": rfc3339(post.edited_at),
    }


def post_json(post: Post) -> JSON:
    """A post on its own: the feed item's post fields plus its counters."""
    return {**_post_core(post), "like_count": post.like_count, "comment_count": post.comment_count}


def item_json(item: FeedItem) -> JSON:
    return {
        "post": _post_core(item.post),
        "author": card_json(item.author),
        "like_count": item.like_count,
        "comment_count": item.comment_count,
        "liked_by_me": item.liked_by_me,
    }


def comment_json(comment: Comment) -> JSON:
    return {
        "id": str(comment.id),
        "post_id": str(comment.post_id),
        "author_id": str(comment.author_id),
        "text": comment.text,
        "created_at": rfc3339(comment.created_at),
    }


def media_json(media: Media) -> JSON:
    return {"id": str(media.id), "url": media.url, "content_type": media.content_type, "size": media.size}


def page_json(page: Page[T], render: Callable[[T], JSON]) -> JSON:
    return {"items": [render(i) for i in page.items], "next_cursor": page.next_cursor}
