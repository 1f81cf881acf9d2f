"""UserStore on SQL: a user lives on the shard of their handle, which their id also names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from ...errors import Conflict, InvalidInput, NotFound
from ...events import Event
from ...ids import shard_for_handle, shard_of
from ...model import User
from ...ports import UserStore
from ._base import SqlBase
from .schema import users

__all__ = ["SqlUsers", "user_from_row"]

_USER_COLUMNS = [c for c in users.c if c.name not in ("handle_key", "password_hash", "deleted_at")]
_LIVE = users.c.deleted_at.is_(None)


def user_from_row(row: sa.Row[Any]) -> User:
    m = row._mapping
    return User(
        id=m["id"],
        handle=m["handle"],
        display_name=m["display_name"],
        created_at=m["created_at"],
        bio=m["bio"],
        follower_count=m["follower_count"],
        following_count=m["following_count"],
        post_count=m["post_count"],
    )


class SqlUsers(SqlBase, UserStore):
    _logical_shards: int

    def _handle_db(self, handle: str) -> int:
        return self._shards.db_of_shard(shard_for_handle(handle, self._logical_shards))

    def create_user(self, user: User, password_hash: str, events: Sequence[Event] = ()) -> None:
        db = self._handle_db(user.handle)
        if db != self._shards.db_of(user.id):
            raise InvalidInput(f"user id {user.id} does not name the shard of handle {user.handle!r}")
        try:
            with self._write(db, "create user") as conn:
                row = {**attrs.asdict(user), "handle_key": user.handle.lower(), "password_hash": password_hash}
                conn.execute(users.insert().values(row))
                self._emit(conn, events, shard_of(user.id))
        except Conflict as exc:
            raise Conflict(f"the handle @{user.handle} is taken", code="handle_taken") from exc

    def get_users(self, user_ids: Iterable[int]) -> dict[int, User]:
        rows = self._select_many(
            user_ids, "get users", lambda ids: sa.select(*_USER_COLUMNS).where(users.c.id.in_(ids), _LIVE)
        )
        return {row.id: user_from_row(row) for row in rows}

    def user_ids(self, after: int | None, limit: int) -> list[int]:
        return self._ascending_everywhere("user ids", users.c.id, _LIVE, after, limit)

    def user_by_handle(self, handle: str) -> User | None:
        with self._read(self._handle_db(handle), "user by handle") as conn:
            row = conn.execute(sa.select(*_USER_COLUMNS).where(users.c.handle_key == handle.lower(), _LIVE)).first()
        return user_from_row(row) if row else None

    def password_hash(self, user_id: int) -> str | None:
        with self._read(self._shards.db_of(user_id), "password hash") as conn:
            value = conn.execute(sa.select(users.c.password_hash).where(users.c.id == user_id, _LIVE)).scalar()
        return str(value) if value is not None else None

    def delete_user(self, user_id: int, deleted_at: float, events: Sequence[Event] = ()) -> bool:
        gone = {"deleted_at": deleted_at, "handle_key": f"#{user_id}", "password_hash": "", "bio": ""}
        with self._write(self._shards.db_of(user_id), "delete user") as conn:
            done = conn.execute(users.update().where(users.c.id == user_id, _LIVE).values(**gone))
            return self._changed(conn, done, events, user_id)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        statement = users.update().where(users.c.id == user_id, _LIVE).values(password_hash=password_hash)
        with self._write(self._shards.db_of(user_id), "set password") as conn:
            if conn.execute(statement).rowcount == 0:
                raise NotFound(f"no user {user_id}")

    def update_profile(
        self, user_id: int, *, display_name: str | None, bio: str | None, events: Sequence[Event] = ()
    ) -> User:
        changes = {k: v for k, v in (("display_name", display_name), ("bio", bio)) if v is not None}
        with self._write(self._shards.db_of(user_id), "update profile") as conn:
            if changes:
                conn.execute(users.update().where(users.c.id == user_id, _LIVE).values(**changes))
            row = conn.execute(sa.select(*_USER_COLUMNS).where(users.c.id == user_id, _LIVE)).first()
            if row is None:
                raise NotFound(f"no user {user_id}")
            self._emit(conn, events, shard_of(user_id))
        return user_from_row(row)
