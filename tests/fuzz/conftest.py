"""The fuzzing suite's shared pieces: one in-process app on the embedded default with a signed-up
user, a validator of answers against the app's own document, and the tally every fuzz test adds
its requests to. The run ends with one ``fuzz:`` line in its figures."""

from __future__ import annotations

import contextlib
import json
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs
import jsonschema_rs
import pytest
from feedcore_asgi import create_app
from feedcore_asgi.application import App
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from feedcore import Platform, Settings
from tests.fixtures.platforms import TEST_SETTINGS
from tests.fixtures.report import Report
from tests.http.client import ApiUser, signup
from tests.http.conftest import TestClient, assert_statuses_documented

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
"""What every answer must be: below 500, and as the document says for its status."""
SEED = 0
"""Every fuzz test runs derandomized, from this seed where a seed is asked for."""

_UNLIMITED = {"rate_limit": "1000000/minute", "anonymous_rate_limit": "1000000/minute"}


@attrs.define
class Tally:
    """What the fuzz tests sent and what came back wrong, by test."""

    requests: Counter[str] = attrs.field(factory=Counter)
    server_errors: list[str] = attrs.field(factory=list)
    violations: list[str] = attrs.field(factory=list)
    scenarios: int = 0
    """Stateful scenarios started."""
    cut_short: int = 0
    """Stateful runs Hypothesis ended early (a replay met changed server state)."""

    def line(self, seconds: float) -> str:
        parts = ", ".join(f"{name} {count:,}" for name, count in self.requests.items())
        return (
            f"fuzz: {self.requests.total():,} requests generated ({parts}), "
            f"{len(self.server_errors)} server errors, {len(self.violations)} schema violations, "
            f"{self.scenarios} stateful scenarios ({self.cut_short} runs cut short), fixed seed {SEED}, {seconds:.0f} s"
        )


@pytest.fixture(scope="package")
def tally(report: Report) -> Iterator[Tally]:
    """The fuzzing suite's tally; its ``fuzz:`` line goes to the run's figures."""
    found = Tally()
    started = time.monotonic()
    yield found
    if found.requests:
        report(found.line(time.monotonic() - started))


@attrs.frozen
class Target:
    app: App
    user: ApiUser
    document: dict[str, Any]


@contextlib.contextmanager
def serving(**settings: Any) -> Iterator[Target]:
    """The app on a platform with ``settings`` (rate limits out of the way) and a user with a
    token; at the end, every status it answered is one its document lists."""
    with Platform.open(Settings(**{**TEST_SETTINGS, **_UNLIMITED, **settings})) as platform:
        app = create_app(platform)
        with TestClient(app, base_url="http://localhost") as client:
            user = signup(client, "fuzzer")
        yield Target(app, user, json.loads(app.context.document))
        assert_statuses_documented(app)


@pytest.fixture(scope="package")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """The app on the embedded default."""
    with serving(data_dir=str(tmp_path_factory.mktemp("fuzz"))) as served:
        yield served


class Conformance:
    """Checks an answer against the document: its status listed for the operation, a JSON body
    (when the document gives one) valid against that status's schema."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._validators: dict[tuple[str, str, str], Any] = {}

    def problem(self, path: str, method: str, status: int, content_type: str, body: bytes) -> str | None:
        """What is wrong with the answer, or None."""
        responses = self._document["paths"][path][method]["responses"]
        if str(status) not in responses:
            return f"{method.upper()} {path}: status {status} is not documented"
        content = responses[str(status)].get("content", {})
        if "application/json" not in content:
            return None
        if not content_type.startswith("application/json"):
            return f"{method.upper()} {path} {status}: content type {content_type!r}, documented JSON"
        key = (path, method, str(status))
        if key not in self._validators:
            schema = {**content["application/json"]["schema"], "components": self._document["components"]}
            self._validators[key] = jsonschema_rs.validator_for(schema)
        try:
            value = json.loads(body)
        except ValueError:
            return f"{method.upper()} {path} {status}: the body is not JSON: {body[:200]!r}"
        errors = [str(e) for e in self._validators[key].iter_errors(value)]
        return f"{method.upper()} {path} {status}: {errors[0]} in {body[:300]!r}" if errors else None
