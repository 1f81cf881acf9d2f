"""Authorization code + PKCE (RFC 6749 section 4.1, RFC 7636), and what goes wrong with it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from feedcore import Platform
from feedcore.errors import Unauthorized
from tests.fixtures.platforms import FakeClock
from tests.oauth.helpers import PASSWORD, REDIRECT, CodeFlow, pkce, public_flow, request, token


@pytest.fixture
def alice(platform: Platform) -> int:
    return platform.users.register("alice", PASSWORD).id


def _error(response, status: int, error: str) -> None:
    assert (response.status, response.body.get("error")) == (status, error), response.body


def test_code_then_tokens_then_refresh(platform: Platform, alice: int) -> None:
    flow = public_flow(platform)
    consent = platform.oauth.authorization(request("/v1/auth/authorize", flow.params(), "GET"), alice).consent
    assert consent is not None and consent.client.name == "Phone app" and consent.scopes == ("read", "write")
    response = flow.exchange(platform, flow.code(platform, alice))
    assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.body
    assert body["token_type"] == "Bearer" and body["scope"] == "read write"
    principal = platform.auth.verify(body["access_token"])
    assert (principal.user_id, principal.client_id, principal.scopes) == (alice, flow.client_id, {"read", "write"})
    renewed = token(platform, grant_type="refresh_token", refresh_token=body["refresh_token"], client_id=flow.client_id)
    assert renewed.status == 200 and renewed.body["refresh_token"] != body["refresh_token"]


def test_wrong_or_missing_verifier(platform: Platform, alice: int) -> None:
    flow = public_flow(platform)
    _error(flow.exchange(platform, flow.code(platform, alice), code_verifier=pkce()[0]), 400, "invalid_grant")
    _error(flow.exchange(platform, flow.code(platform, alice), code_verifier=None), 400, "invalid_request")


def test_public_clients_must_use_s256(platform: Platform, alice: int) -> None:
    flow = public_flow(platform)
    for overrides in ({"code_challenge": None, "code_challenge_method": None}, {"code_challenge_method": "plain"}):
        decision = platform.oauth.decide(request("/v1/auth/authorize", flow.params(**overrides)), alice, allow=True)
        assert decision.redirect is not None
        assert parse_qs(urlsplit(decision.redirect).query)["error"] == ["invalid_request"]


def test_a_reused_code_fails_and_revokes_what_it_issued(platform: Platform, alice: int) -> None:
    flow = public_flow(platform)
    code = flow.code(platform, alice)
    first = flow.exchange(platform, code)
    assert first.status == 200
    _error(flow.exchange(platform, code), 400, "invalid_grant")
    with pytest.raises(Unauthorized):
        platform.auth.verify(first.body["access_token"])
    _error(token(platform, grant_type="refresh_token", refresh_token=first.body["refresh_token"]), 400, "invalid_grant")


def test_redirect_uri_must_match(platform: Platform, alice: int) -> None:
    flow = public_flow(platform)
    _error(flow.exchange(platform, flow.code(platform, alice), redirect_uri=REDIRECT + "/other"), 400, "invalid_grant")
    unregistered = platform.oauth.authorization(
        request("/v1/auth/authorize", flow.params(redirect_uri="https://evil.example/cb"), "GET"), alice
    )
    assert unregistered.redirect is None and unregistered.error == "invalid_request"


def test_codes_expire(platform: Platform, alice: int, clock: FakeClock) -> None:
    flow = public_flow(platform)
    code = flow.code(platform, alice)
    clock.advance(platform.settings.authorization_code_ttl + 1)
    _error(flow.exchange(platform, code), 400, "invalid_grant")


def test_a_code_of_another_client_fails(platform: Platform, alice: int) -> None:
    flow, other = public_flow(platform), public_flow(platform)
    _error(other.exchange(platform, flow.code(platform, alice), code_verifier=flow.verifier), 400, "invalid_grant")


@pytest.mark.parametrize("scope, error", [("read nonsense", "invalid_scope"), ("admin", "invalid_scope")])
def test_wrong_scope(platform: Platform, alice: int, scope: str, error: str) -> None:
    flow = public_flow(platform)
    decision = platform.oauth.decide(request("/v1/auth/authorize", flow.params(scope=scope)), alice, allow=True)
    assert decision.redirect is not None
    assert parse_qs(urlsplit(decision.redirect).query)["error"] == [error]


def test_a_denial_goes_back_to_the_client(platform: Platform, alice: int) -> None:
    flow = public_flow(platform)
    decision = platform.oauth.decide(request("/v1/auth/authorize", flow.params()), alice, allow=False)
    assert decision.redirect is not None
    query = parse_qs(urlsplit(decision.redirect).query)
    assert query["error"] == ["access_denied"] and query["state"] == [flow.state]


def test_out_of_band_clients_get_the_code_to_show(platform: Platform, alice: int) -> None:
    client, _ = platform.clients.register("CLI tool", ["urn:ietf:wg:oauth:2.0:oob"])
    flow = CodeFlow(client.id, *pkce(), redirect_uri="urn:ietf:wg:oauth:2.0:oob")
    decision = platform.oauth.decide(request("/v1/auth/authorize", flow.params()), alice, allow=True)
    assert decision.code is not None and decision.redirect is None
    assert flow.exchange(platform, decision.code).status == 200


def test_the_web_client_redirects_to_its_own_origin_only(platform: Platform, alice: int) -> None:
    flow = CodeFlow("feedcore-web", *pkce(), redirect_uri="http://localhost/callback")
    assert flow.exchange(platform, flow.code(platform, alice)).status == 200
    elsewhere = CodeFlow("feedcore-web", *pkce(), redirect_uri="http://evil.example/callback")
    decision = platform.oauth.authorization(request("/v1/auth/authorize", elsewhere.params(), "GET"), alice)
    assert decision.error == "invalid_request"


def test_plain_http_is_refused_off_loopback(platform: Platform, alice: int) -> None:
    flow = public_flow(platform)
    code = flow.code(platform, alice)
    insecure = request("/v1/auth/token", {"grant_type": "authorization_code", "code": code})
    insecure = type(insecure)("POST", "http://feed.example/v1/auth/token", {}, insecure.params)
    assert platform.oauth.token(insecure).body["error"] == "insecure_transport"


def test_deleting_a_client_ends_what_it_was_issued(platform: Platform, alice: int) -> None:
    flow, other = public_flow(platform), public_flow(platform)
    issued = flow.exchange(platform, flow.code(platform, alice)).body
    pending = flow.code(platform, alice)
    kept = other.exchange(platform, other.code(platform, alice)).body
    robot, secret = platform.clients.register("Robot", [], "read", confidential=True, client_credentials=True)
    robot_token = token(platform, grant_type="client_credentials", client_id=robot.id, client_secret=secret).body
    platform.auth.verify(issued["access_token"])
    platform.auth.verify(robot_token["access_token"])
    platform.clients.delete(flow.client_id)
    platform.clients.delete(robot.id)
    for access in (issued["access_token"], robot_token["access_token"]):
        with pytest.raises(Unauthorized):
            platform.auth.verify(access)
    refreshed = token(platform, grant_type="refresh_token", refresh_token=issued["refresh_token"])
    assert refreshed.status in (400, 401) and refreshed.body["error"] in ("invalid_grant", "invalid_client")
    assert flow.exchange(platform, pending).status in (400, 401)
    assert platform.auth.verify(kept["access_token"]).user_id == alice
