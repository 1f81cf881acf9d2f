"""In-process media storage (``memory://``), and the rules every media backend applies.

:class:`MemoryMediaStore` keeps objects in a dict behind a lock: thread-safe, gone with the
process. The helpers below are shared by the file and S3 backends so that a key, checksum or
size accepted by one media backend is accepted by all of them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from urllib.parse import quote

from ...errors import InvalidInput, NotFound, TooLarge, Unavailable
from ...ports.media import MediaStore
from ...settings import Settings

__all__ = ["DEFAULT_CONTENT_TYPE", "MemoryMediaStore", "app_url", "validate_key", "validate_put"]

DEFAULT_CONTENT_TYPE = "application/octet-stream"
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_MAX_KEY_LENGTH = 512


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe relative path such as ``"123/456.png"``.

    Raises InvalidInput for an empty or over-long key, an absolute path, a backslash or
    control character, or a segment that is empty or starts with ``.`` (so ``..`` cannot
    escape a directory and names the backends keep for themselves cannot be hit)."""
    if not isinstance(key, str) or not key or len(key) > _MAX_KEY_LENGTH:
        raise InvalidInput(f"media key must be 1 to {_MAX_KEY_LENGTH} characters, got {key!r}", code="bad_media_key")
    if "\\" in key or any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise InvalidInput(f"media key {key!r} contains a backslash or control character", code="bad_media_key")
    if any(not part or part.startswith(".") for part in key.split("/")):
        raise InvalidInput(
            f"media key {key!r} must be a relative path without empty, '.' or '..' segments", code="bad_media_key"
        )
    return key


def validate_put(key: str, data: bytes, content_type: str, checksum: str, max_bytes: int) -> str:
    """Check everything :meth:`MediaStore.put` receives; return the content type to store.

    Raises InvalidInput (bad key, malformed checksum, or ``data`` whose SHA-256 is not
    ``checksum``) or TooLarge (more than ``max_bytes`` bytes)."""
    validate_key(key)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidInput(f"media data must be bytes, got {type(data).__name__}")
    if len(data) > max_bytes:
        raise TooLarge(f"media is larger than {max_bytes} bytes")
    if not isinstance(checksum, str) or not _HEX_SHA256.fullmatch(checksum):
        raise InvalidInput("media checksum must be a hex SHA-256 digest (64 hex digits)", code="bad_checksum")
    if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), checksum.lower()):
        raise InvalidInput(f"media {key!r} does not match its checksum", code="bad_checksum")
    content_type = (content_type or "").strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in content_type):
        raise InvalidInput(f"bad content type {content_type!r}")
    return content_type or DEFAULT_CONTENT_TYPE


def app_url(settings: Settings, key: str) -> str:
    """``media_base_url`` + key when a public base is configured, else the app route
    ``/media/{key}`` (the ASGI app serves it through :meth:`MediaStore.get`)."""
    base = settings.media_base_url.rstrip("/") if settings.media_base_url else "/media"
    return f"{base}/{quote(validate_key(key))}"


class MemoryMediaStore(MediaStore):
    """Objects in a dict; safe to share between threads."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._lock = threading.Lock()
        self._objects: dict[str, tuple[bytes, str]] = {}
        self._closed = False

    @classmethod
    def from_url(cls, url: str, settings: Settings) -> MemoryMediaStore:
        return cls(settings)

    def put(self, key: str, data: bytes, content_type: str, checksum: str) -> None:
        content_type = validate_put(key, data, content_type, checksum, self.settings.max_media_bytes)
        with self._lock:
            self._ensure_open()
            self._objects[key] = (bytes(data), content_type)

    def get(self, key: str) -> tuple[bytes, str]:
        validate_key(key)
        with self._lock:
            self._ensure_open()
            found = self._objects.get(key)
        if found is None:
            raise NotFound(f"no media object {key!r}")
        return found

    def delete(self, key: str) -> None:
        validate_key(key)
        with self._lock:
            self._ensure_open()
            self._objects.pop(key, None)

    def url(self, key: str) -> str:
        return app_url(self.settings, key)

    def check(self) -> None:
        with self._lock:
            self._ensure_open()

    def close(self) -> None:
        with self._lock:
            self._closed = True

    def _ensure_open(self) -> None:
        if self._closed:
            raise Unavailable("the in-process media store is closed")
