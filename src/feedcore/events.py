"""Events: what changed, written to the outbox in the change's own transaction.

An event's ``type`` is ``"<family>.<verb>"``; the family names the topic and ``key`` is the
id whose events must stay in order (author id for posts, follower id for graph changes,
post id for interactions, user id for users).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["DEAD_LETTER_TOPIC", "TOPICS", "Event", "topic_of"]

# event family -> topic
_FAMILIES = {
    "user": "users",
    "post": "posts",
    "follow": "graph",
    "like": "interactions",
    "comment": "interactions",
}
TOPICS = ("users", "posts", "graph", "interactions")
DEAD_LETTER_TOPIC = "deadletter"

USER_REGISTERED = "user.registered"
USER_UPDATED = "user.updated"
POST_CREATED = "post.created"
POST_EDITED = "post.edited"
POST_DELETED = "post.deleted"
FOLLOW_CREATED = "follow.created"
FOLLOW_REMOVED = "follow.removed"
LIKE_ADDED = "like.added"
LIKE_REMOVED = "like.removed"
COMMENT_ADDED = "comment.added"
COMMENT_DELETED = "comment.deleted"


def topic_of(event_type: str) -> str:
    """The topic (without namespace) that carries events of ``event_type``."""
    family = event_type.split(".", 1)[0]
    if family == "deadletter":
        return DEAD_LETTER_TOPIC
    try:
        return _FAMILIES[family]
    except KeyError:
        raise ValueError(f"unknown event family in {event_type!r}") from None


@attrs.frozen
class Event:
    """An immutable fact. ``id`` is unique and time-ordered; consumers dedupe on it if they must."""

    id: int
    type: str
    key: int
    payload: Mapping[str, Any]
    created_at: float

    @property
    def topic(self) -> str:
        return topic_of(self.type)

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "id": self.id,
                "type": self.type,
                "key": self.key,
                "payload": dict(self.payload),
                "created_at": self.created_at,
            },
            separators=(",", ":"),
        ).encode()

    @classmethod
    def from_json(cls, data: bytes | str) -> Event:
        raw = json.loads(data)
        return cls(id=raw["id"], type=raw["type"], key=raw["key"], payload=raw["payload"], created_at=raw["created_at"])
