"""The serving runtime generated from the route table: routing, 404/405, HEAD, lifespan,
bodies cut off by the client."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from feedcore_asgi import create_app

from feedcore import Settings
from tests.fixtures.platforms import TEST_SETTINGS
from tests.fixtures.services import free_port

from .client import assert_error, signup
from .conftest import TestClient

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def test_other_methods_are_405_with_allow(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    for template, item in document["paths"].items():
        path = template.replace("{key}", "1/x.png").replace("{", "").replace("}", "")
        documented = {method.upper() for method in item}
        allow = sorted({*documented, *(["HEAD"] if "GET" in documented else [])})
        for method in set(METHODS) - documented:
            response = api.request(method, path)
            assert_error(response, 405, "method_not_allowed")
            assert response.headers["allow"] == ", ".join(allow), (method, path)


def test_unknown_paths_are_404_in_the_error_shape(api: TestClient) -> None:
    for path in ("/v1/nope", "/v1/posts/1/nope", "/v1/feed/", "/media"):
        for method in ("GET", "POST", "DELETE"):
            assert_error(api.request(method, path), 404, "not_found")


def test_head_is_get_without_a_body(api: TestClient) -> None:
    alice = signup(api, "alice")
    got = api.get("/v1/me", headers=alice.auth)
    head = api.head("/v1/me", headers=alice.auth)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"] == str(len(got.content))


def test_path_parameters_take_one_segment_except_media_keys(api: TestClient) -> None:
    alice = signup(api, "alice")
    assert api.get(f"/v1/users/{alice.id}").json()["handle"] == "alice"
    assert_error(api.get(f"/v1/users/{alice.id}/x/posts"), 404, "not_found")  # {user} is one segment
    assert_error(api.get("/media/1/2/nothing.png"), 404, "not_found")  # {key} takes the rest (none here)


def test_lifespan_opens_the_platform_at_startup(tmp_path: Path) -> None:
    app = create_app(settings=Settings(**{**TEST_SETTINGS, "data_dir": str(tmp_path)}))
    assert not (tmp_path / "feedcore.db").exists()
    with TestClient(app) as api:
        assert (tmp_path / "feedcore.db").exists()  # opened (and migrated) before any request
        assert api.get("/readyz").status_code == 200


def test_a_platform_that_cannot_open_fails_the_startup(tmp_path: Path) -> None:
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none"
    app = create_app(settings=Settings(**{**TEST_SETTINGS, "data_dir": str(tmp_path), "database_url": dead}))
    messages: list[dict[str, Any]] = []
    incoming = iter([{"type": "lifespan.startup"}])

    async def receive() -> dict[str, Any]:
        return next(incoming)

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    asyncio.run(app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
    assert [m["type"] for m in messages] == ["lifespan.startup.failed"]
    assert "database" in messages[0]["message"]


def test_a_client_gone_before_its_body_gets_no_answer(api: TestClient) -> None:
    alice = signup(api, "alice")
    app = api.app
    sent: list[dict[str, Any]] = []
    parts = iter([{"type": "http.request", "body": b'{"te', "more_body": True}, {"type": "http.disconnect"}])

    async def receive() -> dict[str, Any]:
        return next(parts)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/posts",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"authorization", alice.auth["Authorization"].encode())],
        "client": ("127.0.0.1", 1),
    }
    asyncio.run(app(scope, receive, send))
    assert sent == []
    assert api.get(f"/v1/users/{alice.id}/posts").json()["items"] == []
