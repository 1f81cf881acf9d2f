"""Every status the document lists for an operation is one the server produces.

Each (operation, status) pair of the document is a case: a success from the operation's
example request, an error from the generic way to cause it (a bad token, an unknown id, an
oversized or mistyped body, a spent rate limit, backends that are down) or, where the cause
is particular to the operation, from a request written for it. A status added to the
document without a way to produce it fails here. (The other direction, every status the
server produces is documented, is checked after every test of this package: see conftest.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from feedcore_asgi import create_app
from feedcore_asgi.factory import ROUTES
from feedcore_asgi.openapi import openapi_document

from feedcore import Platform, Settings
from feedcore.oauth.clients import OOB_URI
from tests.fixtures.platforms import TEST_SETTINGS
from tests.fixtures.services import free_port

from .client import PASSWORD, PNG, ApiUser
from .conftest import TestClient, assert_statuses_documented
from .world import EXAMPLES, Request, World

UNLIMITED = {"rate_limit": "1000000/minute", "anonymous_rate_limit": "1000000/minute"}
SETTINGS: dict[str, Any] = {**TEST_SETTINGS, **UNLIMITED, "max_json_bytes": 1024, "max_media_bytes": 512}
DOCUMENT = openapi_document(ROUTES, Settings(**SETTINGS))
PLACEHOLDERS = {
    "post_id": "0",
    "comment_id": "0",
    "session_id": "0",
    "client_id": "none",
    "user": "nobody_here",
    "key": "1/missing.png",
}
OAUTH_ENDPOINTS = ("/v1/auth/token", "/v1/auth/revoke", "/v1/auth/introspect")
"""Path parameters that name nothing (0 is never an id: unliking post 1 is a no-op, post 0 a 404)."""


@attrs.frozen
class Apps:
    """The apps the statuses come from: a populated one, one whose rate limits are spent,
    and one whose backends are down."""

    world: World
    limited: httpx.Client
    limited_user: ApiUser
    down: httpx.Client


def _spent_user(platform: Platform) -> ApiUser:
    user = platform.users.register("spent", PASSWORD)
    tokens = platform.auth.login("spent", PASSWORD)
    return ApiUser("spent", str(user.id), tokens.access_token, tokens.refresh_token)


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Apps]:
    data: Callable[[str], str] = lambda name: str(tmp_path_factory.mktemp(name))  # noqa: E731
    limits = {"rate_limit": "1/minute", "anonymous_rate_limit": "1/minute"}
    dead = {
        "database_url": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none",
        "cache_url": f"redis://127.0.0.1:{free_port()}/0",
    }
    with (
        Platform.open(Settings(**{**SETTINGS, "data_dir": data("world")})) as platform,
        Platform.open(Settings(**{**SETTINGS, **limits, "data_dir": data("limited")})) as spent,
        TestClient(create_app(platform), base_url="http://localhost") as client,
        TestClient(create_app(spent), base_url="http://localhost") as limited,
        # no lifespan: the platform cannot open, every request tries again and answers 503
        closing(
            TestClient(
                create_app(settings=Settings(**{**SETTINGS, **dead, "data_dir": data("down")})),
                base_url="http://localhost",
            )
        ) as down,
    ):
        user = _spent_user(spent)
        limited.get("/v1/users/spent")  # the one anonymous request a minute
        limited.get("/v1/me", headers=user.auth)  # and the user's one
        yield Apps(World.on(client, platform), limited, user, down)
        for app in (client.app, limited.app, down.app):
            assert_statuses_documented(app)


def _placeholders(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDERS[m[1]], path)


def _generic(method: str, path: str, headers: dict[str, str] | None = None) -> Request:
    """A request that reaches the gate: ids that name nothing, a body of an accepted type."""
    op = DOCUMENT["paths"][path][method.lower()]
    content_types = list(op.get("requestBody", {}).get("content", {}))
    headers = dict(headers or {})
    if not content_types:
        return Request(method, _placeholders(path), headers)
    content_type = content_types[-1]
    headers["Content-Type"] = content_type
    return Request(method, _placeholders(path), headers, content=PNG if content_type == "image/png" else b"{}")


def _max_bytes(method: str, path: str) -> int:
    return int(DOCUMENT["paths"][path][method.lower()]["requestBody"]["x-feedcore-max-bytes"])


Producer = Callable[[Apps, str, str], httpx.Response]


def _bad_request(apps: Apps, method: str, path: str) -> httpx.Response:
    op = DOCUMENT["paths"][path][method.lower()]
    w = apps.world
    request = EXAMPLES[(method, path)](w)
    if "requestBody" in op:
        content_type = next(iter(op["requestBody"]["content"]))
        body = {"application/json": b"[]", "application/x-www-form-urlencoded": b"\xff"}.get(content_type, b"")
        headers = {**request.headers, "Content-Type": content_type}
        return attrs.evolve(request, json=None, data=None, content=body, headers=headers).send(w.client)
    query = [p["name"] for p in op.get("parameters", ()) if p["in"] == "query"]
    if query:  # the first parameter out of its bounds: every query here has a bounded number first
        return attrs.evolve(request, params={query[0]: 0}).send(w.client)
    assert path == "/v1/me/following/{user}", path
    return Request(method, f"/v1/me/following/{w.bob.id}", w.bob.auth).send(w.client)  # oneself


def _unauthorized(apps: Apps, method: str, path: str) -> httpx.Response:
    if path in OAUTH_ENDPOINTS:  # a client that does not authenticate
        body = {"grant_type": "client_credentials", "token": "t"}
        return Request(method, path, {"Authorization": "Basic bm86Y2xpZW50"}, data=body).send(apps.world.client)
    return _generic(method, path, {"Authorization": "Bearer not-a-token"}).send(apps.world.client)


def _forbidden(apps: Apps, method: str, path: str) -> httpx.Response:
    """A token without the operation's scope."""
    w = apps.world
    (scope,) = DOCUMENT["paths"][path][method.lower()]["security"][0]["oauth2"]
    request = EXAMPLES[(method, path)](w)
    return attrs.evolve(request, headers={**request.headers, **w.scoped("follow" if scope == "read" else "read")}).send(
        w.client
    )


