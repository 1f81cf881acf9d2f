"""SessionStore contract, run on every cache backend."""

from __future__ import annotations

from feedcore.model import Session


def _session(env, id_: str = "s1", life: float = 3600.0, user_id: int = 42) -> Session:
    now = env.now()
    return Session(id=id_, user_id=user_id, secret_hash="scrypt$abc$def", created_at=now, expires_at=now + life)


def test_create_then_get(cache_env):
    session = _session(cache_env)
    cache_env.cache.create_session(session)
    assert cache_env.cache.get_session("s1") == session
    assert cache_env.cache.get_session("nope") is None


def test_revoke(cache_env):
    cache = cache_env.cache
    cache.create_session(_session(cache_env, "s1"))
    cache.create_session(_session(cache_env, "s2", user_id=7))
    assert cache.revoke_session("s1") is True
    assert cache.get_session("s1") is None
    assert cache.revoke_session("s1") is False
    assert cache.revoke_session("never") is False
    assert cache.get_session("s2").user_id == 7


def test_already_expired_session_is_not_live(cache_env):
    cache_env.cache.create_session(_session(cache_env, life=-10.0))
    assert cache_env.cache.get_session("s1") is None


def test_session_expires(cache_env):
    cache = cache_env.cache
    cache.create_session(_session(cache_env, "short", life=1.0))
    cache.create_session(_session(cache_env, "long", life=60.0))
    cache_env.advance(1.3)
    assert cache.get_session("short") is None
    assert cache.revoke_session("short") is False
    assert cache.get_session("long") is not None
