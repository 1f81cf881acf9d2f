"""Gateway behaviour: token expiry and revocation, rate limits, operations endpoints."""

from __future__ import annotations

import json
import logging

import pytest

from tests.fixtures.platforms import FakeClock

from .client import ApiUser, assert_error, assert_oauth_error, signup
from .conftest import AppFactory, TestClient


def test_access_token_expires(app_factory: AppFactory, clock: FakeClock) -> None:
    api = app_factory(access_token_ttl=60)
    alice = signup(api, "alice")
    assert api.get("/v1/me", headers=alice.auth).status_code == 200
    clock.advance(61)
    assert_error(api.get("/v1/me", headers=alice.auth), 401, "token_expired")
    refreshed = api.post("/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": alice.refresh_token})
    assert refreshed.status_code == 200, refreshed.text
    tokens = refreshed.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 60
    assert refreshed.headers["cache-control"] == "no-store"
    assert api.get("/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).status_code == 200
    # rotation: the old refresh token is spent, and reusing it revokes the session
    again = api.post("/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": alice.refresh_token})
    assert_oauth_error(again, 400, "invalid_grant")
    assert_error(api.get("/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}), 401)


@pytest.mark.parametrize("which", ["access_token", "refresh_token"])
def test_revocation_ends_the_session(api: TestClient, which: str) -> None:
    alice = signup(api, "alice")
    assert api.post("/v1/auth/revoke", data={"token": getattr(alice, which)}).json() == {}
    assert_error(api.get("/v1/me", headers=alice.auth), 401, "invalid_token")
    assert_oauth_error(
        api.post("/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": alice.refresh_token}),
        400,
        "invalid_grant",
    )
    # revoking again, or a token that never existed, is not an error (RFC 7009)
    assert api.post("/v1/auth/revoke", json={"token": alice.refresh_token}).status_code == 200
    assert api.post("/v1/auth/revoke", json={"token": "never.issued"}).status_code == 200
    assert_oauth_error(api.post("/v1/auth/revoke", json={}), 400, "invalid_request")


def test_user_rate_limit_trips_at_the_configured_count(app_factory: AppFactory) -> None:
    api = app_factory(rate_limit="5/minute", anonymous_rate_limit="1000/minute")
    alice = signup(api, "alice")
    remaining = []
    for _ in range(5):
        ok = api.get("/v1/me", headers=alice.auth)
        assert ok.status_code == 200
        assert ok.headers["ratelimit-limit"] == "5"
        remaining.append(int(ok.headers["ratelimit-remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    limited = api.get("/v1/me", headers=alice.auth)
    assert_error(limited, 429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.headers["ratelimit-limit"] == "5" and limited.headers["ratelimit-remaining"] == "0"
    assert 0 <= int(limited.headers["ratelimit-reset"]) <= 60
    # the limit is per user: another user is not affected
    bob = signup(api, "bob")
    assert api.get("/v1/me", headers=bob.auth).status_code == 200


def test_anonymous_rate_limit_is_per_client_address(app_factory: AppFactory) -> None:
    api = app_factory(anonymous_rate_limit="3/minute")
    for _ in range(3):
        assert api.get("/v1/users/nobody").status_code == 404
    assert_error(api.get("/v1/users/nobody"), 429, "rate_limited")
    assert api.get("/healthz").status_code == 200  # operations endpoints are not limited


def test_health_readiness_metrics_openapi(api: TestClient) -> None:
    alice = signup(api, "alice")
    api.post("/v1/posts", headers=alice.auth, json={"text": "counted"})
    api.get("/v1/feed", headers=alice.auth)
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz").json()
    assert ready == {"status": "ok", "backends": {"store": "ok", "cache": "ok", "bus": "ok", "media": "ok"}}
    metrics = api.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'feedcore_http_request_duration_seconds_count{method="POST",route="/v1/posts",status="201"} 1.0' in text
    assert "feedcore_outbox_pending 0.0" in text
    assert 'feedcore_today{what="posts"} 1.0' in text and 'feedcore_active_users{window="day"}' in text
    assert 'feedcore_feed_reads_total{degraded="false"} 1.0' in text
    assert 'feedcore_timeline_reads_total{outcome="hit"}' in text and "feedcore_feed_cache_hit_ratio" in text
    assert "feedcore_fanout_lag_seconds" in text and "feedcore_fanout_feeds_written_total" in text
    assert api.get("/openapi.json").json()["openapi"].startswith("3.1")


def test_access_log_is_one_json_line_per_request(api: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    alice: ApiUser = signup(api, "alice")
    with caplog.at_level(logging.INFO, logger="feedcore.access"):
        api.get(f"/v1/users/{alice.id}", headers=alice.auth)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "feedcore.access"]
    assert len(lines) == 1
    line = lines[0]
    assert line["route"] == "/v1/users/{user}" and line["path"] == f"/v1/users/{alice.id}"
    assert line["status"] == 200 and line["user_id"] == alice.id and line["duration_ms"] >= 0
