"""Driving the authorization server without HTTP: requests as the adapter builds them."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs

from feedcore import Platform
from feedcore.oauth import HttpRequest, HttpResponse

ORIGIN = "http://localhost"
REDIRECT = "http://127.0.0.1:9999/cb"
PASSWORD = "correct horse"


def pkce() -> tuple[str, str]:
    """A code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def request(path: str, params: dict[str, Any] | None = None, method: str = "POST", **headers: str) -> HttpRequest:
    items = tuple((k, str(v)) for k, v in (params or {}).items() if v is not None)
    return HttpRequest(method, ORIGIN + path, headers, items, "127.0.0.1")


def token(p: Platform, headers: dict[str, str] | None = None, **params: Any) -> HttpResponse:
    return p.oauth.token(request("/v1/auth/token", params, **(headers or {})))


@attrs.frozen
class CodeFlow:
    """An authorization request of a public client with PKCE, and what it takes to finish it."""

    client_id: str
    verifier: str
    challenge: str
    redirect_uri: str = REDIRECT
    scope: str | None = "read write"
    state: str = "state-1"

    def params(self, **overrides: Any) -> dict[str, Any]:
        base = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": self.state,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
        }
        return {**base, **overrides}

    def code(self, p: Platform, user_id: int, **overrides: Any) -> str:
        """Consent given by ``user_id``: the code from the redirect."""
        decision = p.oauth.decide(request("/v1/auth/authorize", self.params(**overrides)), user_id, allow=True)
        assert decision.redirect is not None, decision
        query = parse_qs(urlsplit(decision.redirect).query)
        assert query["state"] == [self.state]
        return query["code"][0]

    def exchange(self, p: Platform, code: str, **overrides: Any) -> HttpResponse:
        params = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "client_id": self.client_id,
            "code_verifier": self.verifier,
        }
        return token(p, **{**params, **overrides})


def public_flow(p: Platform, **kwargs: Any) -> CodeFlow:
    client, _ = p.clients.register("Phone app", [REDIRECT])
    return CodeFlow(client.id, *pkce(), **kwargs)
