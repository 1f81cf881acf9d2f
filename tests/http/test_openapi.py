"""The OpenAPI document is valid 3.1, lists exactly the app's operations, and carries the
bounds of the app's own settings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from feedcore_asgi import create_app
from feedcore_asgi.application import App
from feedcore_asgi.factory import ROUTES
from feedcore_asgi.openapi import openapi_document
from feedcore_asgi.table import Link
from feedctl.main import cli
from openapi_spec_validator import validate

from feedcore import Settings

from .conftest import AppFactory


def _document(app: App) -> dict[str, Any]:
    return json.loads(app.context.document)


def _app_operations(app: App) -> set[tuple[str, str]]:
    """What the app's router serves: every (path template, method) of every path it knows."""
    operations = set()
    for route in app.routes:
        found = app.router.match(route.path.replace("{key}", "a/b").replace("{", "").replace("}", ""))
        assert found is not None and found.template == route.path, route.path
        operations |= {(found.template, method.lower()) for method in found.methods}
    return operations


def test_document_is_valid_openapi_31(api: Any) -> None:
    document = api.get("/openapi.json").json()
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_document_matches_the_app() -> None:
    app = create_app(settings=Settings())
    documented = {(path, method) for path, item in _document(app)["paths"].items() for method in item}
    assert documented == _app_operations(app)


def test_issue_routes_are_all_there() -> None:
    expected = """
    POST /v1/users; POST /v1/auth/token; POST /v1/auth/revoke; GET /v1/me; PATCH /v1/me; GET /v1/users/{user};
    GET /v1/users/{user}/followers; GET /v1/users/{user}/following; PUT /v1/me/following/{user};
    DELETE /v1/me/following/{user}; POST /v1/media; POST /v1/posts; GET /v1/posts/{post_id};
    PATCH /v1/posts/{post_id}; DELETE /v1/posts/{post_id}; GET /v1/feed; GET /v1/users/{user}/posts;
    PUT /v1/posts/{post_id}/like; DELETE /v1/posts/{post_id}/like; POST /v1/posts/{post_id}/comments;
    GET /v1/posts/{post_id}/comments; DELETE /v1/comments/{comment_id}; GET /healthz; GET /readyz; GET /metrics;
    GET /openapi.json"""
    wanted = {(p.strip().split()[1], p.strip().split()[0].lower()) for p in expected.split(";")}
    assert wanted <= _app_operations(create_app(settings=Settings()))


def test_bounds_come_from_the_apps_settings(app_factory: AppFactory) -> None:
    api = app_factory(max_post_length=7, max_comment_length=9, max_json_bytes=1000, max_media_bytes=5000)
    document = api.get("/openapi.json").json()
    validate(document)
    schemas = document["components"]["schemas"]
    assert schemas["NewPost"]["properties"]["text"]["maxLength"] == 7
    assert schemas["PostEdit"]["properties"]["text"]["maxLength"] == 7
    assert schemas["NewComment"]["properties"]["text"]["maxLength"] == 9
    assert schemas["NewUser"]["properties"]["password"]["minLength"] == 8
    paths = document["paths"]
    assert paths["/v1/posts"]["post"]["requestBody"]["x-feedcore-max-bytes"] == 1000
    assert paths["/v1/media"]["post"]["requestBody"]["x-feedcore-max-bytes"] == 5000
    # another app in the same process keeps its own bounds
    other = app_factory().get("/openapi.json").json()
    assert other["components"]["schemas"]["NewPost"]["properties"]["text"]["maxLength"] == 500


def test_user_path_takes_a_handle_with_an_at(api: Any) -> None:
    """Documented: /v1/users/{user} takes an id, a handle, or @handle."""
    (parameter,) = api.get("/openapi.json").json()["paths"]["/v1/users/{user}"]["get"]["parameters"]
    pattern = re.compile(parameter["schema"]["pattern"])
    assert all(pattern.search(v) for v in ("123", "alice", "@alice", "@123"))
    assert not any(pattern.search(v) for v in ("al", "@", "a b", "@@alice"))


def test_feedctl_openapi_prints_the_served_document(app_factory: AppFactory, tmp_path: Path) -> None:
    env = {"FEEDCORE_DATA_DIR": str(tmp_path / "unused"), "FEEDCORE_MAX_POST_LENGTH": "42"}
    printed = CliRunner().invoke(cli, ["openapi"], env=env)
    assert printed.exit_code == 0, printed.output
    out = tmp_path / "openapi.json"
    written = CliRunner().invoke(cli, ["openapi", "--out", str(out)], env=env)
    assert written.exit_code == 0, written.output
    assert out.read_text() == printed.output  # the same bytes, sorted keys, one final newline
    assert printed.output == json.dumps(json.loads(printed.output), sort_keys=True, indent=2) + "\n"
    served = app_factory(max_post_length=42).get("/openapi.json").json()
    assert json.loads(printed.output) == served
    assert not (tmp_path / "unused").exists()  # no platform was opened


def test_links_chain_the_resource_operations() -> None:
    """The links stateful fuzzing follows: a new post to reading, editing, deleting, liking and
    commenting on it; a new comment to deleting it; a new user to following them."""
    paths = _document(create_app(settings=Settings()))["paths"]

    def targets(path: str, method: str, status: str) -> set[str]:
        links = paths[path][method]["responses"][status]["links"]
        return {link["operationId"] for link in links.values()}

    assert {"show_post", "edit_post", "delete_post", "like", "unlike", "add_comment", "list_comments"} <= targets(
        "/v1/posts", "post", "201"
    )
    assert "delete_comment" in targets("/v1/posts/{post_id}/comments", "post", "201")
    assert {"show_user", "follow", "unfollow", "followers"} <= targets("/v1/users", "post", "201")
    assert paths["/v1/posts"]["post"]["responses"]["201"]["links"]["show_post"]["parameters"] == {
        "post_id": "$response.body#/id"
    }


def test_a_link_must_lead_somewhere() -> None:
    route = next(r for r in ROUTES if r.path == "/v1/posts" and r.method == "POST")
    for link in (Link("no_such_operation", {}), Link("show_post", {"no_such_parameter": "$response.body#/id"})):
        broken = attrs.evolve(route, ok=attrs.evolve(route.ok, links=(link,)))
        with pytest.raises(ValueError, match="leads nowhere"):
            openapi_document([broken if r is route else r for r in ROUTES], Settings())
