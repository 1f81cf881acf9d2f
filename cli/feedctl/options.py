"""Shared helpers of the feedctl commands: opening the platform, output, error handling."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from feedcore import Platform, Settings
from feedcore.errors import FeedcoreError

__all__ = ["emit", "json_option", "open_platform", "table"]

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")


@contextmanager
def open_platform(**overrides: Any) -> Iterator[Platform]:
    """The platform from FEEDCORE_* variables; a feedcore error becomes a clean CLI error."""
    try:
        with Platform.open(Settings.from_env(**overrides)) as platform:
            yield platform
    except FeedcoreError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    """A plain aligned text table."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def emit(as_json: bool, data: Any, render: Callable[[], str]) -> None:
    """Print ``data`` as JSON, or what ``render`` makes of it."""
    click.echo(json.dumps(data, indent=2, default=str) if as_json else render())
