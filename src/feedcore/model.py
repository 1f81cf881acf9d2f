"""Domain values and entities. Times are float seconds since the Unix epoch (UTC)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

import attrs

__all__ = ["Comment", "FeedItem", "Media", "MediaRef", "Page", "Post", "Session", "Tokens", "User", "UserCard"]

T = TypeVar("T")


@attrs.frozen
class User:
    """A registered user, with counters kept by the store (exact once consumers catch up)."""

    id: int
    handle: str
    display_name: str
    created_at: float
    bio: str = ""
    follower_count: int = 0
    following_count: int = 0
    post_count: int = 0

    @property
    def card(self) -> UserCard:
        return UserCard(id=self.id, handle=self.handle, display_name=self.display_name)


@attrs.frozen
class UserCard:
    """The few user fields shown beside a post."""

    id: int
    handle: str
    display_name: str


@attrs.frozen
class MediaRef:
    """Media as embedded in a post."""

    id: int
    url: str
    content_type: str
    size: int


@attrs.frozen
class Media:
    """An uploaded object: metadata in the store, bytes in the MediaStore under ``key``."""

    id: int
    owner_id: int
    key: str
    url: str
    content_type: str
    size: int
    checksum: str
    created_at: float
    post_id: int | None = None

    @property
    def ref(self) -> MediaRef:
        return MediaRef(id=self.id, url=self.url, content_type=self.content_type, size=self.size)


@attrs.frozen
class Post:
    """A post. It lives on its author's shard; its id names that shard."""

    id: int
    author_id: int
    text: str
    created_at: float
    media: tuple[MediaRef, ...] = ()
    edited_at: float | None = None
    like_count: int = 0
    comment_count: int = 0


@attrs.frozen
class Comment:
    """A comment. It lives on its post's shard; its id names that shard."""

    id: int
    post_id: int
    author_id: int
    text: str
    created_at: float


@attrs.frozen
class FeedItem:
    """A hydrated feed entry."""

    post: Post
    author: UserCard
    like_count: int
    comment_count: int
    liked_by_me: bool


@attrs.frozen
class Tokens:
    """What a login or refresh returns. ``expires_in`` is the access token's life in seconds."""

    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


@attrs.frozen
class Session:
    """A refresh session. The refresh token is ``f"{id}.{secret}"``; only a hash of the secret is kept."""

    id: str
    user_id: int
    secret_hash: str
    created_at: float
    expires_at: float


@attrs.frozen
class Page(Generic[T]):
    """One page of results. ``next_cursor`` is opaque, and None on the last page."""

    items: Sequence[T]
    next_cursor: str | None = None
    degraded: bool = False
