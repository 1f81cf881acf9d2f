"""Driver errors in an operator's words: the driver's own first line, then the fix where one is
known, so a wrong URL or a stopped server reads as what to do about it."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["Fixes", "explain", "fixes"]

Fixes = Sequence[tuple[re.Pattern[str], str]]


def fixes(*pairs: tuple[str, str]) -> Fixes:
    """``(regular expression, fix)`` pairs, first match wins; a fix may name the match's
    groups as ``\\1``."""
    return [(re.compile(pattern, re.IGNORECASE), fix) for pattern, fix in pairs]


def explain(exc: BaseException, known: Fixes) -> str:
    """``exc``'s first line (its type when it has no text), and the fix where one is known."""
    text = " ".join(str(exc).split("\n", 1)[0].replace("FATAL:", "").split()).rstrip(".") or type(exc).__name__
    for pattern, fix in known:
        found = pattern.search(text)
        if found:
            return f"{text}; {found.expand(fix)}"
    return text
