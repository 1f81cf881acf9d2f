"""Registration and profiles. Strongly consistent: reads go to the store's primaries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .. import events as ev
from ..errors import InvalidInput, NotFound
from ..ids import shard_for_handle, shard_of
from ..model import User
from ..passwords import hash_password
from ..validation import check_handle, check_optional_text, check_password
from .deps import Deps
from .graph import iter_ids
from .hydration import Hydrator

__all__ = ["UserService"]

MAX_DISPLAY_NAME = 50
MAX_BIO = 160


class UserService:
    def __init__(self, deps: Deps, hydrator: Hydrator) -> None:
        self._deps = deps
        self._hydrator = hydrator

    def register(self, handle: str, password: str, display_name: str | None = None) -> User:
        """Create a user. Raises InvalidInput (bad handle, weak password) or Conflict (taken handle)."""
        d = self._deps
        handle = check_handle(handle)
        check_password(password, handle, d.settings.min_password_length)
        name = check_optional_text(display_name, "display_name", MAX_DISPLAY_NAME) or handle
        shard = shard_for_handle(handle, d.settings.logical_shards)
        user = User(id=d.new_id(shard), handle=handle, display_name=name, created_at=d.clock())
        digest = hash_password(password, d.settings.password_cost)
        d.users.create_user(user, digest, [d.event(ev.USER_REGISTERED, user.id, shard, user_id=user.id, handle=handle)])
        d.committed()
        return user

    def get(self, user_id: int) -> User:
        """The user with ``user_id``. Raises NotFound."""
        user = self._deps.users.get_user(user_id) if isinstance(user_id, int) else None
        if user is None:
            raise NotFound(f"no user {user_id}")
        return user

    def by_handle(self, handle: str) -> User:
        """The user with ``handle`` (case-insensitive). Raises NotFound."""
        user = self._deps.users.user_by_handle(handle) if isinstance(handle, str) else None
        if user is None:
            raise NotFound(f"no user @{handle}")
        return user

    def resolve(self, id_or_handle: str) -> User:
        """A user named by a decimal id or a handle (an optional leading @)."""
        text = id_or_handle.strip()
        if text.isascii() and text.isdigit():
            return self.get(int(text))
        return self.by_handle(text.removeprefix("@"))

    def ids(self) -> Iterator[int]:
        """Every user id, in id order, read from the store in pages."""
        return (uid for page in iter_ids(self._deps.users.user_ids) for uid in page)

    def forget_cached(self, user_ids: Iterable[int]) -> None:
        """Drop these users' cached cards (after changing their rows behind the platform's
        back, e.g. by bulk loading), in this process's near cache too."""
        self._hydrator.forget_users(user_ids)

    def update_profile(self, user_id: int, display_name: str | None = None, bio: str | None = None) -> User:
        """Change display name and/or bio. Raises NotFound or InvalidInput."""
        d = self._deps
        name = check_optional_text(display_name, "display_name", MAX_DISPLAY_NAME)
        if name == "":
            raise InvalidInput("display_name must not be empty", code="empty_text")
        about = check_optional_text(bio, "bio", MAX_BIO)
        self.get(user_id)
        event = d.event(ev.USER_UPDATED, user_id, shard_of(user_id), user_id=user_id)
        user = d.users.update_profile(user_id, display_name=name, bio=about, events=[event])
        self._hydrator.forget_users([user_id])
        d.committed()
        return user
