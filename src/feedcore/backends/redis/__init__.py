"""The Redis backend (``redis://``, ``rediss://``, ``redis+cluster://``): all cache ports."""

from .cache import RedisCache

__all__ = ["RedisCache"]