def _not_found(apps: Apps, method: str, path: str) -> httpx.Response:
    w = apps.world
    request = EXAMPLES[(method, path)](w)
    return attrs.evolve(request, path=_placeholders(path)).send(w.client)


def _conflict(apps: Apps, method: str, path: str) -> httpx.Response:
    assert path == "/v1/users", path
    return Request(method, path, json={"handle": "ALICE", "password": PASSWORD}).send(apps.world.client)


def _too_large(apps: Apps, method: str, path: str) -> httpx.Response:
    request = _generic(method, path, apps.world.alice.auth)
    return attrs.evolve(request, content=b" " * (_max_bytes(method, path) + 1)).send(apps.world.client)


def _unsupported(apps: Apps, method: str, path: str) -> httpx.Response:
    request = _generic(method, path, {**apps.world.alice.auth, "Content-Type": "text/plain"})
    return attrs.evolve(request, headers={**request.headers, "Content-Type": "text/plain"}).send(apps.world.client)


def _rate_limited(apps: Apps, method: str, path: str) -> httpx.Response:
    if path == "/v1/auth/token":  # sign-in throttling: failed passwords for one account
        w = apps.world
        body = {"grant_type": "password", "username": w.user().handle, "password": "not the password"}
        for _ in range(10):
            response = Request(method, path, data=body).send(w.client)
            if response.status_code != 400:
                return response
        return response
    return _generic(method, path, apps.limited_user.auth).send(apps.limited)


def _unavailable(apps: Apps, method: str, path: str) -> httpx.Response:
    if path in OAUTH_ENDPOINTS:  # a well-formed OAuth request (no token to check first)
        return EXAMPLES[(method, path)](apps.world).send(apps.down)
    return _generic(method, path, {"Authorization": "Bearer a.b.c"}).send(apps.down)


def _success(apps: Apps, method: str, path: str) -> httpx.Response:
    return EXAMPLES[(method, path)](apps.world).send(apps.world.client)


def _send(request: Request) -> Producer:
    return lambda apps, method, path: request.send(apps.world.client)


