"""The authorization server: clients, sessions with rotating refresh tokens on the user's shard,
authorization codes; accounts that can be deleted (and the indexes that find their data).

Sessions of revision 0002 (refresh tokens of the old format) are dropped: their users sign in
once more.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen here on purpose: later revisions change the schema, this one never does.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Time: sa.Double[float] = sa.Double()


def upgrade() -> None:
    op.drop_index("ix_sessions_expires_at", "sessions")
    op.drop_table("sessions")
    op.create_table(
        "clients",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("redirect_uris", sa.JSON, nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("grant_types", sa.JSON, nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=True),
        sa.Column("owner_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", Time, nullable=False),
    )
    op.create_table(
        "sessions",
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
    op.create_index("ix_sessions_user_id_id", "sessions", ["user_id", "id"])
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.create_table(
        "authorization_codes",
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
    op.create_index("ix_authorization_codes_expires_at", "authorization_codes", ["expires_at"])
    op.add_column("users", sa.Column("deleted_at", Time, nullable=True))
    op.create_index("ix_comments_author_id_id", "comments", ["author_id", "id"])
    op.create_index("ix_media_owner_id_id", "media", ["owner_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_media_owner_id_id", "media")
    op.drop_index("ix_comments_author_id_id", "comments")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("deleted_at")
    op.drop_index("ix_authorization_codes_expires_at", "authorization_codes")
    op.drop_table("authorization_codes")
    op.drop_index("ix_sessions_expires_at", "sessions")
    op.drop_index("ix_sessions_user_id_id", "sessions")
    op.drop_table("sessions")
    op.drop_table("clients")
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("expires_at", Time, nullable=False),
    )
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
