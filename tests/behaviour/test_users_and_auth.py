"""Registration, profiles and authentication, on every platform kind."""

from __future__ import annotations

import pytest

from feedcore import Platform
from feedcore.errors import Conflict, InvalidInput, NotFound, Unauthorized
from tests.fixtures.platforms import FakeClock

PASSWORD = "correct horse"


def test_register_and_find(platform: Platform) -> None:
    alice = platform.users.register(handle="alice", password=PASSWORD, display_name="Alice")
    assert platform.users.get(alice.id) == alice
    assert platform.users.by_handle("ALICE").id == alice.id
    assert platform.users.resolve("@alice").id == alice.id
    assert platform.users.resolve(str(alice.id)).handle == "alice"
    assert alice.display_name == "Alice"
    assert platform.users.register("bob", PASSWORD).display_name == "bob"


@pytest.mark.parametrize("handle", ["ab", "has space", "x" * 31, "émile", "", "semi;colon"])
def test_bad_handles_are_refused(platform: Platform, handle: str) -> None:
    with pytest.raises(InvalidInput):
        platform.users.register(handle, PASSWORD)


@pytest.mark.parametrize("password", ["short", "aaaaaaaaaaaa", "mallory-rules", 12345678])
def test_weak_passwords_are_refused(platform: Platform, password: object) -> None:
    with pytest.raises(InvalidInput):
        platform.users.register("mallory", password)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        platform.users.by_handle("mallory")


def test_taken_handle_conflicts_case_insensitively(platform: Platform) -> None:
    platform.users.register("alice", PASSWORD)
    with pytest.raises(Conflict):
        platform.users.register("Alice", PASSWORD)


def test_unknown_users(platform: Platform) -> None:
    with pytest.raises(NotFound):
        platform.users.get(12345)
    with pytest.raises(NotFound):
        platform.users.by_handle("nobody")


def test_update_profile(platform: Platform) -> None:
    alice = platform.users.register("alice", PASSWORD)
    updated = platform.users.update_profile(alice.id, display_name="Alice A.", bio="hi")
    assert (updated.display_name, updated.bio) == ("Alice A.", "hi")
    assert platform.users.get(alice.id).bio == "hi"
    assert platform.users.update_profile(alice.id, bio="").bio == ""
    with pytest.raises(InvalidInput):
        platform.users.update_profile(alice.id, display_name="   ")
    with pytest.raises(InvalidInput):
        platform.users.update_profile(alice.id, bio="x" * 1000)
    with pytest.raises(NotFound):
        platform.users.update_profile(999, bio="x")


def test_password_is_stored_hashed(platform: Platform) -> None:
    alice = platform.users.register("alice", PASSWORD)
    stored = platform._store.password_hash(alice.id)
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_verify_refresh_logout(platform: Platform) -> None:
    alice = platform.users.register("alice", PASSWORD)
    tokens = platform.auth.login("alice", PASSWORD)
    assert tokens.token_type == "Bearer" and tokens.expires_in > 0
    assert tokens.scope == "read write follow"
    assert platform.auth.verify(tokens.access_token).user_id == alice.id

    renewed = platform.auth.refresh(tokens.refresh_token)
    assert platform.auth.verify(renewed.access_token).user_id == alice.id
    again = platform.auth.refresh(renewed.refresh_token)

    platform.auth.logout(again.refresh_token)
    with pytest.raises(Unauthorized):
        platform.auth.refresh(again.refresh_token)
    with pytest.raises(Unauthorized):
        platform.auth.verify(again.access_token)


def test_reusing_a_rotated_refresh_token_revokes_its_session(platform: Platform) -> None:
    platform.users.register("alice", PASSWORD)
    stolen = platform.auth.login("alice", PASSWORD)
    renewed = platform.auth.refresh(stolen.refresh_token)
    with pytest.raises(Unauthorized) as info:
        platform.auth.refresh(stolen.refresh_token)
    assert info.value.code == "invalid_grant" and "revoked" in info.value.message
    for token in (renewed.access_token, stolen.access_token):
        with pytest.raises(Unauthorized):
            platform.auth.verify(token)
    with pytest.raises(Unauthorized):
        platform.auth.refresh(renewed.refresh_token)


def test_a_forged_refresh_token_revokes_nothing(platform: Platform) -> None:
    platform.users.register("alice", PASSWORD)
    tokens = platform.auth.login("alice", PASSWORD)
    sid, gen, family, secret = tokens.refresh_token.split(".")
    for forged in (f"{sid}.{gen}.wrongfamily.{secret}", f"{sid}.7.wrongfamily.{secret}", f"{sid}.x.{family}.{secret}"):
        with pytest.raises(Unauthorized):
            platform.auth.refresh(forged)
    assert platform.auth.verify(tokens.access_token).user_id > 0
    platform.auth.refresh(tokens.refresh_token)


def test_refresh_may_narrow_the_scope_only(platform: Platform) -> None:
    platform.users.register("alice", PASSWORD)
    tokens = platform.auth.login("alice", PASSWORD, scope="read follow")
    assert tokens.scope == "read follow"
    narrowed = platform.auth.refresh(tokens.refresh_token, scope="read")
    assert platform.auth.verify(narrowed.access_token).scopes == {"read"}
    with pytest.raises(InvalidInput) as info:
        platform.auth.refresh(narrowed.refresh_token, scope="read write")
    assert info.value.code == "invalid_scope"


def test_sessions_list_and_end_one(platform: Platform) -> None:
    alice = platform.users.register("alice", PASSWORD)
    bob = platform.users.register("bob", PASSWORD)
    laptop, phone = platform.auth.login("alice", PASSWORD), platform.auth.login("alice", PASSWORD)
    sessions = platform.auth.sessions(alice.id)
    assert [s.id for s in sessions] == [platform.auth.verify(t.access_token).session_id for t in (phone, laptop)]
    with pytest.raises(NotFound):
        platform.auth.end_session(bob.id, sessions[0].id)
    platform.auth.end_session(alice.id, sessions[0].id)
    with pytest.raises(Unauthorized):
        platform.auth.verify(phone.access_token)
    assert platform.auth.verify(laptop.access_token).user_id == alice.id


@pytest.mark.parametrize("handle, password", [("alice", "wrong password"), ("nobody", PASSWORD), ("alice", "")])
def test_bad_credentials(platform: Platform, handle: str, password: str) -> None:
    platform.users.register("alice", PASSWORD)
    with pytest.raises(Unauthorized):
        platform.auth.login(handle, password)


def test_access_token_expires(platform: Platform, clock: FakeClock) -> None:
    platform.users.register("alice", PASSWORD)
    tokens = platform.auth.login("alice", PASSWORD)
    clock.advance(platform.settings.access_token_ttl + 1)
    with pytest.raises(Unauthorized) as info:
        platform.auth.verify(tokens.access_token)
    assert info.value.code == "token_expired"


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x.y"])
def test_garbage_tokens(platform: Platform, token: str) -> None:
    with pytest.raises(Unauthorized):
        platform.auth.verify(token)
    with pytest.raises(Unauthorized):
        platform.auth.refresh(token)
    platform.auth.revoke(token)  # revoking nonsense is not an error


def test_revoke_access_token_ends_its_session(platform: Platform) -> None:
    platform.users.register("alice", PASSWORD)
    tokens = platform.auth.login("alice", PASSWORD)
    platform.auth.revoke(tokens.access_token)
    with pytest.raises(Unauthorized):
        platform.auth.verify(tokens.access_token)
    with pytest.raises(Unauthorized):
        platform.auth.refresh(tokens.refresh_token)
