"""The whole user journey through the in-process app."""

from .conftest import TestClient

from .client import run_journey


def test_journey(api: TestClient) -> None:
    run_journey(api)
