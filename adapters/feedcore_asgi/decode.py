"""Request decoding derived from the route table: a body or a query string into its route's
Struct, every failure an :class:`InputError` that names the field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import msgspec

from feedcore import Settings
from feedcore.errors import InvalidInput

from .call import Params, Upload
from .limits import bind
from .table import CONTENT_TYPE_FORM, Body
from .uploads import CONTENT_MULTIPART, read_form

__all__ = ["BodyDecoder", "InputError", "QueryDecoder", "media_type"]

_AT = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")
_TOP = re.compile(r"^\$\.(?P<name>[^.\[]+)")


class InputError(InvalidInput):
    """Input the wire schema refuses; ``field`` says where (a JSON path, or a query parameter)."""

    def __init__(self, message: str, *, code: str, field: str) -> None:
        super().__init__(message, code=code)
        self.field = field


def media_type(content_type: str) -> str:
    """``"Application/JSON; charset=utf-8"`` -> ``"application/json"``."""
    return content_type.split(";", 1)[0].strip().lower()


def _located(exc: msgspec.ValidationError) -> tuple[str, str]:
    """(message, JSON path) of a msgspec validation error; a missing field's path names it."""
    found = _AT.match(str(exc))
    assert found is not None  # the pattern matches any text
    message, path = found["message"], found["path"] or "$"
    missing = _MISSING.match(message)
    if missing:
        path = f"{path}.{missing['name']}"
    return message, path


class BodyDecoder:
    """Decodes one route's request bodies, with the bounds of one app's settings."""

    def __init__(self, body: Body, settings: Settings) -> None:
        self.body = body
        self.content_limit: int = getattr(settings, body.limit)
        self.limit = self.content_limit + body.framing
        self.type = bind(body.type, settings)
        self._json = msgspec.json.Decoder(self.type) if body.kind != "raw" else None

    def accepts(self, content_type: str) -> bool:
        return content_type in self.body.content_types

    def decode(self, raw: bytes, content_type: str) -> Any:
        """The body as the route's Struct (or Params, or an Upload); ``content_type`` is the
        request's header. Raises InvalidInput (TooLarge for a form's file past the bound)."""
        kind = media_type(content_type)
        if self._json is None:
            if kind == CONTENT_MULTIPART:
                return read_form(raw, content_type, self.content_limit)
            return Upload(raw, kind)
        try:
            if kind == CONTENT_TYPE_FORM:
                try:
                    pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
                except UnicodeDecodeError:
                    raise InvalidInput("the form must be UTF-8", code=self._code("$")) from None
                value = msgspec.convert(dict(pairs), self.type, strict=False)
            else:
                value = self._json.decode(raw)
                if self.body.kind == "params":
                    fields = msgspec.json.decode(raw)  # a valid object: the Struct said so
                    pairs = [(k, v) for k, v in fields.items() if isinstance(v, str)]
            return Params(tuple(pairs)) if self.body.kind == "params" else value
        except msgspec.ValidationError as exc:
            message, path = _located(exc)
            raise InputError(str(exc) if path != "$" else message, code=self._code(path), field=path) from None
        except msgspec.DecodeError as exc:
            raise InvalidInput(f"the body must be a JSON object ({exc})", code=self._code("$")) from None
        except RecursionError:
            raise InvalidInput("the body nests too deeply", code=self._code("$")) from None

    def _code(self, path: str) -> str:
        body = self.body
        top = _TOP.match(path)
        field = f"$.{top['name']}" if top else "$"
        code = body.codes.get(path) or body.codes.get(field) or body.default_code
        if code:
            return code
        return f"invalid_{top['name']}" if top else "invalid_json"


class QueryDecoder:
    """Decodes one route's query strings into its query Struct (the last of repeated values wins)."""

    def __init__(self, tp: Any, settings: Settings) -> None:
        self.type = bind(tp, settings)

    def decode(self, query_string: bytes) -> Any:
        values: Mapping[str, str] = (
            dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)) if query_string else {}
        )
        try:
            return msgspec.convert(values, self.type, strict=False)
        except msgspec.ValidationError as exc:
            message, path = _located(exc)
            name = path.removeprefix("$.")
            raise InputError(f"{message} - in query parameter `{name}`", code=f"invalid_{name}", field=name) from None
