"""The query of every paged route: ``limit`` (bounded per route) and an opaque ``cursor``."""

from __future__ import annotations

from typing import Annotated, cast

import msgspec
from msgspec import Meta, Struct

from .wire import Cursor

__all__ = ["FEED_PAGING", "LIST_PAGING", "Paging", "paging"]


class Paging(Struct):
    limit: int
    cursor: Cursor = ""


def paging(name: str, default: int, maximum: int = 100) -> type[Paging]:
    """A Paging whose ``limit`` is 1..``maximum``, ``default`` when left out."""
    limit = Annotated[int, Meta(ge=1, le=maximum, description="Items per page.")]
    return cast(type[Paging], msgspec.defstruct(name, [("limit", limit, default)], bases=(Paging,), module=__name__))


FEED_PAGING = paging("FeedPaging", 20)
LIST_PAGING = paging("ListPaging", 50)
