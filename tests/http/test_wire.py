"""The wire schema: what the document says is what the server does.

The first five tests are the disagreements between the hand-kept document and the server
that deriving both from one schema fixed.
"""

from __future__ import annotations

import re

from .client import PASSWORD, assert_error, assert_oauth_error, signup
from .conftest import AppFactory, TestClient

CONTENT_FORM = "application/x-www-form-urlencoded"


def test_followers_limit_is_bounded_as_documented(api: TestClient) -> None:
    alice = signup(api, "alice")
    for which in ("followers", "following"):
        (limit,) = [
            p
            for p in api.get("/openapi.json").json()["paths"][f"/v1/users/{{user}}/{which}"]["get"]["parameters"]
            if p["name"] == "limit"
        ]
        assert limit["schema"]["maximum"] == 100
        assert api.get(f"/v1/users/{alice.id}/{which}", params={"limit": 100}).status_code == 200
        assert_error(api.get(f"/v1/users/{alice.id}/{which}", params={"limit": 101}), 400, "invalid_limit", "limit")


def test_comments_limit_is_bounded_as_documented(api: TestClient) -> None:
    alice = signup(api, "alice")
    post = api.post("/v1/posts", headers=alice.auth, json={"text": "hi"}).json()
    assert api.get(f"/v1/posts/{post['id']}/comments", params={"limit": 100}).status_code == 200
    for limit in (101, 200):
        assert_error(api.get(f"/v1/posts/{post['id']}/comments", params={"limit": limit}), 400, "invalid_limit")


def test_post_text_max_length_is_documented(app_factory: AppFactory) -> None:
    api = app_factory(max_post_length=500)
    schema = api.get("/openapi.json").json()["components"]["schemas"]["NewPost"]
    assert schema["properties"]["text"]["maxLength"] == 500
    alice = signup(api, "alice")
    assert api.post("/v1/posts", headers=alice.auth, json={"text": "x" * 500}).status_code == 201
    assert_error(api.post("/v1/posts", headers=alice.auth, json={"text": "x" * 501}), 400, field="$.text")


def test_user_by_at_handle_is_documented(api: TestClient) -> None:
    alice = signup(api, "alice")
    (parameter,) = api.get("/openapi.json").json()["paths"]["/v1/users/{user}"]["get"]["parameters"]
    assert re.search(parameter["schema"]["pattern"], "@alice") and "@" in parameter["description"]
    assert api.get("/v1/users/@alice").json()["id"] == alice.id


def test_follow_by_handle_as_users_are_named(api: TestClient) -> None:
    """``/v1/me/following/{user}`` names a user as ``/v1/users/{user}`` does: id, handle or @handle."""
    alice, bob = signup(api, "alice"), signup(api, "bob")

    def followed() -> list[str]:
        return [user["id"] for user in api.get(f"/v1/users/{alice.id}/following").json()["items"]]

    for ref in ("bob", "@bob", bob.id):
        assert api.put(f"/v1/me/following/{ref}", headers=alice.auth).status_code == 204, ref
        assert followed() == [bob.id], ref
        assert api.delete(f"/v1/me/following/{ref}", headers=alice.auth).status_code == 204, ref
        assert followed() == [], ref
    assert_error(api.put("/v1/me/following/@nobody", headers=alice.auth), 404, "not_found")
    assert_error(api.put("/v1/me/following/@alice", headers=alice.auth), 400, "self_follow")
    paths = api.get("/openapi.json").json()["paths"]
    assert set(paths["/v1/me/following/{user}"]) == {"put", "delete"}


def test_json_bodies_must_say_so(api: TestClient) -> None:
    alice = signup(api, "alice")
    body = b'{"text": "typed as plain text"}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {**alice.auth, **({"Content-Type": content_type} if content_type else {})}
        assert_error(api.post("/v1/posts", headers=headers, content=body), 415, "unsupported_media_type")
    assert api.get(f"/v1/users/{alice.id}/posts").json()["items"] == []
    document = api.get("/openapi.json").json()
    assert list(document["paths"]["/v1/posts"]["post"]["requestBody"]["content"]) == ["application/json"]
    assert api.post(
        "/v1/posts", headers={**alice.auth, "Content-Type": "application/json; charset=utf-8"}, content=body
    )


def test_errors_name_the_field_path(api: TestClient) -> None:
    alice = signup(api, "alice")
    bad = api.post("/v1/posts", headers=alice.auth, json={"text": "x", "media_ids": ["1", "2", "two"]})
    error = assert_error(bad, 400, "invalid_media_ids", "$.media_ids[2]")
    assert "$.media_ids[2]" in error["message"]
    assert_error(api.post("/v1/posts", headers=alice.auth, json={"media_ids": []}), 400, "invalid_text", "$.text")
    assert_error(api.post("/v1/posts", headers=alice.auth, json={"text": 5}), 400, "invalid_text", "$.text")
    assert_error(api.post("/v1/posts", headers=alice.auth, json=[1]), 400, "invalid_json", "$")
    assert_error(api.get("/v1/feed", headers=alice.auth, params={"limit": "ten"}), 400, "invalid_limit", "limit")
    # rules the schema cannot state are the core's: a 400 without a field
    assert "field" not in assert_error(api.post("/v1/posts", headers=alice.auth, json={"text": " "}), 400, "empty_text")


def test_unknown_fields_are_ignored(api: TestClient) -> None:
    created = api.post("/v1/users", json={"handle": "alice", "password": PASSWORD, "avatar": "later"})
    assert created.status_code == 201, created.text


def test_oauth_endpoints_refuse_in_rfc_6749_shape(api: TestClient) -> None:
    signup(api, "alice")
    refused = assert_oauth_error(
        api.post("/v1/auth/token", data={"grant_type": "magic"}), 400, "unsupported_grant_type"
    )
    assert "$.grant_type" in refused["error_description"]
    assert_oauth_error(api.post("/v1/auth/token", json={"grant_type": "password", "scope": 5}), 400, "invalid_request")
    assert_oauth_error(api.post("/v1/auth/revoke", data={"token": ""}), 400, "invalid_request")
    too_long = api.post("/v1/auth/revoke", content=b"token=" + b"x" * 70_000, headers={"Content-Type": CONTENT_FORM})
    assert_oauth_error(too_long, 413, "invalid_request")
    typed = api.post("/v1/auth/revoke", content=b"token=x", headers={"Content-Type": "text/plain"})
    assert_oauth_error(typed, 415, "invalid_request")
    assert typed.headers["cache-control"] == "no-store"
    form = {"grant_type": "password", "username": "alice", "password": PASSWORD}
    assert api.post("/v1/auth/token", data=form).status_code == 200
    assert api.post("/v1/auth/token", json=form).status_code == 200


def test_responses_carry_only_documented_fields(api: TestClient) -> None:
    alice = signup(api, "alice")
    schemas = api.get("/openapi.json").json()["components"]["schemas"]
    me = api.get("/v1/me", headers=alice.auth).json()
    assert set(me) == set(schemas["User"]["properties"]) == set(schemas["User"]["required"])
    assert schemas["User"]["additionalProperties"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", me["created_at"])
