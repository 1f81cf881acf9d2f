"""What a service that changes data needs besides its ports: time, ids, events, the after-commit hook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import attrs

from ..events import Event

__all__ = ["Recorder"]

E = TypeVar("E", bound=Event)
P = ParamSpec("P")


@attrs.frozen
class Recorder:
    """Stamps changes: ``clock`` (seconds), ``new_id(shard)``, and ``committed()``, called after
    a write that produced events."""

    clock: Callable[[], float]
    new_id: Callable[[int], int]
    committed: Callable[[], None]

    def event(self, cls: Callable[Concatenate[int, float, P], E], shard: int, *args: P.args, **kwargs: P.kwargs) -> E:
        """A new event of class ``cls`` with the given fields, its id made on ``shard``, created now."""
        return cls(self.new_id(shard), self.clock(), *args, **kwargs)
