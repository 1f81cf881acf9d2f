"""GET /v1/admin/analytics (admin scope only), readers counted as active by the HTTP layer,
and the analytics gauges in /metrics."""

from __future__ import annotations

import base64

from feedcore import Platform
from tests.http.client import assert_error, signup
from tests.http.conftest import TestClient


def _admin_auth(api: TestClient, platform: Platform) -> dict[str, str]:
    """A client-credentials token of an operator's client granted ``admin``."""
    client, secret = platform.clients.register(
        "Ops", [], "read admin", confidential=True, client_credentials=True, first_party=True
    )
    basic = base64.b64encode(f"{client.id}:{secret}".encode()).decode()
    answer = api.post(
        "/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_admins_read_the_report_and_readers_count_as_active(api: TestClient) -> None:
    platform: Platform = api.app.context.holder.get()  # type: ignore[attr-defined]
    alice, bob, carol = signup(api, "alice"), signup(api, "bob"), signup(api, "carol")
    post = api.post("/v1/posts", headers=alice.auth, json={"text": "trending"}).json()
    assert api.put(f"/v1/posts/{post['id']}/like", headers=bob.auth).status_code == 204
    platform.drain()
    assert api.get("/v1/feed", headers=carol.auth).status_code == 200  # carol only reads
    platform.analytics.flush()

    assert_error(api.get("/v1/admin/analytics"), 401)
    assert_error(api.get("/v1/admin/analytics", headers=alice.auth), 403, "insufficient_scope")
    admin = _admin_auth(api, platform)
    assert_error(api.get("/v1/admin/analytics?days=0", headers=admin), 400)
    report = api.get("/v1/admin/analytics?days=3", headers=admin)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["active_users"] == {"day": 3, "week": 3, "month": 3, "complete": True}
    assert len(body["days"]) == 3 and body["days"][0]["day"] < body["days"][-1]["day"]
    today = body["days"][-1]
    assert today | {"day": None} == {
        "day": None,
        "active_users": 3,
        "signups": 3,
        "posts": 1,
        "likes": 1,
        "comments": 0,
        "follows": 0,
    }
    (top,) = body["trending"]
    assert (top["post"]["id"], top["author"]["handle"], top["score"]) == (post["id"], "alice", 1.0)

    metrics = api.get("/metrics").text
    assert 'feedcore_active_users{window="day"} 3.0' in metrics
    assert 'feedcore_today{what="likes"} 1.0' in metrics and 'feedcore_today{what="signups"} 3.0' in metrics
