"""Likes and comments. Writes are idempotent; counters are recounted by the interactions consumer."""

from __future__ import annotations

from .. import events as ev
from ..cursor import decode_cursor, encode_cursor
from ..errors import Forbidden, NotFound
from ..ids import shard_of
from ..model import Comment, Page
from ..validation import check_id, check_limit, check_text
from .deps import Deps
from .hydration import Hydrator

__all__ = ["InteractionService"]


class InteractionService:
    def __init__(self, deps: Deps, hydrator: Hydrator) -> None:
        self._deps = deps
        self._hydrator = hydrator

    def like(self, user_id: int, post_id: int) -> bool:
        """Like a post; idempotent (False if already liked). Raises NotFound."""
        d = self._deps
        self._live(post_id)
        self._user(user_id)
        event = d.event(ev.LIKE_ADDED, post_id, shard_of(post_id), post_id=post_id, user_id=user_id)
        changed = d.interactions.add_like(user_id, post_id, d.clock(), [event])
        self._hydrator.forget_like(user_id, post_id)
        return self._done(changed)

    def unlike(self, user_id: int, post_id: int) -> bool:
        """Take a like back; idempotent (False if there was none)."""
        d = self._deps
        check_id(user_id, "user")
        check_id(post_id, "post")
        event = d.event(ev.LIKE_REMOVED, post_id, shard_of(post_id), post_id=post_id, user_id=user_id)
        changed = d.interactions.remove_like(user_id, post_id, [event])
        self._hydrator.forget_like(user_id, post_id)
        return self._done(changed)

    def comment(self, user_id: int, post_id: int, text: str) -> Comment:
        """Comment on a live post. Raises NotFound or InvalidInput."""
        d = self._deps
        text = check_text(text, "text", d.settings.max_comment_length)
        self._live(post_id)
        self._user(user_id)
        comment = Comment(
            id=d.new_id(shard_of(post_id)), post_id=post_id, author_id=user_id, text=text, created_at=d.clock()
        )
        event = d.event(
            ev.COMMENT_ADDED, post_id, shard_of(post_id), post_id=post_id, comment_id=comment.id, user_id=user_id
        )
        d.interactions.add_comment(comment, [event])
        d.committed()
        return comment

    def comments(self, post_id: int, limit: int = 50, cursor: str | None = None) -> Page[Comment]:
        """Comments on a live post, oldest first."""
        limit = check_limit(limit, 200)
        self._live(post_id)
        found = self._deps.interactions.comments(post_id, decode_cursor(cursor), limit + 1)
        return Page(found[:limit], encode_cursor(found[limit - 1].id) if len(found) > limit else None)

    def delete_comment(self, actor_id: int, comment_id: int) -> None:
        """Delete a comment; allowed to its author and to the post's author. Raises NotFound or Forbidden."""
        d = self._deps
        check_id(actor_id, "user")
        comment = d.interactions.get_comment(check_id(comment_id, "comment"))
        if comment is None:
            raise NotFound(f"no comment {comment_id}")
        if actor_id != comment.author_id:
            post = d.posts.get_posts([comment.post_id]).get(comment.post_id)
            if post is None or post.author_id != actor_id:
                raise Forbidden("only the comment's or the post's author may delete a comment")
        event = d.event(
            ev.COMMENT_DELETED, comment.post_id, shard_of(comment_id), post_id=comment.post_id, comment_id=comment_id
        )
        self._done(d.interactions.delete_comment(comment_id, [event]))

    def _live(self, post_id: int) -> None:
        if check_id(post_id, "post") not in self._hydrator.posts([post_id]):
            raise NotFound(f"no post {post_id}")

    def _user(self, user_id: int) -> None:
        if not self._hydrator.cards([check_id(user_id, "user")]):
            raise NotFound(f"no user {user_id}")

    def _done(self, changed: bool) -> bool:
        if changed:
            self._deps.committed()
        return changed
