"""Cursors, settings, password hashing, validation and the circuit breaker."""

from __future__ import annotations

import base64
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from feedcore.cursor import decode_cursor, encode_cursor
from feedcore.errors import ConfigurationError, InvalidInput, Unavailable
from feedcore.passwords import hash_password, verify_password
from feedcore.resilience import CircuitBreaker
from feedcore.settings import Settings, parse_rate


def test_cursor_round_trip_and_garbage() -> None:
    assert decode_cursor(encode_cursor(123456789)) == 123456789
    assert decode_cursor(None) is None and decode_cursor("") is None
    for bad in ("@@@", "bm9wZQ", encode_cursor(5)[:-2] + "!!"):
        with pytest.raises(InvalidInput):
            decode_cursor(bad)


@pytest.mark.parametrize("text, expected", [("100/minute", (100, 60.0)), ("5/second", (5, 1.0)), ("7/10s", (7, 10.0))])
def test_parse_rate(text: str, expected: tuple[int, float]) -> None:
    assert parse_rate(text) == expected


@pytest.mark.parametrize("text", ["", "100", "0/minute", "x/minute", "5/fortnight"])
def test_parse_rate_rejects(text: str) -> None:
    with pytest.raises(ConfigurationError):
        parse_rate(text)


def test_settings_from_env() -> None:
    s = Settings.from_env(
        {
            "FEEDCORE_PULL_THRESHOLD": "50",
            "FEEDCORE_INLINE_DISPATCH": "no",
            "FEEDCORE_DATABASE_URL": "postgresql+psycopg://h/a, postgresql+psycopg://h/b",
        },
        namespace="t",
    )
    assert (s.pull_threshold, s.inline_dispatch, s.namespace) == (50, False, "t")
    assert s.database_urls == ["postgresql+psycopg://h/a", "postgresql+psycopg://h/b"]
    with pytest.raises(ConfigurationError):
        Settings.from_env({"FEEDCORE_LOGICAL_SHARDS": "many"})
    with pytest.raises(ConfigurationError):
        Settings(feed_max_len=0)
    with pytest.raises(ConfigurationError):
        Settings(rate_limit="lots")


def test_embedded_defaults(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = Settings(data_dir=str(tmp_path))
    assert s.resolved_database_url.startswith("sqlite:///") and s.resolved_database_url.endswith("feedcore.db")
    assert s.resolved_media_url.startswith("file:///")
    assert s.dispatch_inline and not Settings(bus_url="kafka://127.0.0.1:9092").dispatch_inline


def test_password_hashing() -> None:
    encoded = hash_password("correct horse", cost=2**4)
    assert encoded.startswith("$argon2id$") and "m=16," in encoded
    assert verify_password("correct horse", encoded, cost=2**4) == (True, False)
    assert verify_password("wrong horse", encoded, cost=2**4) == (False, False)
    assert verify_password("correct horse", "not-a-hash") == (False, False)
    assert hash_password("same", cost=2**4) != hash_password("same", cost=2**4)  # salted


def test_hashes_of_other_costs_and_of_scrypt_verify_and_ask_for_a_rehash() -> None:
    assert verify_password("correct horse", hash_password("correct horse", cost=2**4), cost=2**5) == (True, True)
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(b"correct horse", salt=salt, n=2**4, r=8, p=1, dklen=32)
    legacy = f"scrypt${2**4}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    assert verify_password("correct horse", legacy) == (True, True)
    assert verify_password("wrong horse", legacy) == (False, False)
    assert verify_password("correct horse", "scrypt$x$8$1$AA==$AA==") == (False, False)


def test_circuit_breaker_opens_and_recovers() -> None:
    now = [0.0]
    breaker = CircuitBreaker("thing", threshold=2, reset_after=10, clock=lambda: now[0])

    def fail() -> None:
        raise Unavailable("down")

    for _ in range(2):
        with pytest.raises(Unavailable):
            breaker.call(fail)
    assert breaker.is_open
    with pytest.raises(Unavailable, match="circuit open"):
        breaker.call(lambda: 1)
    now[0] = 11.0
    assert breaker.call(lambda: 1) == 1 and not breaker.is_open


def test_half_open_circuit_breaker_admits_exactly_one_trial_call() -> None:
    now = [0.0]
    breaker = CircuitBreaker("thing", threshold=1, reset_after=10, clock=lambda: now[0])
    with pytest.raises(Unavailable):
        breaker.call(_down)
    now[0] = 11.0  # half-open
    entered, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def trial(who: str) -> str:
        calls.append(who)
        entered.set()
        release.wait(timeout=10)
        return who

    with ThreadPoolExecutor(max_workers=5) as pool:
        first = pool.submit(breaker.call, trial, "first")
        assert entered.wait(timeout=10)
        others = [pool.submit(breaker.call, trial, f"other {i}") for i in range(4)]
        refused = [f.exception(timeout=10) for f in others]
        release.set()
        assert first.result(timeout=10) == "first"
    assert calls == ["first"]
    assert all(isinstance(exc, Unavailable) for exc in refused)
    assert not breaker.is_open and breaker.call(lambda: 1) == 1


def test_a_failed_trial_call_opens_the_breaker_again() -> None:
    now = [0.0]
    breaker = CircuitBreaker("thing", threshold=3, reset_after=10, clock=lambda: now[0])
    for _ in range(3):
        with pytest.raises(Unavailable):
            breaker.call(_down)
    now[0] = 11.0
    with pytest.raises(Unavailable, match="down"):
        breaker.call(_down)  # the trial fails: open again at once, not after 3 more failures
    with pytest.raises(Unavailable, match="circuit open"):
        breaker.call(lambda: 1)


def _down() -> None:
    raise Unavailable("down")
