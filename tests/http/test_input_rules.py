"""The core's input rules over HTTP: text the stores cannot hold is a 400, never a 500."""

from __future__ import annotations

import json

import httpx
import pytest

from .client import PASSWORD, ApiUser, assert_error, assert_oauth_error, signup
from .conftest import TestClient

LONE_SURROGATE_JSON = '"bad \\ud800 text"'


@pytest.fixture
def alice(api: TestClient) -> ApiUser:
    return signup(api, "alice")


def _json(api: TestClient, method: str, url: str, body: str, headers: dict[str, str]) -> httpx.Response:
    return api.request(method, url, content=body.encode(), headers={**headers, "Content-Type": "application/json"})


def test_lone_surrogates_are_400_on_every_text_field(api: TestClient, alice: ApiUser) -> None:
    post = api.post("/v1/posts", headers=alice.auth, json={"text": "fine"}).json()
    cases = [
        ("POST", "/v1/posts", f'{{"text": {LONE_SURROGATE_JSON}}}'),
        ("PATCH", f"/v1/posts/{post['id']}", f'{{"text": {LONE_SURROGATE_JSON}}}'),
        ("POST", f"/v1/posts/{post['id']}/comments", f'{{"text": {LONE_SURROGATE_JSON}}}'),
        ("PATCH", "/v1/me", f'{{"display_name": {LONE_SURROGATE_JSON}}}'),
        ("PATCH", "/v1/me", f'{{"bio": {LONE_SURROGATE_JSON}}}'),
    ]
    # the JSON decoder refuses them (I-JSON): the body is not valid JSON text
    for method, url, body in cases:
        assert_error(_json(api, method, url, body, alice.auth), 400, "invalid_json")
    register = json.dumps({"handle": "bob", "password": PASSWORD})[:-1] + f', "display_name": {LONE_SURROGATE_JSON}}}'
    assert_error(_json(api, "POST", "/v1/users", register, {}), 400, "invalid_json")
    token = f'{{"grant_type": "password", "username": "\\ud800", "password": "{PASSWORD}"}}'
    assert_oauth_error(_json(api, "POST", "/v1/auth/token", token, {}), 400, "invalid_request")
    assert api.get(f"/v1/posts/{post['id']}").json()["text"] == "fine"


def test_invisible_text_and_bidi_names_are_400(api: TestClient, alice: ApiUser) -> None:
    assert_error(api.post("/v1/posts", headers=alice.auth, json={"text": "\u200b\u200b"}), 400, "empty_text")
    assert_error(api.patch("/v1/me", headers=alice.auth, json={"display_name": "\u202eevil"}), 400, "invalid_text")
    assert_error(api.post("/v1/users", json={"handle": "12345", "password": PASSWORD}), 400, "invalid_handle")
    assert_error(api.post("/v1/users", json={"handle": "settings", "password": PASSWORD}), 400, "reserved_handle")
