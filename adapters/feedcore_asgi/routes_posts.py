"""Media uploads, posts, likes and comments."""

from __future__ import annotations

from feedcore.errors import InvalidInput, NotFound

from . import wire
from .call import Call, Upload, parse_id
from .paging import LIST_PAGING, Paging
from .table import LOCATION, Reply, Route, json_body, links, media_body

__all__ = ["ROUTES"]

_DONE = Reply(204, "Done (idempotent).")
_GONE = Reply(204, "Deleted.")


def _media_ids(ids: list[str]) -> list[int]:
    try:
        return [parse_id(i, "media") for i in ids]
    except NotFound as exc:
        raise InvalidInput(exc.message, code="unknown_media") from None


def upload_media(call: Call[Upload, None]) -> wire.Media:
    return wire.Media.of(call.platform.media.upload(call.user, call.body.data, call.body.content_type))


def create_post(call: Call[wire.NewPost, None]) -> wire.Post:
    post = call.platform.posts.create(call.user, call.body.text, _media_ids(call.body.media_ids))
    call.header("Location", f"/v1/posts/{post.id}")
    return wire.Post.of(post)


def show_post(call: Call[None, None]) -> wire.PostView:
    post, viewer = call.platform.posts.get(call.id("post_id", "post")), call.viewer
    return wire.PostView.seen(post, viewer is not None and call.platform.interactions.liked(viewer, post.id))


def edit_post(call: Call[wire.PostEdit, None]) -> wire.Post:
    return wire.Post.of(call.platform.posts.edit(call.user, call.id("post_id", "post"), call.body.text))


def delete_post(call: Call[None, None]) -> None:
    call.platform.posts.delete(call.user, call.id("post_id", "post"))


def like(call: Call[None, None]) -> None:
    call.platform.interactions.like(call.user, call.id("post_id", "post"))


def unlike(call: Call[None, None]) -> None:
    call.platform.interactions.unlike(call.user, call.id("post_id", "post"))


def add_comment(call: Call[wire.NewComment, None]) -> wire.Comment:
    return wire.Comment.of(call.platform.interactions.comment(call.user, call.id("post_id", "post"), call.body.text))


def list_comments(call: Call[None, Paging]) -> wire.CommentPage:
    q = call.query
    page = call.platform.interactions.comments(call.id("post_id", "post"), q.limit, q.cursor)
    return wire.CommentPage.of(page, wire.Comment.of)


def edit_comment(call: Call[wire.CommentEdit, None]) -> wire.Comment:
    comment_id = call.id("comment_id", "comment")
    return wire.Comment.of(call.platform.interactions.edit_comment(call.user, comment_id, call.body.text))


def delete_comment(call: Call[None, None]) -> None:
    call.platform.interactions.delete_comment(call.user, call.id("comment_id", "comment"))


_POSTS = ("posts",)
_POST_LINKS = (
    *links(
        "post_id",
        "$response.body#/id",
        "show_post",
        "edit_post",
        "delete_post",
        "like",
        "unlike",
        "add_comment",
        "list_comments",
    ),
    *links("user", "$response.body#/author_id", "show_user", "user_posts"),
)

ROUTES = [
    Route(
        "POST",
        "/v1/media",
        upload_media,
        "Upload an image or video: the raw bytes as the body, or a form's one file field `file`.",
        Reply(201, "The stored media; attach it to a post by id.", wire.Media),
        auth="required",
        scope="write",
        body=media_body(),
        tags=("media",),
    ),
    Route(
        "POST",
        "/v1/posts",
        create_post,
        "Publish a post.",
        Reply(201, "The new post.", wire.Post, headers=(LOCATION,), links=_POST_LINKS),
        auth="required",
        scope="write",
        body=json_body(wire.NewPost),
        tags=_POSTS,
    ),
    Route(
        "GET",
        "/v1/posts/{post_id}",
        show_post,
        "A post.",
        Reply(200, "The post, with whether the caller likes it.", wire.PostView, links=_POST_LINKS),
        scope="read",
        tags=_POSTS,
    ),
    Route(
        "PATCH",
        "/v1/posts/{post_id}",
        edit_post,
        "Edit a post's text (its author only).",
        Reply(200, "The edited post.", wire.Post, links=_POST_LINKS),
        auth="required",
        scope="write",
        body=json_body(wire.PostEdit),
        errors=(403,),
        tags=_POSTS,
    ),
    Route(
        "DELETE",
        "/v1/posts/{post_id}",
        delete_post,
        "Delete a post (its author only).",
        _GONE,
        auth="required",
        scope="write",
        errors=(403,),
        tags=_POSTS,
    ),
    Route(
        "PUT",
        "/v1/posts/{post_id}/like",
        like,
        "Like a post (idempotent).",
        _DONE,
        auth="required",
        scope="write",
        tags=_POSTS,
    ),
    Route(
        "DELETE",
        "/v1/posts/{post_id}/like",
        unlike,
        "Take a like back (idempotent).",
        _DONE,
        auth="required",
        scope="write",
        tags=_POSTS,
    ),
    Route(
        "POST",
        "/v1/posts/{post_id}/comments",
        add_comment,
        "Comment on a post.",
        Reply(
            201,
            "The new comment.",
            wire.Comment,
            links=(
                *links("comment_id", "$response.body#/id", "delete_comment"),
                *links("post_id", "$response.body#/post_id", "list_comments", "show_post"),
            ),
        ),
        auth="required",
        scope="write",
        body=json_body(wire.NewComment),
        tags=_POSTS,
    ),
    Route(
        "GET",
        "/v1/posts/{post_id}/comments",
        list_comments,
        "Comments on a post, oldest first.",
        Reply(
            200,
            "A page of comments.",
            wire.CommentPage,
            links=links("comment_id", "$response.body#/items/0/id", "delete_comment"),
        ),
        scope="read",
        query=LIST_PAGING,
        tags=_POSTS,
    ),
    Route(
        "PATCH",
        "/v1/comments/{comment_id}",
        edit_comment,
        "Edit a comment's text (its author only).",
        Reply(200, "The edited comment.", wire.Comment),
        auth="required",
        scope="write",
        body=json_body(wire.CommentEdit),
        errors=(403,),
        tags=_POSTS,
    ),
    Route(
        "DELETE",
        "/v1/comments/{comment_id}",
        delete_comment,
        "Delete a comment (its author or the post's).",
        _GONE,
        auth="required",
        scope="write",
        errors=(403,),
        tags=_POSTS,
    ),
]
