"""Driver errors turned into feedcore's."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa

from ...errors import Conflict, InvalidInput, NotFound, Unavailable

__all__ = ["translate_errors"]


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
        raise Unavailable(
            f"{what}: the database failed ({type(exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc).__name__})"
        ) from exc
