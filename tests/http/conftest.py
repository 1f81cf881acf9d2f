"""An in-process app over the embedded default (SQLite, memory cache and bus, media directory)."""

from __future__ import annotations

import json
import re
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


def assert_statuses_documented(app: Any) -> None:
    """Every (operation, status) the app answered, per its latency metric, is in its document."""
    context = app.context
    document = json.loads(context.document)
    undocumented = []
    for metric in context.metrics.latency.collect():
        for sample in metric.samples:
            if sample.name != "feedcore_http_request_duration_seconds_count":
                continue
            method, route, status = (sample.labels[k] for k in ("method", "route", "status"))
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route)
            verb = "get" if method == "HEAD" else method.lower()  # HEAD is answered wherever GET is
            operation = document["paths"].get(path, {}).get(verb)
            if path == "<unmatched>" or (operation is None and status == "405"):
                continue  # the web client, an unknown path, or an undocumented method: not an operation
            responses = (operation or {}).get("responses", {})
            if status not in responses:
                undocumented.append(f"{method} {path} {status}")
    assert not undocumented, f"answered but not documented: {undocumented}"


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
    for _, client in opened:
        assert_statuses_documented(client.app)


@pytest.fixture
def api(app_factory: AppFactory) -> TestClient:
    return app_factory()
