"""Events: what changed, written to the outbox in the change's own transaction.

One frozen attrs class per event type. Every event has an ``id`` (unique, time-ordered) and a
``created_at`` (seconds since the epoch); its class names its ``type`` (``"<family>.<verb>"``),
its schema ``version``, the ``topic`` that carries it, and which field is its ``key``: the id
whose events must stay in order (author id for posts, follower id for graph changes, post id
for interactions, user id for users).

Every transport (outbox rows, Kafka messages, the in-process bus) goes through one codec here:
:func:`encode` / :func:`to_record` and :func:`decode` / :func:`from_record`. A record is
``{"id", "type", "v", "key", "created_at", "payload"}``; records written before versions
existed have no ``"v"`` and are version 1. A record that cannot be decoded (unknown type or
version, missing or mistyped fields, not JSON) decodes to :class:`Undecodable`, which consumers
send to the dead-letter topic with its reason instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import msgspec

__all__ = [
    "DEAD_LETTER_TOPIC",
    "EVENT_TYPES",
    "TOPICS",
    "CommentAdded",
    "CommentDeleted",
    "CommentEdited",
    "DeadLetter",
    "Event",
    "FollowCreated",
    "FollowRemoved",
    "InteractionEvent",
    "LikeAdded",
    "LikeRemoved",
    "PostCreated",
    "PostDeleted",
    "PostEdited",
    "Undecodable",
    "UserDeleted",
    "UserRegistered",
    "UserUpdated",
    "decode",
    "encode",
    "from_record",
    "to_record",
]

TOPICS = ("users", "posts", "graph", "interactions")
DEAD_LETTER_TOPIC = "deadletter"


@attrs.frozen
class Event:
    """The envelope every event shares. Subclasses add their fields (keyword-only)."""

    id: int
    created_at: float
    type: ClassVar[str]
    version: ClassVar[int] = 1
    topic: ClassVar[str]

    @property
    def key(self) -> int:
        """The id whose events stay in order (one partition)."""
        raise NotImplementedError


@attrs.frozen(kw_only=True)
class UserRegistered(Event):
    type: ClassVar[str] = "user.registered"
    topic: ClassVar[str] = "users"
    user_id: int
    handle: str

    @property
    def key(self) -> int:
        return self.user_id


@attrs.frozen(kw_only=True)
class UserUpdated(Event):
    type: ClassVar[str] = "user.updated"
    topic: ClassVar[str] = "users"
    user_id: int

    @property
    def key(self) -> int:
        return self.user_id


@attrs.frozen(kw_only=True)
class UserDeleted(Event):
    """The account is gone; the ``accounts`` consumer removes what it made."""

    type: ClassVar[str] = "user.deleted"
    topic: ClassVar[str] = "users"
    user_id: int

    @property
    def key(self) -> int:
        return self.user_id


@attrs.frozen(kw_only=True)
class _PostEvent(Event):
    topic: ClassVar[str] = "posts"
    post_id: int
    author_id: int

    @property
    def key(self) -> int:
        return self.author_id


@attrs.frozen(kw_only=True)
class PostCreated(_PostEvent):
    type: ClassVar[str] = "post.created"


@attrs.frozen(kw_only=True)
class PostEdited(_PostEvent):
    type: ClassVar[str] = "post.edited"


@attrs.frozen(kw_only=True)
class PostDeleted(_PostEvent):
    type: ClassVar[str] = "post.deleted"
    media_ids: tuple[int, ...] = ()


@attrs.frozen(kw_only=True)
class _FollowEvent(Event):
    topic: ClassVar[str] = "graph"
    follower_id: int
    followee_id: int

    @property
    def key(self) -> int:
        return self.follower_id


@attrs.frozen(kw_only=True)
class FollowCreated(_FollowEvent):
    """``created_at`` is the follow's own time (the reverse edge is written with it)."""

    type: ClassVar[str] = "follow.created"


@attrs.frozen(kw_only=True)
class FollowRemoved(_FollowEvent):
    type: ClassVar[str] = "follow.removed"


@attrs.frozen(kw_only=True)
class InteractionEvent(Event):
    """A like or comment event: keyed by the post it changes."""

    topic: ClassVar[str] = "interactions"
    post_id: int

    @property
    def key(self) -> int:
        return self.post_id


