"""Each id generator slot keeps the time its ids so far are older than, so the next holder
starts there whatever its clock says.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("id_slots", sa.Column("issued_until", sa.Double(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("id_slots") as batch:
        batch.drop_column("issued_until")
