"""Schemathesis, operation by operation, against /openapi.json of the in-process app: no 500s, every response as
documented (status, content type, headers, body), and every request the document forbids
is refused (negative mode, on each operation that has a parameter or a body to get wrong)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import warnings
from typing import Any

import pytest
import schemathesis
from feedcore_asgi.factory import ROUTES
from feedcore_asgi.openapi import openapi_document
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import negative_data_rejection
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.modes import GenerationMode

from feedcore import Settings

from .conftest import CONFORMANCE, Tally, Target

pytestmark = [pytest.mark.fuzz, pytest.mark.slow, pytest.mark.timeout(60)]

MAX_EXAMPLES = int(os.environ.get("FEEDCORE_FUZZ_EXAMPLES", "25"))
DOCUMENT = openapi_document(ROUTES, Settings())


FREE = {"type", "title", "description", "default"}


def _constrained(schema: dict[str, Any]) -> bool:
    return bool(set(schema) - FREE) or schema.get("type") not in (None, "string")


def _violable(op: dict[str, Any]) -> bool:
    """Whether a request can break the operation's document: a free string (a path segment, a
    form field) cannot; a JSON body always can."""
    if any(_constrained(p["schema"]) for p in op.get("parameters", ())):
        return True
    for content_type, media in op.get("requestBody", {}).get("content", {}).items():
        if content_type != "application/x-www-form-urlencoded":
            return True
        name = media["schema"]["$ref"].rsplit("/", 1)[1]
        form = DOCUMENT["components"]["schemas"][name]
        if form.get("required") or any(_constrained(p) for p in form["properties"].values()):
            return True
    return False


CASES = [
    (path, method, mode)
    for path, item in DOCUMENT["paths"].items()
    for method, op in item.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or _violable(op)
]


@pytest.fixture(scope="module")
def schema(target: Target) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", target.app)


@pytest.mark.parametrize(("path", "method", "mode"), CASES, ids=[f"{m.upper()} {p} {g}" for p, m, g in CASES])
def test_operation_conforms(
    target: Target, schema: Any, tally: Tally, path: str, method: str, mode: GenerationMode
) -> None:
    operation = schema[path][method.upper()]
    headers = target.user.auth if path != "/v1/auth/revoke" else {}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        # a case whose headers are the wrong part (no token where one is required) goes as generated
        wrong_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            response = case.call(headers={} if wrong_headers else dict(headers))  # call() adds to the dict
        tally.requests["per operation"] += 1
        if response.status_code >= 500:
            tally.server_errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}")
        checks = [*CONFORMANCE, negative_data_rejection] if mode is GenerationMode.NEGATIVE else CONFORMANCE
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            tally.violations += [f"{case.method} {case.formatted_path}: {f}" for f in group.exceptions]
            raise

    check()


@pytest.mark.parametrize("name", ["schemathesis.specs.openapi.schemas", "hypothesis.strategies._internal.regex"])
def test_lazy_imports_are_not_rewritten(name: str) -> None:
    """Modules these packages import mid-test load with the ordinary loader: pytest's rewriter
    builds AST objects, which CPython 3.11.7 corrupts when another thread parses at the same time
    (``SystemError: AST constructor recursion depth mismatch``; see tests/fixtures/imports.py)."""
    spec = importlib.util.find_spec(name)
    assert spec is not None
    assert type(spec.loader) is importlib.machinery.SourceFileLoader