@attrs.frozen(kw_only=True)
class LikeAdded(InteractionEvent):
    type: ClassVar[str] = "like.added"
    user_id: int


@attrs.frozen(kw_only=True)
class LikeRemoved(InteractionEvent):
    type: ClassVar[str] = "like.removed"
    user_id: int


@attrs.frozen(kw_only=True)
class CommentAdded(InteractionEvent):
    type: ClassVar[str] = "comment.added"
    comment_id: int
    user_id: int


@attrs.frozen(kw_only=True)
class CommentEdited(InteractionEvent):
    type: ClassVar[str] = "comment.edited"
    comment_id: int
    user_id: int


@attrs.frozen(kw_only=True)
class CommentDeleted(InteractionEvent):
    type: ClassVar[str] = "comment.deleted"
    comment_id: int


@attrs.frozen(kw_only=True)
class _Rejected(Event):
    topic: ClassVar[str] = DEAD_LETTER_TOPIC
    record: dict[str, Any]
    """The rejected record as it was read (``{"raw": text}`` when it was not even JSON)."""
    reason: str
    record_key: int = 0

    @property
    def key(self) -> int:
        return self.record_key


@attrs.frozen(kw_only=True)
class Undecodable(_Rejected):
    """A record no event class here can read; never handled, only dead-lettered."""

    type: ClassVar[str] = "undecodable"


@attrs.frozen(kw_only=True)
class DeadLetter(_Rejected):
    """An event consumer ``group`` gave up on, on the dead-letter topic."""

    type: ClassVar[str] = "deadletter"
    group: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        UserRegistered,
        UserUpdated,
        UserDeleted,
        PostCreated,
        PostEdited,
        PostDeleted,
        FollowCreated,
        FollowRemoved,
        LikeAdded,
        LikeRemoved,
        CommentAdded,
        CommentEdited,
        CommentDeleted,
        Undecodable,
        DeadLetter,
    )
}
"""Every event class by its ``type``."""
_ENVELOPE = ("id", "created_at")


def to_record(event: Event) -> dict[str, Any]:
    """The JSON-ready record of ``event``."""
    payload = msgspec.to_builtins(event)
    return {
        "id": payload.pop("id"),
        "type": event.type,
        "v": event.version,
        "key": event.key,
        "created_at": payload.pop("created_at"),
        "payload": payload,
    }


def from_record(record: Mapping[str, Any]) -> Event:
    """The event a record describes, or :class:`Undecodable` saying why not (never raises)."""
    try:
        cls = EVENT_TYPES.get(record["type"])
        if cls is None:
            return _undecodable(record, f"unknown event type {record['type']!r}")
        if record.get("v", 1) != cls.version:
            return _undecodable(record, f"{cls.type} version {record.get('v')!r} is not {cls.version}")
        fields = {k: v for k, v in record["payload"].items() if k not in _ENVELOPE}
        return msgspec.convert({**fields, "id": record["id"], "created_at": record["created_at"]}, cls)
    except (KeyError, TypeError, AttributeError) as exc:
        return _undecodable(record, f"malformed event record: {exc!r}")
    except msgspec.ValidationError as exc:
        return _undecodable(record, f"malformed {record.get('type')} event: {exc}")


def encode(event: Event) -> bytes:
    """``event`` as JSON bytes (a Kafka message value)."""
    return msgspec.json.encode(to_record(event))


def decode(data: bytes) -> Event:
    """The event in JSON ``data``, or :class:`Undecodable` (never raises)."""
    try:
        record = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        return _undecodable({"raw": data.decode("utf-8", "replace")[:1000]}, f"not JSON: {exc}")
    if not isinstance(record, dict):
        return _undecodable({"raw": record}, "an event record is a JSON object")
    return from_record(record)


def _undecodable(record: Mapping[str, Any], reason: str) -> Undecodable:
    def number(name: str) -> int | float:
        value = record.get(name)
        return value if isinstance(value, int | float) and not isinstance(value, bool) else 0

    return Undecodable(
        id=int(number("id")),
        created_at=float(number("created_at")),
        record=dict(record),
        reason=reason,
        record_key=int(number("key")),
    )
