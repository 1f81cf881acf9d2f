"""The OpenAPI document is valid 3.1 and lists exactly the app's routes and methods."""

from __future__ import annotations

import re

from feedcore_asgi import create_app
from feedcore_asgi.openapi import openapi_document
from openapi_spec_validator import validate
from starlette.routing import Route


def _app_operations() -> set[tuple[str, str]]:
    operations = set()
    for route in create_app().routes:
        assert isinstance(route, Route)
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        operations |= {(path, m.lower()) for m in route.methods or () if m != "HEAD"}
    return operations


def test_document_is_valid_openapi_31() -> None:
    validate(openapi_document())


def test_document_matches_the_app() -> None:
    documented = {(path, method) for path, item in openapi_document()["paths"].items() for method in item}
    assert documented == _app_operations()


def test_issue_routes_are_all_there() -> None:
    expected = """
    POST /v1/users; POST /v1/auth/token; POST /v1/auth/revoke; GET /v1/me; PATCH /v1/me; GET /v1/users/{user};
    GET /v1/users/{user}/followers; GET /v1/users/{user}/following; PUT /v1/me/following/{user_id};
    DELETE /v1/me/following/{user_id}; POST /v1/media; POST /v1/posts; GET /v1/posts/{post_id};
    PATCH /v1/posts/{post_id}; DELETE /v1/posts/{post_id}; GET /v1/feed; GET /v1/users/{user}/posts;
    PUT /v1/posts/{post_id}/like; DELETE /v1/posts/{post_id}/like; POST /v1/posts/{post_id}/comments;
    GET /v1/posts/{post_id}/comments; DELETE /v1/comments/{comment_id}; GET /healthz; GET /readyz; GET /metrics;
    GET /openapi.json"""
    wanted = {(p.strip().split()[1], p.strip().split()[0].lower()) for p in expected.split(";")}
    assert wanted <= _app_operations()
