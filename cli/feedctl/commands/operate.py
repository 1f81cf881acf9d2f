"""feedctl commands: operate."""

import click

COMMANDS: list[click.Command] = []
