"""Media uploads: type checked against the bytes (see :mod:`.media_check`), size-limited,
stored, then recorded."""

from __future__ import annotations

import hashlib

from ..errors import InvalidInput, NotFound, TooLarge, UnsupportedMedia
from ..ids import shard_of
from ..model import Media
from ..ports import MediaStore, PostStore, UserStore
from ..settings import Settings
from ..validation import check_id
from .media_check import check_content, sniff_content_type
from .recorder import Recorder

__all__ = ["ACCEPTED_TYPES", "MediaService", "sniff_content_type"]

ACCEPTED_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
}


class MediaService:
    def __init__(
        self, users: UserStore, posts: PostStore, media: MediaStore, recorder: Recorder, settings: Settings
    ) -> None:
        self._users = users
        self._posts = posts
        self._media = media
        self._recorder = recorder
        self._settings = settings

    def upload(self, user_id: int, data: bytes, content_type: str) -> Media:
        """Store ``data`` for ``user_id``. Raises UnsupportedMedia (type not accepted, or the
        bytes are something else), TooLarge, InvalidInput (empty) or NotFound (user)."""
        check_id(user_id, "user")
        content_type = (content_type or "").split(";", 1)[0].strip().lower()
        if content_type not in ACCEPTED_TYPES:
            raise UnsupportedMedia(
                f"content type {content_type or 'none'!r} is not accepted; use one of {', '.join(ACCEPTED_TYPES)}"
            )
        if not data:
            raise InvalidInput("media must not be empty", code="empty_media")
        if len(data) > self._settings.max_media_bytes:
            raise TooLarge(f"media is larger than {self._settings.max_media_bytes} bytes")
        check_content(data, content_type)
        if self._users.get_user(user_id) is None:
            raise NotFound(f"no user {user_id}")
        media_id = self._recorder.new_id(shard_of(user_id))
        checksum = hashlib.sha256(data).hexdigest()
        # content-addressed and never reused: the URL names these bytes forever (CDN-cacheable)
        key = f"{user_id}/{media_id}-{checksum}{ACCEPTED_TYPES[content_type]}"
        self._media.put(key, data, content_type, checksum)
        media = Media(
            id=media_id,
            owner_id=user_id,
            key=key,
            url=self._media.url(key),
            content_type=content_type,
            size=len(data),
            checksum=checksum,
            created_at=self._recorder.clock(),
        )
        try:
            self._posts.add_media(media)
        except Exception:
            self._media.delete(key)  # do not leave an object nothing refers to
            raise
        return media

    def read(self, key: str) -> tuple[bytes, str]:
        """The bytes and content type of the stored object ``key`` (a :attr:`Media.key`).
        Raises NotFound, or InvalidInput for a key the media store refuses."""
        return self._media.get(key)

    def get(self, media_id: int) -> Media:
        media = self._posts.get_media([check_id(media_id, "media")]).get(media_id)
        if media is None:
            raise NotFound(f"no media {media_id}")
        return media
