"""The wire schema: one msgspec Struct per request and response body of the HTTP API.

Request decoding, response encoding and the OpenAPI document all derive from these types.
Ids travel as decimal strings (64-bit integers do not survive JavaScript), times as RFC 3339
UTC. A bound that comes from :class:`~feedcore.Settings` is written :class:`FromSettings` and
filled in per app by :func:`feedcore_asgi.limits.bind`. Request bodies ignore unknown fields;
response bodies never carry fields the document does not list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self, TypeVar

import attrs
import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from feedcore import model
from feedcore.services.media import ACCEPTED_TYPES
from feedcore.services.posts import MAX_MEDIA_PER_POST
from feedcore.services.users import MAX_BIO, MAX_DISPLAY_NAME
from feedcore.validation import HANDLE_PATTERN, MAX_PASSWORD_LENGTH

__all__ = [
    "MEDIA_TYPES",
    "Accepted",
    "Client",
    "Comment",
    "CommentEdit",
    "CommentPage",
    "Cursor",
    "Error",
    "ErrorDetail",
    "FeedItem",
    "FeedPage",
    "FeedPost",
    "FromSettings",
    "Health",
    "Id",
    "Media",
    "MediaRef",
    "NewClient",
    "NewComment",
    "NewPost",
    "NewUser",
    "PasswordChange",
    "PasswordConfirmation",
    "Post",
    "PostEdit",
    "PostView",
    "Profile",
    "ProfileUpdate",
    "Ready",
    "Session",
    "SessionPage",
    "User",
    "UserCard",
    "UserPage",
    "given",
    "time",
]


T = TypeVar("T")

MEDIA_TYPES = tuple(ACCEPTED_TYPES)
"""The content types of media (uploads and the bytes served)."""


@attrs.frozen
class FromSettings:
    """A length bound read from the app's Settings: ``FromSettings(max_length="max_post_length")``."""

    min_length: str | None = None
    max_length: str | None = None


Id = Annotated[str, Meta(pattern=r"^[0-9]+$", description="A 64-bit id as a decimal string.")]
Count = Annotated[int, Meta(ge=0)]
Cursor = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]*$", description="Opaque: where a page ends.")]
DisplayName = Annotated[str, Meta(max_length=MAX_DISPLAY_NAME)]
Text = Annotated[str, Meta(min_length=1, description="Surrounding whitespace is dropped.")]


def time(seconds: float) -> datetime:
    """A domain time (float seconds since the epoch) as the UTC datetime the wire carries."""
    return datetime.fromtimestamp(seconds, UTC)


class _Out(Struct, forbid_unknown_fields=True):
    """A response body: every field always present, nothing undocumented."""


# --- responses -------------------------------------------------------------------------------


class User(_Out):
    id: Id
    handle: str
    display_name: str
    bio: str
    created_at: datetime
    follower_count: Count
    following_count: Count
    post_count: Count

    @classmethod
    def of(cls, user: model.User) -> User:
        return cls(
            str(user.id),
            user.handle,
            user.display_name,
            user.bio,
            time(user.created_at),
            user.follower_count,
            user.following_count,
            user.post_count,
        )


class Profile(User):
    """A user as the caller sees them."""

    followed_by_me: Annotated[bool, Meta(description="Whether the caller follows them (false when anonymous).")]

    @classmethod
    def seen(cls, user: model.User, followed_by_me: bool) -> Profile:
        return cls(**msgspec.structs.asdict(User.of(user)), followed_by_me=followed_by_me)


class UserCard(_Out):
    id: Id
    handle: str
    display_name: str

    @classmethod
    def of(cls, card: model.UserCard) -> UserCard:
        return cls(str(card.id), card.handle, card.display_name)


class MediaRef(_Out):
    id: Id
    url: str
    content_type: str

    @classmethod
    def of(cls, ref: model.MediaRef) -> MediaRef:
        return cls(str(ref.id), ref.url, ref.content_type)


class Media(_Out):
    id: Id
    url: str
    content_type: str
    size: Annotated[int, Meta(ge=1, description="Bytes.")]

    @classmethod
    def of(cls, media: model.Media) -> Media:
        return cls(str(media.id), media.url, media.content_type, media.size)


class FeedPost(_Out):
    """A post as a feed item carries it (its counters are on the item)."""

    id: Id
    author_id: Id
    text: str
    media: list[MediaRef]
    created_at: datetime
    edited_at: datetime | None

    @classmethod
    def of(cls, post: model.Post) -> FeedPost:
        return cls(
            str(post.id),
            str(post.author_id),
            post.text,
            [MediaRef.of(m) for m in post.media] if post.media else [],
            time(post.created_at),
            None if post.edited_at is None else time(post.edited_at),
        )


class Post(_Out):
    id: Id
    author_id: Id
    text: str
    media: list[MediaRef]
    created_at: datetime
    edited_at: datetime | None
    like_count: Count
    comment_count: Count

    @classmethod
    def of(cls, post: model.Post) -> Post:
        return cls(
            str(post.id),
            str(post.author_id),
            post.text,
            [MediaRef.of(m) for m in post.media],
            time(post.created_at),
            None if post.edited_at is None else time(post.edited_at),
            post.like_count,
            post.comment_count,
        )


