"""The floor of the scale bench: read the rows irocli reads, with the plain driver, and do nothing else.

    python bench/floor_read.py STORE [--iro NAME | --team NAME]

STORE is an SQLite path or a PostgreSQL URL (read from $IROCLI_DB when STORE is "-", so a password
stays off the command line). Reads the children (id, name, dob, iro, social worker, team) in id
order and their non-voided events (child, id, kind, date, meeting, recorded-at, details) in
(child, date, id) order, as irocli's caseload stream does; stdlib sqlite3 or psycopg 3, no
SQLAlchemy, no objects built. Prints the row counts.
"""

from __future__ import annotations

import argparse
import os
import sys

CHILDREN = "SELECT c.id, c.name, c.dob, c.iro, c.social_worker, c.team FROM child AS c{where} ORDER BY c.id"
EVENTS = ("SELECT e.child_id, e.id, e.kind, e.date, e.meeting, e.recorded_at, e.details FROM event AS e{join}"
          " WHERE e.voided_at IS NULL{also} ORDER BY e.child_id, e.date, e.id")


def queries(column: str | None, mark: str) -> tuple[str, str]:
    if column is None:
        return CHILDREN.format(where=""), EVENTS.format(join="", also="")
    test = f"c.{column} = {mark}"  # column is "iro" or "team", chosen below, never input
    return (CHILDREN.format(where=f" WHERE {test}"),
            EVENTS.format(join=" JOIN child AS c ON c.id = e.child_id", also=f" AND {test}"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--iro")
    group.add_argument("--team")
    args = ap.parse_args()
    store = os.environ["IROCLI_DB"] if args.store == "-" else args.store
    column, value = ("iro", args.iro) if args.iro else ("team", args.team) if args.team else (None, None)
    params = () if column is None else (value,)
    counts = []
    if store.startswith("postgresql"):
        import psycopg

        csql, esql = queries(column, "%s")
        with psycopg.connect(store.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
            for sql in (csql, esql):
                with conn.cursor(name="floor") as cursor:  # server-side, streamed, as irocli reads
                    cursor.itersize = 5000
                    cursor.execute(sql, params)
                    counts.append(sum(1 for _ in cursor))
    else:
        import sqlite3

        csql, esql = queries(column, "?")
        conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        for sql in (csql, esql):
            cursor = conn.execute(sql, params)
            n = 0
            while rows := cursor.fetchmany(5000):
                n += len(rows)
            counts.append(n)
        conn.close()
    print(f"{counts[0]} children, {counts[1]} events", file=sys.stdout)


if __name__ == "__main__":
    main()
