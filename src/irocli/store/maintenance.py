"""Looking after a store: checking its integrity and backing it up.

Findings name children by id and events by id, kind and date only: never a name or a date of
birth, since a check's output goes to logs and to the people who run it for a whole service.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from irocli.domain import EVENT_KINDS
from irocli.errors import BadInput, StoreUnavailable
from irocli.store import queries


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a check found: what kind, where (child id, event id) and a one-line detail."""

    check: str
    detail: str
    child_id: str | None = None
    event_id: int | None = None

    def as_dict(self) -> dict:
        """The finding as a JSON/CSV row: check, child_id, event_id, detail."""
        return {"check": self.check, "child_id": self.child_id, "event_id": self.event_id, "detail": self.detail}


def check(engine: sa.Engine) -> list[Finding]:
    """Everything wrong with the store that a person should look at; an empty list when sound.

    SQLite's integrity and foreign-key checks first (a damaged file stops there), then orphan
    events, events before birth and unknown event kinds (the queries are in queries.py).
    """
    findings: list[Finding] = []
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            findings += _sqlite_integrity(conn)
            if findings and findings[0].check == "integrity":
                return findings  # a damaged file: the queries below could fail on it, and say no more
        findings += _event_findings("orphan-event", queries.orphan_events(conn),
                                    "event {id} ({kind} {date}) belongs to no stored child")
        findings += _event_findings("before-birth", queries.events_before_birth(conn),
                                    "event {id} ({kind} {date}) is dated before the child's date of birth")
        for kind in queries.event_kinds(conn):
            if kind not in EVENT_KINDS:
                findings.append(Finding("unknown-kind", f"events of kind {kind!r}, which this irocli does not know"))
    return findings


def _event_findings(name: str, rows: list[tuple], detail: str) -> list[Finding]:
    return [Finding(name, detail.format(id=event_id, kind=kind, date=date), child_id, event_id)
            for child_id, event_id, kind, date in rows]


def _sqlite_integrity(conn: sa.Connection) -> list[Finding]:
    try:
        problems = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    except sa.exc.DatabaseError as error:  # damaged past listing: SQLite says so in one line
        problems = [str(error.orig).splitlines()[0]]
    if problems != ["ok"]:
        return [Finding("integrity", f"SQLite integrity_check: {problem}") for problem in problems[:20]]
    findings = []
    for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        if table != "event":  # orphan events are reported by their own check, by event id
            findings.append(Finding("foreign-key", f"{table} row {rowid} refers to a missing {parent}"))
    return findings


def backup(engine: sa.Engine, target: Path) -> None:
    """Copy an SQLite store, consistently while others write, to ``target`` (a new file, 0600).

    Uses SQLite's online backup API into a temporary file beside the target, which becomes the
    target only when complete: a backup interrupted midway leaves no file that looks finished.
    """
    if engine.dialect.name != "sqlite":
        raise BadInput(
            "irocli db backup copies SQLite stores; back up a PostgreSQL store with its own tools, "
            "e.g. pg_dump --format=custom --file=irocli.dump DBNAME (the service's DBA may already do this)"
        )
    target = Path(os.path.abspath(os.path.expanduser(target)))
    if target.exists():
        raise BadInput(f"{target} already exists: choose a new file name (a backup never overwrites)")
    if not target.parent.is_dir():
        raise BadInput(f"{target.parent} is not a directory")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        os.chmod(partial, 0o600)
        raw = engine.raw_connection()
        try:
            destination = sqlite3.connect(partial)
            try:
                raw.driver_connection.backup(destination)
                # One self-contained file: the copy carries the source's WAL mode, undone here.
                destination.execute("PRAGMA journal_mode=DELETE")
                if destination.execute("PRAGMA quick_check").fetchone() != ("ok",):
                    raise StoreUnavailable(f"the backup at {target} failed its check; nothing kept")
            finally:
                destination.close()
        finally:
            raw.close()
        os.link(partial, target)  # fails rather than overwrite a file that appeared meanwhile
    except FileExistsError:
        raise BadInput(f"{target} already exists: choose a new file name (a backup never overwrites)") from None
    except (OSError, sqlite3.Error) as error:
        raise StoreUnavailable(f"cannot write the backup {target}: {getattr(error, 'strerror', None) or error}") \
            from error
    finally:
        partial.unlink(missing_ok=True)
