"""Refresh tokens, client credentials, the password grant, revocation, introspection, metadata."""

from __future__ import annotations

import pytest
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata

from feedcore import Platform
from feedcore.errors import Unauthorized
from tests.oauth.helpers import PASSWORD, REDIRECT, basic, request, token


@pytest.fixture
def alice(platform: Platform) -> int:
    return platform.users.register("alice", PASSWORD).id


def _password(p: Platform, **extra: str):
    return token(p, grant_type="password", username="alice", password=PASSWORD, **extra)


def test_a_reused_refresh_token_revokes_its_whole_family(platform: Platform, alice: int) -> None:
    first = _password(platform).body
    second = token(platform, grant_type="refresh_token", refresh_token=first["refresh_token"]).body
    third = token(platform, grant_type="refresh_token", refresh_token=second["refresh_token"]).body
    reused = token(platform, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert (reused.status, reused.body["error"]) == (400, "invalid_grant")
    for body in (first, second, third):
        with pytest.raises(Unauthorized):
            platform.auth.verify(body["access_token"])
    assert token(platform, grant_type="refresh_token", refresh_token=third["refresh_token"]).status == 400


def test_a_refresh_token_is_bound_to_its_client(platform: Platform, alice: int) -> None:
    other, _ = platform.clients.register("Other", [REDIRECT])
    refresh = _password(platform).body["refresh_token"]
    answer = token(platform, grant_type="refresh_token", refresh_token=refresh, client_id=other.id)
    assert (answer.status, answer.body["error"]) == (400, "invalid_grant")
    assert token(platform, grant_type="refresh_token", refresh_token=refresh, client_id="feedcore-web").status == 200


def test_client_credentials(platform: Platform) -> None:
    client, secret = platform.clients.register("Robot", [], "read", confidential=True, client_credentials=True)
    assert secret is not None
    good = token(platform, basic(client.id, secret), grant_type="client_credentials")
    assert good.status == 200 and "refresh_token" not in good.body and good.body["scope"] == "read"
    principal = platform.auth.verify(good.body["access_token"])
    assert (principal.user_id, principal.client_id, principal.scopes) == (None, client.id, {"read"})
    posted = token(platform, grant_type="client_credentials", client_id=client.id, client_secret=secret)
    assert posted.status == 200
    wrong = token(platform, basic(client.id, "nope"), grant_type="client_credentials")
    assert (wrong.status, wrong.body["error"]) == (401, "invalid_client") and "WWW-Authenticate" in wrong.headers
    beyond = token(platform, basic(client.id, secret), grant_type="client_credentials", scope="write")
    assert (beyond.status, beyond.body["error"]) == (400, "invalid_scope")


def test_public_clients_get_no_client_credentials(platform: Platform) -> None:
    client, _ = platform.clients.register("Phone", [REDIRECT])
    answer = token(platform, grant_type="client_credentials", client_id=client.id)
    assert (answer.status, answer.body["error"]) == (401, "invalid_client")


def test_only_operators_grant_admin(platform: Platform) -> None:
    with pytest.raises(Exception, match="admin"):
        platform.clients.register("Sneaky", [], "admin", confidential=True, client_credentials=True)
    client, secret = platform.clients.register(
        "Ops", [], "read admin", confidential=True, client_credentials=True, first_party=True
    )
    answer = token(platform, basic(client.id, secret or ""), grant_type="client_credentials")
    assert answer.body["scope"] == "read admin"


def test_password_grant(platform: Platform, alice: int) -> None:
    answer = _password(platform, scope="read")
    assert answer.status == 200 and answer.body["scope"] == "read"
    wrong = token(platform, grant_type="password", username="alice", password="wrong password")
    assert (wrong.status, wrong.body) == (
        400,
        {"error": "invalid_grant", "error_description": "wrong handle or password"},
    )
    third_party, _ = platform.clients.register("Third party", [REDIRECT])
    refused = _password(platform, client_id=third_party.id)
    assert (refused.status, refused.body["error"]) == (400, "unauthorized_client")


def test_the_password_grant_can_be_turned_off(platform_factory) -> None:
    p = platform_factory(password_grant=False)
    p.users.register("alice", PASSWORD)
    answer = _password(p)
    assert (answer.status, answer.body["error"]) == (400, "unsupported_grant_type")
    assert "password" not in p.oauth.metadata("https://feed.example")["grant_types_supported"]


def test_unknown_and_malformed_requests(platform: Platform) -> None:
    assert token(platform, grant_type="implicit").body["error"] == "unsupported_grant_type"
    assert token(platform).body["error"] == "unsupported_grant_type"
    assert token(platform, grant_type="password", username="alice").body["error"] == "invalid_request"
    assert token(platform, grant_type="refresh_token").body["error"] == "invalid_request"
    assert token(platform, grant_type="refresh_token", refresh_token="x.y").body["error"] == "invalid_grant"


def test_revocation(platform: Platform, alice: int) -> None:
    body = _password(platform).body
    assert platform.oauth.revoke(request("/v1/auth/revoke", {"token": body["access_token"]})).status == 200
    with pytest.raises(Unauthorized):
        platform.auth.verify(body["access_token"])
    assert token(platform, grant_type="refresh_token", refresh_token=body["refresh_token"]).status == 400
    assert platform.oauth.revoke(request("/v1/auth/revoke", {"token": "never.issued"})).status == 200
    assert platform.oauth.revoke(request("/v1/auth/revoke", {})).body["error"] == "invalid_request"


def test_a_client_cannot_revoke_another_clients_token(platform: Platform, alice: int) -> None:
    client, secret = platform.clients.register("Other", [REDIRECT], confidential=True)
    body = _password(platform).body
    answer = platform.oauth.revoke(
        request("/v1/auth/revoke", {"token": body["refresh_token"]}, **basic(client.id, secret or ""))
    )
    assert (answer.status, answer.body["error"]) == (400, "invalid_grant")
    assert platform.auth.verify(body["access_token"]).user_id == alice


def test_introspection(platform: Platform, alice: int) -> None:
    resource, secret = platform.clients.register("API gateway", [], confidential=True, client_credentials=True)
    auth = basic(resource.id, secret or "")
    body = _password(platform).body

    def introspect(tok: str, **headers: str) -> dict:
        return dict(platform.oauth.introspect(request("/v1/auth/introspect", {"token": tok}, **headers)).body)

    access = introspect(body["access_token"], **auth)
    assert access["active"] is True and access["sub"] == str(alice) and access["scope"] == "read write follow"
    assert access["client_id"] == "feedcore-web" and access["token_type"] == "Bearer" and access["exp"] > access["iat"]
    refresh = introspect(body["refresh_token"], **auth)
    assert refresh["active"] is True and refresh["token_type"] == "refresh_token"
    assert introspect("garbage", **auth) == {"active": False}
    assert introspect(body["access_token"])["error"] == "invalid_client"
    platform.auth.revoke(body["refresh_token"])
    assert introspect(body["access_token"], **auth) == {"active": False}


def test_metadata_is_valid_rfc_8414(platform: Platform) -> None:
    document = platform.oauth.metadata("https://feed.example")
    AuthorizationServerMetadata(document).validate()
    assert document["token_endpoint"] == "https://feed.example/v1/auth/token"
    assert document["code_challenge_methods_supported"] == ["S256"]
