"""The tables, as SQLAlchemy Core: one schema for SQLite and PostgreSQL.

Every physical database holds every table; a row's database follows from its logical shard
(see :mod:`.shards`). Ids are feedcore ids (64-bit, time-ordered), so ``ORDER BY id`` orders by
time. Times are float seconds since the Unix epoch. Foreign keys join only rows that always
share a shard (a user and their posts, media and outgoing edges; a post and its likes and
comments); edges to other shards are plain ids.

The live schema is created by the Alembic migrations in ``migrations/``; a test checks that
they and this module agree.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "analytics_applied",
    "analytics_days",
    "analytics_engagement",
    "authorization_codes",
    "clients",
    "comments",
    "followers",
    "follows",
    "id_slots",
    "likes",
    "media",
    "metadata",
    "outbox",
    "posts",
    "sessions",
    "users",
]

# BIGINT on PostgreSQL; INTEGER on SQLite, where an INTEGER PRIMARY KEY is the 64-bit rowid.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Time: sa.Double[float] = sa.Double()

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _count(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, nullable=False, server_default="0")


users = sa.Table(
    "users",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("handle", sa.String(64), nullable=False),
    sa.Column("handle_key", sa.String(64), nullable=False, unique=True),  # lower(handle)
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("bio", sa.Text, nullable=False, server_default=""),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("deleted_at", Time, nullable=True),  # set when the account is deleted, until its data is gone
    _count("follower_count"),
    _count("following_count"),
    _count("post_count"),
)

media = sa.Table(
    "media",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("owner_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("checksum", sa.String(128), nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("post_id", sa.BigInteger, nullable=True),
)
sa.Index("ix_media_owner_id_id", media.c.owner_id, media.c.id)  # deleting an account

posts = sa.Table(
    "posts",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("author_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("media", sa.JSON, nullable=False),  # list of MediaRef fields
    sa.Column("created_at", Time, nullable=False),
    sa.Column("edited_at", Time, nullable=True),
    sa.Column("deleted_at", Time, nullable=True),
    _count("like_count"),
    _count("comment_count"),
)
# Feed rebuild and author timelines: live posts of some authors, newest first.
sa.Index(
    "ix_posts_live_author_id",
    posts.c.author_id,
    posts.c.id,
    postgresql_where=posts.c.deleted_at.is_(None),
    sqlite_where=posts.c.deleted_at.is_(None),
)

# Forward edge, on the follower's shard: "whom does X follow".
follows = sa.Table(
    "follows",
    metadata,
    sa.Column("follower_id", sa.BigInteger, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("followee_id", sa.BigInteger, primary_key=True),
    sa.Column("created_at", Time, nullable=False),
)

# Reverse edge, on the followee's shard: "who follows X" (paged by the primary key).
followers = sa.Table(
    "followers",
    metadata,
    sa.Column("followee_id", sa.BigInteger, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("follower_id", sa.BigInteger, primary_key=True),
    sa.Column("created_at", Time, nullable=False),
)

# On the post's shard. The primary key serves counts per post; the index serves liked().
likes = sa.Table(
    "likes",
    metadata,
    sa.Column("post_id", sa.BigInteger, sa.ForeignKey("posts.id"), primary_key=True),
    sa.Column("user_id", sa.BigInteger, primary_key=True),
    sa.Column("created_at", Time, nullable=False),
)
sa.Index("ix_likes_user_id_post_id", likes.c.user_id, likes.c.post_id)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("post_id", sa.BigInteger, sa.ForeignKey("posts.id"), nullable=False),
    sa.Column("author_id", sa.BigInteger, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
)
sa.Index("ix_comments_post_id_id", comments.c.post_id, comments.c.id)
sa.Index("ix_comments_author_id_id", comments.c.author_id, comments.c.id)  # deleting an account

# Events waiting for the relay; the id is the event id, so ORDER BY id is oldest first.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("key", sa.BigInteger, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("shard", sa.Integer, nullable=False),  # logical shard of the change
)

# Registered client applications; all on the first database.
clients = sa.Table(
    "clients",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("redirect_uris", sa.JSON, nullable=False),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("grant_types", sa.JSON, nullable=False),
    sa.Column("secret_hash", sa.Text, nullable=True),
    sa.Column("owner_id", sa.BigInteger, nullable=True),
    sa.Column("created_at", Time, nullable=False),
)

# Sign-in sessions and their refresh tokens, on the user's shard (client grants: the client's).
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("user_id", sa.BigInteger, nullable=True),
    sa.Column("client_id", sa.String(64), nullable=False),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("expires_at", Time, nullable=False),
    sa.Column("family_hash", sa.Text, nullable=True),
    sa.Column("refresh_gen", sa.Integer, nullable=False, server_default="0"),
    sa.Column("refresh_hash", sa.Text, nullable=True),
)
sa.Index("ix_sessions_user_id_id", sessions.c.user_id, sessions.c.id)
sa.Index("ix_sessions_expires_at", sessions.c.expires_at)

# Authorization codes, on the user's shard; kept (used) until they expire, to detect replays.
authorization_codes = sa.Table(
    "authorization_codes",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("secret_hash", sa.Text, nullable=False),
    sa.Column("client_id", sa.String(64), nullable=False),
    sa.Column("user_id", sa.BigInteger, nullable=False),
    sa.Column("redirect_uri", sa.Text, nullable=True),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("code_challenge", sa.String(128), nullable=True),
    sa.Column("code_challenge_method", sa.String(16), nullable=True),
    sa.Column("session_id", sa.BigInteger, nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("expires_at", Time, nullable=False),
    sa.Column("used_at", Time, nullable=True),
)
sa.Index("ix_authorization_codes_expires_at", authorization_codes.c.expires_at)

# Leases of id generator slots (see feedcore.slots); all on the first database.
id_slots = sa.Table(
    "id_slots",
    metadata,
    sa.Column("slot", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("holder", sa.String(64), nullable=False),
    sa.Column("expires_at", Time, nullable=False),
    sa.Column("issued_until", Time, nullable=False, server_default="0"),  # ids made with the slot are older
)

# Analytics rollups, all on the first database. Which events were applied (pruned after the
# retention), the counts of each day, and engagement per post and hour (for trending posts).
analytics_applied = sa.Table(
    "analytics_applied",
    metadata,
    sa.Column("event_id", Id, primary_key=True, autoincrement=False),
    sa.Column("day", sa.Integer, nullable=False),
)
sa.Index("ix_analytics_applied_day", analytics_applied.c.day)

analytics_days = sa.Table(
    "analytics_days",
    metadata,
    sa.Column("day", sa.Integer, primary_key=True, autoincrement=False),
    _count("active"),
    _count("signups"),
    _count("posts"),
    _count("likes"),
    _count("comments"),
    _count("follows"),
)

analytics_engagement = sa.Table(
    "analytics_engagement",
    metadata,
    sa.Column("post_id", sa.BigInteger, primary_key=True),
    sa.Column("hour", sa.Integer, primary_key=True),
    sa.Column("engagement", sa.Integer, nullable=False),
)
sa.Index("ix_analytics_engagement_hour", analytics_engagement.c.hour)
