"""Media sent as ``multipart/form-data`` (what a browser form or ``FormData`` sends): one part,
the field ``file``, whose own ``Content-Type`` is the media's.

Parsed by python-multipart (Starlette's form parser, well kept and fuzzed), fed the body that
:func:`~feedcore_asgi.endpoint.read_body` already bounded while it streamed in; a file part
past the media bound is refused as soon as the parser reaches it. Anything else in the form
(a second part, a text field, a missing boundary) is refused with 400 ``invalid_multipart``.
"""

from __future__ import annotations

from typing import Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from feedcore.errors import InvalidInput, TooLarge

from .call import Upload

__all__ = ["CONTENT_MULTIPART", "FILE_FIELD", "FRAMING_BYTES", "form_schema", "read_form"]

CONTENT_MULTIPART = "multipart/form-data"
FILE_FIELD = "file"
FRAMING_BYTES = 16 * 1024
"""What a form may add to the media's own bound: boundaries and the part's headers."""
_CODE = "invalid_multipart"


def form_schema(media_types: tuple[str, ...]) -> dict[str, Any]:
    """The form's JSON Schema and OpenAPI ``encoding``, for the document."""
    return {
        "schema": {
            "type": "object",
            "properties": {FILE_FIELD: {"type": "string", "format": "binary", "description": "The media."}},
            "required": [FILE_FIELD],
            "additionalProperties": False,
        },
        "encoding": {FILE_FIELD: {"contentType": ", ".join(media_types)}},
    }


class _Form:
    """Collects the one file part of a form, refusing anything else as it streams past."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts = 0
        self.headers: dict[bytes, bytes] = {}
        self.chunks: list[bytes] = []
        self.size = 0
        self.ended = False
        self._field = bytearray()
        self._value = bytearray()

    def part_begin(self) -> None:
        self.parts += 1
        if self.parts > 1:
            raise InvalidInput(f"the form must hold one field, {FILE_FIELD!r}, and nothing else", code=_CODE)

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def header_end(self) -> None:
        self.headers[bytes(self._field).strip().lower()] = bytes(self._value).strip()
        self._field.clear()
        self._value.clear()

    def headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition"))
        if options.get(b"name") != FILE_FIELD.encode() or b"filename" not in options:
            raise InvalidInput(f"the form's one field must be the file {FILE_FIELD!r}", code=_CODE)

    def end(self) -> None:
        self.ended = True

    def part_data(self, data: bytes, start: int, end: int) -> None:
        self.size += end - start
        if self.size > self.limit:
            raise TooLarge(f"media is larger than {self.limit} bytes")
        self.chunks.append(data[start:end])


def read_form(raw: bytes, content_type: str, limit: int) -> Upload:
    """The file of a ``multipart/form-data`` body (``content_type`` is the request's whole
    header, with its boundary), at most ``limit`` bytes. Raises InvalidInput or TooLarge."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise InvalidInput("a multipart/form-data body needs the boundary in its Content-Type", code=_CODE)
    form = _Form(limit)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": form.part_begin,
            "on_header_field": form.header_field,
            "on_header_value": form.header_value,
            "on_header_end": form.header_end,
            "on_headers_finished": form.headers_finished,
            "on_part_data": form.part_data,
            "on_end": form.end,
        },
    )
    try:
        parser.write(raw)
        parser.finalize()
    except MultipartParseError as exc:
        raise InvalidInput(f"the multipart body is malformed ({exc})", code=_CODE) from None
    if not form.ended or not form.parts:
        raise InvalidInput(f"the form must hold the file {FILE_FIELD!r} and end with its boundary", code=_CODE)
    media_type = form.headers.get(b"content-type", b"").decode("latin-1").split(";", 1)[0].strip().lower()
    return Upload(b"".join(form.chunks), media_type)
