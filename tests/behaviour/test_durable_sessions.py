"""Sessions live in the store: losing the cache, or having none, costs no sign-in."""

from __future__ import annotations

from pathlib import Path

from feedcore import Platform, Settings
from feedcore.backends import open_backend
from tests.fixtures.platforms import TEST_SETTINGS, PlatformFactory
from tests.fixtures.services import free_port

PASSWORD = "correct horse"


def test_a_cache_that_forgot_a_session_costs_no_login(platform_factory: PlatformFactory) -> None:
    p = platform_factory(near_cache_ttl=0)
    alice = p.users.register("alice", PASSWORD)
    tokens = p.auth.login("alice", PASSWORD)
    session_id = p.auth.verify(tokens.access_token).session_id
    p._cache.delete_many("session", [session_id])  # evicted, or the cache restarted
    assert p.auth.verify(tokens.access_token).user_id == alice.id
    renewed = p.auth.refresh(tokens.refresh_token)
    assert p.auth.verify(renewed.access_token).user_id == alice.id


def test_sign_in_refresh_and_logout_work_while_the_cache_is_down(tmp_path: Path) -> None:
    settings = Settings(**{**TEST_SETTINGS, "data_dir": str(tmp_path)})
    with Platform.open(settings) as p:
        p.users.register("alice", PASSWORD)
        before = p.auth.login("alice", PASSWORD)
    down = open_backend("cache", f"redis://127.0.0.1:{free_port()}/0", settings)
    with Platform.open(settings, cache=down, migrate=False) as p:
        assert p.auth.verify(before.access_token).user_id > 0
        tokens = p.auth.login("alice", PASSWORD)
        renewed = p.auth.refresh(tokens.refresh_token)
        assert p.auth.verify(renewed.access_token).user_id > 0
        p.auth.logout(renewed.refresh_token)
    with Platform.open(settings) as p:  # the cache is back, empty
        assert p.auth.verify(before.access_token).user_id > 0
