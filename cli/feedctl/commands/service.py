"""feedctl commands: service."""

import click

COMMANDS: list[click.Command] = []
