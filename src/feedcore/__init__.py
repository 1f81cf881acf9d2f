"""feedcore: a Python SDK for building social-feed platforms.

>>> from feedcore import Platform
>>> with Platform.open() as p:          # doctest: +SKIP
...     alice = p.users.register("alice", "correct horse", display_name="Alice")
"""

from .errors import FeedcoreError
from .model import Comment, FeedItem, Media, MediaRef, Page, Post, Tokens, User, UserCard
from .platform import Platform
from .settings import Settings

__all__ = [
    "Comment",
    "FeedItem",
    "FeedcoreError",
    "Media",
    "MediaRef",
    "Page",
    "Platform",
    "Post",
    "Settings",
    "Tokens",
    "User",
    "UserCard",
]

__version__ = "0.1.0"
