"""Erasing a deleted account's data, as the ``accounts`` consumer does on ``user.deleted``.

Everything goes through the same store writes and events as the user's own actions would:
posts are deleted (``post.deleted``: feeds drop them, media objects go), likes and comments
removed (``like.removed``, ``comment.deleted``: counters recount), follows in both directions
removed (``follow.removed``: reverse edges and feeds are cleaned), then the user's media
records and objects. Every step pages by id and is idempotent, so a redelivered event erases
nothing twice.
"""

from __future__ import annotations

from ..events import CommentDeleted, FollowRemoved, LikeRemoved, PostDeleted
from ..ids import shard_of
from ..ports import GraphStore, InteractionStore, MediaStore, PostStore
from .hydration import Hydrator
from .recorder import Recorder

__all__ = ["AccountEraser"]

_BATCH = 200


class AccountEraser:
    def __init__(
        self,
        posts: PostStore,
        interactions: InteractionStore,
        graph: GraphStore,
        media: MediaStore,
        recorder: Recorder,
        hydrator: Hydrator,
    ) -> None:
        self._posts = posts
        self._interactions = interactions
        self._graph = graph
        self._media = media
        self._recorder = recorder
        self._hydrator = hydrator

    def erase(self, user_id: int) -> None:
        """Remove the posts, likes, comments, follows and media of ``user_id``."""
        self._erase_posts(user_id)
        self._erase_likes(user_id)
        self._erase_comments(user_id)
        self._erase_follows(user_id)
        self._erase_media(user_id)
        self._recorder.committed()

    def _erase_posts(self, user_id: int) -> None:
        event, before = self._recorder.event, None
        while ids := self._posts.posts_by_authors([user_id], before, _BATCH):
            found = self._posts.get_posts(ids)
            for post_id in ids:
                media = tuple(m.id for m in found[post_id].media) if post_id in found else ()
                deleted = event(PostDeleted, shard_of(post_id), post_id=post_id, author_id=user_id, media_ids=media)
                self._posts.delete_post(post_id, self._recorder.clock(), [deleted])
            self._hydrator.refresh_posts(ids)
            before = ids[-1]

    def _erase_likes(self, user_id: int) -> None:
        after = None
        while ids := self._interactions.liked_posts(user_id, after, _BATCH):
            for post_id in ids:
                removed = self._recorder.event(LikeRemoved, shard_of(post_id), post_id=post_id, user_id=user_id)
                self._interactions.remove_like(user_id, post_id, [removed])
            after = ids[-1]

    def _erase_comments(self, user_id: int) -> None:
        after = None
        while ids := self._interactions.comments_by(user_id, after, _BATCH):
            for comment_id in ids:
                comment = self._interactions.get_comment(comment_id)
                if comment is not None:
                    deleted = self._recorder.event(
                        CommentDeleted, shard_of(comment_id), post_id=comment.post_id, comment_id=comment_id
                    )
                    self._interactions.delete_comment(comment_id, [deleted])
            after = ids[-1]

    def _erase_follows(self, user_id: int) -> None:
        for list_edges, outgoing in ((self._graph.following, True), (self._graph.followers, False)):
            after = None
            while ids := list_edges(user_id, after, _BATCH):
                for other in ids:
                    follower, followee = (user_id, other) if outgoing else (other, user_id)
                    removed = self._recorder.event(
                        FollowRemoved, shard_of(follower), follower_id=follower, followee_id=followee
                    )
                    self._graph.remove_follow(follower, followee, [removed])
                after = ids[-1]

    def _erase_media(self, user_id: int) -> None:
        after = None
        while found := self._posts.media_of(user_id, after, _BATCH):
            for media in found:
                self._media.delete(media.key)
            self._posts.delete_media([m.id for m in found])
            after = found[-1].id
