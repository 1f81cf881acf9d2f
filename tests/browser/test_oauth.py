"""The authorization server as clients use it, against ``feedctl serve``: a browser through the
sign-in and consent pages (authorization code + PKCE), then the API with the token; and a
standard OAuth client library (Authlib's requests client) through the code, refresh and client
credentials flows with nothing feedcore-specific. On the embedded default and on PostgreSQL +
Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from tests.fixtures.stores import PgDatabases
from tests.http.test_served import served

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
CALLBACK = "http://127.0.0.1:9/callback"  # never reached: the browser's request is intercepted
FEEDCTL = str(Path(sys.executable).with_name("feedctl"))


@pytest.fixture(scope="module")
def pg_redis(pg_databases: PgDatabases, redis_url: str) -> dict[str, str]:
    """PostgreSQL (4 logical shards over 2 databases) and Redis; the in-process bus."""
    pg_databases.empty()
    return {
        "FEEDCORE_DATABASE_URL": ",".join(pg_databases.urls),
        "FEEDCORE_LOGICAL_SHARDS": "4",
        "FEEDCORE_CACHE_URL": redis_url,
        "FEEDCORE_NAMESPACE": f"t{uuid.uuid4().hex[:10]}",
    }


@pytest.fixture(scope="module", params=["embedded", pytest.param("pg_redis", marks=pytest.mark.integration)])
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str]]]:
    """The base URL of ``feedctl serve`` and the environment that reaches its platform (one
    server per deployment for the module's tests)."""
    backends = {} if request.param == "embedded" else request.getfixturevalue(request.param)
    data = tmp_path_factory.mktemp(request.param) / "data"
    with served(data, backends) as (base_url, _):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDCORE_")}
        env.update({"FEEDCORE_DATA_DIR": str(data), **backends})
        yield base_url, env


def feedctl_client(env: dict[str, str], *args: str) -> dict[str, Any]:
    """``feedctl client create ... --json``: how an operator registers an app."""
    done = subprocess.run(
        [FEEDCTL, "client", "create", *args, "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    created: dict[str, Any] = json.loads(done.stdout)
    return created


def register_user(base_url: str, handle: str) -> None:
    response = httpx.post(f"{base_url}/v1/users", json={"handle": handle, "password": PASSWORD}, timeout=10)
    assert response.status_code == 201, response.text


def sign_in_and_allow(context: BrowserContext, authorize_url: str, handle: str) -> dict[str, list[str]]:
    """A person in the browser: signs in, reads the consent page, allows; the redirect's query."""
    from playwright.sync_api import expect

    seen: list[str] = []

    def capture(route: Any) -> None:
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="back at the app")

    page = context.new_page()
    page.route(f"{CALLBACK}**", capture)
    page.goto(authorize_url)
    expect(page.get_by_role("heading", name="Sign in to feedcore")).to_be_visible()
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Allow Test app to use your account?")).to_be_visible()
    expect(page.get_by_text(f"@{handle}")).to_be_visible()
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_text("back at the app")).to_be_visible()
    return parse_qs(urlsplit(seen[-1]).query)


def test_code_flow_with_pkce_in_a_browser_then_the_api(deployment, new_context) -> None:
    base_url, env = deployment
    register_user(base_url, "alice")
    app = feedctl_client(env, "Test app", "--redirect-uri", CALLBACK)
    verifier = "v" * 20 + uuid.uuid4().hex + "x" * 10
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": CALLBACK,
        "scope": "read write",
        "state": "st-42",
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    back = sign_in_and_allow(
        new_context(), f"{base_url}/v1/auth/authorize?" + httpx.QueryParams(query).__str__(), "alice"
    )
    assert back["state"] == ["st-42"]
    token = httpx.post(
        f"{base_url}/v1/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": back["code"][0],
            "redirect_uri": CALLBACK,
            "client_id": app["client_id"],
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert token.status_code == 200, token.text
    auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    me = httpx.get(f"{base_url}/v1/me", headers=auth, timeout=10)
    assert me.status_code == 200 and me.json()["handle"] == "alice"
    post = httpx.post(f"{base_url}/v1/posts", headers=auth, json={"text": "posted through an app"}, timeout=10)
    assert post.status_code == 201, post.text


def test_a_standard_client_library_completes_code_refresh_and_client_credentials(deployment, new_context) -> None:
    base_url, env = deployment
    register_user(base_url, "bob")
    metadata = httpx.get(f"{base_url}/.well-known/oauth-authorization-server", timeout=10).json()
    app = feedctl_client(env, "Test app", "--redirect-uri", CALLBACK, "--confidential")

    session = OAuth2Session(
        app["client_id"],
        app["client_secret"],
        scope="read follow",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
    )
    verifier = "w" * 10 + uuid.uuid4().hex * 2
    url, state = session.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
    back = sign_in_and_allow(new_context(), url, "bob")
    assert back["state"] == [state]
    token = session.fetch_token(
        metadata["token_endpoint"],
        authorization_response=f"{CALLBACK}?code={back['code'][0]}&state={state}",
        code_verifier=verifier,
    )
    assert token["scope"] == "read follow"
    assert session.get(f"{base_url}/v1/me", timeout=10).json()["handle"] == "bob"
    renewed = session.refresh_token(metadata["token_endpoint"])
    assert renewed["refresh_token"] != token["refresh_token"]
    assert session.get(f"{base_url}/v1/me", timeout=10).status_code == 200
    session.revoke_token(metadata["revocation_endpoint"], renewed["refresh_token"], token_type_hint="refresh_token")
    assert session.get(f"{base_url}/v1/me", timeout=10).status_code == 401

    robot = feedctl_client(env, "Robot", "--client-credentials", "--scope", "read")
    machine = OAuth2Session(robot["client_id"], robot["client_secret"], scope="read")
    own = machine.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
    assert own["scope"] == "read" and "refresh_token" not in own
    assert machine.get(f"{base_url}/v1/users/bob", timeout=10).json()["handle"] == "bob"
