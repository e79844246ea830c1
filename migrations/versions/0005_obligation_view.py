"""The view v_obligation_open: the open obligations as of today, for BI tools (Power BI, Excel).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

One row per open obligation shown today, as irocli last stored it for each child (an obligation_kept row). Least
data: the child's id and initials, never the name or date of birth. Columns: child_id, initials, iro, team,
obligation (the rule id), title, owner, due (date), status ('due', or 'overdue' once due is before today), days
(due minus today, negative when overdue), source. An open row is left out before its shown_from day, and once its
due date has passed when it lapses (deemed met, domain.Obligation.settle).

SQL cannot tell a profile edit or an irocli upgrade (a hash of files): after one, the view shows the rows derived
before until `irocli db refresh` stores them again (each write meanwhile refreshes its own child). A dashboard
keeps every child rather than losing those not yet refreshed; README "Reading irocli from Power BI / Excel".

"Today" is worked out by the database each time the view is read: on PostgreSQL the date in Europe/London
(irocli's today, whatever the server's time zone), on SQLite the reading computer's local date.

The only dialect-specific SQL is that date arithmetic. SQLAlchemy's metadata (tables.py) knows no views and
Alembic's autogenerate compares tables only, so the view is invisible to that comparison. A later revision that
alters child, meta, obligation or obligation_kept in a way that copies the table (SQLite batch mode) or changes
a column the view reads (PostgreSQL) must drop the view first and create it again after.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

VIEW = "v_obligation_open"

# Today, and the days from today to o.due, in each dialect's own SQL.
_TODAY = {
    "postgresql": "CAST(CURRENT_TIMESTAMP AT TIME ZONE 'Europe/London' AS DATE)",
    "sqlite": "date('now', 'localtime')",
}
_DAYS = {
    "postgresql": "o.due - {today}",
    "sqlite": "CAST(julianday(o.due) - julianday({today}) AS INTEGER)",
}
_LAPSES = {"postgresql": "o.lapses", "sqlite": "o.lapses <> 0"}

_SELECT = """\
SELECT
    o.child_id AS child_id,
    k.initials AS initials,
    c.iro AS iro,
    c.team AS team,
    o.rule AS obligation,
    o.title AS title,
    o.owner AS owner,
    o.due AS due,
    CASE WHEN o.due < {today} THEN 'overdue' ELSE 'due' END AS status,
    {days} AS days,
    o.source AS source
FROM obligation AS o
JOIN obligation_kept AS k ON k.child_id = o.child_id
JOIN child AS c ON c.id = o.child_id
WHERE o.status = 'open'
  AND (o.shown_from IS NULL OR o.shown_from <= {today})
  AND NOT ({lapses} AND o.due < {today})"""


def view_sql(dialect: str) -> str:
    """The SELECT the view is made of, in ``dialect``'s SQL ("sqlite" or "postgresql")."""
    today = _TODAY[dialect]
    return _SELECT.format(today=today, days=_DAYS[dialect].format(today=today), lapses=_LAPSES[dialect])


def upgrade() -> None:
    op.execute(f"CREATE VIEW {VIEW} AS\n{view_sql(op.get_context().dialect.name)}")


def downgrade() -> None:
    op.execute(f"DROP VIEW {VIEW}")
