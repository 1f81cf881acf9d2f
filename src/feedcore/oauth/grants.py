"""The grants, as small subclasses of Authlib's: Authlib parses and validates the protocol
(client authentication, redirect URIs, PKCE, scopes, error responses); feedcore's services
keep the state (codes, sessions, rotating refresh tokens).

Every ``create_token_response`` is feedcore's: a token is a session opened by
:class:`~feedcore.services.tokens.TokenService`, and a refresh is its atomic rotation.
"""

from __future__ import annotations

import contextlib
import math
import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from authlib.oauth2.rfc6749 import (
    AccessDeniedError,
    AuthorizationCodeMixin,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Error,
    grants,
)
from authlib.oauth2.rfc7636 import CodeChallenge

from ..errors import FeedcoreError, InvalidInput, RateLimited, Unauthorized, Unavailable
from ..ids import shard_of
from ..model import AuthorizationCode, Tokens
from ..services.tokens import digest, parse_credential
from .clients import ClientView

if TYPE_CHECKING:
    from .server import OAuthServer

__all__ = [
    "AuthorizationCodeGrant",
    "ClientCredentialsGrant",
    "PasswordGrant",
    "RefreshTokenGrant",
    "S256CodeChallenge",
    "oauth_errors",
    "token_body",
]

_CONFIDENTIAL = ["client_secret_basic", "client_secret_post"]
_ANY = [*_CONFIDENTIAL, "none", "implied"]


class _Throttled(OAuth2Error):  # type: ignore[misc]
    error = "temporarily_unavailable"
    status_code = 429

    def __init__(self, description: str, retry_after: float) -> None:
        super().__init__(description=description)
        self.retry_after = retry_after

    def get_headers(self) -> list[tuple[str, str]]:
        return [*super().get_headers(), ("Retry-After", str(max(1, math.ceil(self.retry_after))))]


class _Unavailable(OAuth2Error):  # type: ignore[misc]
    error = "temporarily_unavailable"
    status_code = 503

    def get_headers(self) -> list[tuple[str, str]]:
        return [*super().get_headers(), ("Retry-After", "1")]


def _ascii(text: str) -> str:
    """A description RFC 6749 allows (printable ASCII without ``"`` and ``\\``)."""
    return "".join(c if 0x20 <= ord(c) <= 0x7E and c not in '"\\' else "?" for c in text)


@contextlib.contextmanager
def oauth_errors() -> Iterator[None]:
    """Turn feedcore's errors into RFC 6749 ones (Unauthorized: ``invalid_grant``; invalid
    scope: ``invalid_scope``; throttled: 429; a backend down: 503)."""
    try:
        yield
    except Unauthorized as exc:
        raise InvalidGrantError(description=_ascii(exc.message)) from exc
    except RateLimited as exc:
        raise _Throttled(_ascii(exc.message), exc.retry_after) from exc
    except Unavailable as exc:
        raise _Unavailable(description=_ascii(exc.message)) from exc
    except InvalidInput as exc:
        if exc.code == "invalid_scope":
            raise InvalidScopeError(description=_ascii(exc.message)) from exc
        raise InvalidRequestError(description=_ascii(exc.message)) from exc
    except FeedcoreError as exc:
        raise InvalidRequestError(description=_ascii(exc.message)) from exc


def token_body(tokens: Tokens) -> dict[str, Any]:
    """The RFC 6749 section 5.1 response body of ``tokens``."""
    body: dict[str, Any] = {
        "access_token": tokens.access_token,
        "token_type": tokens.token_type,
        "expires_in": tokens.expires_in,
        "scope": tokens.scope,
    }
    if tokens.refresh_token is not None:
        body["refresh_token"] = tokens.refresh_token
    return body


class _CodeView(AuthorizationCodeMixin):  # type: ignore[misc]
    def __init__(self, code: AuthorizationCode) -> None:
        self.code = code

    def get_redirect_uri(self) -> str | None:
        return self.code.redirect_uri

    def get_scope(self) -> str:
        return self.code.scope


class S256CodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE (RFC 7636) with S256 only; public clients must use it."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        challenge, method = data.get("code_challenge"), data.get("code_challenge_method")
        if grant.request.client.client.public and not challenge:
            raise InvalidRequestError("Public clients must send a 'code_challenge' (PKCE, S256).")
        super().validate_code_challenge(grant, redirect_uri)
        if challenge and method != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")

    def get_authorization_code_challenge(self, authorization_code: _CodeView) -> str | None:
        return authorization_code.code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: _CodeView) -> str | None:
        return authorization_code.code.code_challenge_method


class _Grant:
    """What feedcore's grants share: the server's services, the response of new tokens."""

    server: OAuthServer
    request: Any
    TOKEN_RESPONSE_HEADER: list[tuple[str, str]]

    def _respond(self, tokens: Tokens) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        return 200, token_body(tokens), self.TOKEN_RESPONSE_HEADER

    @property
    def _client(self) -> ClientView:
        client: ClientView = self.request.client
        return client


