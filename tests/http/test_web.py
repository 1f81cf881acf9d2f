"""The bundled web client and API reference served by the app, and CORS."""

from __future__ import annotations

import re

import pytest

from .conftest import AppFactory

IMMUTABLE = "public, max-age=31536000, immutable"


def test_root_serves_the_web_client_uncached(api) -> None:
    response = api.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert '<div id="root">' in response.text


@pytest.mark.parametrize("path", ["/@alice", "/posts/123", "/settings", "/login", "/@bob/followers", "/no/such/page"])
def test_client_routes_fall_back_to_the_index(api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 200
    assert '<div id="root">' in response.text


def test_hashed_assets_are_immutable(api) -> None:
    index = api.get("/").text
    script = re.search(r'src="(/assets/[^"]+\.js)"', index)
    assert script, index
    response = api.get(script.group(1))
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert "javascript" in response.headers["content-type"]
    assert api.head(script.group(1)).status_code == 200


def test_docs_page_is_the_bundled_api_reference(api) -> None:
    response = api.get("/docs")
    assert response.status_code == 200
    assert 'id="swagger-ui"' in response.text
    assert "//" not in re.sub(r"<!doctype[^>]*>", "", response.text).replace("://", ""), "no CDN URL"
    for asset in re.findall(r'(?:src|href)="(/assets/[^"]+)"', response.text):
        assert api.get(asset).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/v1/nope", "/v1", "/media/nope.png", "/oauth/authorize", "/.well-known/x", "/assets/nope.js", "/favicon.ico"],
)
def test_api_paths_and_missing_files_are_not_shadowed(api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_routes_still_answer(api) -> None:
    assert api.get("/openapi.json").json()["openapi"].startswith("3.1")
    assert api.get("/healthz").json() == {"status": "ok"}


def test_other_methods_on_client_routes_are_not_served(api) -> None:
    assert api.post("/settings").status_code == 404


def test_no_cors_by_default(api) -> None:
    preflight = api.options(
        "/v1/feed", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code in (404, 405)
    response = api.get("/healthz", headers={"Origin": "https://app.example"})
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


def test_cors_preflight_for_a_configured_origin(app_factory: AppFactory) -> None:
    api = app_factory(cors_origins="https://app.example, https://other.example")
    response = api.options(
        "/v1/feed",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert response.headers["x-content-type-options"] == "nosniff"  # as on every response
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "PATCH" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers
    assert "Origin" in response.headers["vary"]


def test_cors_refuses_other_origins(app_factory: AppFactory) -> None:
    api = app_factory(cors_origins="https://app.example")
    preflight = api.options(
        "/v1/feed", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.headers["x-content-type-options"] == "nosniff"
    response = api.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_answers_expose_the_headers_a_client_reads(app_factory: AppFactory) -> None:
    api = app_factory(cors_origins="https://app.example")
    response = api.get("/v1/feed", headers={"Origin": "https://app.example"})
    assert response.status_code == 401  # errors carry the CORS headers too, so a page can read them
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    exposed = response.headers["access-control-expose-headers"]
    for header in ("Retry-After", "RateLimit-Remaining", "X-Feedcore-Degraded", "Location"):
        assert header in exposed


def test_cors_any_origin_without_credentials(app_factory: AppFactory) -> None:
    api = app_factory(cors_origins="*")
    response = api.get("/healthz", headers={"Origin": "https://anywhere.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
