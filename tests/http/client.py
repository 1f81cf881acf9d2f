"""Driving the HTTP API from tests: users with tokens, bounded waits, the whole journey.

Works with any httpx-style client: starlette's TestClient in process, httpx.Client over TCP.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import httpx

from tests.fixtures.media import png

T = TypeVar("T")

PASSWORD = "correct horse battery"
PNG = png()


@attrs.frozen
class ApiUser:
    handle: str
    id: str
    access_token: str
    refresh_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def login(client: httpx.Client, handle: str, *, form: bool = True) -> dict[str, Any]:
    body = {"grant_type": "password", "username": handle, "password": PASSWORD}
    response = client.post("/v1/auth/token", data=body) if form else client.post("/v1/auth/token", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def signup(client: httpx.Client, handle: str, *, form: bool = True) -> ApiUser:
    response = client.post("/v1/users", json={"handle": handle, "password": PASSWORD, "display_name": handle.title()})
    assert response.status_code == 201, response.text
    tokens = login(client, handle, form=form)
    return ApiUser(handle, response.json()["id"], tokens["access_token"], tokens["refresh_token"])


def eventually(probe: Callable[[], T | None], timeout: float = 15.0, interval: float = 0.05) -> T:
    """``probe()``'s first truthy value, polling for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last value {value!r})")
        time.sleep(interval)


def feed_item(client: httpx.Client, user: ApiUser, post_id: str) -> dict[str, Any] | None:
    response = client.get("/v1/feed", headers=user.auth, params={"limit": 50})
    assert response.status_code == 200, response.text
    return next((i for i in response.json()["items"] if i["post"]["id"] == post_id), None)


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    """The response is an RFC 6749 error: ``status`` with a flat ``error`` (and description)."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error and set(body) <= {"error", "error_description", "error_uri"}, body
    return body


def assert_error(
    response: httpx.Response, status: int, code: str | None = None, field: str | None = None
) -> dict[str, Any]:
    """The response is the one error shape with ``status`` (and ``code``, and ``field``)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) - {"field"} == {"code", "message"}, body
    if code is not None:
        assert body["error"]["code"] == code, body
    if field is not None:
        assert body["error"].get("field") == field, body
    return body["error"]


def run_journey(client: httpx.Client, prefix: str = "", timeout: float = 15.0) -> None:
    """Register, token (form and JSON), follow, media, post, feed, like, comment, edit, unfollow, delete."""
    alice = signup(client, f"{prefix}alice", form=True)
    bob = signup(client, f"{prefix}bob", form=False)

    assert client.get("/v1/me", headers=alice.auth).json()["handle"] == alice.handle
    assert client.patch("/v1/me", headers=alice.auth, json={"bio": "hello"}).json()["bio"] == "hello"
    for _ in range(2):  # idempotent
        assert client.put(f"/v1/me/following/{bob.id}", headers=alice.auth).status_code == 204

    upload = client.post("/v1/media", headers={**bob.auth, "Content-Type": "image/png"}, content=PNG)
    assert upload.status_code == 201, upload.text
    media = upload.json()
    assert media["content_type"] == "image/png" and media["size"] == len(PNG)
    if media["url"].startswith("/"):
        served = client.get(media["url"])
        assert served.status_code == 200 and served.content == PNG
        assert "immutable" in served.headers["cache-control"]

    created = client.post("/v1/posts", headers=bob.auth, json={"text": "hello from bob", "media_ids": [media["id"]]})
    assert created.status_code == 201, created.text
    post = created.json()
    assert post["author_id"] == bob.id and post["media"][0]["id"] == media["id"]
    assert post["created_at"].endswith("Z") and post["edited_at"] is None

    item = eventually(lambda: feed_item(client, alice, post["id"]), timeout)
    assert item["author"] == {"id": bob.id, "handle": bob.handle, "display_name": bob.handle.title()}
    assert item["post"]["media"] == [{"id": media["id"], "url": media["url"], "content_type": "image/png"}]
    assert item["liked_by_me"] is False

    for _ in range(2):
        assert client.put(f"/v1/posts/{post['id']}/like", headers=alice.auth).status_code == 204
    comment = client.post(f"/v1/posts/{post['id']}/comments", headers=alice.auth, json={"text": "welcome"})
    assert comment.status_code == 201, comment.text
    liked = eventually(
        lambda: (i := feed_item(client, alice, post["id"])) and i["like_count"] == 1 and i["comment_count"] == 1 and i,
        timeout,
    )
    assert liked["liked_by_me"] is True
    comments = client.get(f"/v1/posts/{post['id']}/comments").json()
    assert [c["text"] for c in comments["items"]] == ["welcome"] and comments["next_cursor"] is None

    eventually(lambda: client.get(f"/v1/users/{bob.handle}").json()["follower_count"] == 1, timeout)
    assert [u["id"] for u in client.get(f"/v1/users/{bob.id}/followers").json()["items"]] == [alice.id]
    assert [u["id"] for u in client.get(f"/v1/users/{alice.id}/following").json()["items"]] == [bob.id]
    timeline = client.get(f"/v1/users/{bob.id}/posts", headers=alice.auth).json()["items"]
    assert [i["post"]["id"] for i in timeline] == [post["id"]] and timeline[0]["liked_by_me"] is True

    edited = client.patch(f"/v1/posts/{post['id']}", headers=bob.auth, json={"text": "hello, edited"})
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None
    assert client.delete(f"/v1/posts/{post['id']}/like", headers=alice.auth).status_code == 204
    assert client.delete(f"/v1/comments/{comment.json()['id']}", headers=alice.auth).status_code == 204

    for _ in range(2):
        assert client.delete(f"/v1/me/following/{bob.id}", headers=alice.auth).status_code == 204
    eventually(lambda: feed_item(client, alice, post["id"]) is None, timeout)

    assert client.delete(f"/v1/posts/{post['id']}", headers=bob.auth).status_code == 204
    assert_error(client.get(f"/v1/posts/{post['id']}"), 404, "not_found")

    refreshed = client.post("/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": bob.refresh_token})
    assert refreshed.status_code == 200, refreshed.text
    assert client.post("/v1/auth/revoke", json={"token": refreshed.json()["refresh_token"]}).status_code == 200
    assert_error(client.get("/v1/me", headers={"Authorization": f"Bearer {refreshed.json()['access_token']}"}), 401)
