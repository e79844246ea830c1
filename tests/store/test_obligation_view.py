"""The view v_obligation_open (migration 0005) on each backend: rows written with plain SQL, read back.

"Today" is the database's: on PostgreSQL the date in Europe/London, on SQLite the local date of the process
reading the file (this one). Dates in the rows are today plus fixed offsets, so each expected status and day
count below is written by hand from its offset.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clirunner import execute, rows

COLUMNS = ["child_id", "initials", "iro", "team", "obligation", "title", "owner", "due", "status", "days", "source"]


def db_today(url: str) -> dt.date:
    """Today as the view's dialect counts it (see the module docstring)."""
    if url.startswith("postgresql"):
        return dt.datetime.now(ZoneInfo("Europe/London")).date()
    return dt.date.today()


def seed(url: str, today: dt.date) -> None:
    """Children C001-C004 with kept rows and obligations around ``today``; meta's fingerprint "fp-now"."""
    def day(offset: int) -> str:
        return f"'{today + dt.timedelta(days=offset)}'"

    def child(child_id: str, name: str, iro: str, team: str) -> str:
        return (f"INSERT INTO child (id, name, dob, iro, team, created_at, updated_at) VALUES "
                f"('{child_id}', '{name}', '2012-05-01', '{iro}', '{team}', '2025-01-06 09:00:00', "
                "'2025-01-06 09:00:00')")

    def kept(child_id: str, initials: str, fingerprint: str, settled_on: str, valid_until: str) -> str:
        return ("INSERT INTO obligation_kept (child_id, initials, fingerprint, settled_on, valid_until, horizon, "
                f"derived_at) VALUES ('{child_id}', '{initials}', '{fingerprint}', {settled_on}, {valid_until}, "
                f"{day(366)}, '2026-01-01 00:00:00')")

    def ob(child_id: str, rule: str, due: str, status: str = "open", shown_from: str = "NULL",
           lapses: str = "FALSE") -> str:
        return ("INSERT INTO obligation (child_id, rule, title, source, owner, due, status, anchor_kind, "
                'anchor_date, rule_offset, arithmetic, shown_from, lapses) VALUES '
                f"('{child_id}', '{rule}', 'Title of {rule}', 'Source of {rule}', 'IRO', {due}, '{status}', "
                f"'entered-care', '2025-01-06', '20 working days', 'arithmetic', {shown_from}, {lapses})")

    execute(url,
            child("C001", "Sam Jones", "A. Khan", "North"),
            child("C002", "Ava Smith", "A. Khan", "North"),
            child("C003", "Leo Brown", "B. Okafor", "South"),
            child("C004", "Mia Green", "B. Okafor", "South"),
            "INSERT INTO meta (key, value) VALUES ('obligations.fingerprint', 'fp-now')",
            kept("C001", "SJ", "fp-now", day(-10), day(30)),
            kept("C002", "AS", "fp-old", "NULL", "NULL"),  # derived under another profile: stale
            # C003: no kept row (its obligations are not stored)
            kept("C004", "MG", "fp-now", "NULL", day(0)),  # its rows stopped answering today (valid_until)
            ob("C001", "a.overdue", day(-3)),
            ob("C001", "b.due-soon", day(5)),
            ob("C001", "c.due-today", day(0)),
            ob("C001", "d.shown-later", day(40), shown_from=day(1)),
            ob("C001", "e.shown-today", day(10), shown_from=day(0)),
            ob("C001", "f.lapsed", day(-1), lapses="TRUE"),
            ob("C001", "g.lapses-today", day(0), lapses="TRUE"),
            ob("C001", "h.met", day(-20), status="met"),
            ob("C001", "i.met-late", day(-15), status="met-late"),
            ob("C001", "j.missed", day(-30), status="missed"),
            ob("C002", "a.stale", day(-3)),
            ob("C003", "a.unkept", day(-3)),
            ob("C004", "a.window-ended", day(-3)))


def test_the_view_holds_the_open_obligations_shown_today_as_last_stored(store):
    today = db_today(store.url)
    seed(store.url, today)
    found = rows(store.url, "SELECT * FROM v_obligation_open ORDER BY child_id, obligation")
    assert db_today(store.url) == today, "the day changed while the test ran: run it again"

    def iso(offset: int) -> str:
        return str(today + dt.timedelta(days=offset))

    first = ("C001", "SJ", "A. Khan", "North")
    assert found == [
        (*first, "a.overdue", "Title of a.overdue", "IRO", iso(-3), "overdue", -3, "Source of a.overdue"),
        (*first, "b.due-soon", "Title of b.due-soon", "IRO", iso(5), "due", 5, "Source of b.due-soon"),
        (*first, "c.due-today", "Title of c.due-today", "IRO", iso(0), "due", 0, "Source of c.due-today"),
        (*first, "e.shown-today", "Title of e.shown-today", "IRO", iso(10), "due", 10, "Source of e.shown-today"),
        (*first, "g.lapses-today", "Title of g.lapses-today", "IRO", iso(0), "due", 0, "Source of g.lapses-today"),
        # stored under another fingerprint, or past its school terms: shown as last stored until db refresh
        ("C002", "AS", "A. Khan", "North", "a.stale", "Title of a.stale", "IRO", iso(-3), "overdue", -3,
         "Source of a.stale"),
        ("C004", "MG", "B. Okafor", "South", "a.window-ended", "Title of a.window-ended", "IRO", iso(-3), "overdue",
         -3, "Source of a.window-ended"),
    ]  # C003 has no kept row (its obligations were never stored): not shown


def test_the_view_has_the_documented_columns_and_no_name_or_date_of_birth(store):
    engine = sa.create_engine(store.url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            names = list(conn.exec_driver_sql("SELECT * FROM v_obligation_open").keys())
    finally:
        engine.dispose()
    assert names == COLUMNS
    assert "name" not in names and "dob" not in names


def test_a_child_whose_rows_were_forgotten_leaves_the_view(store):
    seed(store.url, db_today(store.url))
    execute(store.url, "DELETE FROM obligation_kept WHERE child_id = 'C001'")
    shown = rows(store.url, "SELECT DISTINCT child_id FROM v_obligation_open ORDER BY child_id")
    assert shown == [("C002",), ("C004",)]


def test_the_days_are_stored_as_an_integer_on_each_backend(store):
    seed(store.url, db_today(store.url))
    typeof = "pg_typeof(days)::text" if store.url.startswith("postgresql") else "typeof(days)"
    assert rows(store.url, f"SELECT days, {typeof} FROM v_obligation_open WHERE obligation = 'b.due-soon'") == [
        (5, "integer")]
