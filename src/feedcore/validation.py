"""Input rules shared by the services: the one place that decides which text, ids and handles
the platform accepts. Each check raises InvalidInput with a clear message and a stable code
(an id that cannot exist raises NotFound), before anything is read or changed.

- **Text** (posts, comments, bios): a ``str`` the stores can hold (no lone surrogates, no NUL or
  other control characters but newline and tab; ``\\r\\n`` becomes ``\\n``), normalised to NFC,
  stripped, at most ``max_length`` characters, and not invisible only (zero-width characters,
  combining marks and blank fillers alone are empty text).
- **Display names**: the PRECIS Nickname profile (RFC 8266, via ``precis_i18n``): width and
  compatibility forms folded (NFKC), spaces collapsed; controls, invisible and direction-changing
  characters (bidi overrides, isolates and marks, zero-width joiners) refused.
- **Handles**: 3-30 ASCII letters, digits or underscores, not all digits (a handle must never
  read as an id) and not a reserved word (``me``, ``admin``, ``settings``…).
- **Ids**: an ``int`` from 1 to 2**63-1. A ``bool``, ``float`` or ``str`` is InvalidInput (the
  Python API takes ints; the HTTP API's string ids are converted by the adapter); an int out of
  that range names nothing and is NotFound.
"""

from __future__ import annotations

import re
import unicodedata

from precis_i18n import get_profile

from .errors import InvalidInput, NotFound

__all__ = [
    "HANDLE_PATTERN",
    "MAX_ID",
    "MAX_PASSWORD_LENGTH",
    "RESERVED_HANDLES",
    "check_display_name",
    "check_handle",
    "check_id",
    "check_ids",
    "check_limit",
    "check_optional_text",
    "check_password",
    "check_text",
    "is_handle",
]

MAX_ID = 2**63 - 1
"""The largest id: ids are positive signed 64-bit integers."""

_HANDLE = re.compile(r"[A-Za-z0-9_]{3,30}")

HANDLE_PATTERN = r"^(?![0-9]+$)[A-Za-z0-9_]{3,30}$"
"""A handle a new user may take, as a regular expression that JSON Schema shares (reserved
words aside): what the HTTP API's schema states."""
MAX_PASSWORD_LENGTH = 1024

RESERVED_HANDLES = frozenset(
    {
        "about", "account", "accounts", "admin", "administrator", "all", "anonymous", "api", "app", "assets",
        "auth", "authorize", "comments", "docs", "everyone", "feed", "feedcore", "feeds", "follow", "followers",
        "following", "healthz", "help", "home", "login", "logout", "me", "media", "metrics", "moderator", "new",
        "null", "oauth", "openapi", "posts", "readyz", "register", "root", "search", "security", "settings",
        "signup", "static", "support", "system", "token", "undefined", "user", "users", "www",
    }
)  # fmt: skip
"""Handles nobody may register: words that name routes, roles or the platform itself."""

_NICKNAME = get_profile("NicknameCasePreserved")

# Letters with no visible glyph (Hangul fillers, the Braille blank) that pass as text otherwise.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})


def _visible(ch: str) -> bool:
    return ch not in _BLANK_LETTERS and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES


def _encodable(text: str, what: str) -> None:
    """Refuse lone surrogates: no store (nor UTF-8) can hold them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{what} must be valid Unicode (a lone surrogate)", code="invalid_text") from None


def _storable(text: str, what: str) -> str:
    """``text`` with line breaks unified, refusing what no store can hold or show sensibly."""
    _encodable(text, what)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise InvalidInput(f"{what} must not contain control characters (NUL and the like)", code="invalid_text")
    return text


def check_text(text: object, what: str, max_length: int) -> str:
    """``text`` normalised (NFC) and stripped: non-empty, visible, at most ``max_length``
    characters, storable (see the module docstring). Raises InvalidInput."""
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be a string")
    text = unicodedata.normalize("NFC", _storable(text, what)).strip()
    if not any(_visible(ch) for ch in text):
        raise InvalidInput(f"{what} must not be empty or invisible only", code="empty_text")
    if len(text) > max_length:
        raise InvalidInput(f"{what} must be at most {max_length} characters", code="text_too_long")
    return text


def check_optional_text(text: object, what: str, max_length: int) -> str | None:
    """Like :func:`check_text` but None passes and blank text becomes ``""``."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be a string")
    return check_text(text, what, max_length) if text.strip() else ""


