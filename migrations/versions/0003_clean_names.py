"""Store names clean: IRO, social worker and team trimmed, inner whitespace collapsed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

A data migration, no schema change. Rows written before the store cleaned names ("A. Khan ",
"North  Team") are rewritten as the write path now stores them (irocli.domain.clean_name: a blank
name becomes NULL), and the case systems' placeholder date of birth 1900-01-01 becomes unknown
(NULL), as domain.is_placeholder_dob says. Done in Python over the rows that differ, so the
cleaning is the write path's own on both SQLite and PostgreSQL. Downgrade keeps the clean values:
the untidy ones are not worth restoring, and the schema is unchanged.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NAME_COLUMNS = ("iro", "social_worker", "team")
PLACEHOLDER_DOB = dt.date(1900, 1, 1)  # a migration keeps its own copy: later code may change


def _clean(value: str | None) -> str | None:
    # irocli.domain.clean_name as it was at this revision
    return None if value is None else (" ".join(value.split()) or None)


def upgrade() -> None:
    child = sa.table("child", sa.column("id", sa.Text), sa.column("dob", sa.Date),
                     *(sa.column(name, sa.Text) for name in NAME_COLUMNS))
    if context.is_offline_mode():  # no rows to read when only printing SQL: trim what SQL can
        for name in NAME_COLUMNS:
            column = child.c[name]
            op.execute(child.update().where(column != sa.func.trim(column)).values({name: sa.func.trim(column)}))
            op.execute(child.update().where(column == "").values({name: None}))
        op.execute(child.update().where(child.c.dob == PLACEHOLDER_DOB).values(dob=None))
        return
    conn = op.get_bind()
    changes = []
    for row in conn.execute(sa.select(child.c.id, child.c.dob, *(child.c[n] for n in NAME_COLUMNS))):
        change = {name: _clean(row._mapping[name]) for name in NAME_COLUMNS
                  if _clean(row._mapping[name]) != row._mapping[name]}
        if row.dob is not None and str(row.dob)[:10] == PLACEHOLDER_DOB.isoformat():
            change["dob"] = None
        if change:
            changes.append((row.id, change))
    for child_id, change in changes:
        conn.execute(child.update().where(child.c.id == child_id).values(change))


def downgrade() -> None:
    pass
