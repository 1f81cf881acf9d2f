"""Object storage for media bytes."""

from __future__ import annotations

import abc

from .base import Backend

__all__ = ["MediaStore"]


class MediaStore(Backend):
    @abc.abstractmethod
    def put(self, key: str, data: bytes, content_type: str, checksum: str) -> None:
        """Store ``data`` under ``key``. ``checksum`` is its hex SHA-256, to be verified by
        the backend or the service where it can."""

    @abc.abstractmethod
    def get(self, key: str) -> tuple[bytes, str]:
        """The bytes and content type under ``key``. Raises NotFound."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key``; no error if absent."""

    @abc.abstractmethod
    def url(self, key: str) -> str:
        """A URL a client can GET the object from (public CDN URL, presigned URL or app route)."""
