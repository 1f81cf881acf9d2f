"""Analytics rollups: applied event ids, counts per day, engagement per post and hour.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen here on purpose: later revisions change the schema, this one never does.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _count(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "analytics_applied",
        sa.Column("event_id", Id, primary_key=True, autoincrement=False),
        sa.Column("day", sa.Integer, nullable=False),
    )
    op.create_index("ix_analytics_applied_day", "analytics_applied", ["day"])
    op.create_table(
        "analytics_days",
        sa.Column("day", sa.Integer, primary_key=True, autoincrement=False),
        *(_count(name) for name in ("active", "signups", "posts", "likes", "comments", "follows")),
    )
    op.create_table(
        "analytics_engagement",
        sa.Column("post_id", sa.BigInteger, primary_key=True),
        sa.Column("hour", sa.Integer, primary_key=True),
        sa.Column("engagement", sa.Integer, nullable=False),
    )
    op.create_index("ix_analytics_engagement_hour", "analytics_engagement", ["hour"])


def downgrade() -> None:
    op.drop_index("ix_analytics_engagement_hour", "analytics_engagement")
    op.drop_table("analytics_engagement")
    op.drop_table("analytics_days")
    op.drop_index("ix_analytics_applied_day", "analytics_applied")
    op.drop_table("analytics_applied")
