"""Shared helpers of the feedctl commands: opening the platform, output, error handling."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import make_url

from feedcore import Platform, Settings
from feedcore.errors import FeedcoreError

from .render import plain

__all__ = ["emit", "json_option", "open_platform", "table"]

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")


def _missing_sqlite_files(settings: Settings) -> list[Path]:
    """The SQLite database files ``settings`` name that do not exist (yet)."""
    files = []
    for url in settings.database_urls:
        parsed = make_url(url) if url.startswith("sqlite") else None
        if parsed is not None and parsed.database not in (None, "", ":memory:"):
            files.append(Path(parsed.database))
    return [f for f in files if not f.exists()]


@contextmanager
def open_platform(*, create: bool = False, migrate: bool = True, **overrides: Any) -> Iterator[Platform]:
    """The platform from FEEDCORE_* variables; a feedcore error becomes a clean CLI error.

    Only commands that set up a platform (``create``: init, serve, seed) may start a new SQLite
    database; the others refuse, so a command run from the wrong directory does not quietly
    make an empty platform (a database, a secret key) there. ``migrate``: bring schemas, topics
    and buckets up to date first (long-running consumers skip it, to restart fast)."""
    settings = Settings.from_env(**overrides)
    missing = [] if create else _missing_sqlite_files(settings)
    if missing:
        raise click.ClickException(
            f"no feedcore platform here: {missing[0]} does not exist. Run `feedctl init` to create one, "
            "or point FEEDCORE_DATA_DIR (or FEEDCORE_DATABASE_URL) at an existing platform"
        )
    try:
        with Platform.open(settings, migrate=migrate) as platform:
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
    """Print ``data`` as JSON (ids as strings, times RFC 3339, as over HTTP), or what ``render``
    makes of it."""
    click.echo(json.dumps(plain(data), indent=2, ensure_ascii=False) if as_json else render())