class PostView(Post):
    """A post as the caller sees it (as a feed item shows it)."""

    liked_by_me: Annotated[bool, Meta(description="Whether the caller likes it (false when anonymous).")]

    @classmethod
    def seen(cls, post: model.Post, liked_by_me: bool) -> PostView:
        return cls(**msgspec.structs.asdict(Post.of(post)), liked_by_me=liked_by_me)


class FeedItem(_Out):
    post: FeedPost
    author: UserCard
    like_count: Count
    comment_count: Count
    liked_by_me: bool

    @classmethod
    def of(cls, item: model.FeedItem) -> FeedItem:
        return cls(
            FeedPost.of(item.post), UserCard.of(item.author), item.like_count, item.comment_count, item.liked_by_me
        )


class Comment(_Out):
    id: Id
    post_id: Id
    author_id: Id
    text: str
    created_at: datetime

    @classmethod
    def of(cls, comment: model.Comment) -> Comment:
        return cls(
            str(comment.id), str(comment.post_id), str(comment.author_id), comment.text, time(comment.created_at)
        )


class _Page(_Out):
    items: list[Any]
    next_cursor: Annotated[Cursor, Meta(description="Pass as `cursor` for the next page.")] | None

    @classmethod
    def of(cls, page: model.Page[T], item: Callable[[T], Any]) -> Self:
        """The page with each item as ``item`` makes it."""
        return cls([item(i) for i in page.items], page.next_cursor)


class UserPage(_Page):
    items: list[User]


class FeedPage(_Page):
    items: list[FeedItem]


class CommentPage(_Page):
    items: list[Comment]


class ErrorDetail(_Out, omit_defaults=True):
    code: Annotated[str, Meta(pattern=r"^[a-z_]+$", description="Stable, snake_case.")]
    message: str
    field: (
        Annotated[
            str,
            Meta(
                description="Where the bad value is: a JSON path into the body (`$.media_ids[2]`) "
                "or the name of a query parameter (`limit`). Only for input errors the schema catches."
            ),
        ]
        | UnsetType
    ) = UNSET


class Error(_Out):
    """Every failure, whatever its status."""

    error: ErrorDetail


class Health(_Out):
    status: Literal["ok"]


class Ready(_Out):
    status: Literal["ok", "unavailable"]
    backends: dict[str, str]


# --- requests --------------------------------------------------------------------------------


def given(value: T | UnsetType) -> T | None:
    """An optional request field's value, None when it was left out."""
    return None if isinstance(value, UnsetType) else value


class NewUser(Struct):
    handle: Annotated[str, Meta(pattern=HANDLE_PATTERN)]
    password: Annotated[str, Meta(max_length=MAX_PASSWORD_LENGTH), FromSettings(min_length="min_password_length")]
    display_name: Annotated[DisplayName, Meta(description="The handle when left out or blank.")] | UnsetType = UNSET


class ProfileUpdate(Struct):
    """Fields left out stay as they are."""

    display_name: Annotated[str, Meta(min_length=1, max_length=MAX_DISPLAY_NAME)] | UnsetType = UNSET
    bio: Annotated[str, Meta(max_length=MAX_BIO)] | UnsetType = UNSET


class NewPost(Struct):
    text: Annotated[Text, FromSettings(max_length="max_post_length")]
    media_ids: Annotated[list[Id], Meta(max_length=MAX_MEDIA_PER_POST)] = []


class PostEdit(Struct):
    text: Annotated[Text, FromSettings(max_length="max_post_length")]


class NewComment(Struct):
    text: Annotated[Text, FromSettings(max_length="max_comment_length")]


class CommentEdit(Struct):
    text: Annotated[Text, FromSettings(max_length="max_comment_length")]


class NewClient(Struct):
    """A client application to register; ``confidential`` ones get a secret."""

    name: Annotated[str, Meta(min_length=1, max_length=100)]
    redirect_uris: Annotated[list[str], Meta(max_length=10)] = []
    scope: Annotated[str, Meta(description="Space-separated; the user scopes when left out.")] | UnsetType = UNSET
    confidential: bool = False
    client_credentials: bool = False


class Client(_Out, omit_defaults=True):
    client_id: str
    name: str
    redirect_uris: list[str]
    scope: str
    grant_types: list[str]
    token_endpoint_auth_method: Literal["none", "client_secret_basic"]
    client_secret: Annotated[str, Meta(description="Shown only once, at registration.")] | UnsetType = UNSET

    @classmethod
    def of(cls, client: model.Client, secret: str | None) -> Client:
        return cls(
            client.id,
            client.name,
            list(client.redirect_uris),
            " ".join(client.scopes),
            list(client.grant_types),
            "none" if secret is None else "client_secret_basic",
            UNSET if secret is None else secret,
        )


class Session(_Out):
    """A sign-in of the caller; ``current`` marks the one the request's token belongs to."""

    id: Id
    client_id: str
    client_name: str
    scope: str
    created_at: datetime
    expires_at: datetime
    current: bool


class SessionPage(_Page):
    items: list[Session]


class PasswordChange(Struct):
    current_password: str
    new_password: Annotated[str, FromSettings(min_length="min_password_length")]


class PasswordConfirmation(Struct):
    password: str


class Accepted(_Out):
    """Done in part; the rest follows in the background."""
