"""Client applications (apps register themselves); the caller's sessions, password and account."""

from __future__ import annotations

from . import wire
from .call import Call
from .table import LOCATION, NO_STORE, Reply, Route, json_body, links

__all__ = ["ROUTES"]

_DONE = Reply(204, "Done.")


def create_client(call: Call[wire.NewClient, None]) -> wire.Client:
    """Register a client application owned by the caller; its secret is shown only here."""
    body = call.body
    created, secret = call.platform.clients.register(
        body.name,
        body.redirect_uris,
        wire.given(body.scope),
        confidential=body.confidential,
        client_credentials=body.client_credentials,
        owner_id=call.user,
    )
    call.header("Location", f"/v1/clients/{created.id}")
    call.header("Cache-Control", "no-store")
    call.header("Pragma", "no-cache")
    return wire.Client.of(created, secret)


def delete_client(call: Call[None, None]) -> None:
    call.platform.clients.delete(call.params["client_id"], owner_id=call.user)


def list_sessions(call: Call[None, None]) -> wire.SessionPage:
    """The caller's sessions (sign-ins), newest first."""
    platform, current = call.platform, call.principal.session_id if call.principal else None
    items = []
    for session in platform.auth.sessions(call.user):
        client = platform.clients.get(session.client_id)
        items.append(
            wire.Session(
                str(session.id),
                session.client_id,
                client.name if client else session.client_id,
                session.scope,
                wire.time(session.created_at),
                wire.time(session.expires_at),
                session.id == current,
            )
        )
    return wire.SessionPage(items, None)


def end_session(call: Call[None, None]) -> None:
    call.platform.auth.end_session(call.user, call.id("session_id", "session"))


def change_password(call: Call[wire.PasswordChange, None]) -> None:
    """Change the caller's password; every other session of theirs ends."""
    keep = call.principal.session_id if call.principal else None
    call.platform.auth.change_password(call.user, call.body.current_password, call.body.new_password, keep_session=keep)


def delete_account(call: Call[wire.PasswordConfirmation, None]) -> wire.Accepted:
    """Delete the caller's account (the password confirms it); its data is removed in the background."""
    call.platform.auth.delete_account(call.user, call.body.password)
    return wire.Accepted()


_TAGS = ("accounts",)

ROUTES = [
    Route(
        "DELETE",
        "/v1/me",
        delete_account,
        "Delete the caller's account (confirmed by password); its posts, likes, comments, follows and media "
        "are removed in the background.",
        Reply(202, "The account is gone; its data follows.", wire.Accepted),
        auth="required",
        scope="write",
        body=json_body(wire.PasswordConfirmation),
        tags=_TAGS,
    ),
    Route(
        "POST",
        "/v1/clients",
        create_client,
        "Register a client application (OAuth 2); the secret of a confidential one is shown only here.",
        Reply(
            201,
            "The client.",
            wire.Client,
            headers=(LOCATION, *NO_STORE),
            links=links("client_id", "$response.body#/client_id", "delete_client"),
        ),
        auth="required",
        scope="write",
        body=json_body(wire.NewClient),
        errors=(403,),
        tags=_TAGS,
    ),
    Route(
        "DELETE",
        "/v1/clients/{client_id}",
        delete_client,
        "Remove a client application the caller registered.",
        _DONE,
        auth="required",
        scope="write",
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/v1/me/sessions",
        list_sessions,
        "The caller's sessions (sign-ins), newest first.",
        Reply(200, "Every session (one page).", wire.SessionPage),
        auth="required",
        scope="read",
        tags=_TAGS,
    ),
    Route(
        "DELETE",
        "/v1/me/sessions/{session_id}",
        end_session,
        "End one of the caller's sessions.",
        _DONE,
        auth="required",
        scope="write",
        tags=_TAGS,
    ),
    Route(
        "PUT",
        "/v1/me/password",
        change_password,
        "Change the caller's password; their other sessions end.",
        _DONE,
        auth="required",
        scope="write",
        body=json_body(wire.PasswordChange),
        tags=_TAGS,
    ),
]
