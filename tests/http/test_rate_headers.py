"""A 429's headers agree: RateLimit-Reset is when the next request is allowed, as Retry-After."""

from __future__ import annotations

from .client import assert_error, signup
from .conftest import AppFactory


def test_a_denial_says_the_same_wait_in_both_headers(app_factory: AppFactory) -> None:
    api = app_factory(rate_limit="3/minute", anonymous_rate_limit="1000/minute")
    alice = signup(api, "alice")
    for _ in range(3):
        assert api.get("/v1/me", headers=alice.auth).status_code == 200
    limited = api.get("/v1/me", headers=alice.auth)
    assert_error(limited, 429, "rate_limited")
    assert limited.headers["ratelimit-reset"] == limited.headers["retry-after"]  # before: "60" against "20"
    assert 1 <= int(limited.headers["retry-after"]) <= 20
