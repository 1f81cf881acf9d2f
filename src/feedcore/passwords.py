"""Password hashing with argon2id (argon2-cffi) at OWASP's cost, and transparent upgrades.

Hashes are PHC strings (``$argon2id$v=19$m=19456,t=2,p=1$...``). Hashes of an older scheme
(``scrypt$N$r$p$salt$hash``, feedcore before argon2id) or of other argon2 parameters still
verify, and :func:`verify_password` says when a hash should be replaced after a sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["OWASP_MEMORY_KIB", "hash_password", "verify_password"]

OWASP_MEMORY_KIB = 19 * 1024
"""argon2id memory cost (KiB) OWASP recommends with 2 iterations and 1 lane."""
_TIME_COST, _LANES = 2, 1


def _hasher(memory_kib: int) -> argon2.PasswordHasher:
    return argon2.PasswordHasher(time_cost=_TIME_COST, memory_cost=memory_kib, parallelism=_LANES)


def hash_password(password: str, cost: int = OWASP_MEMORY_KIB) -> str:
    """The argon2id hash of ``password``; ``cost`` is the memory cost in KiB (at least 8)."""
    return _hasher(cost).hash(password)


def verify_password(password: str, encoded: str, cost: int = OWASP_MEMORY_KIB) -> tuple[bool, bool]:
    """``(matches, needs_rehash)``: whether ``password`` matches ``encoded`` (compared in
    constant time), and whether a match should be re-hashed at ``cost`` (an older scheme or
    other parameters)."""
    # surrogatepass: text with a lone surrogate (refused at registration) fails to match
    # instead of raising; valid text encodes as plain UTF-8
    secret = password.encode("utf-8", "surrogatepass")
    if encoded.startswith("scrypt$"):
        matches = _verify_scrypt(secret, encoded)
        return matches, matches
    hasher = _hasher(cost)
    try:
        hasher.verify(encoded, secret)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, hasher.check_needs_rehash(encoded)


def _verify_scrypt(password: bytes, encoded: str) -> bool:
    try:
        _, n, r, p, salt, digest = encoded.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password,
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=256 * int(n) * int(r) + 1024 * 1024,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