class AuthorizationCodeGrant(_Grant, grants.AuthorizationCodeGrant):  # type: ignore[misc]
    """RFC 6749 section 4.1 with PKCE. A code is ``f"{id}.{secret}"``, single-use, and lives
    ``authorization_code_ttl`` seconds; presenting it again revokes the session it opened."""

    TOKEN_ENDPOINT_AUTH_METHODS = [*_CONFIDENTIAL, "none"]

    @staticmethod
    def validate_authorization_redirect_uri(request: Any, client: ClientView) -> str:
        """Registered paths (``/callback``) stand for the same path on the server's origin."""
        uri = request.payload.redirect_uri
        origin = request.http.origin
        if uri and uri.startswith(origin + "/") and uri[len(origin) :] in client.client.redirect_uris:
            return str(uri)
        return str(grants.AuthorizationCodeGrant.validate_authorization_redirect_uri(request, client))

    def generate_authorization_code(self) -> str:
        return f"{self.server.new_id(shard_of(self.request.user))}.{secrets.token_urlsafe(32)}"

    def create_authorization_response(self, redirect_uri: str, grant_user: int | None) -> Any:
        if not grant_user:
            raise AccessDeniedError(redirect_uri=redirect_uri)
        return super().create_authorization_response(redirect_uri, grant_user)

    def save_authorization_code(self, code: str, request: Any) -> None:
        d = self.server
        parsed = parse_credential(code, 1)
        assert parsed is not None  # made by generate_authorization_code
        now = d.clock()
        data = request.payload.data
        client_id = request.client.client.id
        with oauth_errors():
            d.codes.save_code(
                AuthorizationCode(
                    id=parsed[0],
                    secret_hash=digest(parsed[1][0]),
                    client_id=client_id,
                    user_id=request.user,
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.scope or "",
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    session_id=self.server.tokens.new_session_id(request.user, client_id),
                    created_at=now,
                    expires_at=now + d.settings.authorization_code_ttl,
                )
            )

    def query_authorization_code(self, code: str, client: ClientView) -> _CodeView | None:
        d = self.server
        parsed = parse_credential(code, 1)
        if parsed is None:
            return None
        with oauth_errors():
            found = d.codes.use_code(parsed[0], digest(parsed[1][0]), d.clock())
            if found is not None and found.used_at is not None:
                self.server.tokens.revoke_session(found.session_id)
                raise InvalidGrantError("The code was used already; the tokens issued for it are revoked.")
        if found is None or found.client_id != client.client.id:
            return None
        return _CodeView(found)

    def delete_authorization_code(self, authorization_code: _CodeView) -> None:
        """Nothing to do: the exchange marked it used (kept until it expires, to catch replays)."""

    def authenticate_user(self, authorization_code: _CodeView) -> int | None:
        return self.server.live_user(authorization_code.code.user_id)

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        code: AuthorizationCode = self.request.authorization_code.code
        user = self.authenticate_user(self.request.authorization_code)
        if user is None:
            raise InvalidGrantError("There is no 'user' for this code.")
        with oauth_errors():
            tokens = self.server.tokens.open_session(
                user,
                code.client_id,
                code.scope,
                refresh=self._client.check_grant_type("refresh_token"),
                session_id=code.session_id,
            )
        return self._respond(tokens)


class RefreshTokenGrant(_Grant, grants.RefreshTokenGrant):  # type: ignore[misc]
    """RFC 6749 section 6, with rotation: each refresh token works once; a second use of one
    revokes its session (the family of every token issued from the same sign-in)."""

    TOKEN_ENDPOINT_AUTH_METHODS = _ANY

    def validate_token_request(self) -> None:
        self.request.client = self._validate_request_client()
        if not self.request.form.get("refresh_token"):
            raise InvalidRequestError("Missing 'refresh_token' in request.")

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        with oauth_errors():
            tokens = self.server.tokens.refresh(
                self.request.form["refresh_token"],
                client_id=self._client.client.id,
                scope=self.request.payload.scope,
            )
        return self._respond(tokens)


class ClientCredentialsGrant(_Grant, grants.ClientCredentialsGrant):  # type: ignore[misc]
    """RFC 6749 section 4.4: a confidential client's own token (no user, no refresh token)."""

    TOKEN_ENDPOINT_AUTH_METHODS = _CONFIDENTIAL

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        client = self._client.client
        tokens = self.server.tokens
        with oauth_errors():
            scope = tokens.narrow(" ".join(client.scopes), self.request.payload.scope)
            return self._respond(tokens.open_session(None, client.id, scope, refresh=False))


class PasswordGrant(_Grant, grants.ResourceOwnerPasswordCredentialsGrant):  # type: ignore[misc]
    """RFC 6749 section 4.3, for first-party clients only (``Settings.password_grant``); a
    request naming no client is the built-in web client's. Throttled per account and address."""

    TOKEN_ENDPOINT_AUTH_METHODS = _ANY

    def authenticate_user(self, username: str, password: str) -> int:
        with oauth_errors():
            return self.server.auth.check_password(username, password, address=self.request.http.address)

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        scope = self._client.get_allowed_scope(self.request.payload.scope)
        if scope is None:
            raise InvalidScopeError()
        with oauth_errors():
            tokens = self.server.tokens.open_session(self.request.user, self._client.client.id, scope, refresh=True)
        return self._respond(tokens)
