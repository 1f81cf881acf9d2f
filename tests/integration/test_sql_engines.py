"""The SQL store's engines and schema: URLs, pools, SQLite setup, migrations, error translation."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from feedcore.backends import open_backend
from feedcore.backends.sql import SqlStore, migrate
from feedcore.backends.sql.migrate import alembic_config, upgrade
from feedcore.backends.sql.schema import metadata
from feedcore.backends.sql.shards import create_engine, normalize_url
from feedcore.errors import ConfigurationError, NotFound, Unavailable
from feedcore.model import Post
from feedcore.settings import Settings
from tests.fixtures.services import free_port
from tests.fixtures.stores import PgDatabases, StoreKit

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"])
def test_postgres_urls_mean_psycopg(url):
    assert normalize_url(url).drivername == "postgresql+psycopg"


def test_unknown_drivers_and_mismatched_replicas_are_configuration_errors(tmp_path):
    with pytest.raises(ConfigurationError):
        normalize_url("mysql://u@h/db")
    with pytest.raises(ConfigurationError):
        SqlStore(["postgresql://u@h/a", "postgresql://u@h/b"], replica_urls=["postgresql://u@h/r"])
    with pytest.raises(ConfigurationError, match="need PostgreSQL"):
        SqlStore([f"sqlite:///{tmp_path / 'f.db'}"], replica_urls=["postgresql://u@h/r"])


def test_sqlite_creates_its_directory_and_runs_in_wal_mode(tmp_path):
    settings = Settings(data_dir=str(tmp_path / "nested" / "dir"))
    store = open_backend("store", settings.resolved_database_url, settings)
    try:
        store.migrate()
        assert (tmp_path / "nested" / "dir" / "feedcore.db").exists()
        with store._shards.primaries[0].connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()


def test_unreachable_database_is_unavailable():
    store = SqlStore([f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none?connect_timeout=2"])
    try:
        with pytest.raises(Unavailable):
            store.check()
        with pytest.raises(Unavailable):
            store.get_user(1)
    finally:
        store.close()


def test_missing_parent_row_is_not_found(tmp_path):
    store = SqlStore([f"sqlite:///{tmp_path / 'f.db'}"])
    try:
        store.migrate()
        with pytest.raises(NotFound):
            store.create_post(Post(id=1 << 22, author_id=1 << 22, text="orphan", created_at=0.0))
        assert store.pending() == 0
    finally:
        store.close()


def test_pgbouncer_option_turns_off_server_side_prepares(pg_databases: PgDatabases):
    engine = create_engine(pg_databases.urls[0] + "?pgbouncer=true", pool_size=1)
    try:
        with engine.connect() as conn:
            assert conn.connection.driver_connection.prepare_threshold is None
    finally:
        engine.dispose()


def _schema_diff(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_migrations_build_the_schema_the_code_declares_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    start = time.perf_counter()
    migrate(Settings(database_url=url))
    elapsed = time.perf_counter() - start
    migrate(Settings(database_url=url))  # idempotent
    engine = create_engine(url, pool_size=1)
    try:
        assert _schema_diff(engine) == []
    finally:
        engine.dispose()
    assert elapsed < 1.0, f"migrating one SQLite database took {elapsed:.2f}s"


def test_the_authorization_server_revision_downgrades_and_upgrades_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = create_engine(url, pool_size=1)
    try:
        upgrade(engine, "0002")
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO sessions VALUES ('old', 1, 'h', 1.0, 2.0)"))
        upgrade(engine)
        with engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0002")
            conn.commit()
        upgrade(engine)
        assert _schema_diff(engine) == []
    finally:
        engine.dispose()


def test_migrations_build_the_schema_the_code_declares_on_postgres(pg_databases: PgDatabases):
    for url in pg_databases.urls:
        engine = create_engine(url, pool_size=1)
        try:
            assert _schema_diff(engine) == []
            with psycopg.connect(pg_databases.dsns[0]) as conn:
                head = ScriptDirectory.from_config(alembic_config()).get_current_head()
                assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        finally:
            engine.dispose()


def test_concurrent_sqlite_writers_wait_for_the_lock(tmp_path):
    """Threads share one SQLite file: BEGIN IMMEDIATE + busy_timeout serialise them, none fails."""
    settings = Settings(data_dir=str(tmp_path), database_pool_size=4)
    store = SqlStore.from_url(settings.resolved_database_url, settings)
    store.migrate()
    kit = StoreKit(store)
    hub, *fans = kit.users(9)
    errors: list[BaseException] = []

    def follow(fan):
        try:
            for _ in range(5):
                store.add_follow(fan.id, hub.id, kit.clock(), [kit.event("follow.created", fan.id)])
                store.add_reverse(hub.id, fan.id, kit.clock())
                store.remove_follow(fan.id, hub.id)
                store.remove_reverse(hub.id, fan.id)
            store.add_reverse(hub.id, fan.id, kit.clock())
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=follow, args=(fan,)) for fan in fans]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == []
        assert store.get_user(hub.id).follower_count == 8
        assert store.pending() == 40
    finally:
        store.close()
