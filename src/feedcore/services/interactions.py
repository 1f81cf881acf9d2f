"""Likes and comments. Writes are idempotent; counters are recounted by the interactions consumer."""

from __future__ import annotations

import attrs

from ..cursor import decode_cursor, encode_cursor
from ..errors import Forbidden, NotFound
from ..events import CommentAdded, CommentDeleted, CommentEdited, LikeAdded, LikeRemoved
from ..ids import shard_of
from ..model import Comment, Page
from ..ports import InteractionStore, PostStore
from ..settings import Settings
from ..validation import check_id, check_limit, check_text
from .hydration import Hydrator
from .recorder import Recorder

__all__ = ["InteractionService"]


class InteractionService:
    def __init__(
        self,
        interactions: InteractionStore,
        posts: PostStore,
        recorder: Recorder,
        hydrator: Hydrator,
        settings: Settings,
    ) -> None:
        self._interactions = interactions
        self._posts = posts
        self._recorder = recorder
        self._settings = settings
        self._hydrator = hydrator

    def like(self, user_id: int, post_id: int) -> bool:
        """Like a post; idempotent (False if already liked). Raises NotFound."""
        self._live(post_id)
        self._user(user_id)
        event = self._recorder.event(LikeAdded, shard_of(post_id), post_id=post_id, user_id=user_id)
        changed = self._interactions.add_like(user_id, post_id, self._recorder.clock(), [event])
        self._hydrator.set_liked(user_id, post_id, True)
        return self._done(changed)

    def unlike(self, user_id: int, post_id: int) -> bool:
        """Take a like back; idempotent (False if there was none)."""
        check_id(user_id, "user")
        check_id(post_id, "post")
        event = self._recorder.event(LikeRemoved, shard_of(post_id), post_id=post_id, user_id=user_id)
        changed = self._interactions.remove_like(user_id, post_id, [event])
        self._hydrator.set_liked(user_id, post_id, False)
        return self._done(changed)

    def comment(self, user_id: int, post_id: int, text: str) -> Comment:
        """Comment on a live post. Raises NotFound or InvalidInput."""
        text = check_text(text, "text", self._settings.max_comment_length)
        self._live(post_id)
        self._user(user_id)
        comment = Comment(
            id=self._recorder.new_id(shard_of(post_id)),
            post_id=post_id,
            author_id=user_id,
            text=text,
            created_at=self._recorder.clock(),
        )
        event = self._recorder.event(
            CommentAdded, shard_of(post_id), post_id=post_id, comment_id=comment.id, user_id=user_id
        )
        self._interactions.add_comment(comment, [event])
        self._recorder.committed()
        return comment

    def liked(self, user_id: int, post_id: int) -> bool:
        """Whether ``user_id`` likes ``post_id`` (as feeds say it: cached for a few minutes)."""
        return bool(self._hydrator.liked(check_id(user_id, "user"), [check_id(post_id, "post")]))

    def comments(self, post_id: int, limit: int = 50, cursor: str | None = None) -> Page[Comment]:
        """Comments on a live post, oldest first."""
        limit = check_limit(limit, 200)
        self._live(post_id)
        found = self._interactions.comments(post_id, decode_cursor(cursor), limit + 1)
        return Page(found[:limit], encode_cursor(found[limit - 1].id) if len(found) > limit else None)

    def edit_comment(self, actor_id: int, comment_id: int, text: str) -> Comment:
        """Change a comment's text; allowed to its author only. Raises NotFound, Forbidden or
        InvalidInput (the text, as for a new comment)."""
        text = check_text(text, "text", self._settings.max_comment_length)
        check_id(actor_id, "user")
        comment = self._interactions.get_comment(check_id(comment_id, "comment"))
        if comment is None:
            raise NotFound(f"no comment {comment_id}")
        if actor_id != comment.author_id:
            raise Forbidden("only the comment's author may edit it")
        event = self._recorder.event(
            CommentEdited, shard_of(comment_id), post_id=comment.post_id, comment_id=comment_id, user_id=actor_id
        )
        if not self._done(self._interactions.edit_comment(comment_id, text, [event])):
            raise NotFound(f"no comment {comment_id}")  # deleted meanwhile
        return attrs.evolve(comment, text=text)

    def delete_comment(self, actor_id: int, comment_id: int) -> None:
        """Delete a comment; allowed to its author and to the post's author. Raises NotFound or Forbidden."""
        check_id(actor_id, "user")
        comment = self._interactions.get_comment(check_id(comment_id, "comment"))
        if comment is None:
            raise NotFound(f"no comment {comment_id}")
        if actor_id != comment.author_id:
            post = self._posts.get_posts([comment.post_id]).get(comment.post_id)
            if post is None or post.author_id != actor_id:
                raise Forbidden("only the comment's or the post's author may delete a comment")
        event = self._recorder.event(
            CommentDeleted, shard_of(comment_id), post_id=comment.post_id, comment_id=comment_id
        )
        self._done(self._interactions.delete_comment(comment_id, [event]))

    def _live(self, post_id: int) -> None:
        if check_id(post_id, "post") not in self._hydrator.posts([post_id]):
            raise NotFound(f"no post {post_id}")

    def _user(self, user_id: int) -> None:
        if not self._hydrator.cards([check_id(user_id, "user")]):
            raise NotFound(f"no user {user_id}")

    def _done(self, changed: bool) -> bool:
        if changed:
            self._recorder.committed()
        return changed
