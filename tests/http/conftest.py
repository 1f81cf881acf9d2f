"""An in-process app over the embedded default (SQLite, memory cache and bus, media directory)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from feedcore_asgi import create_app
from starlette.exceptions import StarletteDeprecationWarning

from feedcore import Platform, Settings
from tests.fixtures.platforms import TEST_SETTINGS, FakeClock

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient; plain httpx (installed) works the same
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

AppFactory = Callable[..., TestClient]


@pytest.fixture
def app_factory(tmp_path: Path, clock: FakeClock) -> Iterator[AppFactory]:
    """``app_factory(**settings)``: a TestClient on a fresh embedded platform with those settings."""
    opened: list[tuple[Platform, TestClient]] = []

    def factory(**settings: Any) -> TestClient:
        data_dir = tmp_path / f"platform{len(opened)}"
        platform = Platform.open(Settings(**{**TEST_SETTINGS, "data_dir": str(data_dir), **settings}), clock=clock)
        # OAuth refuses plain http except on loopback hosts (RFC 8252): test as localhost
        client = TestClient(create_app(platform), base_url="http://localhost", raise_server_exceptions=True)
        opened.append((platform, client))
        return client

    yield factory
    for platform, client in opened:
        client.close()
        platform.close()


@pytest.fixture
def api(app_factory: AppFactory) -> TestClient:
    return app_factory()
