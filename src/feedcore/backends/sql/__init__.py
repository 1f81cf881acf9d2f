"""The SQL system of record: SQLite (embedded default) or PostgreSQL over sharded databases.

``SqlStore`` implements UserStore, PostStore, GraphStore, InteractionStore, Outbox, and the
authorization server's ClientStore, SessionStore and CodeStore;
``migrate(settings)`` creates or upgrades the schema on every database. Importing this package
connects to nothing.
"""

from .migrate import migrate
from .store import SqlStore

__all__ = ["SqlStore", "migrate"]
