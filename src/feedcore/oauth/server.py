"""The OAuth 2 authorization server: one Authlib ``AuthorizationServer`` with feedcore's
grants and endpoints registered on it, answering framework-free requests.

Implemented: RFC 6749 (authorization code, refresh token, client credentials, and the
password grant for first-party clients; errors of sections 4.1.2.1 and 5.2), RFC 7636 (PKCE,
S256 only, required of public clients), RFC 7009 (revocation), RFC 7662 (introspection) and
RFC 8414 (metadata). Not implemented: the implicit grant, dynamic client registration
(RFC 7591: apps register through feedcore's own endpoint), JWT client authentication.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Error

from ..model import Client
from ..ports import CodeStore, UserStore
from ..scopes import SCOPES
from ..services.auth import WEB_CLIENT_ID, AuthService
from ..services.tokens import TokenService
from ..settings import Settings
from .clients import OOB_URI, ClientService, ClientView
from .endpoints import IntrospectionEndpoint, RevocationEndpoint
from .grants import (
    AuthorizationCodeGrant,
    ClientCredentialsGrant,
    PasswordGrant,
    RefreshTokenGrant,
    S256CodeChallenge,
)
from .http import HttpRequest, HttpResponse, OAuthRequest

__all__ = ["PATHS", "Authorization", "Consent", "OAuthServer"]

PATHS = {
    "authorization_endpoint": "/v1/auth/authorize",
    "token_endpoint": "/v1/auth/token",
    "revocation_endpoint": "/v1/auth/revoke",
    "introspection_endpoint": "/v1/auth/introspect",
}
"""Where the HTTP adapter serves each endpoint (RFC 8414 names), relative to the issuer."""


@attrs.frozen
class Consent:
    """A valid authorization request, waiting for the signed-in user to allow or deny it."""

    client: Client
    scopes: tuple[str, ...]
    redirect_uri: str
    params: tuple[tuple[str, str], ...]
    """The request's parameters, to carry through the consent form."""


@attrs.frozen
class Authorization:
    """The outcome of an authorization request: exactly one field is set. ``consent``: ask
    the user; ``redirect``: send the browser there (a code, or an error the client reads);
    ``code``: show it to the user (out-of-band client); ``error``: show it (the client cannot
    be trusted with a redirect), with ``description``."""

    consent: Consent | None = None
    redirect: str | None = None
    code: str | None = None
    error: str | None = None
    description: str = ""


def _implied_client(server: OAuthServer) -> Any:
    """Client authentication ``implied``: a request naming no client acts for the public
    client its token was issued to, else for the built-in web client."""

    def authenticate(query_client: Any, request: OAuthRequest) -> ClientView | None:
        if request.headers.get("Authorization") or request.payload.client_id:
            return None
        token = request.form.get("refresh_token") or request.form.get("token")
        session = server.tokens.session_of(token) if token else None
        view: ClientView | None = query_client(session.client_id if session else WEB_CLIENT_ID)
        return view if view is not None and view.client.public else None

    return authenticate


