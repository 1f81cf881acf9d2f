"""What an upload really is: its bytes, not the content type it claims.

The magic numbers must name the claimed type; then an image must decode (Pillow opens,
verifies and decodes every pixel, so a PNG signature followed by ``<script>``, a truncated or
forged file, or a decompression bomb is refused), and a video must carry its container's
signature and a video brand (no video decoder is bundled: the signature check is what there is;
served media also go out with ``nosniff`` and a sandboxing CSP).
"""

from __future__ import annotations

import io
import warnings

from ..errors import TooLarge, UnsupportedMedia

__all__ = ["check_content", "sniff_content_type"]

_IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash", b"M4V ", b"mmp4", b"msnv"}
)


def sniff_content_type(data: bytes) -> str | None:
    """The accepted content type the bytes start like, judged by their magic numbers."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


def check_content(data: bytes, content_type: str) -> None:
    """Raise UnsupportedMedia unless ``data`` is a well-formed ``content_type`` (one of the
    accepted types), or TooLarge for an image with more pixels than Pillow's bomb limit."""
    if sniff_content_type(data) != content_type:
        raise UnsupportedMedia(f"the bytes are not {content_type}")
    image_format = _IMAGE_FORMATS.get(content_type)
    if image_format is not None:
        _decode_image(data, image_format, content_type)
    elif content_type == "video/mp4" and data[8:12] not in _MP4_BRANDS:
        raise UnsupportedMedia(f"the bytes are not {content_type} (brand {data[8:12]!r})")
    elif content_type == "video/webm" and b"webm" not in data[:64]:
        raise UnsupportedMedia(f"the bytes are not {content_type} (no webm DocType)")


def _decode_image(data: bytes, image_format: str, content_type: str) -> None:
    from PIL import Image  # imported on first upload, not with feedcore

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                image.verify()  # the structure and checksums
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                image.load()  # every pixel: verify() does not decode
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise TooLarge(f"the image has too many pixels: {exc}") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # what Pillow raises for a bad file
        raise UnsupportedMedia(f"the bytes are not a valid {content_type} image ({exc})") from None
