"""The authorization server's tests run on the embedded default and on memory backends; the
HTTP end-to-end tests cover PostgreSQL + Redis."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["embedded", "memory"])
def platform_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)
