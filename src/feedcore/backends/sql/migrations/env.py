"""Alembic environment for feedcore's SQL store.

Online, feedcore passes an open connection in ``config.attributes["connection"]`` (see
``feedcore.backends.sql.migrate``); offline (``--sql``) it renders for ``sqlalchemy.url``.
"""

from __future__ import annotations

from alembic import context

from feedcore.backends.sql.schema import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True)
else:
    context.configure(
        connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite"
    )

with context.begin_transaction():
    context.run_migrations()
