"""The authorization server over HTTP: sign-in and consent pages, clients, sessions, password."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from authlib.oauth2.rfc8414 import AuthorizationServerMetadata

from tests.oauth.helpers import pkce

from .client import PASSWORD, ApiUser, assert_error, assert_oauth_error, signup
from .conftest import TestClient

REDIRECT = "http://127.0.0.1:9999/cb"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _hidden(html: str) -> dict[str, str]:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    return {name: unescape(value) for name, value in found}


def _register_app(api: TestClient, owner: ApiUser, **extra: object) -> dict:
    response = api.post(
        "/v1/clients", headers=owner.auth, json={"name": "Phone app", "redirect_uris": [REDIRECT], **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


def _authorize_url(client_id: str, challenge: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": "read",
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return "/v1/auth/authorize?" + urlencode(query)


def test_sign_in_consent_code_token_api(api: TestClient) -> None:
    alice = signup(api, "alice")
    app = _register_app(api, alice)
    assert "client_secret" not in app and app["token_endpoint_auth_method"] == "none"
    verifier, challenge = pkce()
    start = api.get(_authorize_url(app["client_id"], challenge), follow_redirects=False)
    assert start.status_code == 303 and start.headers["location"].startswith("/v1/auth/login?next=")
    login = api.get(start.headers["location"])
    assert login.status_code == 200 and "Sign in to feedcore" in login.text
    assert (
        login.headers["x-frame-options"] == "DENY"
        and "frame-ancestors 'none'" in login.headers["content-security-policy"]
    )
    form = {**_hidden(login.text), "username": "alice", "password": PASSWORD}
    signed_in = api.post("/v1/auth/login", data=form, follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text
    assert "httponly" in signed_in.headers["set-cookie"].lower()
    consent = api.get(signed_in.headers["location"])
    assert "Allow Phone app to use your account?" in consent.text and "@alice" in consent.text
    decided = api.post(
        "/v1/auth/authorize", data={**_hidden(consent.text), "decision": "allow"}, follow_redirects=False
    )
    assert decided.status_code == 303
    location = urlsplit(decided.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["s1"]
    tokens = api.post(
        "/v1/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": app["client_id"],
            "code_verifier": verifier,
        },
    ).json()
    me = api.get("/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200 and me.json()["handle"] == "alice"


def test_forged_forms_are_refused(api: TestClient) -> None:
    signup(api, "alice")
    api.get("/v1/auth/login")  # the browser has a nonce cookie, but the attacker does not know its HMAC
    forged = api.post("/v1/auth/login", data={"username": "alice", "password": PASSWORD, "csrf": "0" * 64})
    assert forged.status_code == 403 and "expired" in forged.text
    assert "feedcore_signin" not in forged.headers.get("set-cookie", "")


def test_wrong_password_then_throttled_on_the_page(api: TestClient) -> None:
    signup(api, "alice")
    page = api.get("/v1/auth/login")
    statuses = []
    for _ in range(4):
        answer = api.post("/v1/auth/login", data={**_hidden(page.text), "username": "alice", "password": "nope nope"})
        statuses.append(answer.status_code)
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429
    assert (
        "Wrong handle or password."
        in api.post("/v1/auth/login", data={**_hidden(page.text), "username": "bob", "password": "nope nope"}).text
    )


def test_an_invalid_request_is_shown_not_redirected(api: TestClient) -> None:
    alice = signup(api, "alice")
    page = api.get("/v1/auth/login")
    api.post("/v1/auth/login", data={**_hidden(page.text), "username": "alice", "password": PASSWORD})
    app = _register_app(api, alice)
    url = _authorize_url(app["client_id"], pkce()[1]).replace("127.0.0.1%3A9999", "evil.example")
    shown = api.get(url, follow_redirects=False)
    assert shown.status_code == 400 and "cannot be completed" in shown.text


def test_only_the_owner_removes_a_client(api: TestClient) -> None:
    alice, bob = signup(api, "alice"), signup(api, "bob")
    app = _register_app(api, alice, confidential=True, client_credentials=True)
    assert app["client_secret"].startswith("fcs_")
    assert_error(api.delete(f"/v1/clients/{app['client_id']}", headers=bob.auth), 404)
    assert api.delete(f"/v1/clients/{app['client_id']}", headers=alice.auth).status_code == 204
    assert_error(
        api.post("/v1/clients", headers=alice.auth, json={"name": "x", "redirect_uris": ["http://evil.example/cb"]}),
        400,
        "invalid_redirect_uri",
    )
    assert_error(api.post("/v1/clients", headers=alice.auth, json={"name": "x", "scope": "admin"}), 403)


def test_sessions_list_end_one_and_change_password(api: TestClient) -> None:
    laptop = signup(api, "alice")
    phone = api.post(
        "/v1/auth/token", data={"grant_type": "password", "username": "alice", "password": PASSWORD}
    ).json()
    phone_auth = {"Authorization": f"Bearer {phone['access_token']}"}
    sessions = api.get("/v1/me/sessions", headers=laptop.auth).json()["items"]
    assert len(sessions) == 2 and [s["current"] for s in sessions] == [False, True]
    assert sessions[0]["client_name"] == "feedcore web"
    assert api.delete(f"/v1/me/sessions/{sessions[0]['id']}", headers=laptop.auth).status_code == 204
    assert_error(api.get("/v1/me", headers=phone_auth), 401)
    assert_error(api.delete(f"/v1/me/sessions/{sessions[0]['id']}", headers=laptop.auth), 404)
    other = api.post(
        "/v1/auth/token", data={"grant_type": "password", "username": "alice", "password": PASSWORD}
    ).json()
    change = {"current_password": PASSWORD, "new_password": "another good secret"}
    assert api.put("/v1/me/password", headers=laptop.auth, json=change).status_code == 204
    assert api.get("/v1/me", headers=laptop.auth).status_code == 200
    assert_error(api.get("/v1/me", headers={"Authorization": f"Bearer {other['access_token']}"}), 401)
    wrong = api.post("/v1/auth/token", data={"grant_type": "password", "username": "alice", "password": PASSWORD})
    assert_oauth_error(wrong, 400, "invalid_grant")


def test_metadata(api: TestClient) -> None:
    document = api.get("/.well-known/oauth-authorization-server").json()
    AuthorizationServerMetadata(document).validate()
    assert document["issuer"] == "http://localhost"
    assert document["authorization_endpoint"] == "http://localhost/v1/auth/authorize"


def test_scopes_are_enforced_on_api_routes(api: TestClient) -> None:
    alice, bob = signup(api, "alice"), signup(api, "bob")

    def token(scope: str) -> dict[str, str]:
        body = {"grant_type": "password", "username": "alice", "password": PASSWORD, "scope": scope}
        return {"Authorization": f"Bearer {api.post('/v1/auth/token', data=body).json()['access_token']}"}

    reader, writer, follower = token("read"), token("read write"), token("follow")
    assert api.get("/v1/feed", headers=reader).status_code == 200
    refused = assert_error(api.post("/v1/posts", headers=reader, json={"text": "hi"}), 403, "insufficient_scope")
    assert "write" in refused["message"]
    assert (
        'error="insufficient_scope"'
        in api.post("/v1/posts", headers=reader, json={"text": "hi"}).headers["www-authenticate"]
    )
    assert api.post("/v1/posts", headers=writer, json={"text": "hi"}).status_code == 201
    assert_error(api.put(f"/v1/me/following/{bob.id}", headers=writer), 403, "insufficient_scope")
    assert api.put(f"/v1/me/following/{bob.id}", headers=follower).status_code == 204
    assert_error(api.get("/v1/feed", headers=follower), 403, "insufficient_scope")
    assert api.get("/v1/feed", headers=alice.auth).status_code == 200  # the default grant has every user scope


def test_delete_account(api: TestClient) -> None:
    alice = signup(api, "alice")
    assert_error(api.request("DELETE", "/v1/me", headers=alice.auth, json={"password": "nope nope"}), 401)
    assert api.request("DELETE", "/v1/me", headers=alice.auth, json={"password": PASSWORD}).status_code == 202
    assert_error(api.get("/v1/me", headers=alice.auth), 401)
    assert_error(api.get("/v1/users/alice"), 404)


def test_the_pages_sign_out(api: TestClient) -> None:
    """The consent and sign-in pages of a signed-in browser offer sign-out: a form with the
    anti-forgery token that ends the sign-in's session and goes back to sign in for the request."""
    alice = signup(api, "alice")
    app = _register_app(api, alice)
    authorize = _authorize_url(app["client_id"], pkce()[1])
    login = api.get(api.get(authorize, follow_redirects=False).headers["location"])
    assert "Sign out" not in login.text
    signed_in = api.post("/v1/auth/login", data={**_hidden(login.text), "username": "alice", "password": PASSWORD})
    consent = api.get(authorize)
    assert "Signed in as <strong>@alice</strong>" in consent.text and "Sign out" in consent.text
    assert "Sign out" in api.get("/v1/auth/login").text
    cookie = api.cookies.get("feedcore_signin")
    assert cookie and signed_in.status_code == 200
    action = unescape(re.findall(r'<form method="post" action="([^"]+)"', consent.text)[-1])
    assert action.startswith("/v1/auth/logout?next=")
    forged = api.post(action, data={"csrf": "0" * 64}, follow_redirects=False)
    assert forged.status_code == 403 and api.get(authorize, follow_redirects=False).status_code == 200
    out = api.post(action, data={"csrf": _csrf(consent.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert out.headers["location"] == "/v1/auth/login?next=" + quote(authorize, safe="")
    assert "max-age=0" in out.headers["set-cookie"].lower()
    again = api.get(authorize, headers={"Cookie": f"feedcore_signin={cookie}"}, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/v1/auth/login?next=")
    assert "Sign out" not in api.get(out.headers["location"]).text
