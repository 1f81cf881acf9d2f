"""Client applications: registration, the built-in web client, and the view Authlib reads.

A public client (a browser or mobile app) cannot keep a secret: it must use PKCE (S256).
A confidential client (a server) authenticates with its secret (HTTP Basic or form fields);
only a hash of the secret is stored. Redirect URIs are compared exactly; those starting with
``/`` are paths on the authorization server's own origin (the bundled web app's).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import ClientMixin

from ..errors import Forbidden, InvalidInput, NotFound
from ..model import Client
from ..nearcache import NearCache
from ..ports import ClientStore
from ..scopes import ADMIN, USER_SCOPES, parse_scope, scope_text
from ..services.auth import WEB_CLIENT_ID
from ..services.tokens import TokenService, digest
from ..validation import check_text

__all__ = ["OOB_URI", "WEB_CLIENT", "ClientService", "ClientView"]

OOB_URI = "urn:ietf:wg:oauth:2.0:oob"
"""The redirect URI of out-of-band clients: the code is shown to the user to copy."""

AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS, PASSWORD = (
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
)
WEB_CLIENT = Client(
    id=WEB_CLIENT_ID,
    name="feedcore web",
    redirect_uris=("/", "/callback"),
    scopes=USER_SCOPES,
    grant_types=(AUTHORIZATION_CODE, REFRESH_TOKEN, PASSWORD),
    secret_hash=None,
    created_at=0.0,
)
"""The built-in first-party public client: the bundled web app, and password sign-ins that
name no client."""
_BUILT_IN = {WEB_CLIENT.id: WEB_CLIENT}
_CLIENT_KIND = "client"
_MAX_REDIRECT_URIS = 10


class ClientView(ClientMixin):  # type: ignore[misc]
    """A :class:`~feedcore.model.Client` as Authlib's grants and endpoints ask about it."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get_client_id(self) -> str:
        return self.client.id

    def get_default_redirect_uri(self) -> str | None:
        uris = self.client.redirect_uris
        return uris[0] if len(uris) == 1 and not uris[0].startswith("/") else None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The requested scope if the client may have it (all its scopes if none was asked),
        else None (Authlib answers ``invalid_scope``)."""
        if not scope:
            return scope_text(s for s in self.client.scopes if s != ADMIN)
        wanted = set(scope.split())
        return scope_text(wanted) if wanted <= set(self.client.scopes) else None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.client.redirect_uris and not redirect_uri.startswith("/")

    def check_client_secret(self, client_secret: str) -> bool:
        stored = self.client.secret_hash
        return stored is not None and hmac.compare_digest(stored, digest(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.client.public:
            return method in ("none", "implied")
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and AUTHORIZATION_CODE in self.client.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.client.grant_types


def _check_redirect_uri(uri: object) -> str:
    """An absolute redirect URI without a fragment: https, http on a loopback host (RFC 8252),
    a private-use scheme of a native app, or the out-of-band URN. Raises InvalidInput."""
    if not isinstance(uri, str) or not uri or len(uri) > 512:
        raise InvalidInput("a redirect URI must be a URL of at most 512 characters", code="invalid_redirect_uri")
    if uri == OOB_URI:
        return uri
    parts = urlsplit(uri)
    ok = bool(parts.scheme) and not parts.fragment
    if parts.scheme == "http":
        ok = ok and _loopback(parts.hostname or "")
    elif parts.scheme == "https":
        ok = ok and bool(parts.hostname)
    else:
        ok = ok and "." in parts.scheme  # a reverse domain name, e.g. com.example.app:/callback
    if not ok:
        raise InvalidInput(
            f"redirect URI {uri[:80]!r} must be https, http on a loopback host, a native app's reverse-domain "
            f"scheme, or {OOB_URI}, without a fragment",
            code="invalid_redirect_uri",
        )
    return uri


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ClientService:
    """Registers client applications and finds them (the store, fronted by the near cache)."""

    def __init__(
        self,
        clients: ClientStore,
        tokens: TokenService,
        near: NearCache[tuple[str, int | str], Any],
        clock: Callable[[], float],
    ) -> None:
        self._clients = clients
        self._tokens = tokens
        self._near = near
        self._clock = clock

    def register(
        self,
        name: str,
        redirect_uris: Sequence[str],
        scopes: str | Sequence[str] | None = None,
        *,
        confidential: bool = False,
        client_credentials: bool = False,
        owner_id: int | None = None,
        first_party: bool = False,
    ) -> tuple[Client, str | None]:
        """Register a client; returns it and its secret (None for a public client: shown once,
        only a hash is kept). ``client_credentials`` (confidential clients only) lets it get
        tokens of its own; ``first_party`` (operators only) lets it take users' passwords and be
        granted ``admin``. Raises InvalidInput."""
        if isinstance(redirect_uris, str) or not isinstance(redirect_uris, Sequence):
            raise InvalidInput("redirect_uris must be a list of URLs", code="invalid_redirect_uri")
        uris = tuple(dict.fromkeys(_check_redirect_uri(u) for u in redirect_uris))
        if len(uris) > _MAX_REDIRECT_URIS:
            raise InvalidInput(f"at most {_MAX_REDIRECT_URIS} redirect URIs", code="invalid_redirect_uri")
        granted = parse_scope(scopes) if scopes else USER_SCOPES
        if ADMIN in granted and not first_party:
            raise Forbidden("only an operator may register a client with the admin scope", code="invalid_scope")
        if client_credentials and not confidential:
            raise InvalidInput("only confidential clients may use client credentials", code="invalid_client_metadata")
        grants = ((AUTHORIZATION_CODE, REFRESH_TOKEN) if uris else ()) + (
            (CLIENT_CREDENTIALS,) if client_credentials else ()
        )
        if first_party:
            grants += (PASSWORD,) + (() if uris else (REFRESH_TOKEN,))
        if not grants:
            raise InvalidInput("give redirect URIs, or ask for client credentials", code="invalid_redirect_uri")
        secret = f"fcs_{secrets.token_urlsafe(32)}" if confidential else None
        client = Client(
            id=f"fc_{secrets.token_urlsafe(12)}",
            name=check_text(name, "name", 100),
            redirect_uris=uris,
            scopes=granted,
            grant_types=grants,
            secret_hash=digest(secret) if secret else None,
            created_at=self._clock(),
            owner_id=owner_id,
        )
        self._clients.create_client(client)
        return client, secret

    def get(self, client_id: str) -> Client | None:
        """The registered (or built-in) client, or None."""
        if not isinstance(client_id, str) or not 0 < len(client_id) <= 64:
            return None
        if client_id in _BUILT_IN:
            return _BUILT_IN[client_id]
        key = (_CLIENT_KIND, client_id)
        known = self._near.get_many([key])
        if known:
            return known[key]  # type: ignore[no-any-return]
        client = self._clients.get_client(client_id)
        if client is not None:
            self._near.set_many({key: client})
        return client

    def delete(self, client_id: str, owner_id: int | None = None) -> None:
        """Remove a client (its owner's, when ``owner_id`` is given) and end every session
        issued to it: its access and refresh tokens stop working (in other processes within
        ``near_cache_ttl``), and its codes can no longer be exchanged. Raises NotFound."""
        client = self.get(client_id)
        if client is None or client.id in _BUILT_IN or (owner_id is not None and client.owner_id != owner_id):
            raise NotFound(f"no client {client_id!r}")
        self._clients.delete_client(client_id)
        self._near.delete_many([(_CLIENT_KIND, client_id)])
        self._tokens.revoke_sessions_of_client(client_id)
