"""Every error status of the API, always in the one JSON error shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from feedcore_asgi import create_app
from feedcore_asgi.call import Call
from feedcore_asgi.factory import ROUTES
from feedcore_asgi.spa import BUILD_DIR
from feedcore_asgi.table import Reply, Route

from feedcore import Platform, Settings
from feedcore.backends import open_backend
from tests.fixtures.platforms import TEST_SETTINGS
from tests.fixtures.services import free_port

from .client import PASSWORD, PNG, ApiUser, assert_error, assert_oauth_error, signup
from .conftest import AppFactory, TestClient, assert_statuses_documented


@pytest.fixture
def alice(api: TestClient) -> ApiUser:
    return signup(api, "alice")


def test_400_invalid_input(api: TestClient, alice: ApiUser) -> None:
    assert_error(
        api.post("/v1/users", content=b"{not json", headers={"Content-Type": "application/json"}), 400, "invalid_json"
    )
    assert_error(api.post("/v1/users", json=["a", "list"]), 400, "invalid_json")
    assert_error(
        api.post("/v1/users", json={"handle": "no spaces allowed", "password": PASSWORD}), 400, "invalid_handle"
    )
    assert_error(api.post("/v1/posts", headers=alice.auth, json={"text": "   "}), 400, "empty_text")
    assert_error(api.post("/v1/posts", headers=alice.auth, json={"text": 5}), 400)
    assert_error(
        api.post("/v1/posts", headers=alice.auth, json={"text": "x", "media_ids": "12"}), 400, "invalid_media_ids"
    )
    assert_error(
        api.post("/v1/posts", headers=alice.auth, json={"text": "x", "media_ids": ["12"]}), 400, "unknown_media"
    )
    assert_error(api.get("/v1/feed", headers=alice.auth, params={"limit": "abc"}), 400, "invalid_limit")
    assert_error(api.get("/v1/feed", headers=alice.auth, params={"limit": "0"}), 400, "invalid_limit")
    assert_error(api.get("/v1/feed", headers=alice.auth, params={"cursor": "garbage!"}), 400, "invalid_cursor")
    assert_oauth_error(api.post("/v1/auth/token", data={"grant_type": "implicit"}), 400, "unsupported_grant_type")
    assert_oauth_error(
        api.post("/v1/auth/token", data={"grant_type": "password", "username": "alice"}), 400, "invalid_request"
    )
    assert_error(api.put(f"/v1/me/following/{alice.id}", headers=alice.auth), 400, "self_follow")


def test_401_missing_or_bad_token(api: TestClient, alice: ApiUser) -> None:
    error = api.get("/v1/feed")
    assert_error(error, 401, "unauthorized")
    assert error.headers["www-authenticate"] == 'Bearer realm="feedcore"'
    for header in ("Bearer not-a-jwt", "Basic YWxpY2U6eA==", "Bearer "):
        bad = api.get("/v1/feed", headers={"Authorization": header})
        assert_error(bad, 401, "invalid_token")
        assert 'error="invalid_token"' in bad.headers["www-authenticate"]
    # a bad token is refused even where authentication is optional
    assert_error(api.get(f"/v1/users/{alice.id}", headers={"Authorization": "Bearer nope"}), 401)
    wrong = api.post(
        "/v1/auth/token", data={"grant_type": "password", "username": "alice", "password": "wrong password"}
    )
    assert_oauth_error(wrong, 400, "invalid_grant")
    assert_oauth_error(
        api.post("/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": "x.y"}), 400, "invalid_grant"
    )


def test_403_other_users_post(api: TestClient, alice: ApiUser) -> None:
    bob = signup(api, "bob")
    post = api.post("/v1/posts", headers=alice.auth, json={"text": "mine"}).json()
    assert_error(api.patch(f"/v1/posts/{post['id']}", headers=bob.auth, json={"text": "yours now"}), 403, "forbidden")
    assert_error(api.delete(f"/v1/posts/{post['id']}", headers=bob.auth), 403, "forbidden")
    comment = api.post(f"/v1/posts/{post['id']}/comments", headers=alice.auth, json={"text": "a comment"}).json()
    assert_error(api.delete(f"/v1/comments/{comment['id']}", headers=bob.auth), 403, "forbidden")
    assert api.get(f"/v1/posts/{post['id']}").json()["text"] == "mine"


def test_404_unknown(api: TestClient, alice: ApiUser) -> None:
    assert_error(api.get("/v1/posts/12345"), 404, "not_found")
    assert_error(api.get("/v1/posts/not-an-id"), 404, "not_found")
    assert_error(api.get(f"/v1/posts/{2**64}"), 404, "not_found")
    assert_error(api.get("/v1/users/nobody_here"), 404, "not_found")
    assert_error(api.get("/v1/users/99/followers"), 404, "not_found")
    assert_error(api.put("/v1/posts/77/like", headers=alice.auth), 404, "not_found")
    assert_error(api.put("/v1/me/following/77", headers=alice.auth), 404, "not_found")
    assert_error(api.delete("/v1/comments/77", headers=alice.auth), 404, "not_found")
    assert_error(api.get("/v1/no/such/route"), 404, "not_found")  # other GET paths are web client routes
    assert_error(api.get("/media/1/missing.png"), 404, "not_found")
    assert_error(api.get("/media/../secret.key"), 404)


def test_405_wrong_method(api: TestClient) -> None:
    response = api.delete("/v1/feed")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]


def test_409_taken_handle(api: TestClient, alice: ApiUser) -> None:
    assert_error(api.post("/v1/users", json={"handle": "ALICE", "password": PASSWORD}), 409, "handle_taken")


def test_413_body_too_large(app_factory: AppFactory) -> None:
    api = app_factory(max_json_bytes=1024, max_media_bytes=2048)
    alice = signup(api, "alice")
    assert_error(api.post("/v1/posts", headers=alice.auth, json={"text": "x" * 2000}), 413, "too_large")

    def chunks() -> object:  # no Content-Length: the limit holds while streaming
        for _ in range(10):
            yield b"\x00" * 512

    assert_error(api.post("/v1/media", headers={**alice.auth, "Content-Type": "image/png"}, content=chunks()), 413)
    assert_error(
        api.post("/v1/media", headers={**alice.auth, "Content-Type": "image/png"}, content=PNG + b"\x00" * 4096), 413
    )
    assert api.post("/v1/media", headers={**alice.auth, "Content-Type": "image/png"}, content=PNG).status_code == 201


def test_415_unsupported_media(api: TestClient, alice: ApiUser) -> None:
    assert_error(
        api.post("/v1/media", headers={**alice.auth, "Content-Type": "text/plain"}, content=b"hello"),
        415,
        "unsupported_media_type",
    )
    assert_error(api.post("/v1/media", headers={**alice.auth, "Content-Type": "image/jpeg"}, content=PNG), 415)


def test_503_backend_unavailable(tmp_path: Path) -> None:
    """The cache (timelines, rate limits) is down: sign-in still works (sessions live in the
    store); an author's posts are served from the store, marked degraded; readiness says which
    backend is down."""
    settings = Settings(**{**TEST_SETTINGS, "data_dir": str(tmp_path)})
    with Platform.open(settings) as platform:
        author = platform.users.register("alice", PASSWORD)
        platform.posts.create(author.id, "still here")
    down = open_backend("cache", f"redis://127.0.0.1:{free_port()}/0", settings)
    with (
        Platform.open(settings, cache=down, migrate=False) as platform,
        TestClient(create_app(platform), base_url="http://localhost") as api,
    ):
        token = api.post("/v1/auth/token", data={"grant_type": "password", "username": "alice", "password": PASSWORD})
        assert token.status_code == 200, token.text
        posts = api.get("/v1/users/alice/posts")
        assert posts.status_code == 200, posts.text
        assert posts.headers["x-feedcore-degraded"] == "true"
        assert [i["post"]["text"] for i in posts.json()["items"]] == ["still here"]
        ready = api.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["backends"]["store"] == "ok" and ready.json()["backends"]["cache"] != "ok"
    assert_statuses_documented(api.app)


def test_500_is_json(tmp_path: Path) -> None:
    """A bug in a handler still answers in the error shape."""

    def broken(call: Call[None, None]) -> None:
        raise RuntimeError("a bug")

    route = Route("GET", "/broken", broken, "Broken.", Reply(204, "Never."), auth="none")
    with Platform.open(Settings(**{**TEST_SETTINGS, "data_dir": str(tmp_path)})) as platform:
        app = create_app(platform, routes=[*ROUTES, route])
        with TestClient(app, raise_server_exceptions=False) as api:
            assert_error(api.get("/broken"), 500, "internal_error")


def test_every_answer_says_nosniff(api: TestClient) -> None:
    """JSON (successes, errors, unknown paths, wrong methods) and the web client's files alike."""
    for method, path in [
        ("GET", "/openapi.json"),
        ("GET", "/healthz"),
        ("GET", "/v1/users/nobody"),
        ("GET", "/v1/nowhere"),
        ("DELETE", "/healthz"),
        ("POST", "/v1/posts"),
        ("GET", "/"),
        ("GET", "/assets/missing.js"),
        ("GET", f"/assets/{next(BUILD_DIR.glob('assets/*.js')).name}"),
    ]:
        response = api.request(method, path)
        assert response.headers.get("x-content-type-options") == "nosniff", (method, path, response.status_code)
