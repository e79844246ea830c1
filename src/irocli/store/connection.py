"""Connecting to a store: URLs, the engine, SQLite's file and pragmas, PostgreSQL's timeouts, read-only
modes, and the one line a driver's failure becomes. SQLAlchemy Core only: never sqlmodel or alembic.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc

from irocli.config import display_url
from irocli.errors import StoreUnavailable

BUSY_TIMEOUT_MS = 5000
# PostgreSQL: how long a command waits for the server, and for a row another writer holds, before it
# gives up with one line (exit 3) -- a 7am cron job must never hang -- and how many times a write
# transaction that lost a race to another writer is run.
PG_CONNECT_TIMEOUT_S = 10
PG_LOCK_TIMEOUT_MS = 10_000
# Each write also rewrites its children's stored obligations (store/kept.py), so writers of one child lose
# races more often than writers of new rows alone: enough attempts for eight at once, at most ~15 s of waiting.
PG_ATTEMPTS = 20
# PostgreSQL's SQLSTATEs the store answers: a race lost (serialization_failure, deadlock_detected),
# a key another transaction inserted first, a row lock not granted in time.
RACE_LOST = frozenset({"40001", "40P01"})
UNIQUE_VIOLATION = "23505"
LOCK_NOT_AVAILABLE = "55P03"


def first_line(error: BaseException) -> str:
    """The driver's own message, first line only (at most 200 characters): later lines
    (PostgreSQL's DETAIL) echo values."""
    origin = getattr(error, "orig", None) or error
    lines = str(origin).strip().splitlines()
    return lines[0][:200] if lines else type(origin).__name__


def sqlstate(error: BaseException | None) -> str | None:
    """PostgreSQL's SQLSTATE of a driver error (or of the one behind a StoreUnavailable); None
    for any other error, and on SQLite."""
    if isinstance(error, StoreUnavailable):
        error = error.__cause__
    return getattr(getattr(error, "orig", None), "sqlstate", None)


def missing(where: str, detail: str) -> StoreUnavailable:
    """The error for a store that is not there yet (``detail``: "no such file", "an empty
    database", ...), pointing to ``irocli init``."""
    return StoreUnavailable(f"no irocli store at {where} ({detail}): create one with `irocli init`")


def sqlite_file(url: sa.URL) -> str | None:
    """The SQLite store's absolute file path, or None (PostgreSQL, or an in-memory database)."""
    database = url.database
    if not url.drivername.startswith("sqlite") or not database or database == ":memory:":
        return None
    if database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return os.path.abspath(database)


def create_engine(url: str, *, create: bool = True, read_only: bool = False) -> sa.Engine:
    """An engine for the store at ``url`` (an SQLAlchemy URL; ``config.db_url`` turns a path into one).

    SQLite: with ``create``, the file and its folder are made first, 0600 and 0700; without it, a
    missing, non-regular or empty file is StoreUnavailable (``missing``) and nothing is made.
    ``read_only`` opens the file read-only (see read_only_sqlite); every connection gets the
    busy timeout, WAL and foreign keys (see sqlite_connect). PostgreSQL: psycopg 3 unless the URL
    names a driver, with connect and lock timeouts (pg_connect_args). A URL SQLAlchemy cannot
    parse or load is StoreUnavailable, the password masked.
    """
    try:
        parsed = sa.make_url(url)
    except sa_exc.ArgumentError as error:
        raise StoreUnavailable(f"not a database URL or path: {display_url(url)}") from error
    path = sqlite_file(parsed)
    options: dict[str, Any] = {}
    if path is not None and not create:
        # never a new file or folder: a mistyped path must not look like an empty caseload; an empty
        # file is not opened either (SQLite would write its header into it)
        if not os.path.isfile(path):
            raise missing(path, "no such file" if not os.path.exists(path) else "not a file")
        if os.path.getsize(path) == 0:
            raise missing(path, "an empty file")
    if path is not None and read_only:
        options["creator"] = read_only_sqlite(path)
    elif create:
        prepare_sqlite_file(parsed)
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":  # SQLAlchemy's default would be psycopg2: irocli ships psycopg 3
            parsed = parsed.set(drivername="postgresql+psycopg")
        options["connect_args"] = pg_connect_args(parsed, read_only=read_only)
    try:
        engine = sa.create_engine(parsed, **options)
    except (ImportError, sa_exc.SQLAlchemyError) as error:
        raise StoreUnavailable(
            f"cannot open the store at {display_url(url)}: {first_line(error)}"
        ) from error
    if engine.dialect.name == "sqlite":
        sa_event.listen(engine, "connect", sqlite_connect_read_only if read_only else sqlite_connect)
        sa_event.listen(engine, "begin", sqlite_begin)
    return engine


def prepare_sqlite_file(url: sa.URL) -> None:
    """Create the store's directory (0700) and file (0600) before SQLite creates them 0644.

    Nothing for PostgreSQL or an in-memory database; StoreUnavailable when the file system refuses.
    """
    path = sqlite_file(url)
    if path is None:
        return
    directory = os.path.dirname(path)
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, mode=0o700, exist_ok=True)
            os.chmod(directory, 0o700)
        if not os.path.exists(path):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process got there first; its file, its mode
                return
            os.close(fd)
            os.chmod(path, 0o600)  # the umask may have narrowed it; never widened
    except OSError as error:
        raise StoreUnavailable(
            f"cannot create the store at {path}: {error.strerror or error}"
        ) from error


