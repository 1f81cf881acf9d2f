"""What the fuzzing suite (tests/fuzz) found, one regression test each: answers that were a 500
or not what the document says."""

from __future__ import annotations

import pytest

from .client import assert_error, assert_oauth_error, signup
from .conftest import TestClient

DEEP = b"[" * 10_000 + b"]" * 10_000


@pytest.mark.parametrize("body", [DEEP, b'{"text": ' + DEEP + b"}", b'{"unknown": ' + DEEP + b"}"])
def test_deeply_nested_json_is_invalid_input(api: TestClient, body: bytes) -> None:
    """Was a 500: msgspec's RecursionError escaped the decoder."""
    alice = signup(api, "alice")
    headers = {**alice.auth, "Content-Type": "application/json"}
    assert_error(api.post("/v1/posts", content=body, headers=headers), 400)


def test_deeply_nested_json_to_oauth_is_invalid_request(api: TestClient) -> None:
    response = api.post("/v1/auth/token", content=DEEP, headers={"Content-Type": "application/json"})
    assert_oauth_error(response, 400, "invalid_request")
