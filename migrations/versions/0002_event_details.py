"""Structured details on events (escalation stages, reasons, outcomes) as JSON text.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Dialect-neutral: a nullable TEXT column; existing events keep details NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("details", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("details")
