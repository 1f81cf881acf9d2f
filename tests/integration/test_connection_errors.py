"""A backend that cannot connect says why and what to do: the driver's words and the fix, for
every backend (refused, unknown role, missing database, a bad path or database number), and a
missing driver is a ConfigurationError naming the extra to install."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from feedctl.main import cli

from feedcore import Platform, Settings
from feedcore.backends import open_backend
from feedcore.errors import ConfigurationError, FeedcoreError
from tests.fixtures.services import free_port

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")  # kafka-python's failed connects


@pytest.fixture(autouse=True)
def _quiet_drivers() -> Iterator[None]:
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


def failure(tmp_path: Path, role: str, **urls: str) -> str:
    """The message of the error opening (or, for a lazy backend, checking) a platform."""
    try:
        with Platform.open(Settings(data_dir=str(tmp_path / "data"), **urls)) as platform:
            return platform.check()[role]
    except FeedcoreError as exc:
        return exc.message


@pytest.mark.parametrize(
    ("url", "cause", "fix"),
    [
        ("postgresql+psycopg://postgres@127.0.0.1:{free}/postgres", "Connection refused", "is the server running"),
        ("postgresql+psycopg://nobody_here@127.0.0.1:5432/postgres", 'role "nobody_here"', "createuser nobody_here"),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/no_such_db", 'database "no_such_db"', "createdb no_such_db"),
    ],
    ids=["refused", "role", "database"],
)
def test_postgresql_failures_name_the_cause_and_the_fix(tmp_path: Path, url: str, cause: str, fix: str) -> None:
    message = failure(tmp_path, "store", database_url=url.format(free=free_port()))
    assert cause in message and fix in message and "FEEDCORE_DATABASE_URL" in message, message
    # before: "migrate: the database failed (OperationalError)", whatever the cause


def test_feedctl_prints_the_cause_and_the_fix(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/no_such_db"
    result = CliRunner().invoke(cli, ["migrate"], env={"FEEDCORE_DATABASE_URL": url})
    assert result.exit_code == 1
    assert 'database "no_such_db" does not exist; create the database (createdb no_such_db' in result.output


def test_a_sqlite_path_that_cannot_exist_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ConfigurationError, match=r"cannot create .* for the SQLite database"):
        Platform.open(Settings(data_dir=str(tmp_path), database_url=f"sqlite:///{tmp_path}/a-file/feed.db"))


def test_redis_failures_name_the_cause_and_the_fix(tmp_path: Path) -> None:
    refused = failure(tmp_path, "cache", cache_url=f"redis://127.0.0.1:{free_port()}/0")
    assert "Connection refused; is redis-server running" in refused, refused
    numbered = failure(tmp_path, "cache", cache_url="redis://127.0.0.1:6379/999")
    assert "DB index is out of range" in numbered and "'databases' setting" in numbered, numbered


def test_kafka_and_s3_failures_name_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kafka = failure(tmp_path, "bus", bus_url=f"kafka://127.0.0.1:{free_port()}?timeout=2")
    assert "Unable to bootstrap" in kafka and "is the broker running" in kafka, kafka
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "test")
    s3 = failure(tmp_path, "media", media_url=f"s3://bucket/p?endpoint_url=http://127.0.0.1:{free_port()}&region=x")
    assert "Could not connect to the endpoint" in s3 and "is the S3 endpoint up" in s3, s3


@pytest.mark.parametrize(
    ("role", "url", "driver", "extra"),
    [
        ("store", "postgresql+psycopg://u@h/db", "psycopg", "postgres"),
        ("cache", "redis://h:6379/0", "redis", "redis"),
        ("bus", "kafka://h:9092", "kafka", "kafka"),
        ("media", "s3://bucket", "boto3", "s3"),
    ],
)
def test_a_missing_driver_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, role: str, url: str, driver: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, driver, None)  # as if the package were not installed
    for name in [m for m in sys.modules if m.startswith("feedcore.backends.") and role != "store"]:
        monkeypatch.delitem(sys.modules, name)  # re-imported, so their driver imports run again
    with pytest.raises(ConfigurationError, match=rf"pip install 'feedcore\[{extra}\]'"):
        open_backend(role, url, Settings())
    # before, for PostgreSQL: a raw ModuleNotFoundError from SQLAlchemy making the engine
