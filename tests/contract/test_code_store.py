"""CodeStore contract, run on every store backend."""

from __future__ import annotations

import threading

import attrs
import pytest

from feedcore.errors import Conflict
from feedcore.ids import shard_of
from feedcore.model import AuthorizationCode
from tests.fixtures.stores import StoreKit


def _code(kit: StoreKit, user_id: int, life: float = 600.0) -> AuthorizationCode:
    now = kit.clock()
    return AuthorizationCode(
        id=kit.new_id(shard_of(user_id)),
        secret_hash="h",
        client_id="app",
        user_id=user_id,
        redirect_uri="https://app.example/cb",
        scope="read",
        code_challenge="c" * 43,
        code_challenge_method="S256",
        session_id=kit.new_id(shard_of(user_id)),
        created_at=now,
        expires_at=now + life,
    )


def test_first_use_then_replays(kit: StoreKit) -> None:
    alice = kit.user()
    code = _code(kit, alice.id)
    kit.store.save_code(code)
    with pytest.raises(Conflict):
        kit.store.save_code(code)
    assert kit.store.use_code(code.id, "h", kit.clock()) == code
    replay_at = kit.clock()
    replayed = kit.store.use_code(code.id, "h", replay_at)
    assert replayed is not None and replayed.used_at is not None and replayed.used_at < replay_at
    assert attrs.evolve(replayed, used_at=None) == code
    assert kit.store.use_code(code.id + 1, "h", kit.clock()) is None


def test_a_code_of_another_secret_is_not_used(kit: StoreKit) -> None:
    alice = kit.user()
    code = _code(kit, alice.id)
    kit.store.save_code(code)
    assert kit.store.use_code(code.id, "guess", kit.clock()) is None
    assert kit.store.use_code(code.id, "h", kit.clock()) == code


def test_expired_codes_are_gone(kit: StoreKit) -> None:
    alice = kit.user()
    code = _code(kit, alice.id, life=10.0)
    kit.store.save_code(code)
    assert kit.store.use_code(code.id, "h", code.expires_at) is None


def test_concurrent_first_uses_let_one_win(kit: StoreKit) -> None:
    alice = kit.user()
    code = _code(kit, alice.id)
    kit.store.save_code(code)
    now = kit.clock()
    results: list[AuthorizationCode | None] = []
    barrier = threading.Barrier(4)

    def use() -> None:
        barrier.wait()
        results.append(kit.store.use_code(code.id, "h", now))

    threads = [threading.Thread(target=use) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 4 and all(r is not None for r in results)
    assert sum(r.used_at is None for r in results if r is not None) == 1
