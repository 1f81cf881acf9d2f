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

    def close(self) -> None:
        """Release connections, files and threads. Idempotent."""
