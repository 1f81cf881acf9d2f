"""feedctl: operate a feedcore platform from the shell.

Every command opens the platform from ``FEEDCORE_*`` variables (see README), so with nothing
set it works on the embedded default under ./feedcore-data; only init, serve and seed create it.
"""

from __future__ import annotations

import click

from .commands import clients, inspect, operate, service, setup, stats

__all__ = ["cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="feedcore")
def cli() -> None:
    """Operate a feedcore platform: schema, demo, services, inspection, seeding and benchmarks.

    Backends come from FEEDCORE_* environment variables (FEEDCORE_DATABASE_URL, FEEDCORE_CACHE_URL,
    FEEDCORE_BUS_URL, FEEDCORE_MEDIA_URL, ...); with none set, the embedded default under
    ./feedcore-data is used (SQLite, in-process cache and bus, local media directory), which only
    init, serve and seed create.
    """


for module in (setup, service, inspect, stats, operate, clients):
    for command in module.COMMANDS:
        cli.add_command(command)
