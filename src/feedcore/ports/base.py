"""What every backend offers besides its port methods."""

from __future__ import annotations

import abc

__all__ = ["Backend"]


class Backend(abc.ABC):
    """A connection to one technology. One object may implement several ports."""

    def migrate(self) -> None:
        """Create or upgrade what the backend needs (schema, topics, buckets). Idempotent."""

    def check(self) -> None:
        """Raise :class:`feedcore.errors.Unavailable` unless the backend answers now."""

    def circuits(self) -> dict[str, bool]:
        """The circuit breakers the backend keeps itself (one per read replica, say), by name:
        True while open. None by default."""
        return {}

    def close(self) -> None:
        """Release connections, files and threads. Idempotent."""
