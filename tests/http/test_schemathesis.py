"""Schemathesis against /openapi.json of the in-process app: no 500s, every response as documented."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
import schemathesis
from feedcore_asgi import create_app
from feedcore_asgi.openapi import openapi_document
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from feedcore import Platform, Settings
from tests.fixtures.platforms import TEST_SETTINGS

from .client import signup
from .conftest import TestClient

MAX_EXAMPLES = int(os.environ.get("FEEDCORE_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
OPERATIONS = [(path, method) for path, item in openapi_document()["paths"].items() for method in item]


@attrs.frozen
class Target:
    schema: Any
    headers: dict[str, str]


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    data_dir = tmp_path_factory.mktemp("schemathesis")
    limits = {"rate_limit": "1000000/minute", "anonymous_rate_limit": "1000000/minute"}
    with Platform.open(Settings(**{**TEST_SETTINGS, **limits, "data_dir": str(data_dir)})) as platform:
        app = create_app(platform)
        with TestClient(app, base_url="http://localhost") as client:
            user = signup(client, "fuzzer")
        yield Target(schemathesis.openapi.from_asgi("/openapi.json", app), user.auth)


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_operation_conforms(target: Target, path: str, method: str, mode: GenerationMode) -> None:
    operation = target.schema[path][method.upper()]
    headers = target.headers if path != "/v1/auth/revoke" else {}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            response = case.call(headers=dict(headers))  # call() adds to the dict it is given
        case.validate_response(response, checks=CHECKS)

    try:
        check()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        pytest.skip("the schema leaves nothing to violate here")
