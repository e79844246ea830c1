"""A CLI runner on a real store (an SQLite file or a PostgreSQL database), keeping stdout and stderr apart."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from irocli.cli import app

TABLES = ("alembic_version", "child", "event", "meta", "iro_cover")


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url if "://" in url else f"sqlite:///{url}", poolclass=sa.pool.NullPool)


def rows(url: str, sql: str) -> list[tuple]:
    """Rows of plain SQL on a store (a file path or a URL), read by a connection of the test's own.
    Dates and times come back as SQLite stores them, ISO text, whichever the backend."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(str(v) if isinstance(v, dt.date) else v for v in row) for row in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


def tables(url: str) -> list[str]:
    """The store's tables; none for an SQLite file that does not exist (and it is not created)."""
    path = url.removeprefix("sqlite:///")
    if "://" not in path and not Path(path).exists():
        return []
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return sorted(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def digest(url: str, *, sequence: bool = True) -> str:
    """Proof that a failed command wrote nothing: on SQLite the file's bytes and its WAL's; on
    PostgreSQL every row of every table and (unless not wanted: a killed transaction's ids are
    used up, as PostgreSQL's sequences never roll back) the event ids' sequence."""
    if not url.startswith("postgresql"):
        db = Path(url.removeprefix("sqlite:///"))
        parts = [p for p in (db, db.with_name(db.name + "-wal")) if p.exists()]
        return hashlib.sha256(b"".join(p.read_bytes() for p in parts)).hexdigest()
    found = hashlib.sha256()
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
            for table in TABLES:
                if table in present:
                    found.update(repr(conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").all()).encode())
            if "event" in present and sequence:
                found.update(repr(tuple(conn.exec_driver_sql("SELECT last_value, is_called FROM event_id_seq").one()))
                             .encode())
    finally:
        engine.dispose()
    return found.hexdigest()


class Cli:
    def __init__(self, db: Path | str):
        self.url = str(db)
        self.postgres = self.url.startswith("postgresql")
        self.runner = CliRunner(env={"IROCLI_DB": self.url, "IROCLI_PROFILE": None, "COLUMNS": "160",
                                     "NO_COLOR": "1", "FORCE_COLOR": None})

    @property
    def db(self) -> Path:
        """The SQLite store's file (tests of file-level behaviour run on SQLite only)."""
        assert not self.postgres, "this test looks at the SQLite file"
        return Path(self.url)

    def __call__(self, *args: str, ok: bool = True, internal_error: bool = False):
        result = self.runner.invoke(app, [str(a) for a in args])
        # issue 13's acceptance: nothing a test gives irocli reaches exit 70, except the one test
        # that forces an internal error to check its message (internal_error=True)
        assert internal_error or (result.exit_code != 70 and "internal error" not in result.stderr), (
            args[:4], result.stderr[-500:])
        if ok:
            assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--format", "json").stdout)

    def digest(self) -> str:
        return digest(self.url)

    def rows(self, sql: str) -> list[tuple]:
        return rows(self.url, sql)

    def tables(self) -> list[str]:
        return tables(self.url)

    def add_child_as_imported(self, child_id: str, name: str, dob: str, iro: str | None = None,
                              team: str | None = None) -> None:
        """A child with an id `child add` refuses (a space, a leading "="), as an import keeps the
        case system's own ids: through the store, as every importer writes."""
        from irocli.domain import Child
        from irocli.store import Store

        with Store.open(self.url, create=False) as store:
            store.add_child(Child(child_id, name, dt.date.fromisoformat(dob), iro, None, team))

    def events(self, child: str) -> list[tuple[str, str]]:
        return [(kind, str(day)) for kind, day in self.rows(
            f"SELECT kind, date FROM event WHERE child_id = '{child}' AND voided_at IS NULL ORDER BY date, id")]


def execute(url: str, *statements: str) -> None:
    """Write with plain SQL, in one committed transaction, behind irocli's back (to make damage)."""
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()
