"""BulkLoader for :class:`~feedcore.backends.memory.store.MemoryStore` (a mixin; the store's lock and tables)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from ...model import Post, User
from ...ports.bulk import BulkLoader, Edge, Like
from ._store_tables import SortedIds

__all__ = ["MemoryBulk"]


class MemoryBulk(BulkLoader):
    """Expects the attributes MemoryStore defines: ``_open``, ``_users``, ``_posts``, ``_by_author``, ..."""

    _users: dict[int, User]
    _passwords: dict[int, str]
    _handles: dict[str, int]
    _posts: dict[int, Post]
    _deleted: dict[int, float]
    _by_author: dict[int, SortedIds]
    _following: dict[int, SortedIds]
    _followers: dict[int, SortedIds]
    _likes: dict[int, set[int]]
    _liked: dict[int, set[int]]
    _open: Any
    recount_interactions: Callable[[Iterable[int]], None]

    def load_users(self, users: Sequence[User], password_hash: str) -> int:
        done = 0
        with self._open():
            for user in users:
                key = user.handle.lower()
                if user.id in self._users or key in self._handles:
                    continue
                self._users[user.id] = user
                self._passwords[user.id] = password_hash
                self._handles[key] = user.id
                done += 1
        return done

    def load_posts(self, posts: Sequence[Post]) -> int:
        done = 0
        with self._open():
            for post in posts:
                if post.id not in self._posts:
                    self._posts[post.id] = post
                    self._by_author.setdefault(post.author_id, SortedIds()).add(post.id)
                    done += 1
        return done

    def load_follows(self, edges: Sequence[Edge]) -> int:
        done = 0
        with self._open():
            for follower, followee, _ in edges:
                done += self._following.setdefault(follower, SortedIds()).add(followee)
                self._followers.setdefault(followee, SortedIds()).add(follower)
        return done

    def load_likes(self, likes: Sequence[Like]) -> int:
        done = 0
        with self._open():
            for user_id, post_id, _ in likes:
                users = self._likes.setdefault(post_id, set())
                if user_id not in users:
                    users.add(user_id)
                    self._liked.setdefault(user_id, set()).add(post_id)
                    done += 1
        return done

    def recount_users(self) -> None:
        with self._open():
            for uid, user in self._users.items():
                self._users[uid] = attrs.evolve(
                    user,
                    follower_count=len(self._followers.get(uid, ())),
                    following_count=len(self._following.get(uid, ())),
                    post_count=len(self._by_author.get(uid, ())),
                )

    def recount_posts(self) -> None:
        with self._open():
            self.recount_interactions(list(self._posts))
