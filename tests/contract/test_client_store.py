"""ClientStore contract, run on every store backend."""

from __future__ import annotations

import pytest

from feedcore.errors import Conflict
from feedcore.model import Client
from tests.fixtures.stores import StoreKit


def _client(kit: StoreKit, id_: str = "app-1", secret_hash: str | None = "h") -> Client:
    return Client(
        id=id_,
        name="My App",
        redirect_uris=("https://app.example/cb", "/callback"),
        scopes=("read", "write"),
        grant_types=("authorization_code", "refresh_token"),
        secret_hash=secret_hash,
        created_at=kit.clock(),
        owner_id=42,
    )


def test_create_get_delete(kit: StoreKit) -> None:
    client = _client(kit)
    kit.store.create_client(client)
    assert kit.store.get_client("app-1") == client
    assert kit.store.get_client("app-2") is None
    with pytest.raises(Conflict):
        kit.store.create_client(client)
    assert kit.store.delete_client("app-1") is True
    assert kit.store.get_client("app-1") is None
    assert kit.store.delete_client("app-1") is False


def test_public_clients_have_no_secret(kit: StoreKit) -> None:
    kit.store.create_client(_client(kit, "spa", secret_hash=None))
    assert kit.store.get_client("spa").public
