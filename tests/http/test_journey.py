"""The whole user journey through the in-process app."""

from .client import run_journey
from .conftest import TestClient


def test_journey(api: TestClient) -> None:
    run_journey(api)
