"""MemoryStore (``memory://``): every system-of-record port in this process, thread-safe.

A real, supported store, not a test double: it keeps the ports' contracts exactly (counters,
idempotent writes, events written with the change they describe and only when it happened)
but lives only as long as the process. One re-entrant lock makes each write atomic: a change
and its outbox events become visible together.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Self, TypeVar

import attrs

from ...errors import Conflict, NotFound, Unavailable
from ...events import Event
from ...model import Comment, Media, Post, User
from ...ports.roles import Store
from ...ports.stores import Publish
from ...settings import Settings
from ._analytics import MemoryAnalytics
from ._auth import MemoryAuth
from ._bulk import MemoryBulk
from ._slots import MemorySlots
from ._store_tables import OutboxQueue, SortedIds, newest_first

__all__ = ["MemoryStore"]

_Row = TypeVar("_Row")


class MemoryStore(Store, MemoryAuth, MemorySlots, MemoryAnalytics, MemoryBulk):
    """UserStore, PostStore, GraphStore, InteractionStore, Outbox, ClientStore, SessionStore,
    CodeStore, SlotStore and AnalyticsStore in memory.

    Rows referring to a user or post the store does not hold (an edge to an unknown user,
    a like on an unknown post) are accepted; only the counters of rows that exist move.
    """

    def __init__(self) -> None:
        MemoryAuth.__init__(self)
        MemorySlots.__init__(self)
        MemoryAnalytics.__init__(self)
        self._lock = threading.RLock()
        self._closed = False
        self._outbox = OutboxQueue()
        # users
        self._users: dict[int, User] = {}
        self._passwords: dict[int, str] = {}
        self._handles: dict[str, int] = {}  # lower-cased handle -> user id
        # posts and media; deleted posts stay in _posts, but leave _by_author
        self._media: dict[int, Media] = {}
        self._posts: dict[int, Post] = {}
        self._deleted: dict[int, float] = {}  # post id -> deleted_at
        self._by_author: dict[int, SortedIds] = {}
        # graph: forward edges by follower, reverse edges by followee
        self._following: dict[int, SortedIds] = {}
        self._followers: dict[int, SortedIds] = {}
        # interactions; deleted comments are dropped
        self._likes: dict[int, set[int]] = {}  # post id -> user ids
        self._liked: dict[int, set[int]] = {}  # user id -> post ids
        self._comments: dict[int, Comment] = {}
        self._comments_by_post: dict[int, SortedIds] = {}

    @classmethod
    def from_url(cls, url: str, settings: Settings) -> Self:
        """A new, empty store for ``memory://`` (the URL takes no options)."""
        return cls()

    def check(self) -> None:
        with self._open():
            pass

    def close(self) -> None:
        """Refuse further calls (they raise Unavailable). Idempotent."""
        with self._lock:
            self._closed = True

    # -- bookkeeping ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _open(self) -> Iterator[None]:
        with self._lock:
            if self._closed:
                raise Unavailable("the in-process store is closed")
            yield

    def _add_to_count(self, user_id: int, field: str, delta: int) -> None:
        user = self._users.get(user_id)
        if user is not None:
            self._users[user_id] = attrs.evolve(user, **{field: getattr(user, field) + delta})

    def _insert(self, rows: dict[int, _Row], id_: int, row: _Row, what: str) -> None:
        if id_ in rows:
            raise Conflict(f"{what} {id_} exists")
        rows[id_] = row

    def _live_post(self, post_id: int) -> Post | None:
        return None if post_id in self._deleted else self._posts.get(post_id)

    # -- UserStore ------------------------------------------------------------------------

    def create_user(self, user: User, password_hash: str, events: Sequence[Event] = ()) -> None:
        """Insert ``user``. Raises Conflict if the handle (case-insensitively) or the id is taken."""
        key = user.handle.lower()
        with self._open():
            if key in self._handles:
                raise Conflict(f"handle {user.handle!r} is taken", code="handle_taken")
            self._insert(self._users, user.id, user, "user")
            self._passwords[user.id] = password_hash
            self._handles[key] = user.id
            self._outbox.extend(events)

    def get_users(self, user_ids: Iterable[int]) -> dict[int, User]:
        with self._open():
            return {uid: self._users[uid] for uid in user_ids if uid in self._users}

    def user_ids(self, after: int | None, limit: int) -> list[int]:
        with self._open():
            return sorted(uid for uid in self._users if after is None or uid > after)[:limit]

    def user_by_handle(self, handle: str) -> User | None:
        with self._open():
            user_id = self._handles.get(handle.lower())
            return None if user_id is None else self._users[user_id]

    def password_hash(self, user_id: int) -> str | None:
        with self._open():
            return self._passwords.get(user_id)

    def delete_user(self, user_id: int, deleted_at: float, events: Sequence[Event] = ()) -> bool:
        with self._open():
            user = self._users.pop(user_id, None)
            if user is None:
                return False
            del self._handles[user.handle.lower()]
            del self._passwords[user_id]
            self._outbox.extend(events)
            return True

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._open():
            if user_id not in self._users:
                raise NotFound(f"no user {user_id}")
            self._passwords[user_id] = password_hash

    def update_profile(
        self, user_id: int, *, display_name: str | None, bio: str | None, events: Sequence[Event] = ()
    ) -> User:
        with self._open():
            user = self._users.get(user_id)
            if user is None:
                raise NotFound(f"no user {user_id}")
            user = self._users[user_id] = attrs.evolve(
                user,
                display_name=user.display_name if display_name is None else display_name,
                bio=user.bio if bio is None else bio,
            )
            self._outbox.extend(events)
            return user

    # -- PostStore ------------------------------------------------------------------------

    def add_media(self, media: Media, events: Sequence[Event] = ()) -> None:
        """Record ``media``. Raises Conflict if its id is taken."""
        with self._open():
            self._insert(self._media, media.id, media, "media")
            self._outbox.extend(events)

    def get_media(self, media_ids: Iterable[int]) -> dict[int, Media]:
        with self._open():
            return {mid: self._media[mid] for mid in media_ids if mid in self._media}

    def media_of(self, owner_id: int, after: int | None, limit: int) -> list[Media]:
        with self._open():
            found = sorted(
                m.id for m in self._media.values() if m.owner_id == owner_id and (after is None or m.id > after)
            )
            return [self._media[mid] for mid in found[: max(limit, 0)]]

    def delete_media(self, media_ids: Iterable[int]) -> None:
        with self._open():
            for mid in media_ids:
                self._media.pop(mid, None)

    def create_post(self, post: Post, events: Sequence[Event] = ()) -> None:
        """Insert ``post`` (see the port). Raises Conflict if its id is taken."""
        with self._open():
            if post.author_id not in self._users:
                raise NotFound(f"no user {post.author_id}")
            self._insert(self._posts, post.id, post, "post")
            self._by_author.setdefault(post.author_id, SortedIds()).add(post.id)
            for ref in post.media:
                media = self._media.get(ref.id)
                if media is not None:
                    self._media[ref.id] = attrs.evolve(media, post_id=post.id)
            self._add_to_count(post.author_id, "post_count", 1)
            self._outbox.extend(events)

    def get_posts(self, post_ids: Iterable[int]) -> dict[int, Post]:
        with self._open():
            found = ((pid, self._live_post(pid)) for pid in post_ids)
            return {pid: post for pid, post in found if post is not None}

    def edit_post(self, post_id: int, text: str, edited_at: float, events: Sequence[Event] = ()) -> Post:
        with self._open():
            post = self._live_post(post_id)
            if post is None:
                raise NotFound(f"no post {post_id}")
            post = self._posts[post_id] = attrs.evolve(post, text=text, edited_at=edited_at)
            self._outbox.extend(events)
            return post

    def delete_post(self, post_id: int, deleted_at: float, events: Sequence[Event] = ()) -> Post | None:
        """Mark the post deleted (see the port); returns the post as it was."""
        with self._open():
            post = self._live_post(post_id)
            if post is None:
                return None
            self._deleted[post_id] = deleted_at
            self._by_author[post.author_id].discard(post_id)
            self._add_to_count(post.author_id, "post_count", -1)
            self._outbox.extend(events)
            return post

    def posts_by_authors(self, author_ids: Sequence[int], before: int | None, limit: int) -> list[int]:
        with self._open():
            sets = [self._by_author[a] for a in dict.fromkeys(author_ids) if a in self._by_author]
            return newest_first(sets, before, limit)

    def recount_interactions(self, post_ids: Iterable[int]) -> None:
        with self._open():
            for pid in post_ids:
                post = self._posts.get(pid)
                if post is not None:
                    comments = self._comments_by_post.get(pid)
                    self._posts[pid] = attrs.evolve(
                        post,
                        like_count=len(self._likes.get(pid, ())),
                        comment_count=len(comments) if comments is not None else 0,
                    )

    # -- GraphStore -----------------------------------------------------------------------

    def _change_edge(
        self, edges: dict[int, SortedIds], owner: int, other: int, add: bool, counter: str, events: Sequence[Event]
    ) -> bool:
        """Add or remove the edge ``owner -> other`` in ``edges``; on a change move the
        owner's ``counter`` and write ``events``. Returns whether it changed."""
        with self._open():
            ids = edges.setdefault(owner, SortedIds()) if add else edges.get(owner)
            if ids is None or not (ids.add(other) if add else ids.discard(other)):
                return False
            self._add_to_count(owner, counter, 1 if add else -1)
            self._outbox.extend(events)
            return True

    def add_follow(self, follower_id: int, followee_id: int, created_at: float, events: Sequence[Event] = ()) -> bool:
        return self._change_edge(self._following, follower_id, followee_id, True, "following_count", events)

    def remove_follow(self, follower_id: int, followee_id: int, events: Sequence[Event] = ()) -> bool:
        return self._change_edge(self._following, follower_id, followee_id, False, "following_count", events)

    def add_reverse(self, followee_id: int, follower_id: int, created_at: float) -> bool:
        return self._change_edge(self._followers, followee_id, follower_id, True, "follower_count", ())

    def remove_reverse(self, followee_id: int, follower_id: int) -> bool:
        return self._change_edge(self._followers, followee_id, follower_id, False, "follower_count", ())

    def is_following(self, follower_id: int, followee_id: int) -> bool:
        with self._open():
            ids = self._following.get(follower_id)
            return ids is not None and followee_id in ids

    def following(self, user_id: int, after: int | None, limit: int) -> list[int]:
        return self._page(self._following, user_id, after, limit)

    def followers(self, user_id: int, after: int | None, limit: int) -> list[int]:
        return self._page(self._followers, user_id, after, limit)

    def _page(self, edges: dict[int, SortedIds], owner: int, after: int | None, limit: int) -> list[int]:
        with self._open():
            ids = edges.get(owner)
            return [] if ids is None else ids.after(after, limit)

    # -- InteractionStore -----------------------------------------------------------------

    def add_like(self, user_id: int, post_id: int, created_at: float, events: Sequence[Event] = ()) -> bool:
        with self._open():
            users = self._likes.setdefault(post_id, set())
            if user_id in users:
                return False
            users.add(user_id)
            self._liked.setdefault(user_id, set()).add(post_id)
            self._outbox.extend(events)
            return True

    def remove_like(self, user_id: int, post_id: int, events: Sequence[Event] = ()) -> bool:
        with self._open():
            users = self._likes.get(post_id)
            if users is None or user_id not in users:
                return False
            users.discard(user_id)
            self._liked[user_id].discard(post_id)
            self._outbox.extend(events)
            return True

    def liked(self, user_id: int, post_ids: Iterable[int]) -> set[int]:
        with self._open():
            return self._liked.get(user_id, set()).intersection(post_ids)

    def liked_posts(self, user_id: int, after: int | None, limit: int) -> list[int]:
        with self._open():
            return sorted(p for p in self._liked.get(user_id, ()) if after is None or p > after)[: max(limit, 0)]

    def comments_by(self, author_id: int, after: int | None, limit: int) -> list[int]:
        with self._open():
            mine = (c.id for c in self._comments.values() if c.author_id == author_id)
            return sorted(i for i in mine if after is None or i > after)[: max(limit, 0)]

    def add_comment(self, comment: Comment, events: Sequence[Event] = ()) -> None:
        """Insert ``comment``. Raises Conflict if its id is taken."""
        with self._open():
            self._insert(self._comments, comment.id, comment, "comment")
            self._comments_by_post.setdefault(comment.post_id, SortedIds()).add(comment.id)
            self._outbox.extend(events)

    def get_comment(self, comment_id: int) -> Comment | None:
        with self._open():
            return self._comments.get(comment_id)

    def edit_comment(self, comment_id: int, text: str, events: Sequence[Event] = ()) -> bool:
        with self._open():
            comment = self._comments.get(comment_id)
            if comment is None:
                return False
            self._comments[comment_id] = attrs.evolve(comment, text=text)
            self._outbox.extend(events)
            return True

    def delete_comment(self, comment_id: int, events: Sequence[Event] = ()) -> bool:
        with self._open():
            comment = self._comments.pop(comment_id, None)
            if comment is None:
                return False
            self._comments_by_post[comment.post_id].discard(comment_id)
            self._outbox.extend(events)
            return True

    def comments(self, post_id: int, after: int | None, limit: int) -> list[Comment]:
        with self._open():
            ids = self._comments_by_post.get(post_id)
            return [] if ids is None else [self._comments[cid] for cid in ids.after(after, limit)]

    # -- Outbox ---------------------------------------------------------------------------

    def relay(self, publish: Publish, limit: int = 500) -> int:
        """Publish up to ``limit`` events, oldest first. ``publish`` runs outside the lock, so
        writes go on meanwhile; concurrent relays get disjoint batches."""
        with self._open():
            claimed = self._outbox.claim(limit)
        if not claimed:
            return 0
        settle: Callable[[Sequence[tuple[int, int, Event]]], None] = self._outbox.release
        try:
            publish([entry[2] for entry in claimed])
            settle = self._outbox.done
        finally:
            with self._lock:
                settle(claimed)
        return len(claimed)

    def pending(self) -> int:
        with self._open():
            return len(self._outbox)
