"""System-of-record ports: users, posts and media, the follow graph, interactions, the outbox.

Every write takes ``events``: the backend writes them to the outbox in the same transaction
as the change, and only if the change happened (an idempotent no-op writes no event).
Lists of post or user ids come newest first unless stated. Backends that shard place rows by
:func:`feedcore.ids.shard_of` (users by :func:`feedcore.ids.shard_for_handle`).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sequence

from ..events import Event
from ..model import Comment, Media, Post, User
from .base import Backend

__all__ = ["GraphStore", "InteractionStore", "Outbox", "PostStore", "Publish", "UserStore"]


class UserStore(Backend):
    @abc.abstractmethod
    def create_user(self, user: User, password_hash: str, events: Sequence[Event] = ()) -> None:
        """Insert ``user``. Raises Conflict if the handle is taken (case-insensitively)."""

    @abc.abstractmethod
    def get_users(self, user_ids: Iterable[int]) -> dict[int, User]:
        """The users that exist among ``user_ids``, by id (read from primaries)."""

    @abc.abstractmethod
    def user_by_handle(self, handle: str) -> User | None:
        """The user with ``handle``, compared case-insensitively."""

    @abc.abstractmethod
    def password_hash(self, user_id: int) -> str | None:
        """The stored password hash, or None for an unknown user."""

    @abc.abstractmethod
    def delete_user(self, user_id: int, deleted_at: float, events: Sequence[Event] = ()) -> bool:
        """Mark the account deleted: from now on it is absent from every read, its handle is
        free and its password gone (its posts, likes, comments, follows and media are removed
        by the ``accounts`` consumer). False (and no events) if there was no such live user."""

    @abc.abstractmethod
    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace the stored password hash. Raises NotFound."""

    @abc.abstractmethod
    def update_profile(
        self, user_id: int, *, display_name: str | None, bio: str | None, events: Sequence[Event] = ()
    ) -> User:
        """Set the given fields (None leaves a field as it is). Raises NotFound."""

    @abc.abstractmethod
    def user_ids(self, after: int | None, limit: int) -> list[int]:
        """Every user id greater than ``after``, ascending, at most ``limit`` (merged across shards)."""

    def get_user(self, user_id: int) -> User | None:
        return self.get_users([user_id]).get(user_id)


class PostStore(Backend):
    @abc.abstractmethod
    def add_media(self, media: Media, events: Sequence[Event] = ()) -> None:
        """Record uploaded media (not yet attached to a post)."""

    @abc.abstractmethod
    def get_media(self, media_ids: Iterable[int]) -> dict[int, Media]:
        """Media records by id."""

    @abc.abstractmethod
    def media_of(self, owner_id: int, after: int | None, limit: int) -> list[Media]:
        """The owner's media records with id > ``after``, ascending, at most ``limit``."""

    @abc.abstractmethod
    def delete_media(self, media_ids: Iterable[int]) -> None:
        """Forget these media records (the objects are the MediaStore's to delete)."""

    @abc.abstractmethod
    def create_post(self, post: Post, events: Sequence[Event] = ()) -> None:
        """Insert ``post``, attach its media (``Media.post_id``) and add 1 to the author's post_count.
        Raises NotFound, writing nothing, if the author does not exist."""

    @abc.abstractmethod
    def get_posts(self, post_ids: Iterable[int]) -> dict[int, Post]:
        """Posts by id; deleted posts are absent."""

    @abc.abstractmethod
    def edit_post(self, post_id: int, text: str, edited_at: float, events: Sequence[Event] = ()) -> Post:
        """Replace the text and set ``edited_at``. Raises NotFound (also for a deleted post)."""

    @abc.abstractmethod
    def delete_post(self, post_id: int, deleted_at: float, events: Sequence[Event] = ()) -> Post | None:
        """Mark the post deleted and subtract 1 from post_count; None (and no events) if absent."""

    @abc.abstractmethod
    def posts_by_authors(self, author_ids: Sequence[int], before: int | None, limit: int) -> list[int]:
        """Ids of the authors' live posts with id < ``before`` (all if None), newest first,
        at most ``limit``; merged across shards. Stale-tolerant (may read replicas)."""

    @abc.abstractmethod
    def recount_interactions(self, post_ids: Iterable[int]) -> None:
        """Set like_count and comment_count of these posts from the likes and comments stored."""