def check_display_name(name: object, max_length: int) -> str:
    """A display name by the PRECIS Nickname profile (see the module docstring). Raises InvalidInput."""
    if not isinstance(name, str):
        raise InvalidInput("display_name must be a string")
    _storable(name, "display_name")
    try:
        name = _NICKNAME.enforce(name)
    except UnicodeEncodeError as exc:
        if exc.start >= exc.end:  # the profile reports empty text with an empty range
            raise InvalidInput("display_name must not be empty", code="empty_text") from None
        bad = exc.object[exc.start]
        raise InvalidInput(
            f"display_name must not contain U+{ord(bad):04X} ({unicodedata.name(bad, 'unnamed')}): "
            "no control, invisible or direction-changing characters",
            code="invalid_text",
        ) from None
    if not any(_visible(ch) for ch in name):
        raise InvalidInput("display_name must not be invisible only", code="empty_text")
    if len(name) > max_length:
        raise InvalidInput(f"display_name must be at most {max_length} characters", code="text_too_long")
    return name


def is_handle(handle: object) -> bool:
    """Whether ``handle`` has a handle's shape (it may still be reserved or all digits)."""
    return isinstance(handle, str) and _HANDLE.fullmatch(handle) is not None


def check_handle(handle: object) -> str:
    """A handle a new user may take. Raises InvalidInput."""
    if not is_handle(handle):
        raise InvalidInput("handle must be 3-30 letters, digits or underscores", code="invalid_handle")
    assert isinstance(handle, str)
    if handle.isdigit():
        raise InvalidInput("handle must not be all digits (it would read as a user id)", code="invalid_handle")
    if handle.lower() in RESERVED_HANDLES:
        raise InvalidInput(f"handle {handle!r} is reserved", code="reserved_handle")
    return handle


def check_id(value: object, what: str) -> int:
    """``value`` as the id of a ``what`` ("post", "user"…). Raises InvalidInput (not an int)
    or NotFound (an int no id can be)."""
    if isinstance(value, bool) or not isinstance(value, int):
        hint = ""
        if isinstance(value, str) and value.isascii() and value.isdigit():
            hint = f" (convert the string id with int({value[:20]!r}))"
        raise InvalidInput(f"{what} id must be an int, not {type(value).__name__}{hint}", code="invalid_id")
    if not 0 < value <= MAX_ID:
        raise NotFound(f"no {what} {value}")
    return value


def check_ids(values: object, what: str) -> list[int]:
    """A list of distinct ids (order kept). Raises InvalidInput (also for ids that cannot exist)."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise InvalidInput(f"{what} ids must be a list of ints", code="invalid_id")
    ids: list[int] = []
    for value in values:
        try:
            ids.append(check_id(value, what))
        except NotFound:
            raise InvalidInput(f"unknown {what} {value}", code=f"unknown_{what}") from None
    return list(dict.fromkeys(ids))


def check_password(password: object, handle: str, min_length: int) -> str:
    if not isinstance(password, str) or len(password) < min_length:
        raise InvalidInput(f"password must be at least {min_length} characters", code="weak_password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"password must be at most {MAX_PASSWORD_LENGTH} characters", code="invalid_password")
    _encodable(password, "password")
    if len(set(password)) < 4 or handle.lower() in password.lower():
        raise InvalidInput("password is too easy to guess", code="weak_password")
    return password


def check_limit(limit: object, maximum: int = 100) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise InvalidInput(f"limit must be an integer from 1 to {maximum}", code="invalid_limit")
    return limit
