"""Token revocation (RFC 7009) and introspection (RFC 7662), as Authlib endpoints over the
sessions a token names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from authlib.oauth2.rfc6749 import TokenMixin
from authlib.oauth2.rfc7009 import RevocationEndpoint as _Revocation
from authlib.oauth2.rfc7662 import IntrospectionEndpoint as _Introspection

from ..model import Session
from .clients import ClientView
from .grants import oauth_errors

if TYPE_CHECKING:
    from .server import OAuthServer

__all__ = ["IntrospectionEndpoint", "RevocationEndpoint"]


class _TokenView(TokenMixin):  # type: ignore[misc]
    """A token found live: its session and what introspection says of it."""

    def __init__(self, session: Session, description: dict[str, Any]) -> None:
        self.session = session
        self.description = description

    def check_client(self, client: ClientView) -> bool:
        return self.session.client_id == client.client.id

    def get_scope(self) -> str:
        return str(self.description["scope"])

    def is_expired(self) -> bool:
        return False  # only live tokens are found

    def is_revoked(self) -> bool:
        return False


class _Lookup:
    server: OAuthServer

    def query_token(self, token_string: str, token_type_hint: str | None) -> _TokenView | None:
        with oauth_errors():
            found = self.server.tokens.introspect(token_string)
        return _TokenView(*found) if found else None


class RevocationEndpoint(_Lookup, _Revocation):  # type: ignore[misc]
    """Revoking a refresh or access token ends its session (every token of the sign-in).
    Public clients identify with ``client_id``; a request naming no client acts for the
    token's own client when that client is public."""

    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none", "implied"]

    def revoke_token(self, token: _TokenView, request: Any) -> None:
        with oauth_errors():
            self.server.tokens.revoke_session(token.session.id)


class IntrospectionEndpoint(_Lookup, _Introspection):  # type: ignore[misc]
    """For resource servers: any confidential client may ask about a token."""

    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def check_permission(self, token: _TokenView, client: ClientView, request: Any) -> bool:
        return True

    def introspect_token(self, token: _TokenView) -> dict[str, Any]:
        return {"active": True, **token.description}
