"""The bulk-loading port: generated data straight into the system of record (``feedctl seed``).

Rows go in through the store's fastest path, with no outbox events and no consumers: the
caller loads users first, then posts, follow edges and likes, then calls
:meth:`BulkLoader.recount_users` and :meth:`BulkLoader.recount_posts` once so the denormalised
counters match the rows. Every call is idempotent: rows that exist
are left alone, so an interrupted seed is resumed by loading the same batches again.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence

from ..model import Post, User
from .base import Backend

__all__ = ["BulkLoader", "Edge", "Like"]

Edge = tuple[int, int, float]
"""A follow: (follower id, followee id, created_at in seconds)."""

Like = tuple[int, int, float]
"""A like: (user id, post id, created_at in seconds)."""


class BulkLoader(Backend):
    @abc.abstractmethod
    def load_users(self, users: Sequence[User], password_hash: str) -> int:
        """Insert the users that are absent (counters as given; see :meth:`recount_users`),
        each on the shard its id names, all with ``password_hash``. Returns how many went in."""

    @abc.abstractmethod
    def load_posts(self, posts: Sequence[Post]) -> int:
        """Insert absent posts (no media) on their author's shard, leaving ``post_count``
        to :meth:`recount_users`. Returns how many went in."""

    @abc.abstractmethod
    def load_follows(self, edges: Sequence[Edge]) -> int:
        """Insert absent follow edges, forward (follower's shard) and reverse (followee's
        shard) alike, leaving the counters to :meth:`recount_users`. Returns how many
        forward edges went in."""

    @abc.abstractmethod
    def load_likes(self, likes: Sequence[Like]) -> int:
        """Insert absent likes on their post's shard (the posts exist), leaving ``like_count``
        to :meth:`recount_posts`. Returns how many went in."""

    @abc.abstractmethod
    def recount_users(self) -> None:
        """Set every user's follower_count, following_count and post_count from the rows
        stored (exact; run it when no other writer is active)."""

    @abc.abstractmethod
    def recount_posts(self) -> None:
        """Set every post's like_count and comment_count from the rows stored (exact; run it
        when no other writer is active)."""
