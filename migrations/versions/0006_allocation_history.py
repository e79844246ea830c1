"""IRO allocation as history: each `iro-allocated` event names its IRO in details, and the cover table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

The `iro-allocated` events are the allocation history: from 0006 each carries details {"iro": NAME} (the IRO
allocated from its date; the child's IRO is the latest's). Events written before it named the IRO in their note
only ("IRO named on the child: A. Khan", as `child add/update --iro` wrote it): their details get the name, cleaned
as the write path cleans names (domain.clean_name), other details kept. An allocation whose note has another form
(an import's worker name, none) is left as it was: the history names no IRO there.

iro_cover: an IRO covering another's child from start_date to end_date, both included (Store.cover); the
allocation stays. Dialect-neutral: a new table, and a data change done in Python over the rows concerned.
Downgrade drops the table and leaves the details (a detail more is no harm to 0005).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NOTE = "IRO named on the child: "  # a migration keeps its own copy: later code may change


def _clean(value: str) -> str | None:
    # irocli.domain.clean_name as it was at this revision
    return " ".join(value.split()) or None


def upgrade() -> None:
    op.create_table(
        "iro_cover",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("child_id", sa.Text(), nullable=False),
        sa.Column("iro", sa.Text(), nullable=False),
        sa.Column("absent", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name="fk_iro_cover_child_id_child"),
        sa.PrimaryKeyConstraint("id", name="pk_iro_cover"),
    )
    op.create_index("ix_iro_cover_child_id", "iro_cover", ["child_id"])
    op.create_index("ix_iro_cover_iro", "iro_cover", ["iro"])
    if context.is_offline_mode():  # no rows to read when only printing SQL
        return
    event = sa.table("event", sa.column("id", sa.Integer), sa.column("kind", sa.Text), sa.column("note", sa.Text),
                     sa.column("details", sa.Text))
    conn = op.get_bind()
    changes = []
    rows = conn.execute(sa.select(event.c.id, event.c.note, event.c.details)
                        .where(event.c.kind == "iro-allocated", event.c.note.like(NOTE + "%")))
    for event_id, note, details in rows:
        name = _clean(note[len(NOTE):])
        found = json.loads(details) if details else {}
        if name is None or not isinstance(found, dict) or found.get("iro"):
            continue
        found["iro"] = name
        changes.append({"b_id": event_id, "details": json.dumps(found, sort_keys=True, ensure_ascii=False)})
    if changes:
        conn.execute(event.update().where(event.c.id == sa.bindparam("b_id")).values(details=sa.bindparam("details")),
                     changes)


def downgrade() -> None:
    op.drop_index("ix_iro_cover_iro", table_name="iro_cover")
    op.drop_index("ix_iro_cover_child_id", table_name="iro_cover")
    op.drop_table("iro_cover")
