"""Posts: create (post + outbox event in one transaction), read, edit and delete by the author."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import Forbidden, InvalidInput, NotFound
from ..events import PostCreated, PostDeleted, PostEdited
from ..ids import shard_of
from ..model import Post
from ..ports import PostStore
from ..settings import Settings
from ..validation import check_id, check_ids, check_text
from .hydration import Hydrator
from .recorder import Recorder

__all__ = ["PostService"]

MAX_MEDIA_PER_POST = 4


class PostService:
    def __init__(self, posts: PostStore, recorder: Recorder, hydrator: Hydrator, settings: Settings) -> None:
        self._posts = posts
        self._recorder = recorder
        self._settings = settings
        self._hydrator = hydrator

    def create(self, author_id: int, text: str, media_ids: Sequence[int] = ()) -> Post:
        """Publish a post. Raises InvalidInput (empty or over-long text, unknown or foreign
        media) or NotFound (author). Once this returns, the post is durable."""
        author_id = check_id(author_id, "user")
        text = check_text(text, "text", self._settings.max_post_length)
        media_ids = check_ids(media_ids or (), "media")
        if len(media_ids) > MAX_MEDIA_PER_POST:
            raise InvalidInput(f"a post has at most {MAX_MEDIA_PER_POST} media", code="too_many_media")
        found = self._posts.get_media(media_ids)
        for mid in media_ids:
            media = found.get(mid)
            if media is None or media.owner_id != author_id or media.post_id is not None:
                raise InvalidInput(f"unknown media {mid}", code="unknown_media")
        post = Post(
            id=self._recorder.new_id(shard_of(author_id)),
            author_id=author_id,
            text=text,
            created_at=self._recorder.clock(),
            media=tuple(found[mid].ref for mid in media_ids),
        )
        event = self._recorder.event(PostCreated, shard_of(author_id), post_id=post.id, author_id=author_id)
        self._posts.create_post(post, [event])  # raises NotFound for an unknown author
        self._hydrator.remember_posts([post])
        self._recorder.committed()
        return post

    def get(self, post_id: int) -> Post:
        """The live post. Raises NotFound or InvalidInput (not an int)."""
        post = self._hydrator.posts([check_id(post_id, "post")]).get(post_id)
        if post is None:
            raise NotFound(f"no post {post_id}")
        return post

    def edit(self, actor_id: int, post_id: int, text: str) -> Post:
        """Replace the text. Raises NotFound, Forbidden (not the author) or InvalidInput."""
        self._own(actor_id, post_id)
        text = check_text(text, "text", self._settings.max_post_length)
        event = self._recorder.event(PostEdited, shard_of(post_id), post_id=post_id, author_id=actor_id)
        post = self._posts.edit_post(post_id, text, self._recorder.clock(), [event])
        self._hydrator.refresh_posts([post_id])
        self._recorder.committed()
        return post

    def delete(self, actor_id: int, post_id: int) -> None:
        """Delete the post; it disappears from every feed. Raises NotFound or Forbidden."""
        post = self._own(actor_id, post_id)
        event = self._recorder.event(
            PostDeleted,
            shard_of(post_id),
            post_id=post_id,
            author_id=actor_id,
            media_ids=tuple(m.id for m in post.media),
        )
        self._posts.delete_post(post_id, self._recorder.clock(), [event])
        self._hydrator.refresh_posts([post_id])
        self._recorder.committed()

    def _own(self, actor_id: int, post_id: int) -> Post:
        check_id(actor_id, "user")
        post = self._posts.get_posts([check_id(post_id, "post")]).get(post_id)
        if post is None:
            raise NotFound(f"no post {post_id}")
        if post.author_id != actor_id:
            raise Forbidden("only the author may change a post")
        return post