class GraphStore(Backend):
    @abc.abstractmethod
    def add_follow(self, follower_id: int, followee_id: int, created_at: float, events: Sequence[Event] = ()) -> bool:
        """Write the forward edge on the follower's shard and add 1 to following_count.
        False (and no events) if it existed."""

    @abc.abstractmethod
    def remove_follow(self, follower_id: int, followee_id: int, events: Sequence[Event] = ()) -> bool:
        """Delete the forward edge, subtract 1 from following_count. False if there was none."""

    @abc.abstractmethod
    def add_reverse(self, followee_id: int, follower_id: int, created_at: float) -> bool:
        """Write the reverse edge on the followee's shard and add 1 to follower_count in the
        same transaction; False if it existed (so redelivery counts once)."""

    @abc.abstractmethod
    def remove_reverse(self, followee_id: int, follower_id: int) -> bool:
        """Delete the reverse edge and subtract 1 from follower_count; False if there was none."""

    @abc.abstractmethod
    def is_following(self, follower_id: int, followee_id: int) -> bool:
        """Whether the forward edge exists."""

    @abc.abstractmethod
    def following(self, user_id: int, after: int | None, limit: int) -> list[int]:
        """Followee ids of ``user_id`` greater than ``after``, ascending (forward edges)."""

    @abc.abstractmethod
    def followers(self, user_id: int, after: int | None, limit: int) -> list[int]:
        """Follower ids of ``user_id`` greater than ``after``, ascending (reverse edges;
        stale-tolerant, may read replicas)."""


class InteractionStore(Backend):
    @abc.abstractmethod
    def add_like(self, user_id: int, post_id: int, created_at: float, events: Sequence[Event] = ()) -> bool:
        """Record the like on the post's shard; False (and no events) if it existed."""

    @abc.abstractmethod
    def remove_like(self, user_id: int, post_id: int, events: Sequence[Event] = ()) -> bool:
        """Remove the like; False (and no events) if there was none."""

    @abc.abstractmethod
    def liked(self, user_id: int, post_ids: Iterable[int]) -> set[int]:
        """Which of ``post_ids`` the user likes."""

    @abc.abstractmethod
    def liked_posts(self, user_id: int, after: int | None, limit: int) -> list[int]:
        """Ids of the posts ``user_id`` likes, > ``after``, ascending, at most ``limit`` (merged
        across shards)."""

    @abc.abstractmethod
    def comments_by(self, author_id: int, after: int | None, limit: int) -> list[int]:
        """Ids of the live comments ``author_id`` wrote, > ``after``, ascending, at most ``limit``
        (merged across shards)."""

    @abc.abstractmethod
    def add_comment(self, comment: Comment, events: Sequence[Event] = ()) -> None:
        """Insert ``comment`` on its post's shard (the comment id names that shard)."""

    @abc.abstractmethod
    def get_comment(self, comment_id: int) -> Comment | None:
        """The comment, or None if absent or deleted."""

    @abc.abstractmethod
    def edit_comment(self, comment_id: int, text: str, events: Sequence[Event] = ()) -> bool:
        """Set the live comment's text; False (and no events) if absent or deleted."""

    @abc.abstractmethod
    def delete_comment(self, comment_id: int, events: Sequence[Event] = ()) -> bool:
        """Delete the comment; False (and no events) if absent."""

    @abc.abstractmethod
    def comments(self, post_id: int, after: int | None, limit: int) -> list[Comment]:
        """Comments on ``post_id`` with id > ``after``, oldest first."""


Publish = Callable[[Sequence[Event]], None]


class Outbox(Backend):
    @abc.abstractmethod
    def relay(self, publish: Publish, limit: int = 500) -> int:
        """Claim up to ``limit`` unpublished events (oldest first, per shard), call ``publish``
        with them, and remove them only if it returns. Returns how many were published.
        Safe to run in several processes at once (claims skip rows another relay holds).
        If ``publish`` raises, the events stay and the error propagates."""

    @abc.abstractmethod
    def pending(self) -> int:
        """How many events wait to be published (for metrics and tests)."""
