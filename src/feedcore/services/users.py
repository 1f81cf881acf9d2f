"""Registration and profiles. Strongly consistent: reads go to the store's primaries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..errors import InvalidInput, NotFound
from ..events import UserRegistered, UserUpdated
from ..ids import shard_for_handle, shard_of
from ..model import User
from ..passwords import hash_password
from ..ports import UserStore
from ..settings import Settings
from ..validation import (
    MAX_ID,
    check_display_name,
    check_handle,
    check_id,
    check_optional_text,
    check_password,
    is_handle,
)
from .graph import iter_ids
from .hydration import Hydrator
from .recorder import Recorder

__all__ = ["UserService"]

MAX_DISPLAY_NAME = 50
MAX_BIO = 160


class UserService:
    def __init__(self, users: UserStore, recorder: Recorder, hydrator: Hydrator, settings: Settings) -> None:
        self._users = users
        self._recorder = recorder
        self._settings = settings
        self._hydrator = hydrator

    def register(self, handle: str, password: str, display_name: str | None = None) -> User:
        """Create a user. Raises InvalidInput (bad handle, weak password) or Conflict (taken handle)."""
        handle = check_handle(handle)
        check_password(password, handle, self._settings.min_password_length)
        name = handle if display_name is None else check_display_name(display_name, MAX_DISPLAY_NAME)
        shard = shard_for_handle(handle, self._settings.logical_shards)
        user = User(
            id=self._recorder.new_id(shard), handle=handle, display_name=name, created_at=self._recorder.clock()
        )
        digest = hash_password(password, self._settings.password_cost)
        self._users.create_user(
            user, digest, [self._recorder.event(UserRegistered, shard, user_id=user.id, handle=handle)]
        )
        self._recorder.committed()
        return user

    def get(self, user_id: int) -> User:
        """The user with ``user_id``. Raises NotFound or InvalidInput (not an int)."""
        user = self._users.get_user(check_id(user_id, "user"))
        if user is None:
            raise NotFound(f"no user {user_id}")
        return user

    def by_handle(self, handle: str) -> User:
        """The user with ``handle`` (case-insensitive). Raises NotFound."""
        user = self._users.user_by_handle(handle) if is_handle(handle) else None
        if user is None:
            raise NotFound(f"no user {handle!r:.60}")
        return user

    def resolve(self, id_or_handle: str) -> User:
        """A user named by a decimal id or a handle (an optional leading @). Raises NotFound
        or InvalidInput (not a string). Handles are never all digits, so the two cannot clash."""
        if not isinstance(id_or_handle, str):
            raise InvalidInput("a user is named by a handle or a decimal id string")
        text = id_or_handle.strip()
        if text.isascii() and text.isdigit():
            if len(text) > len(str(MAX_ID)):
                raise NotFound(f"no user {text[:40]}")
            return self.get(int(text))
        return self.by_handle(text.removeprefix("@"))

    def ids(self) -> Iterator[int]:
        """Every user id, in id order, read from the store in pages."""
        return (uid for page in iter_ids(self._users.user_ids) for uid in page)

    def forget_cached(self, user_ids: Iterable[int]) -> None:
        """Drop these users' cached cards (after changing their rows behind the platform's
        back, e.g. by bulk loading), in this process's near cache too."""
        self._hydrator.refresh_users(user_ids)

    def update_profile(self, user_id: int, display_name: str | None = None, bio: str | None = None) -> User:
        """Change display name and/or bio. Raises NotFound or InvalidInput."""
        name = None if display_name is None else check_display_name(display_name, MAX_DISPLAY_NAME)
        about = check_optional_text(bio, "bio", MAX_BIO)
        self.get(user_id)
        event = self._recorder.event(UserUpdated, shard_of(user_id), user_id=user_id)
        user = self._users.update_profile(user_id, display_name=name, bio=about, events=[event])
        self._hydrator.refresh_users([user_id])
        self._recorder.committed()
        return user
