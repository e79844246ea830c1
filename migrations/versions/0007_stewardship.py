"""Data stewardship: import batches, child history, amendments.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

import_batch: one row per import that wrote (files with their SHA-256, the map, counts, who, when, its undoing).
child_change: every change of a child's details (field, old and new as text, who, when, via what, its batch).
write_log: the other writes the audit lists (an IRO renamed everywhere, the store's rule profile set): what, who,
when, and a JSON detail of names and counts.
event gains voided_by (who voided it), batch_id (the import batch that wrote it), amends (the event it replaced)
and former_key (a source key released by an import undo or a replacement). Plain nullable columns on event (no
foreign keys: SQLite would copy the whole table to add one); the store keeps them true. Existing rows have no
history: it starts at this revision (events written before keep batch_id NULL, as hand entries do).
Dialect-neutral; downgrade drops what it added.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("map", sa.Text(), nullable=True),
        sa.Column("options", sa.Text(), nullable=True),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.Text(), nullable=True),
        sa.Column("undo_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_import_batch"),
    )
    op.create_table(
        "child_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("child_id", sa.Text(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.Text(), nullable=True),
        sa.Column("via", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name="fk_child_change_child_id_child"),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"], name="fk_child_change_batch_id_import_batch"),
        sa.PrimaryKeyConstraint("id", name="pk_child_change"),
    )
    op.create_table(
        "write_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_write_log"),
    )
    op.create_index("ix_child_change_child_id", "child_change", ["child_id"])
    op.create_index("ix_child_change_batch_id", "child_change", ["batch_id"])
    op.add_column("event", sa.Column("voided_by", sa.Text(), nullable=True))
    op.add_column("event", sa.Column("batch_id", sa.Integer(), nullable=True))
    op.add_column("event", sa.Column("amends", sa.Integer(), nullable=True))
    op.add_column("event", sa.Column("former_key", sa.Text(), nullable=True))
    op.create_index("ix_event_batch_id", "event", ["batch_id"])
    op.create_index("ix_event_amends", "event", ["amends"])


def downgrade() -> None:
    op.drop_index("ix_event_amends", table_name="event")
    op.drop_index("ix_event_batch_id", table_name="event")
    with op.batch_alter_table("event") as batch:
        for column in ("former_key", "amends", "batch_id", "voided_by"):
            batch.drop_column(column)
    op.drop_index("ix_child_change_batch_id", table_name="child_change")
    op.drop_index("ix_child_change_child_id", table_name="child_change")
    op.drop_table("child_change")
    op.drop_table("write_log")
    op.drop_table("import_batch")
