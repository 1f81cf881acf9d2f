"""feedctl client commands: register, show and remove OAuth client applications."""

from __future__ import annotations

import click

from ..options import emit, json_option, open_platform, table

__all__ = ["COMMANDS"]


@click.group()
def client() -> None:
    """Register and manage OAuth client applications."""


@client.command("create")
@click.argument("name")
@click.option("--redirect-uri", "redirect_uris", multiple=True, help="A redirect URI (repeat for several).")
@click.option("--scope", default=None, help="Space-separated scopes it may ask for (default: read write follow).")
@click.option("--confidential", is_flag=True, help="A server-side client with a secret (default: public, PKCE).")
@click.option("--client-credentials", is_flag=True, help="Let a confidential client get tokens of its own.")
@click.option("--first-party", is_flag=True, help="Your own client: may take users' passwords and have 'admin'.")
@json_option
def client_create(
    name: str,
    redirect_uris: tuple[str, ...],
    scope: str | None,
    confidential: bool,
    client_credentials: bool,
    first_party: bool,
    as_json: bool,
) -> None:
    """Register a client application NAME; prints its id (and its secret, shown only once)."""
    with open_platform() as platform:
        created, secret = platform.clients.register(
            name,
            list(redirect_uris),
            scope,
            confidential=confidential or client_credentials,
            client_credentials=client_credentials,
            first_party=first_party,
        )
    data = {
        "client_id": created.id,
        "client_secret": secret,
        "name": created.name,
        "redirect_uris": list(created.redirect_uris),
        "scope": " ".join(created.scopes),
        "grant_types": list(created.grant_types),
    }
    rows = [(k, " ".join(v) if isinstance(v, list) else v) for k, v in data.items() if v is not None]
    emit(as_json, data, lambda: table(rows, ("field", "value")))


@client.command("delete")
@click.argument("client_id")
def client_delete(client_id: str) -> None:
    """Remove the client application CLIENT_ID and end every session issued to it."""
    with open_platform() as platform:
        platform.clients.delete(client_id)
    click.echo(f"deleted client {client_id}")


COMMANDS = [client]