class OAuthServer(AuthorizationServer):  # type: ignore[misc]
    """Answers the token, revocation, introspection and authorization endpoints."""

    def __init__(
        self,
        users: UserStore,
        codes: CodeStore,
        clock: Callable[[], float],
        new_id: Callable[[int], int],
        tokens: TokenService,
        auth: AuthService,
        clients: ClientService,
        settings: Settings,
    ) -> None:
        """``users``, ``codes``, ``clock``, ``new_id`` and ``settings`` are the grants' too."""
        super().__init__(scopes_supported=list(SCOPES))
        self.users = users
        self.codes = codes
        self.clock = clock
        self.new_id = new_id
        self.settings = settings
        self.tokens = tokens
        self.auth = auth
        self.clients = clients
        self.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True)])
        self.register_grant(RefreshTokenGrant)
        self.register_grant(ClientCredentialsGrant)
        if settings.password_grant:
            self.register_grant(PasswordGrant)
        self.register_endpoint(RevocationEndpoint)
        self.register_endpoint(IntrospectionEndpoint)
        self.register_client_auth_method("implied", _implied_client(self))

    # -- what Authlib asks of a framework integration ---------------------------------------

    def query_client(self, client_id: str) -> ClientView | None:
        client = self.clients.get(client_id)
        return ClientView(client) if client is not None else None

    def create_oauth2_request(self, request: HttpRequest | OAuthRequest) -> OAuthRequest:
        return request if isinstance(request, OAuthRequest) else OAuthRequest(request)

    def handle_response(self, status: int, body: Any, headers: Any) -> HttpResponse:
        return HttpResponse(status, body if isinstance(body, Mapping) else {}, dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals: feedcore's services do their own bookkeeping."""

    def save_token(self, token: Mapping[str, Any], request: Any) -> None:
        raise AssertionError("feedcore's grants open sessions themselves")  # pragma: no cover

    def live_user(self, user_id: int) -> int | None:
        """``user_id`` if that account exists (and is not being deleted)."""
        return user_id if self.users.get_user(user_id) is not None else None

    # -- endpoints --------------------------------------------------------------------------

    def token(self, request: HttpRequest) -> HttpResponse:
        """The token endpoint (RFC 6749 section 3.2)."""
        return self._answer(lambda: self.create_token_response(request))

    def revoke(self, request: HttpRequest) -> HttpResponse:
        """The revocation endpoint (RFC 7009)."""
        return self._answer(lambda: self.create_endpoint_response(RevocationEndpoint.ENDPOINT_NAME, request))

    def introspect(self, request: HttpRequest) -> HttpResponse:
        """The introspection endpoint (RFC 7662)."""
        return self._answer(lambda: self.create_endpoint_response(IntrospectionEndpoint.ENDPOINT_NAME, request))

    def metadata(self, issuer: str) -> dict[str, Any]:
        """The authorization server metadata (RFC 8414) of ``issuer`` (e.g. ``https://host``)."""
        grant_types = ["authorization_code", "refresh_token", "client_credentials"]
        if self.settings.password_grant:
            grant_types.append("password")
        auth_methods = ["client_secret_basic", "client_secret_post", "none"]
        return {
            "issuer": issuer,
            **{name: issuer + path for name, path in PATHS.items()},
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": grant_types,
            "token_endpoint_auth_methods_supported": auth_methods,
            "revocation_endpoint_auth_methods_supported": auth_methods,
            "introspection_endpoint_auth_methods_supported": auth_methods[:2],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorization(self, request: HttpRequest, user_id: int) -> Authorization:
        """Check an authorization request (RFC 6749 section 4.1.1) for the signed-in user:
        a consent to ask for, or an error."""
        try:
            grant = self.get_consent_grant(request, end_user=user_id)
        except OAuth2Error as error:
            return self._failed(error)
        request_ = grant.request
        return Authorization(
            consent=Consent(
                client=request_.client.client,
                scopes=tuple(str(request_.scope or "").split()),
                redirect_uri=grant.redirect_uri,
                params=tuple(request.params),
            )
        )

    def decide(self, request: HttpRequest, user_id: int, allow: bool) -> Authorization:
        """The user's answer to a consent (RFC 6749 section 4.1.2): a code (redirected, or shown
        to an out-of-band client), or ``access_denied`` for the client."""
        try:
            grant = self.get_consent_grant(request, end_user=user_id)
        except OAuth2Error as error:
            return self._failed(error)
        response: HttpResponse = self.create_authorization_response(
            grant.request, grant_user=user_id if allow else None, grant=grant
        )
        location = response.location or ""
        if location.startswith(OOB_URI):
            query = parse_qs(urlsplit(location).query)
            if "code" in query:
                return Authorization(code=query["code"][0])
            return Authorization(error=query.get("error", ["access_denied"])[0])
        if not location:
            return Authorization(error=str(response.body.get("error")), description=_describe(response.body))
        return Authorization(redirect=location)

    # -- internals --------------------------------------------------------------------------

    def _answer(self, respond: Any) -> HttpResponse:
        try:
            response: HttpResponse = respond()
        except OAuth2Error as error:  # raised before Authlib's own handling, e.g. insecure transport
            response = self.handle_error_response(None, error)
        return response

    def _failed(self, error: OAuth2Error) -> Authorization:
        status, body, headers = error()
        location = dict(headers).get("Location")
        if status == 302 and location and not location.startswith(OOB_URI):
            return Authorization(redirect=location)
        return Authorization(error=error.error, description=_describe(dict(body)) if status != 302 else "")


def _describe(body: Mapping[str, Any]) -> str:
    return str(body.get("error_description") or "")
