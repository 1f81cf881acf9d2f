"""The initial schema: users, media, posts, follow edges, likes, comments, outbox.

Revision ID: 0001
Revises:
Create Date: 2024-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen here on purpose: later revisions change the schema, this one never does.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Time: sa.Double[float] = sa.Double()


def _id() -> sa.Column[int]:
    return sa.Column("id", Id, primary_key=True, autoincrement=False)


def _count(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("handle", sa.String(64), nullable=False),
        sa.Column("handle_key", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("bio", sa.Text, nullable=False, server_default=""),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", Time, nullable=False),
        _count("follower_count"),
        _count("following_count"),
        _count("post_count"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("handle_key", name="uq_users_handle_key"),
    )
    op.create_table(
        "media",
        _id(),
        sa.Column("owner_id", sa.BigInteger, sa.ForeignKey("users.id", name="fk_media_owner_id_users"), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("checksum", sa.String(128), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("post_id", sa.BigInteger, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_media"),
    )
    op.create_table(
        "posts",
        _id(),
        sa.Column(
            "author_id", sa.BigInteger, sa.ForeignKey("users.id", name="fk_posts_author_id_users"), nullable=False
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("media", sa.JSON, nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("edited_at", Time, nullable=True),
        sa.Column("deleted_at", Time, nullable=True),
        _count("like_count"),
        _count("comment_count"),
        sa.PrimaryKeyConstraint("id", name="pk_posts"),
    )
    live = sa.text("deleted_at IS NULL")
    op.create_index("ix_posts_live_author_id", "posts", ["author_id", "id"], postgresql_where=live, sqlite_where=live)
    for table, owner, other in (("follows", "follower_id", "followee_id"), ("followers", "followee_id", "follower_id")):
        op.create_table(
            table,
            sa.Column(
                owner, sa.BigInteger, sa.ForeignKey("users.id", name=f"fk_{table}_{owner}_users"), nullable=False
            ),
            sa.Column(other, sa.BigInteger, nullable=False),
            sa.Column("created_at", Time, nullable=False),
            sa.PrimaryKeyConstraint(owner, other, name=f"pk_{table}"),
        )
    op.create_table(
        "likes",
        sa.Column("post_id", sa.BigInteger, sa.ForeignKey("posts.id", name="fk_likes_post_id_posts"), nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.PrimaryKeyConstraint("post_id", "user_id", name="pk_likes"),
    )
    op.create_index("ix_likes_user_id_post_id", "likes", ["user_id", "post_id"])
    op.create_table(
        "comments",
        _id(),
        sa.Column(
            "post_id", sa.BigInteger, sa.ForeignKey("posts.id", name="fk_comments_post_id_posts"), nullable=False
        ),
        sa.Column("author_id", sa.BigInteger, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
    )
    op.create_index("ix_comments_post_id_id", "comments", ["post_id", "id"])
    op.create_table(
        "outbox",
        _id(),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("key", sa.BigInteger, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("shard", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )


def downgrade() -> None:
    op.drop_index("ix_comments_post_id_id", "comments")
    op.drop_index("ix_likes_user_id_post_id", "likes")
    op.drop_index("ix_posts_live_author_id", "posts")
    for table in ("outbox", "comments", "likes", "followers", "follows", "posts", "media", "users"):
        op.drop_table(table)
