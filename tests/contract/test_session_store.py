"""SessionStore contract, run on every cache backend and the SQL store."""

from __future__ import annotations

from feedcore.model import Session


def _session(env, id_: str = "s1", life: float = 3600.0, user_id: int = 42) -> Session:
    now = env.now()
    return Session(id=id_, user_id=user_id, secret_hash="scrypt$abc$def", created_at=now, expires_at=now + life)


def test_create_then_get(session_env):
    session = _session(session_env)
    session_env.cache.create_session(session)
    assert session_env.cache.get_session("s1") == session
    assert session_env.cache.get_session("nope") is None


def test_revoke(session_env):
    cache = session_env.cache
    cache.create_session(_session(session_env, "s1"))
    cache.create_session(_session(session_env, "s2", user_id=7))
    assert cache.revoke_session("s1") is True
    assert cache.get_session("s1") is None
    assert cache.revoke_session("s1") is False
    assert cache.revoke_session("never") is False
    assert cache.get_session("s2").user_id == 7


def test_already_expired_session_is_not_live(session_env):
    session_env.cache.create_session(_session(session_env, life=-10.0))
    assert session_env.cache.get_session("s1") is None


def test_session_expires(session_env):
    cache = session_env.cache
    cache.create_session(_session(session_env, "short", life=1.0))
    cache.create_session(_session(session_env, "long", life=60.0))
    session_env.advance(1.3)
    assert cache.get_session("short") is None
    assert cache.revoke_session("short") is False
    assert cache.get_session("long") is not None
