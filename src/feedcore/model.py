"""Domain values and entities. Times are float seconds since the Unix epoch (UTC)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

import attrs

__all__ = [
    "AuthorizationCode",
    "Client",
    "Comment",
    "FeedItem",
    "Media",
    "MediaRef",
    "Page",
    "Post",
    "Principal",
    "Session",
    "Tokens",
    "User",
    "UserCard",
]

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
    """What a login or refresh returns. ``expires_in`` is the access token's life in seconds;
    ``scope`` the granted scopes, space-separated; ``refresh_token`` is None for grants that
    get none (client credentials)."""

    access_token: str
    refresh_token: str | None
    expires_in: int
    scope: str = ""
    token_type: str = "Bearer"


@attrs.frozen
class Principal:
    """Who a verified access token speaks for: a user through a client, or a client alone
    (client credentials), and the scopes it carries."""

    user_id: int | None
    client_id: str
    scopes: frozenset[str]
    session_id: int


@attrs.frozen
class Client:
    """A registered client application (RFC 6749 section 2). A public client (a browser or
    mobile app) has no secret; a confidential one keeps a secret of which only a hash is stored.
    ``redirect_uris`` starting with ``/`` are on the authorization server's own origin."""

    id: str
    name: str
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    """The most this client may be granted."""
    grant_types: tuple[str, ...]
    secret_hash: str | None
    created_at: float
    owner_id: int | None = None

    @property
    def public(self) -> bool:
        return self.secret_hash is None


@attrs.frozen
class Session:
    """One sign-in of a user through a client, or one client credentials grant (no user).

    Its access tokens name it and its refresh token renews it; revoking it ends them all. The
    refresh token is ``f"{id}.{refresh_gen}.{family}.{secret}"``: only hashes of ``family``
    (fixed for the session) and ``secret`` (new at each rotation) are kept, so presenting a
    rotated token (an older generation with the right family) is detected as reuse."""

    id: int
    user_id: int | None
    client_id: str
    scope: str
    created_at: float
    expires_at: float
    family_hash: str | None = None
    """None: the session has no refresh token."""
    refresh_gen: int = 0
    refresh_hash: str | None = None


@attrs.frozen
class AuthorizationCode:
    """An authorization code (RFC 6749 section 4.1), ``f"{id}.{secret}"``; only a hash of the
    secret is kept. ``used_at`` is set by its one exchange; the session that exchange created
    (``session_id``) is revoked if the code is presented again."""

    id: int
    secret_hash: str
    client_id: str
    user_id: int
    redirect_uri: str | None
    scope: str
    code_challenge: str | None
    code_challenge_method: str | None
    session_id: int
    created_at: float
    expires_at: float
    used_at: float | None = None


@attrs.frozen
class Page(Generic[T]):
    """One page of results. ``next_cursor`` is opaque, and None on the last page."""

    items: Sequence[T]
    next_cursor: str | None = None
    degraded: bool = False