def read_only_sqlite(path: str) -> Callable[[], Any]:
    """A connection factory opening the file read-only (``mode=ro``): a report on a snapshot that
    can only be read. Where SQLite cannot share the WAL index (no -shm beside a file in a folder
    it may not write), the file is opened ``immutable``: a snapshot nobody writes."""
    import pathlib
    import sqlite3

    uri = pathlib.Path(path).as_uri()

    def connect() -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
            conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
            return conn
        except sqlite3.OperationalError:
            return sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)

    return connect


def sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Each new SQLite connection: irocli begins transactions itself (sqlite_begin), waits up to
    BUSY_TIMEOUT_MS for a lock, journals in WAL and enforces foreign keys (per connection in SQLite)."""
    # the pragmas must run outside a transaction, hence isolation_level None first
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def sqlite_connect_read_only(dbapi_connection: Any, _record: Any) -> None:
    """As sqlite_connect, without setting the journal mode: that is a write."""
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def sqlite_begin(conn: sa.Connection) -> None:
    """Begin an SQLite transaction: IMMEDIATE on a connection marked ``irocli_write``, else deferred."""
    # Writers take the write lock up front (waiting up to busy_timeout): a deferred transaction
    # that reads first and then writes can fail at once with SQLITE_BUSY in WAL mode. It also
    # makes DDL transactional, so a failed migration leaves the store as it was.
    if conn.get_execution_options().get("irocli_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def pg_connect_args(url: sa.URL, *, read_only: bool = False) -> dict[str, Any]:
    """psycopg's connect arguments: never hang (a connect timeout of PG_CONNECT_TIMEOUT_S seconds,
    a lock timeout of PG_LOCK_TIMEOUT_MS), unless the URL's query sets its own. A reader's
    transactions are read-only: the server refuses any write."""
    options = f"-c lock_timeout={PG_LOCK_TIMEOUT_MS}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    args = {
        "application_name": "irocli",
        "connect_timeout": PG_CONNECT_TIMEOUT_S,
        "options": options,
    }
    return {name: value for name, value in args.items() if name not in url.query}


def unavailable(error: BaseException, where: str, url: sa.URL) -> StoreUnavailable:
    """The one-line StoreUnavailable a driver error becomes, for the store shown as ``where`` (its
    URL with the password masked) at ``url``: busy (a race lost PG_ATTEMPTS times), locked (and how
    long irocli waited), a file that can only be read, or the driver's first line."""
    state = sqlstate(error)
    if state in RACE_LOST:
        return StoreUnavailable(
            f"the store at {where} is busy: other writers kept changing the same "
            f"records (tried {PG_ATTEMPTS} times); try again"
        )
    if state == LOCK_NOT_AVAILABLE:
        return StoreUnavailable(
            f"the store at {where} is locked by another process "
            f"(waited {PG_LOCK_TIMEOUT_MS / 1000:g} s)"
        )
    reason = first_line(error)
    if "database is locked" in reason or "database table is locked" in reason:
        return StoreUnavailable(
            f"the store at {where} is locked by another process "
            f"(waited {BUSY_TIMEOUT_MS / 1000:g} s)"
        )
    if ("readonly database" in reason or "unable to open database file" in reason) and read_only_file(url):
        return StoreUnavailable(
            f"the store at {where} can only be read here (a read-only file or folder): reports "
            "work; recording needs a store you can write"
        )
    return StoreUnavailable(f"cannot use the store at {where}: {reason}")


def read_only_file(url: sa.URL) -> bool:
    """Whether the SQLite store's file or its folder cannot be written (access(2) also answers
    for a read-only file system, root included); False for PostgreSQL."""
    path = sqlite_file(url)
    return path is not None and os.path.exists(path) and not (
        os.access(path, os.W_OK) and os.access(os.path.dirname(path), os.W_OK))
