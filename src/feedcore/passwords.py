"""Password hashing with scrypt (memory-hard, in the standard library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

__all__ = ["hash_password", "verify_password"]

_R, _P, _DKLEN = 8, 1, 32


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _scrypt(password: str, salt: bytes, n: int) -> bytes:
    # surrogatepass: a lone surrogate (refused at registration) fails to match instead of raising
    secret = password.encode("utf-8", "surrogatepass")
    return hashlib.scrypt(secret, salt=salt, n=n, r=_R, p=_P, maxmem=256 * n * _R + 1024 * 1024, dklen=_DKLEN)


def hash_password(password: str, cost: int = 2**14) -> str:
    """``scrypt$N$r$p$salt$hash`` for ``password``; ``cost`` is scrypt's N (a power of two)."""
    salt = os.urandom(16)
    return f"scrypt${cost}${_R}${_P}${_b64(salt)}${_b64(_scrypt(password, salt, cost))}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches ``encoded``, compared in constant time."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
    except ValueError:
        return False
    if scheme != "scrypt" or (int(r), int(p)) != (_R, _P):
        return False
    return hmac.compare_digest(_scrypt(password, base64.b64decode(salt), int(n)), base64.b64decode(digest))
