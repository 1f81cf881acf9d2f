"""Uploads are judged by their bytes: an image must decode as the type it claims, a video must
carry its container's signature and brand; anything else is refused and nothing is stored."""

from __future__ import annotations

import struct
import zlib

import pytest

from feedcore import Platform
from feedcore.errors import TooLarge, UnsupportedMedia
from tests.fixtures.media import png

from .helpers import users

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb() -> bytes:
    """A tiny PNG that claims 40,000 x 40,000 pixels."""
    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 2, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"")) + _chunk(b"IEND", b"")


FORGED = [
    pytest.param(PNG_SIGNATURE + b"<script>alert(document.cookie)</script>", "image/png", id="png-signature-then-html"),
    pytest.param(png()[:-30], "image/png", id="truncated-png"),
    pytest.param(b"\xff\xd8\xff\xe0<html><script>x()</script></html>", "image/jpeg", id="jpeg-signature-then-html"),
    pytest.param(b"GIF89a<svg onload=alert(1)>", "image/gif", id="gif-signature-then-svg"),
    pytest.param(b"RIFF\x00\x00\x00\x00WEBP<html>", "image/webp", id="webp-signature-then-html"),
    pytest.param(b"\x00\x00\x00\x14ftypqt  <html>", "video/mp4", id="mp4-signature-quicktime-brand"),
    pytest.param(b"\x1a\x45\xdf\xa3" + b"<html>" * 20, "video/webm", id="ebml-without-webm"),
]


@pytest.mark.parametrize(("data", "content_type"), FORGED)
def test_forged_uploads_are_refused(platform: Platform, data: bytes, content_type: str) -> None:
    (alice,) = users(platform, "alice")
    with pytest.raises(UnsupportedMedia):
        platform.media.upload(alice.id, data=data, content_type=content_type)
    # before: the PNG signature followed by <script> was stored and served as image/png


def test_a_decompression_bomb_is_too_large(platform: Platform) -> None:
    (alice,) = users(platform, "alice")
    with pytest.raises(TooLarge):
        platform.media.upload(alice.id, data=bomb(), content_type="image/png")


def test_real_media_are_accepted(platform: Platform) -> None:
    (alice,) = users(platform, "alice")
    image = platform.media.upload(alice.id, data=png(8, 8), content_type="image/png")
    assert platform.media.read(image.key) == (png(8, 8), "image/png")
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(64)
    assert platform.media.upload(alice.id, data=video, content_type="video/mp4").size == len(video)
