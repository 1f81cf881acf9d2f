"""Compact JSON encodings of posts and user cards for the ContentCache (orjson: hydration
decodes every post of every page read, and the standard library is ~8x slower at it)."""

from __future__ import annotations

import orjson

from .model import MediaRef, Post, UserCard

__all__ = ["decode_card", "decode_post", "encode_card", "encode_post"]


def encode_post(post: Post) -> bytes:
    return orjson.dumps(
        [
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


def decode_post(data: bytes) -> Post:
    id_, author_id, text, created_at, edited_at, likes, comments, media = orjson.loads(data)
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
    return orjson.dumps([card.id, card.handle, card.display_name])


def decode_card(data: bytes) -> UserCard:
    return UserCard(*orjson.loads(data))
