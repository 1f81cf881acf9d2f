"""SessionStore contract, run on every store backend."""

from __future__ import annotations

import attrs
import pytest

from feedcore.errors import Conflict
from feedcore.ids import shard_of
from feedcore.model import Session
from tests.fixtures.stores import StoreKit


def _session(kit: StoreKit, user_id: int | None, life: float = 3600.0, **fields) -> Session:
    now = kit.clock()
    shard = shard_of(user_id) if user_id is not None else 1
    return Session(
        id=kit.new_id(shard),
        user_id=user_id,
        client_id=fields.pop("client_id", "app"),
        scope="read write",
        created_at=now,
        expires_at=now + life,
        **fields,
    )


def _refreshable(kit: StoreKit, user_id: int, life: float = 3600.0) -> Session:
    return _session(kit, user_id, life, family_hash="fam", refresh_hash="r0")


def test_create_then_get(kit: StoreKit) -> None:
    alice = kit.user()
    session = _refreshable(kit, alice.id)
    kit.store.create_session(session)
    assert kit.store.get_session(session.id, kit.clock()) == session
    assert kit.store.get_session(session.id + 1, kit.clock()) is None
    with pytest.raises(Conflict):
        kit.store.create_session(session)


def test_a_session_without_a_user(kit: StoreKit) -> None:
    session = _session(kit, None, client_id="robot")
    kit.store.create_session(session)
    assert kit.store.get_session(session.id, kit.clock()) == session


def test_expired_sessions_are_not_live(kit: StoreKit) -> None:
    alice = kit.user()
    short, long = _session(kit, alice.id, life=10.0), _session(kit, alice.id, life=100.0)
    kit.store.create_session(short)
    kit.store.create_session(long)
    later = short.expires_at
    assert kit.store.get_session(short.id, later) is None
    assert kit.store.get_session(long.id, later) == long
    assert kit.store.sessions_of(alice.id, later) == [long]
    assert not kit.store.rotate_refresh(short.id, 0, "r1", later + 100, later)


def test_sessions_of_a_user_newest_first(kit: StoreKit) -> None:
    alice, bob = kit.users(2)
    first, second = _session(kit, alice.id), _session(kit, alice.id)
    other = _session(kit, bob.id)
    for s in (first, second, other):
        kit.store.create_session(s)
    assert kit.store.sessions_of(alice.id, kit.clock()) == [second, first]
    assert kit.store.sessions_of(12345, kit.clock()) == []


def test_rotate_refresh_once_per_generation(kit: StoreKit) -> None:
    alice = kit.user()
    session = _refreshable(kit, alice.id)
    kit.store.create_session(session)
    assert kit.store.rotate_refresh(session.id, 0, "r1", session.expires_at + 50, kit.clock())
    assert not kit.store.rotate_refresh(session.id, 0, "r1-again", session.expires_at + 90, kit.clock())
    rotated = kit.store.get_session(session.id, kit.clock())
    assert rotated == attrs.evolve(session, refresh_gen=1, refresh_hash="r1", expires_at=session.expires_at + 50)
    assert kit.store.rotate_refresh(session.id, 1, "r2", session.expires_at + 60, kit.clock())
    assert kit.store.get_session(session.id, kit.clock()).refresh_gen == 2


def test_sessions_without_refresh_tokens_do_not_rotate(kit: StoreKit) -> None:
    alice = kit.user()
    session = _session(kit, alice.id)
    kit.store.create_session(session)
    assert not kit.store.rotate_refresh(session.id, 0, "r1", session.expires_at + 50, kit.clock())
    assert not kit.store.rotate_refresh(session.id + 1, 0, "r1", session.expires_at + 50, kit.clock())


def test_revoke(kit: StoreKit) -> None:
    alice = kit.user()
    session = _refreshable(kit, alice.id)
    kit.store.create_session(session)
    assert kit.store.revoke_session(session.id) is True
    assert kit.store.get_session(session.id, kit.clock()) is None
    assert kit.store.revoke_session(session.id) is False
    assert not kit.store.rotate_refresh(session.id, 0, "r1", session.expires_at + 50, kit.clock())


def test_revoke_every_session_of_a_user_but_one(kit: StoreKit) -> None:
    alice, bob = kit.users(2)
    keep, a, b = (_session(kit, alice.id) for _ in range(3))
    bobs = _session(kit, bob.id)
    for s in (keep, a, b, bobs):
        kit.store.create_session(s)
    assert sorted(kit.store.revoke_sessions_of(alice.id, keep=keep.id)) == sorted([a.id, b.id])
    assert kit.store.sessions_of(alice.id, kit.clock()) == [keep]
    assert kit.store.get_session(bobs.id, kit.clock()) == bobs
    assert kit.store.revoke_sessions_of(alice.id) == [keep.id]
    assert kit.store.revoke_sessions_of(alice.id) == []


def test_revoke_every_session_issued_to_a_client(kit: StoreKit) -> None:
    """On every shard: the client's sign-ins of several users and its own client-credentials one."""
    users = kit.users(4)
    issued = [_session(kit, user.id, client_id="gone") for user in users] + [_session(kit, None, client_id="gone")]
    others = [_session(kit, user.id, client_id="kept") for user in users]
    for session in (*issued, *others):
        kit.store.create_session(session)
    assert sorted(kit.store.revoke_sessions_of_client("gone")) == sorted(s.id for s in issued)
    assert all(kit.store.get_session(s.id, kit.clock()) is None for s in issued)
    assert all(kit.store.get_session(s.id, kit.clock()) == s for s in others)
    assert kit.store.revoke_sessions_of_client("gone") == []
