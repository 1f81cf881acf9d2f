"""Media uploads, posts, likes and comments."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from feedcore.errors import InvalidInput, NotFound

from .endpoint import Call, endpoint, json_response, no_content, parse_id
from .serialize import comment_json, media_json, page_json, post_json

__all__ = ["ROUTES"]


def _media_ids(value: object) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise InvalidInput("media_ids must be a list of media id strings", code="invalid_media_ids")
    try:
        return [parse_id(str(v), "media") for v in value]
    except NotFound:
        raise InvalidInput("media_ids must be a list of media id strings", code="unknown_media") from None


@endpoint(auth="required", body="media")
def upload_media(call: Call) -> Response:
    media = call.platform.media.upload(call.user, call.body, call.request.headers.get("content-type", ""))
    return json_response(media_json(media), 201)


@endpoint(auth="required", body="json")
def create_post(call: Call) -> Response:
    post = call.platform.posts.create(call.user, call.field("text"), _media_ids(call.field("media_ids")))
    return json_response(post_json(post), 201, {"Location": f"/v1/posts/{post.id}"})


@endpoint()
def show_post(call: Call) -> Response:
    return json_response(post_json(call.platform.posts.get(call.path_id("post_id", "post"))))


@endpoint(auth="required", body="json")
def edit_post(call: Call) -> Response:
    return json_response(
        post_json(call.platform.posts.edit(call.user, call.path_id("post_id", "post"), call.field("text")))
    )


@endpoint(auth="required")
def delete_post(call: Call) -> Response:
    call.platform.posts.delete(call.user, call.path_id("post_id", "post"))
    return no_content()


@endpoint(auth="required")
def like(call: Call) -> Response:
    call.platform.interactions.like(call.user, call.path_id("post_id", "post"))
    return no_content()


@endpoint(auth="required")
def unlike(call: Call) -> Response:
    call.platform.interactions.unlike(call.user, call.path_id("post_id", "post"))
    return no_content()


@endpoint(auth="required", body="json")
def add_comment(call: Call) -> Response:
    comment = call.platform.interactions.comment(call.user, call.path_id("post_id", "post"), call.field("text"))
    return json_response(comment_json(comment), 201)


@endpoint()
def list_comments(call: Call) -> Response:
    page = call.platform.interactions.comments(call.path_id("post_id", "post"), call.query_limit(50), call.cursor)
    return json_response(page_json(page, comment_json))


@endpoint(auth="required")
def delete_comment(call: Call) -> Response:
    call.platform.interactions.delete_comment(call.user, call.path_id("comment_id", "comment"))
    return no_content()


ROUTES = [
    Route("/v1/media", upload_media, methods=["POST"]),
    Route("/v1/posts", create_post, methods=["POST"]),
    Route("/v1/posts/{post_id}", show_post, methods=["GET"]),
    Route("/v1/posts/{post_id}", edit_post, methods=["PATCH"]),
    Route("/v1/posts/{post_id}", delete_post, methods=["DELETE"]),
    Route("/v1/posts/{post_id}/like", like, methods=["PUT"]),
    Route("/v1/posts/{post_id}/like", unlike, methods=["DELETE"]),
    Route("/v1/posts/{post_id}/comments", add_comment, methods=["POST"]),
    Route("/v1/posts/{post_id}/comments", list_comments, methods=["GET"]),
    Route("/v1/comments/{comment_id}", delete_comment, methods=["DELETE"]),
]
