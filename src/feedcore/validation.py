"""Input rules shared by the services. Each check raises InvalidInput with a clear message."""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidInput

__all__ = ["check_handle", "check_limit", "check_optional_text", "check_password", "check_text"]

_HANDLE = re.compile(r"[A-Za-z0-9_]{3,30}")


def check_handle(handle: object) -> str:
    if not isinstance(handle, str) or not _HANDLE.fullmatch(handle):
        raise InvalidInput("handle must be 3-30 letters, digits or underscores", code="invalid_handle")
    return handle


def check_password(password: object, handle: str, min_length: int) -> str:
    if not isinstance(password, str) or len(password) < min_length:
        raise InvalidInput(f"password must be at least {min_length} characters", code="weak_password")
    if len(password) > 1024:
        raise InvalidInput("password must be at most 1024 characters", code="invalid_password")
    if len(set(password)) < 4 or handle.lower() in password.lower():
        raise InvalidInput("password is too easy to guess", code="weak_password")
    return password


def check_text(text: object, what: str, max_length: int) -> str:
    """Stripped ``text``: non-empty, at most ``max_length`` characters, no control characters."""
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be a string")
    text = text.strip()
    if not text:
        raise InvalidInput(f"{what} must not be empty", code="empty_text")
    if len(text) > max_length:
        raise InvalidInput(f"{what} must be at most {max_length} characters", code="text_too_long")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise InvalidInput(f"{what} must not contain control characters")
    return text


def check_optional_text(text: object, what: str, max_length: int) -> str | None:
    """Like :func:`check_text` but None passes and empty is allowed."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be a string")
    return check_text(text, what, max_length) if text.strip() else ""


def check_limit(limit: object, maximum: int = 100) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise InvalidInput(f"limit must be an integer from 1 to {maximum}", code="invalid_limit")
    return limit
