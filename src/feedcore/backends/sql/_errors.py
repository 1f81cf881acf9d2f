"""Driver errors turned into feedcore's."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa

from ...errors import Conflict, InvalidInput, NotFound, Unavailable
from .._explain import explain, fixes

__all__ = ["CONNECTION_FIXES", "translate_errors"]

_URL = "the database URL (database_url, FEEDCORE_DATABASE_URL)"
CONNECTION_FIXES = fixes(
    ("Connection refused", f"is the server running and listening there? Check host and port in {_URL}"),
    (r'role "([^"]*)" does not exist', f"create the role (createuser \\1) or fix the user in {_URL}"),
    (
        r'database "([^"]*)" does not exist',
        f"create the database (createdb \\1, then feedctl migrate) or fix its name in {_URL}",
    ),
    ("password authentication failed|no password supplied", f"check the user and password in {_URL}"),
    (r"no pg_hba\.conf entry", "allow this client, user and database in the server's pg_hba.conf"),
    ("resolve host|translate host name", f"check the host name in {_URL}"),
    ("timeout expired|timed out", f"is the host reachable? (connect_timeout=SECONDS in {_URL})"),
    ("too many clients|remaining connection slots", "lower database_pool_size or raise max_connections"),
    (
        "the database system is (starting up|shutting down|in recovery)|terminating connection",
        "the server is restarting; retry shortly",
    ),
    ("unable to open database file", "the SQLite file's directory is missing or not writable (data_dir)"),
    ("database is locked", "another process holds SQLite's write lock; retry"),
)


@contextlib.contextmanager
def translate_errors(what: str) -> Iterator[None]:
    """Turn SQLAlchemy and driver errors into feedcore's; other exceptions pass unchanged."""
    try:
        yield
    except sa.exc.IntegrityError as exc:
        code = getattr(exc.orig, "sqlstate", None)
        if code == "23503" or "FOREIGN KEY" in str(exc.orig):
            raise NotFound(f"{what}: a row it refers to does not exist") from exc
        raise Conflict(f"{what}: it clashes with an existing row") from exc
    except sa.exc.DataError as exc:
        raise InvalidInput(f"{what}: a value does not fit its column") from exc
    except sa.exc.SQLAlchemyError as exc:  # OperationalError, InterfaceError, pool TimeoutError, ...
        cause = exc.orig if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None else exc
        raise Unavailable(f"{what}: the database failed: {explain(cause, CONNECTION_FIXES)}") from exc
