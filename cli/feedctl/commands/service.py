"""feedctl commands that run feedcore as a service: serve (the HTTP API), worker, relay."""

from __future__ import annotations

import copy
import json
import logging
import threading
from pathlib import Path
from typing import Any

import click

from feedcore import Settings
from feedcore.backends import scheme_of
from feedcore.handlers import DEFAULT_GROUPS

from ..options import open_platform

__all__ = ["COMMANDS"]

APP = "feedcore_asgi:app"
_LEVELS = click.Choice(["debug", "info", "warning", "error"])


def _log_config(level: str, access_log: bool) -> dict[str, Any]:
    """uvicorn's logging plus feedcore's: the JSON access log as bare lines on stdout (or off)."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["bare"] = {"format": "%(message)s"}
    config["handlers"]["feedcore_access"] = {
        "formatter": "bare",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["feedcore"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    config["loggers"]["feedcore.access"] = {
        "handlers": ["feedcore_access"],
        "level": "INFO" if access_log else "WARNING",
        "propagate": False,
    }
    return config


def _basic_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="Server processes.")
@click.option("--log-level", default="info", show_default=True, type=_LEVELS)
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="One JSON line per request.")
def serve(host: str, port: int, workers: int, log_level: str, access_log: bool) -> None:
    """Serve the HTTP API under uvicorn (the ASGI app is feedcore_asgi:app).

    With no configuration this is a complete platform from ./feedcore-data. Several --workers
    need a shared cache (FEEDCORE_CACHE_URL=redis://...): sessions and rate limits live there.
    With a bus other than memory://, also run `feedctl relay` and `feedctl worker`.
    """
    import uvicorn

    settings = Settings.from_env()
    if workers > 1 and settings.cache_url.startswith("memory:"):
        raise click.UsageError(
            "--workers > 1 needs a shared cache (set FEEDCORE_CACHE_URL=redis://...); "
            "with the in-process cache each process would have its own sessions"
        )
    with open_platform(create=True) as platform:  # create or upgrade schemas once, and fail early on bad settings
        not_ok = {role: status for role, status in platform.check().items() if status != "ok"}
    if not_ok:
        click.echo(f"warning: not ready yet: {not_ok}", err=True)
    uvicorn.run(
        APP,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=_log_config(log_level, access_log),
        log_level=log_level,
        lifespan="on",
        proxy_headers=True,
    )


@click.command()
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to FILE instead of standard output.")
def openapi(out: str | None) -> None:
    """Print the HTTP API's OpenAPI 3.1 document (as /openapi.json serves it), without a server.

    The bounds in it (text lengths, body sizes) come from FEEDCORE_* settings, as the server's
    do. The output is stable: sorted keys, two-space indents, a final newline.
    """
    from feedcore_asgi import ROUTES, openapi_document

    text = json.dumps(openapi_document(ROUTES, Settings.from_env()), sort_keys=True, indent=2, ensure_ascii=False)
    if out is None:
        click.echo(text)
    else:
        Path(out).write_text(text + "\n", encoding="utf-8")


def _handlers(handlers: str | None) -> list[str]:
    chosen = [h.strip() for h in (handlers or "").split(",") if h.strip()]
    unknown = [h for h in chosen if h not in DEFAULT_GROUPS]
    if unknown:
        raise click.BadParameter(f"unknown handler(s) {', '.join(unknown)}; known: {', '.join(DEFAULT_GROUPS)}")
    return list(dict.fromkeys(chosen)) or list(DEFAULT_GROUPS)


def _shared_bus(settings: Settings, what: str) -> None:
    if scheme_of(settings.bus_url) == "memory":
        raise click.UsageError(
            f"the bus is in-process ({settings.bus_url}): `feedctl serve` dispatches events itself; "
            f"a separate {what} needs a shared bus (FEEDCORE_BUS_URL=kafka://...)"
        )


@click.command()
@click.option(
    "--group",
    metavar="NAME",
    help="Consumer-group name prefix: each handler consumes as NAME.<handler> (default: the namespace).",
)
@click.option(
    "--handlers",
    metavar="LIST",
    help=f"Comma-separated handlers to run (default: all): {', '.join(DEFAULT_GROUPS)}.",
)
@click.option(
    "--poll-timeout", default=1.0, show_default=True, type=click.FloatRange(0.01, 30), help="Seconds per poll."
)
@click.option("--log-level", default="info", show_default=True, type=_LEVELS)
def worker(group: str | None, handlers: str | None, poll_timeout: float, log_level: str) -> None:
    """Consume the bus: one consumer-group member per handler, one thread each.

    Workers started with the same --group share the load (the bus spreads partitions over
    them). SIGTERM or SIGINT finishes the batch in hand, commits it and exits 0; a restarted
    worker resumes from committed offsets. It does not migrate (run `feedctl migrate`, or
    `serve`, first), so a restarted worker is consuming again within seconds.
    """
    from feedcore_worker import run_worker, stop_on_signals

    chosen = _handlers(handlers)
    _basic_logging(log_level)
    _shared_bus(Settings.from_env(), "worker")
    with open_platform(migrate=False) as platform, stop_on_signals(threading.Event()) as stop:
        run_worker(platform, chosen, stop, group=group, poll_timeout=poll_timeout)


@click.command()
@click.option(
    "--interval",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0.01, 60),
    help="Seconds to wait when the outbox is empty.",
)
@click.option("--log-level", default="info", show_default=True, type=_LEVELS)
def relay(interval: float, log_level: str) -> None:
    """Publish the outbox to the bus until SIGTERM or SIGINT (several relays may run at once).

    It does not migrate (run `feedctl migrate`, or `serve`, first), so a restarted relay is
    publishing again within seconds."""
    from feedcore_worker import run_relay, stop_on_signals

    _basic_logging(log_level)
    _shared_bus(Settings.from_env(), "relay")
    with open_platform(migrate=False) as platform, stop_on_signals(threading.Event()) as stop:
        run_relay(platform, stop, interval)


COMMANDS: list[click.Command] = [serve, openapi, worker, relay]