def _not_signed_in(apps: Apps, method: str, path: str) -> httpx.Response:
    apps.world.client.cookies.clear()
    return Request(method, path, params=apps.world.authorize_query()).send(apps.world.client)


def _unknown_client(apps: Apps, method: str, path: str) -> httpx.Response:
    apps.world.signed_in()
    return Request(method, path, params=apps.world.authorize_query(client_id="nope")).send(apps.world.client)


def _out_of_band(apps: Apps, method: str, path: str) -> httpx.Response:
    w = apps.world
    oob = w.app(redirect_uris=[OOB_URI])["client_id"]
    form = w.consent_form(client_id=oob, redirect_uri=OOB_URI)
    return Request(method, path, data={**form, "decision": "allow"}).send(w.client)


def _tampered(apps: Apps, method: str, path: str) -> httpx.Response:
    w = apps.world
    form = {**w.consent_form(), "redirect_uri": "http://evil.example/cb", "decision": "allow"}
    return Request(method, path, data=form).send(w.client)


def _forged(apps: Apps, method: str, path: str) -> httpx.Response:
    w = apps.world
    form = w.login_form() if path.endswith("/login") else {**w.consent_form(), "decision": "allow"}
    return Request(method, path, data={**form, "csrf": "0" * 64}).send(w.client)


def _wrong_password(apps: Apps, method: str, path: str) -> httpx.Response:
    return Request(method, path, data=apps.world.login_form(password="not the password")).send(apps.world.client)


def _throttled_sign_in(apps: Apps, method: str, path: str) -> httpx.Response:
    w = apps.world
    form = w.login_form(username=w.user().handle, password="not the password")
    for _ in range(10):
        response = Request(method, path, data=form).send(w.client)
        if response.status_code != 401:
            return response
    return response


def _media_with(**headers: str) -> Producer:
    def produce(apps: Apps, method: str, path: str) -> httpx.Response:
        request = EXAMPLES[(method, path)](apps.world)
        etag = request.send(apps.world.client).headers["etag"]
        named = {k.replace("_", "-"): v.format(etag=etag) for k, v in headers.items()}
        return attrs.evolve(request, headers=named).send(apps.world.client)

    return produce


SPECIAL: dict[tuple[str, str, int], Producer] = {
    ("GET", "/media/{key}", 206): _media_with(Range="bytes=0-3"),
    ("GET", "/media/{key}", 304): _media_with(If_None_Match="{etag}"),
    ("GET", "/media/{key}", 416): _media_with(Range="bytes=100000-"),
    ("GET", "/v1/auth/authorize", 303): _not_signed_in,
    ("GET", "/v1/auth/authorize", 400): _unknown_client,
    ("POST", "/v1/auth/authorize", 200): _out_of_band,
    ("POST", "/v1/auth/authorize", 400): _tampered,
    ("POST", "/v1/auth/authorize", 403): _forged,
    ("POST", "/v1/auth/login", 401): _wrong_password,
    ("POST", "/v1/auth/login", 403): _forged,
    ("POST", "/v1/auth/logout", 403): _forged,
    ("POST", "/v1/auth/login", 429): _throttled_sign_in,
}
"""Statuses whose cause is particular to the operation (browser pages, media validators and ranges)."""


PRODUCERS: dict[int, Producer] = {
    400: _bad_request,
    401: _unauthorized,
    403: _forbidden,
    404: _not_found,
    409: _conflict,
    413: _too_large,
    415: _unsupported,
    429: _rate_limited,
    503: _unavailable,
}
CASES = [
    (method.upper(), path, int(status))
    for path, item in DOCUMENT["paths"].items()
    for method, op in item.items()
    for status in op["responses"]
]


@pytest.mark.parametrize(("method", "path", "status"), CASES, ids=[f"{m} {p} {s}" for m, p, s in CASES])
def test_documented_status_is_produced(apps: Apps, method: str, path: str, status: int) -> None:
    producer = SPECIAL.get((method, path, status)) or (PRODUCERS.get(status, _success) if status >= 300 else _success)
    response = producer(apps, method, path)
    assert response.status_code == status, response.text


def test_every_operation_has_an_example(tmp_path: Path) -> None:
    documented = {(method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in item}
    assert documented == set(EXAMPLES)
