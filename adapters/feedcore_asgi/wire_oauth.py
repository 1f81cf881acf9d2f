"""The authorization server's wire types (RFC 6749, 7009, 7662, 8414): what its endpoints
take and answer, as msgspec Structs for decoding and the document. Their bodies are forms
(JSON objects are accepted too); their errors are OAuth's flat ``{"error", "error_description"}``."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

__all__ = [
    "Empty",
    "IntrospectRequest",
    "Introspection",
    "Metadata",
    "OAuthError",
    "RevokeRequest",
    "TokenRequest",
    "Tokens",
]

Optional = str | UnsetType
NonEmpty = Annotated[str, Meta(min_length=1)]


class TokenRequest(Struct):
    """The fields each grant needs are checked by the grant (RFC 6749 section 4)."""

    grant_type: Literal["authorization_code", "refresh_token", "client_credentials", "password"]
    code: Optional = UNSET
    redirect_uri: Optional = UNSET
    code_verifier: Optional = UNSET
    refresh_token: Optional = UNSET
    username: Optional = UNSET
    password: Optional = UNSET
    scope: Optional = UNSET
    client_id: Optional = UNSET
    client_secret: Optional = UNSET


class RevokeRequest(Struct):
    token: NonEmpty
    token_type_hint: Optional = UNSET
    client_id: Optional = UNSET
    client_secret: Optional = UNSET


class IntrospectRequest(RevokeRequest):
    pass


class Tokens(Struct, forbid_unknown_fields=True):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: Annotated[int, Meta(ge=1, description="Seconds the access token lives.")]
    scope: Annotated[str, Meta(description="The granted scopes, space-separated.")]
    refresh_token: Annotated[str, Meta(description="Absent for grants that get none.")] | UnsetType = UNSET


class Empty(Struct, forbid_unknown_fields=True):
    pass


class Introspection(Struct):
    """``active`` false says nothing more; an active token's claims follow (RFC 7662)."""

    active: bool


class Metadata(Struct):
    """RFC 8414 authorization server metadata (more fields may follow)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    revocation_endpoint: str
    introspection_endpoint: str
    scopes_supported: list[str]
    grant_types_supported: list[str]


class OAuthError(Struct, forbid_unknown_fields=True, omit_defaults=True):
    """An RFC 6749 section 5.2 error."""

    error: Annotated[str, Meta(pattern=r"^[a-z_]+$")]
    error_description: Optional = UNSET
    error_uri: Optional = UNSET
