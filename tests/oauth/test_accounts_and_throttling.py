"""Sign-in throttling, password changes and re-hashing."""

from __future__ import annotations

import pytest

from feedcore import Platform
from feedcore.errors import InvalidInput, RateLimited, Unauthorized
from feedcore.passwords import hash_password
from tests.fixtures.platforms import FakeClock
from tests.oauth.helpers import PASSWORD, token

ATTACKER, OWNER, TRAVELLER = "203.0.113.9", "198.51.100.7", "192.0.2.55"


def _fail(p: Platform, times: int, address: str, handle: str = "alice", throttled_too: bool = False) -> None:
    for _ in range(times):
        with pytest.raises((Unauthorized, RateLimited) if throttled_too else Unauthorized):
            p.auth.login(handle, "wrong password", address=address)


def test_guessing_one_account_backs_off_exponentially(platform: Platform, clock: FakeClock) -> None:
    platform.users.register("alice", PASSWORD)
    _fail(platform, 3, ATTACKER)
    with pytest.raises(RateLimited) as first:
        platform.auth.login("alice", PASSWORD, address=ATTACKER)  # even the right password waits
    clock.advance(first.value.retry_after)
    _fail(platform, 1, ATTACKER)
    with pytest.raises(RateLimited) as second:
        platform.auth.login("alice", "wrong password", address=ATTACKER)
    assert second.value.retry_after > first.value.retry_after
    clock.advance(second.value.retry_after)
    platform.auth.login("alice", PASSWORD, address=ATTACKER)


def test_an_attacker_cannot_lock_the_owner_out(platform: Platform, clock: FakeClock) -> None:
    platform.users.register("alice", PASSWORD)
    platform.auth.login("alice", PASSWORD, address=OWNER)  # the owner's usual address
    for address in (f"203.0.113.{i}" for i in range(1, 60)):  # many addresses, 3 guesses each
        _fail(platform, 3, address, throttled_too=True)
    with pytest.raises(RateLimited) as new_place:  # a new address waits, a minute at most
        platform.auth.login("alice", PASSWORD, address=TRAVELLER)
    assert new_place.value.retry_after <= 60
    platform.auth.login("alice", PASSWORD, address=OWNER)  # a known one never does
    clock.advance(new_place.value.retry_after)
    platform.auth.login("alice", PASSWORD, address=TRAVELLER)


def test_one_address_guessing_many_accounts_is_slowed(platform: Platform) -> None:
    for i in range(25):
        platform.users.register(f"user{i}", PASSWORD)
    for i in range(20):
        _fail(platform, 1, ATTACKER, handle=f"user{i}")
    with pytest.raises(RateLimited):
        platform.auth.login("user24", PASSWORD, address=ATTACKER)
    platform.auth.login("user24", PASSWORD, address=OWNER)


def test_throttled_sign_ins_answer_429_at_the_token_endpoint(platform: Platform) -> None:
    platform.users.register("alice", PASSWORD)
    for _ in range(3):
        assert token(platform, grant_type="password", username="alice", password="nope nope").status == 400
    answer = token(platform, grant_type="password", username="alice", password=PASSWORD)
    assert (answer.status, answer.body["error"]) == (429, "temporarily_unavailable")
    assert int(answer.headers["Retry-After"]) >= 1


def test_change_password_ends_the_other_sessions(platform: Platform) -> None:
    alice = platform.users.register("alice", PASSWORD)
    here, elsewhere = platform.auth.login("alice", PASSWORD), platform.auth.login("alice", PASSWORD)
    keep = platform.auth.verify(here.access_token).session_id
    with pytest.raises(Unauthorized):
        platform.auth.change_password(alice.id, "not my password", "a brand new secret", keep_session=keep)
    with pytest.raises(InvalidInput):
        platform.auth.change_password(alice.id, PASSWORD, "short", keep_session=keep)
    platform.auth.change_password(alice.id, PASSWORD, "a brand new secret", keep_session=keep)
    assert platform.auth.verify(here.access_token).user_id == alice.id
    with pytest.raises(Unauthorized):
        platform.auth.verify(elsewhere.access_token)
    with pytest.raises(Unauthorized):
        platform.auth.login("alice", PASSWORD)
    platform.auth.login("alice", "a brand new secret")


def test_hashes_of_another_cost_are_replaced_at_sign_in(platform_factory) -> None:
    p = platform_factory(password_cost=2**5)
    alice = p.users.register("alice", PASSWORD)
    p._store.set_password_hash(alice.id, hash_password(PASSWORD, 2**4))
    p.auth.login("alice", PASSWORD)
    assert "m=32," in (p._store.password_hash(alice.id) or "")
