"""Compact JSON encodings of posts and user cards for the ContentCache (orjson: hydration
decodes every post of every page read, and the standard library is ~8x slower at it).

Each value is an array whose first element is :data:`VERSION`. A value of another version
(written by an older or newer feedcore, or the unversioned arrays before version 2) decodes to
None: a cache miss, reloaded from the store and written back in this version.
"""

from __future__ import annotations

from typing import Any

import orjson

from .model import MediaRef, Post, UserCard

__all__ = ["VERSION", "decode_card", "decode_post", "encode_card", "encode_post"]

VERSION = 2
"""Bump when a field is added, removed or reordered."""


def encode_post(post: Post) -> bytes:
    return orjson.dumps(
        [
            VERSION,
            post.id,
            post.author_id,
            post.text,
            post.created_at,
            post.edited_at,
            post.like_count,
            post.comment_count,
            [[m.id, m.url, m.content_type, m.size] for m in post.media],
        ]
    )


def decode_post(data: bytes) -> Post | None:
    """The post, or None for a value of another version."""
    fields = _fields(data)
    if fields is None:
        return None
    id_, author_id, text, created_at, edited_at, likes, comments, media = fields
    return Post(
        id=id_,
        author_id=author_id,
        text=text,
        created_at=created_at,
        edited_at=edited_at,
        like_count=likes,
        comment_count=comments,
        media=tuple([MediaRef(*m) for m in media]) if media else (),
    )


def encode_card(card: UserCard) -> bytes:
    return orjson.dumps([VERSION, card.id, card.handle, card.display_name])


def decode_card(data: bytes) -> UserCard | None:
    """The card, or None for a value of another version."""
    fields = _fields(data)
    return None if fields is None else UserCard(*fields)


def _fields(data: bytes) -> list[Any] | None:
    value = orjson.loads(data)
    if not isinstance(value, list) or not value or value[0] != VERSION:
        return None
    return value[1:]
