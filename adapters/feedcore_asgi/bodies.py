"""Request bodies: read with a size limit enforced while streaming, parsed as JSON or a form."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from feedcore.errors import InvalidInput, TooLarge

__all__ = ["parse_form_or_json", "parse_json_object", "read_limited"]


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, or TooLarge as soon as it passes ``limit`` bytes (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object. Raises InvalidInput (code ``invalid_json``)."""
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidInput("the body must be a JSON object", code="invalid_json") from None
    if not isinstance(value, dict):
        raise InvalidInput("the body must be a JSON object", code="invalid_json")
    return value


def parse_form_or_json(raw: bytes, content_type: str) -> dict[str, Any]:
    """An ``application/x-www-form-urlencoded`` body as a dict (last value wins), else JSON."""
    if content_type.split(";", 1)[0].strip().lower() == "application/x-www-form-urlencoded":
        try:
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
        except UnicodeDecodeError:
            raise InvalidInput("the form body must be UTF-8", code="invalid_request") from None
    return parse_json_object(raw)
