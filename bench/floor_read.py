"""The floor of the scale bench: read the rows irocli reads, with the plain driver, and do nothing else.

    python bench/floor_read.py STORE [--iro NAME | --team NAME]
    python bench/floor_read.py STORE --overdue 2026-11-23 [--within DAYS] [--fingerprint KEY]
                               [--iro NAME | --team NAME]

STORE is an SQLite path or a PostgreSQL URL (read from $IROCLI_DB when STORE is "-", so a password
stays off the command line). stdlib sqlite3 or psycopg 3, no SQLAlchemy, no objects built, no dates
parsed; prints the row counts.

Events (default): reads the children (id, name, dob, iro, social worker, team) in id order and their
non-voided events (child, id, kind, date, meeting, recorded-at, details) in (child, date, id) order,
as irocli's caseload stream does when it derives live.

--overdue AS_OF: the rows `irocli overdue --as-of AS_OF` reads from the obligation table
(store/queries.py kept_obligations with open_only and due_by = the day before AS_OF): each open
obligation due before AS_OF and shown by then (shown_from), of the children whose obligation_kept
row has the fingerprint KEY (default: meta 'obligations.fingerprint', the latest derivation stored),
settled by AS_OF and valid after it, joined with child for its columns (and the --iro/--team filter),
in (child, derivation) order: the same SQL, the same columns. With --within DAYS: those due up to
DAYS days after AS_OF instead, the rows `irocli due --within DAYS` reads.
"""

from __future__ import annotations

import argparse
import os
import sys

CHILDREN = "SELECT c.id, c.name, c.dob, c.iro, c.social_worker, c.team FROM child AS c{where} ORDER BY c.id"
EVENTS = ("SELECT e.child_id, e.id, e.kind, e.date, e.meeting, e.recorded_at, e.details FROM event AS e{join}"
          " WHERE e.voided_at IS NULL{also} ORDER BY e.child_id, e.date, e.id")


OB_COLUMNS = ("rule", "title", "source", "owner", "due", "status", "met_on", "anchor_kind", "anchor_date",
              "rule_offset", "arithmetic", "cycle", "shown_from", "lapses")  # queries.KEPT_COLUMNS
OVERDUE = ("SELECT c.id, c.name, c.dob, c.iro, c.social_worker, c.team, " + ", ".join(f"o.{c}" for c in OB_COLUMNS)
           + " FROM child AS c{join}obligation AS o JOIN obligation_kept AS k ON k.child_id = o.child_id"
           " WHERE o.child_id = c.id AND k.fingerprint = {m} AND (k.settled_on IS NULL OR k.settled_on <= {m})"
           " AND (k.valid_until IS NULL OR k.valid_until > {m})"
           " AND (o.shown_from IS NULL OR o.shown_from <= {m})"
           " AND {plus}o.status = 'open' AND {plus}o.due <= {m}{also} ORDER BY {order}, o.id")


def overdue_query(column: str | None, mark: str) -> str:
    """kept_obligations' SQL for `overdue`, steered on SQLite as it steers it (children in id order, each one's
    rows by ix_obligation_child_id): parameters (fingerprint, as_of ×3, due_by[, iro or team])."""
    also = "" if column is None else f" AND c.{column} = {mark}"  # column is "iro" or "team", never input
    sqlite = mark == "?"
    return OVERDUE.format(m=mark, also=also, join=" CROSS JOIN " if sqlite else ", ", plus="+" if sqlite else "",
                          order="c.id" if sqlite else "o.child_id")


def queries(column: str | None, mark: str) -> tuple[str, str]:
    if column is None:
        return CHILDREN.format(where=""), EVENTS.format(join="", also="")
    test = f"c.{column} = {mark}"  # column is "iro" or "team", chosen below, never input
    return (CHILDREN.format(where=f" WHERE {test}"),
            EVENTS.format(join=" JOIN child AS c ON c.id = e.child_id", also=f" AND {test}"))


def main() -> None:
    import datetime as dt

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--iro")
    group.add_argument("--team")
    ap.add_argument("--overdue", metavar="AS_OF", type=dt.date.fromisoformat,
                    help="read the obligation rows `overdue --as-of AS_OF` reads instead of the events")
    ap.add_argument("--within", type=int, metavar="DAYS",
                    help="with --overdue: open obligations due up to DAYS after AS_OF (as `due` reads)")
    ap.add_argument("--fingerprint", help="with --overdue: the fingerprint the rows must carry "
                                          "(default: meta 'obligations.fingerprint')")
    args = ap.parse_args()
    store = os.environ["IROCLI_DB"] if args.store == "-" else args.store
    column, value = ("iro", args.iro) if args.iro else ("team", args.team) if args.team else (None, None)
    params = () if column is None else (value,)
    counts = []
    pg = store.startswith("postgresql")
    mark = "%s" if pg else "?"
    if args.overdue is not None:
        as_of = args.overdue
        due_by = as_of + dt.timedelta(days=args.within) if args.within is not None else as_of - dt.timedelta(days=1)
        sqls = [overdue_query(column, mark)]
        days = (as_of, due_by) if pg else (as_of.isoformat(), due_by.isoformat())  # SQLite holds ISO text
        fp_sql = f"SELECT value FROM meta WHERE key = {mark}"

        def bound(conn) -> list[tuple]:
            fp = args.fingerprint or conn.execute(fp_sql, ("obligations.fingerprint",)).fetchone()[0]
            return [(fp, days[0], days[0], days[0], days[1], *params)]
    else:
        sqls = list(queries(column, mark))

        def bound(conn) -> list[tuple]:
            return [params, params]
    if pg:
        import psycopg

        with psycopg.connect(store.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
            for sql, values in zip(sqls, bound(conn), strict=True):
                with conn.cursor(name="floor") as cursor:  # server-side, streamed, as irocli reads
                    cursor.itersize = 5000
                    cursor.execute(sql, values)
                    counts.append(sum(1 for _ in cursor))
    else:
        import sqlite3

        conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        for sql, values in zip(sqls, bound(conn), strict=True):
            cursor = conn.execute(sql, values)
            n = 0
            while rows := cursor.fetchmany(5000):
                n += len(rows)
            counts.append(n)
        conn.close()
    if args.overdue is not None:
        print(f"{counts[0]} obligation rows", file=sys.stdout)
    else:
        print(f"{counts[0]} children, {counts[1]} events", file=sys.stdout)


if __name__ == "__main__":
    main()
