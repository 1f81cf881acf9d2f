"""Schema creation and upgrades: the Alembic migrations shipped in ``migrations/``.

``migrate(settings)`` (what ``feedctl migrate`` and ``feedctl init`` run, through
:meth:`SqlStore.migrate`) upgrades every physical database to the head revision; it is
idempotent. New revisions go in ``migrations/versions/`` (``alembic -c <ini> revision``
with ``script_location`` pointing there), never edits of an applied one.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from ...settings import Settings
from ._base import translate_errors
from .shards import WRITE_OPTION, ShardMap

__all__ = ["MIGRATIONS", "alembic_config", "migrate", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config for the shipped migrations, bound to ``connection`` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Upgrade one database to ``revision`` in one transaction. Raises Unavailable."""
    with translate_errors("migrate"), engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            command.upgrade(alembic_config(conn), revision)


def migrate(settings: Settings) -> None:
    """Upgrade every physical database named by ``settings`` to the head revision."""
    shards = ShardMap(settings.database_urls, [], 1)
    try:
        for engine in shards.primaries:
            upgrade(engine)
    finally:
        shards.dispose()
