"""Schemathesis in stateful mode over /openapi.json of the in-process app: scenarios that follow
the document's links (a new post to its likes, comments, edits and deletion; a new user to
following them; a feed page to its posts), each answer checked as the document describes it,
and stateful checks on top: a deleted resource stays gone, a created one can be read. On the
embedded default, and (marked integration) with the store on PostgreSQL and the cache on Redis."""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from hypothesis.errors import FlakyStrategyDefinition
from hypothesis.stateful import get_state_machine_test
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import ensure_resource_availability, negative_data_rejection, use_after_free

from .conftest import CONFORMANCE, SEED, Tally, Target, serving

pytestmark = [pytest.mark.fuzz, pytest.mark.slow, pytest.mark.timeout(150)]

SCENARIOS = int(os.environ.get("FEEDCORE_FUZZ_SCENARIOS", "200"))
"""Scenarios in all, over runs from the seeds ``SEED``, ``SEED + 1``…; at most ``MAX_RUNS`` runs."""
MAX_RUNS = 100
STEPS = 12
CHECKS = [*CONFORMANCE, negative_data_rejection, use_after_free, ensure_resource_availability]
# Operations that would end the fuzzer's own session or account, or revoke its token.
LEFT_OUT = ("/v1/auth/", "/v1/me/sessions", "/v1/me/password")


def _workflow(target: Target, tally: Tally, label: str) -> Any:
    schema = schemathesis.openapi.from_asgi("/openapi.json", target.app)
    schema.config.phases.stateful.inference.algorithms = []  # the document's own links only
    schema = schema.exclude(path_regex="^(" + "|".join(LEFT_OUT) + ")").exclude(method="DELETE", path="/v1/me")
    headers = target.user.auth

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            tally.scenarios += 1

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": dict(headers)}

        def call(self, case: Any, **kwargs: Any) -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                response = case.call(**kwargs)
            tally.requests[label] += 1
            if response.status_code >= 500:
                tally.server_errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}")
            return response

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            try:
                case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None, recorder=self.recorder)
            except FailureGroup as group:
                tally.violations += [f"{case.method} {case.formatted_path}: {f}" for f in group.exceptions]
                raise

    return Workflow


def _run(target: Target, tally: Tally, scenarios: int, label: str) -> None:
    """``scenarios`` scenarios of up to ``STEPS`` steps, in runs from the fixed seeds ``SEED``,
    ``SEED + 1``…. Hypothesis ends a run early when a prefix it replays meets changed server
    state (the platform keeps what earlier scenarios did: a taken handle, a deleted post); the
    next run goes on from the next seed. Every request sent was checked and counted as ``label``."""
    workflow = _workflow(target, tally, label)
    budget = tally.scenarios + scenarios
    for run in range(MAX_RUNS):
        if tally.scenarios >= budget:
            break
        workflow.rule_order_seed = SEED + run
        options = settings(
            max_examples=budget - tally.scenarios,
            stateful_step_count=STEPS,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        try:
            seed(SEED + run)(get_state_machine_test(workflow, settings=options, _min_steps=2))()
        except FlakyStrategyDefinition:
            tally.cut_short += 1
    assert not tally.server_errors and not tally.violations


def test_stateful(target: Target, tally: Tally) -> None:
    _run(target, tally, SCENARIOS, "stateful")


@pytest.fixture(scope="module")
def on_services(tmp_path_factory: pytest.TempPathFactory, pg_databases: Any, redis_url: str) -> Iterator[Target]:
    """The app with its store on PostgreSQL (4 logical shards over 2 databases) and its cache on
    Redis; the bus and media stay in process."""
    pg_databases.empty()
    with serving(
        data_dir=str(tmp_path_factory.mktemp("fuzz-services")),
        namespace=f"fz{uuid.uuid4().hex[:10]}",
        database_url=",".join(pg_databases.urls),
        logical_shards=4,
        cache_url=redis_url,
    ) as served:
        yield served


@pytest.mark.integration
def test_stateful_on_postgresql_and_redis(on_services: Target, tally: Tally) -> None:
    _run(on_services, tally, SCENARIOS // 4, "stateful on PostgreSQL and Redis")
