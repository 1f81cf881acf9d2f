"""Small builders shared by the behaviour tests."""

from __future__ import annotations

from feedcore import Platform, User
from tests.fixtures.media import png

PASSWORD = "correct horse"
PNG = png()


def users(platform: Platform, *handles: str) -> list[User]:
    return [platform.users.register(h, PASSWORD) for h in handles]


def home_ids(platform: Platform, user: User, limit: int = 100) -> list[int]:
    platform.drain()
    return [item.post.id for item in platform.feeds.home(user.id, limit=limit).items]


def all_pages(platform: Platform, user: User, limit: int) -> list[int]:
    """Every post id of the user's home feed, walking the cursor."""
    ids: list[int] = []
    cursor = None
    for _ in range(1000):
        page = platform.feeds.home(user.id, limit=limit, cursor=cursor)
        assert len(page.items) == limit or page.next_cursor is None, "short page while more exist"
        ids += [i.post.id for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return ids
    raise AssertionError("pagination did not end")
