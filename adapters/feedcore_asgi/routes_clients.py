"""Client applications (apps register themselves); the caller's sessions, password and account."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from feedcore.errors import InvalidInput
from feedcore.model import Principal

from .auth import bearer_token
from .endpoint import Call, endpoint, json_response, no_content
from .serialize import rfc3339

__all__ = ["ROUTES"]


def _principal(call: Call) -> Principal:
    return call.platform.auth.verify(bearer_token(call.request.headers) or "")


def _flag(call: Call, name: str) -> bool:
    value = call.field(name, False)
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false", code=f"invalid_{name}")
    return value


@endpoint(auth="required", body="json")
def create_client(call: Call) -> Response:
    """Register a client application owned by the caller; its secret is shown only here."""
    created, secret = call.platform.clients.register(
        call.field("name"),
        call.field("redirect_uris", []),
        call.field("scope"),
        confidential=_flag(call, "confidential"),
        client_credentials=_flag(call, "client_credentials"),
        owner_id=call.user,
    )
    body = {
        "client_id": created.id,
        "name": created.name,
        "redirect_uris": list(created.redirect_uris),
        "scope": " ".join(created.scopes),
        "grant_types": list(created.grant_types),
        "token_endpoint_auth_method": "none" if secret is None else "client_secret_basic",
    }
    if secret is not None:
        body["client_secret"] = secret
    return json_response(body, 201, {"Location": f"/v1/clients/{created.id}", "Cache-Control": "no-store"})


@endpoint(auth="required")
def delete_client(call: Call) -> Response:
    call.platform.clients.delete(call.request.path_params["client_id"], owner_id=call.user)
    return no_content()


@endpoint(auth="required")
def list_sessions(call: Call) -> Response:
    """The caller's sessions (sign-ins), newest first; ``current`` marks the caller's own."""
    current = _principal(call).session_id
    items = []
    for session in call.platform.auth.sessions(call.user):
        client = call.platform.clients.get(session.client_id)
        items.append(
            {
                "id": str(session.id),
                "client_id": session.client_id,
                "client_name": client.name if client else session.client_id,
                "scope": session.scope,
                "created_at": rfc3339(session.created_at),
                "expires_at": rfc3339(session.expires_at),
                "current": session.id == current,
            }
        )
    return json_response({"items": items, "next_cursor": None})


@endpoint(auth="required")
def end_session(call: Call) -> Response:
    call.platform.auth.end_session(call.user, call.path_id("session_id", "session"))
    return no_content()


@endpoint(auth="required", body="json")
def change_password(call: Call) -> Response:
    """Change the caller's password; every other session of theirs ends."""
    call.platform.auth.change_password(
        call.user,
        call.field("current_password"),
        call.field("new_password"),
        keep_session=_principal(call).session_id,
    )
    return no_content()


@endpoint(auth="required", body="json")
def delete_account(call: Call) -> Response:
    """Delete the caller's account (the password confirms it); its data is removed in the background."""
    call.platform.auth.delete_account(call.user, call.field("password"))
    return json_response({}, 202)


ROUTES = [
    Route("/v1/me", delete_account, methods=["DELETE"]),
    Route("/v1/clients", create_client, methods=["POST"]),
    Route("/v1/clients/{client_id}", delete_client, methods=["DELETE"]),
    Route("/v1/me/sessions", list_sessions, methods=["GET"]),
    Route("/v1/me/sessions/{session_id}", end_session, methods=["DELETE"]),
    Route("/v1/me/password", change_password, methods=["PUT"]),
]
