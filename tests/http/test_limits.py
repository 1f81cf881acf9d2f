"""Every limit the document states, checked against the server: a value at the limit is
accepted, one past it is refused with 400 naming the field.

The limits are read from the document of the app under test (maxLength, minLength, maxItems,
minimum, maximum, pattern, enum in request bodies and query parameters), so a limit added to
the schema is walked without touching this file.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from feedcore_asgi import create_app
from feedcore_asgi.factory import ROUTES
from feedcore_asgi.openapi import openapi_document

from feedcore import Platform, Settings
from tests.fixtures.platforms import TEST_SETTINGS

from .client import assert_error
from .conftest import TestClient, assert_statuses_documented
from .world import EXAMPLES, Request, World

SETTINGS: dict[str, Any] = {
    **TEST_SETTINGS,
    "rate_limit": "1000000/minute",
    "anonymous_rate_limit": "1000000/minute",
    "max_post_length": 280,
    "max_comment_length": 120,
}
KEYWORDS = ("maxLength", "minLength", "maxItems", "minimum", "maximum", "pattern", "enum")


@attrs.frozen
class Limit:
    """One bound of one field of one operation."""

    method: str
    path: str
    field: str  # a JSON path into the body, or a query parameter's name
    keyword: str
    bound: Any
    item: bool = False  # the bound applies to each item of an array field

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.field}{'[]' if self.item else ''} {self.keyword}={self.bound}"


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _variants(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _resolve(document, schema)
    if "anyOf" in schema:
        return [v for member in schema["anyOf"] for v in _variants(document, member)]
    return [] if schema.get("type") == "null" else [schema]


def _hashable(bound: Any) -> Any:
    return tuple(bound) if isinstance(bound, list) else bound


def _limits(document: dict[str, Any], method: str, path: str, field: str, schema: dict[str, Any]) -> Iterator[Limit]:
    for variant in _variants(document, schema):
        for keyword in KEYWORDS:
            if keyword in variant:
                yield Limit(method, path, field, keyword, _hashable(variant[keyword]))
        if "items" in variant:
            for item in _variants(document, variant["items"]):
                for keyword in KEYWORDS:
                    if keyword in item:
                        yield Limit(method, path, field, keyword, _hashable(item[keyword]), item=True)


def documented_limits(document: dict[str, Any]) -> list[Limit]:
    found: list[Limit] = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            for parameter in op.get("parameters", ()):
                if parameter["in"] == "query":
                    found += _limits(document, method.upper(), path, parameter["name"], parameter["schema"])
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                for body in _variants(document, content["application/json"]["schema"]):
                    for name, schema in body["properties"].items():
                        found += _limits(document, method.upper(), path, f"$.{name}", schema)
    return list(dict.fromkeys(found))


LIMITS = documented_limits(openapi_document(ROUTES, Settings(**SETTINGS)))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data_dir = tmp_path_factory.mktemp("limits")
    with Platform.open(Settings(**{**SETTINGS, "data_dir": str(data_dir)})) as platform:
        with TestClient(create_app(platform), base_url="http://localhost") as client:
            yield World.on(client, platform)
        assert_statuses_documented(client.app)


def _text(length: int) -> str:
    """Varied printable characters (a password of them is not 'too easy'), no surrounding space."""
    return "".join(itertools.islice(itertools.cycle("Qz7#Wx5%"), length))


def _with(request: Request, limit: Limit, value: Any) -> Request:
    """``request`` with ``value`` in the limit's field (a form body is sent as JSON instead)."""
    if not limit.field.startswith("$."):
        return attrs.evolve(request, params={**request.params, limit.field: value})
    body = dict(request.json if request.json is not None else request.data or {})
    body[limit.field.removeprefix("$.")] = value
    return attrs.evolve(request, json=body, data=None)


def _current(request: Request, limit: Limit) -> Any:
    if not limit.field.startswith("$."):
        return request.params.get(limit.field, "")
    body = request.json if request.json is not None else request.data or {}
    return body.get(limit.field.removeprefix("$."), "")


ITEMS: dict[str, Callable[[World, int], str]] = {
    "$.media_ids": lambda world, i: world.media(),
    "$.redirect_uris": lambda world, i: f"http://127.0.0.1:{9000 + i}/cb",
}
"""A valid item of each array field, for filling it to its bound."""


def _at_and_past(world: World, request: Request, limit: Limit) -> tuple[Any, Any, str]:
    """(a value at the limit, one just past it, the field the refusal must name)."""
    bound, field = limit.bound, limit.field
    if limit.item:  # each item of an id array: a real id, then the same with a stray character
        return [world.media()], [world.media() + "!"], f"{field}[0]"
    if limit.keyword == "maxItems":
        item = ITEMS[field]
        return [item(world, i) for i in range(bound)], [item(world, i) for i in range(bound + 1)], field
    if limit.keyword == "maxLength":
        return _text(bound), _text(bound + 1), field
    if limit.keyword == "minLength":
        return _text(bound), _text(bound - 1), field
    if limit.keyword == "minimum":
        return bound, bound - 1, field
    if limit.keyword == "maximum":
        return bound, bound + 1, field
    if limit.keyword == "pattern":
        current = _current(request, limit)
        return current, f"{current}!", field
    assert limit.keyword == "enum"
    current = _current(request, limit)
    return current if current in bound else bound[0], f"{bound[0]}x", field


@pytest.mark.parametrize("limit", LIMITS, ids=str)
def test_limit_holds(world: World, limit: Limit) -> None:
    example = EXAMPLES[(limit.method, limit.path)]
    at, past, field = _at_and_past(world, example(world), limit)
    accepted = _with(example(world), limit, at).send(world.client)
    assert accepted.status_code < 300, f"{limit}: {at!r} refused: {accepted.text}"
    refused = _with(example(world), limit, past).send(world.client)
    if limit.path.startswith("/v1/auth/"):  # OAuth's errors: the field is in the description
        assert refused.status_code == 400, refused.text
        assert field in refused.json()["error_description"], refused.text
    else:
        assert_error(refused, 400, field=field)


def test_every_kind_of_limit_is_walked() -> None:
    """The walk covers the limits the issue named, so a renamed field cannot empty it."""
    walked = {(limit.path, limit.field, limit.keyword) for limit in LIMITS}
    assert {
        ("/v1/posts", "$.text", "maxLength"),
        ("/v1/posts", "$.media_ids", "maxItems"),
        ("/v1/posts/{post_id}/comments", "$.text", "maxLength"),
        ("/v1/users/{user}/followers", "limit", "maximum"),
        ("/v1/posts/{post_id}/comments", "limit", "maximum"),
        ("/v1/feed", "limit", "minimum"),
        ("/v1/users", "$.handle", "pattern"),
        ("/v1/auth/token", "$.grant_type", "enum"),
        ("/v1/auth/revoke", "$.token", "minLength"),
    } <= walked


def test_the_walk_uses_the_apps_settings(tmp_path: Path) -> None:
    with Platform.open(Settings(**{**SETTINGS, "data_dir": str(tmp_path)})) as platform:
        document = TestClient(create_app(platform)).get("/openapi.json").json()
    assert documented_limits(document) == LIMITS
