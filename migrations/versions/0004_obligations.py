"""The obligation table, kept current by every write, and what each child's rows were derived from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Dialect-neutral. Existing stores start with both tables empty: every child's obligations are then derived
live by reports, which say once that `irocli db refresh` stores them (a migration never runs the engine).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "obligation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("child_id", sa.Text(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("anchor_kind", sa.Text(), nullable=False),
        sa.Column("anchor_date", sa.Date(), nullable=False),
        sa.Column("rule_offset", sa.Text(), nullable=False),
        sa.Column("arithmetic", sa.Text(), nullable=False),
        sa.Column("cycle", sa.Text(), nullable=True),
        sa.Column("shown_from", sa.Date(), nullable=True),
        sa.Column("lapses", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name="fk_obligation_child_id_child"),
        sa.PrimaryKeyConstraint("id", name="pk_obligation"),
    )
    op.create_index("ix_obligation_child_id", "obligation", ["child_id"])
    op.create_index("ix_obligation_status_due", "obligation", ["status", "due"])
    op.create_table(
        "obligation_kept",
        sa.Column("child_id", sa.Text(), nullable=False),
        sa.Column("initials", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("horizon", sa.Date(), nullable=False),
        sa.Column("derived_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name="fk_obligation_kept_child_id_child"),
        sa.PrimaryKeyConstraint("child_id", name="pk_obligation_kept"),
    )


def downgrade() -> None:
    op.drop_table("obligation_kept")
    op.drop_index("ix_obligation_status_due", table_name="obligation")
    op.drop_index("ix_obligation_child_id", table_name="obligation")
    op.drop_table("obligation")
