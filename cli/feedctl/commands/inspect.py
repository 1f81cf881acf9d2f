"""feedctl commands: inspect."""

import click

COMMANDS: list[click.Command] = []
