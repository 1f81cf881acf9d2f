"""A small populated API and one request per operation that succeeds on it.

The limit and status tests start from these requests and change one thing at a time.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
from collections.abc import Callable
from html import unescape
from typing import Any

import attrs
import httpx

from feedcore import Platform

from .client import PASSWORD, PNG, ApiUser, signup


@attrs.frozen
class Request:
    """One request; ``json``/``data``/``content`` are the body, ``params`` the query."""

    method: str
    path: str
    headers: dict[str, str] = attrs.field(factory=dict)
    params: dict[str, Any] = attrs.field(factory=dict)
    json: Any = None
    data: dict[str, str] | None = None
    content: bytes | None = None

    def send(self, client: httpx.Client) -> httpx.Response:
        body: dict[str, Any] = {}
        if self.json is not None:
            body["json"] = self.json
        elif self.data is not None:
            body["data"] = self.data
        elif self.content is not None:
            body["content"] = self.content
        return client.request(
            self.method, self.path, headers=self.headers, params=self.params, follow_redirects=False, **body
        )


@attrs.define
class World:
    """Alice and Bob on one app, and a confidential client (a resource server that may
    introspect tokens); helpers make fresh objects for requests that consume them."""

    client: httpx.Client
    alice: ApiUser
    bob: ApiUser
    client_auth: dict[str, str]
    operator_auth: dict[str, str]
    """An operator's client granted ``admin`` (client credentials)."""
    counter: itertools.count[int] = attrs.field(factory=lambda: itertools.count(1))

    @classmethod
    def on(cls, client: httpx.Client, platform: Platform) -> World:
        def basic(name: str, scope: str | None = None, first_party: bool = False) -> dict[str, str]:
            registered, secret = platform.clients.register(
                name, [], scope, confidential=True, client_credentials=True, first_party=first_party
            )
            return {"Authorization": "Basic " + base64.b64encode(f"{registered.id}:{secret}".encode()).decode()}

        users = signup(client, "alice"), signup(client, "bob")
        return cls(client, *users, basic("Resource server"), basic("Operator", "read admin", first_party=True))

    def admin(self) -> dict[str, str]:
        """A bearer header with an ``admin`` token (the operator's client)."""
        data = {"grant_type": "client_credentials"}
        response = self.client.post("/v1/auth/token", headers=self.operator_auth, data=data)
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def handle(self) -> str:
        return f"user{next(self.counter)}"

    def user(self) -> ApiUser:
        return signup(self.client, self.handle())

    def upload(self, user: ApiUser | None = None) -> dict[str, Any]:
        owner = user or self.alice
        response = self.client.post("/v1/media", headers={**owner.auth, "Content-Type": "image/png"}, content=PNG)
        assert response.status_code == 201, response.text
        media: dict[str, Any] = response.json()
        return media

    def media(self, user: ApiUser | None = None) -> str:
        return str(self.upload(user)["id"])

    def post(self, user: ApiUser | None = None) -> str:
        response = self.client.post("/v1/posts", headers=(user or self.alice).auth, json={"text": "a post"})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def scoped(self, scope: str) -> dict[str, str]:
        """Alice's auth header for a token granted only ``scope``."""
        body = {"grant_type": "password", "username": "alice", "password": PASSWORD, "scope": scope}
        response = self.client.post("/v1/auth/token", data=body)
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def app(self, **extra: Any) -> dict[str, Any]:
        """A client application registered by Alice."""
        body = {"name": "Phone app", "redirect_uris": [REDIRECT], **extra}
        response = self.client.post("/v1/clients", headers=self.alice.auth, json=body)
        assert response.status_code == 201, response.text
        registered: dict[str, Any] = response.json()
        return registered

    def session(self) -> tuple[ApiUser, str]:
        """A fresh user and the id of its session."""
        user = self.user()
        sessions = self.client.get("/v1/me/sessions", headers=user.auth).json()["items"]
        return user, str(sessions[0]["id"])

    def login_form(self, **fields: str) -> dict[str, str]:
        """The sign-in page's form (its anti-forgery token), as Alice, with ``fields``."""
        page = self.client.get("/v1/auth/login").text
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
        return {**{k: unescape(v) for k, v in hidden.items()}, "username": "alice", "password": PASSWORD, **fields}

    def signed_in(self) -> None:
        """The client's cookies are those of a browser in which Alice signed in."""
        response = self.client.post("/v1/auth/login", data=self.login_form(), follow_redirects=False)
        assert response.status_code == 303, response.text

    def authorize_query(self, **extra: str) -> dict[str, str]:
        """An authorization request of a public client with PKCE."""
        verifier = "v" * 43
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        base = {
            "response_type": "code",
            "client_id": self.app()["client_id"],
            "redirect_uri": REDIRECT,
            "scope": "read",
            "state": "s1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return {**base, **extra}

    def consent_form(self, **extra: str) -> dict[str, str]:
        """The consent page's form for a fresh request, signed in as Alice."""
        self.signed_in()
        page = self.client.get("/v1/auth/authorize", params=self.authorize_query(**extra)).text
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
        return {k: unescape(v) for k, v in hidden.items()}

    def comment(self) -> str:
        post = self.post()
        response = self.client.post(f"/v1/posts/{post}/comments", headers=self.alice.auth, json={"text": "hi"})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


REDIRECT = "http://127.0.0.1:9999/cb"


def _media_key(world: World) -> str:
    return str(world.upload()["url"]).removeprefix("/media/")


def _end_session(world: World) -> Request:
    user, session = world.session()
    return Request("DELETE", f"/v1/me/sessions/{session}", user.auth)


def _sign_out(world: World) -> Request:
    world.signed_in()
    return Request("POST", "/v1/auth/logout", data={"csrf": world.login_form()["csrf"]})


def _consent_page(world: World) -> Request:
    world.signed_in()
    return Request("GET", "/v1/auth/authorize", params=world.authorize_query())


def _token(world: World) -> Request:
    user = world.user()
    return Request(
        "POST", "/v1/auth/token", data={"grant_type": "password", "username": user.handle, "password": PASSWORD}
    )


EXAMPLES: dict[tuple[str, str], Callable[[World], Request]] = {
    ("POST", "/v1/users"): lambda w: Request("POST", "/v1/users", json={"handle": w.handle(), "password": PASSWORD}),
    ("POST", "/v1/auth/token"): _token,
    ("POST", "/v1/auth/revoke"): lambda w: Request("POST", "/v1/auth/revoke", data={"token": w.user().refresh_token}),
    ("POST", "/v1/auth/introspect"): lambda w: Request(
        "POST", "/v1/auth/introspect", w.client_auth, data={"token": w.alice.access_token}
    ),
    ("GET", "/.well-known/oauth-authorization-server"): lambda w: Request(
        "GET", "/.well-known/oauth-authorization-server"
    ),
    ("GET", "/v1/me"): lambda w: Request("GET", "/v1/me", w.alice.auth),
    ("PATCH", "/v1/me"): lambda w: Request("PATCH", "/v1/me", w.user().auth, json={"bio": "hello"}),
    ("GET", "/v1/users/{user}"): lambda w: Request("GET", f"/v1/users/@{w.alice.handle}"),
    ("GET", "/v1/users/{user}/followers"): lambda w: Request("GET", f"/v1/users/{w.alice.id}/followers"),
    ("GET", "/v1/users/{user}/following"): lambda w: Request("GET", f"/v1/users/{w.alice.handle}/following"),
    ("GET", "/v1/users/{user}/posts"): lambda w: Request("GET", f"/v1/users/{w.alice.id}/posts"),
    ("PUT", "/v1/me/following/{user}"): lambda w: Request("PUT", f"/v1/me/following/{w.alice.id}", w.bob.auth),
    ("DELETE", "/v1/me/following/{user}"): lambda w: Request("DELETE", f"/v1/me/following/{w.alice.id}", w.bob.auth),
    ("GET", "/v1/feed"): lambda w: Request("GET", "/v1/feed", w.bob.auth),
    ("POST", "/v1/media"): lambda w: Request(
        "POST", "/v1/media", {**w.alice.auth, "Content-Type": "image/png"}, content=PNG
    ),
    ("POST", "/v1/posts"): lambda w: Request("POST", "/v1/posts", w.alice.auth, json={"text": "hello"}),
    ("GET", "/v1/posts/{post_id}"): lambda w: Request("GET", f"/v1/posts/{w.post()}"),
    ("PATCH", "/v1/posts/{post_id}"): lambda w: Request(
        "PATCH", f"/v1/posts/{w.post()}", w.alice.auth, json={"text": "edited"}
    ),
    ("DELETE", "/v1/posts/{post_id}"): lambda w: Request("DELETE", f"/v1/posts/{w.post()}", w.alice.auth),
    ("PUT", "/v1/posts/{post_id}/like"): lambda w: Request("PUT", f"/v1/posts/{w.post()}/like", w.bob.auth),
    ("DELETE", "/v1/posts/{post_id}/like"): lambda w: Request("DELETE", f"/v1/posts/{w.post()}/like", w.bob.auth),
    ("POST", "/v1/posts/{post_id}/comments"): lambda w: Request(
        "POST", f"/v1/posts/{w.post()}/comments", w.bob.auth, json={"text": "nice"}
    ),
    ("GET", "/v1/posts/{post_id}/comments"): lambda w: Request("GET", f"/v1/posts/{w.post()}/comments"),
    ("PATCH", "/v1/comments/{comment_id}"): lambda w: Request(
        "PATCH", f"/v1/comments/{w.comment()}", w.alice.auth, json={"text": "edited"}
    ),
    ("DELETE", "/v1/comments/{comment_id}"): lambda w: Request("DELETE", f"/v1/comments/{w.comment()}", w.alice.auth),
    ("POST", "/v1/clients"): lambda w: Request(
        "POST", "/v1/clients", w.alice.auth, json={"name": "Phone app", "redirect_uris": [REDIRECT]}
    ),
    ("DELETE", "/v1/clients/{client_id}"): lambda w: Request(
        "DELETE", f"/v1/clients/{w.app()['client_id']}", w.alice.auth
    ),
    ("GET", "/v1/me/sessions"): lambda w: Request("GET", "/v1/me/sessions", w.alice.auth),
    ("DELETE", "/v1/me/sessions/{session_id}"): _end_session,
    ("DELETE", "/v1/me"): lambda w: Request("DELETE", "/v1/me", w.user().auth, json={"password": PASSWORD}),
    ("PUT", "/v1/me/password"): lambda w: Request(
        "PUT", "/v1/me/password", w.user().auth, json={"current_password": PASSWORD, "new_password": "a new secret 1"}
    ),
    ("GET", "/v1/auth/login"): lambda w: Request("GET", "/v1/auth/login"),
    ("POST", "/v1/auth/login"): lambda w: Request("POST", "/v1/auth/login", data=w.login_form()),
    ("POST", "/v1/auth/logout"): _sign_out,
    ("GET", "/v1/auth/authorize"): _consent_page,
    ("POST", "/v1/auth/authorize"): lambda w: Request(
        "POST", "/v1/auth/authorize", data={**w.consent_form(), "decision": "allow"}
    ),
    ("GET", "/v1/admin/analytics"): lambda w: Request("GET", "/v1/admin/analytics", w.admin(), params={"days": 7}),
    ("GET", "/healthz"): lambda w: Request("GET", "/healthz"),
    ("GET", "/readyz"): lambda w: Request("GET", "/readyz"),
    ("GET", "/metrics"): lambda w: Request("GET", "/metrics"),
    ("GET", "/openapi.json"): lambda w: Request("GET", "/openapi.json"),
    ("GET", "/media/{key}"): lambda w: Request("GET", f"/media/{_media_key(w)}"),
}
"""A request that succeeds (or, for browser pages, is answered as asked), per documented
operation (method, path template). Requests follow no redirects."""
