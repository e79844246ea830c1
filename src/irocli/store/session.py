"""The Store: opens the database safely, migrates it on first use, reads and writes domain values.

Reads go through irocli.store.queries (SQLAlchemy Core text). Writes import sqlmodel and
irocli.store.tables inside the method, and the store imports alembic only when the schema is
behind HEAD: a report that only reads never pays for either (PERFORMANCE.md, surprise 2).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc

from irocli.config import db_url, display_url
from irocli.domain import Child, Event, check_event_date, clean_name, date_fault, is_placeholder_dob
from irocli.errors import BadInput, StoreUnavailable
from irocli.store import queries
from irocli.store.records import StoredEvent

if TYPE_CHECKING:
    from sqlmodel import Session

# Every Alembic revision in migrations/versions, oldest first; HEAD is the newest. A test checks
# both against the scripts, so adding a revision without listing it here fails CI.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003")
HEAD = REVISIONS[-1]

BUSY_TIMEOUT_MS = 5000
# PostgreSQL: how long a command waits for the server, and for a row another writer holds, before it
# gives up with one line (exit 3) -- a 7am cron job must never hang -- and how many times a write
# transaction that lost a race to another writer is run.
PG_CONNECT_TIMEOUT_S = 10
PG_LOCK_TIMEOUT_MS = 10_000
PG_ATTEMPTS = 8
_RACE_LOST = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_UNIQUE_VIOLATION = "23505"
_LOCK_NOT_AVAILABLE = "55P03"
T = TypeVar("T")
_CHILD_FIELDS = ("name", "dob", "iro", "social_worker", "team")
_NAME_FIELDS = ("iro", "social_worker", "team")


def clean_child(child: Child) -> Child:
    """A child as stored: IRO, social worker and team names trimmed (inner whitespace collapsed),
    the case systems' placeholder date of birth as unknown. Every write path goes through here,
    so importers store names the way ``--iro`` matches them."""
    iro, social_worker, team = (clean_name(getattr(child, f)) for f in _NAME_FIELDS)
    dob = None if is_placeholder_dob(child.dob) else child.dob
    if (dob, iro, social_worker, team) == (child.dob, child.iro, child.social_worker, child.team):
        return child
    return Child(child.id, child.name, dob, iro, social_worker, team)


def _refuse_events_before_birth(session: Session, child_id: str, dob: dt.date) -> None:
    """BadInput when a recorded (not voided) event of the child would fall before a new date of
    birth: the rule of event entry (domain.date_fault), applied from the other side. Names the
    event, never the date of birth."""
    from sqlmodel import select

    from irocli.store.tables import EventRow

    query = (select(EventRow).where(EventRow.child_id == child_id, EventRow.voided_at.is_(None), EventRow.date < dob)
             .order_by(EventRow.date, EventRow.id))
    for event in session.exec(query):
        if date_fault(event.kind, event.date, event.date, dob) == "before-birth":
            raise BadInput(f"{child_id}'s event {event.id} ({event.kind} on {event.date}) would be before the new "
                           "date of birth: check the date, or void the event first")


def dump_details(details: dict | None) -> str | None:
    import json

    return None if not details else json.dumps(details, sort_keys=True, ensure_ascii=False)


def _now() -> dt.datetime:
    """Naive UTC: DateTime columns stay dialect-neutral (no timezone type on SQLite)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def os_user() -> str | None:
    """Who is recording, by default: the operating-system user, if it can be told."""
    import getpass

    try:
        return getpass.getuser() or None
    except Exception:  # getpass raises OSError, KeyError or ImportError depending on platform
        return None


def _first_line(error: BaseException) -> str:
    """The driver's own message, first line only: later lines (PostgreSQL's DETAIL) echo values."""
    origin = getattr(error, "orig", None) or error
    lines = str(origin).strip().splitlines()
    return lines[0][:200] if lines else type(origin).__name__


def _sqlstate(error: BaseException | None) -> str | None:
    """PostgreSQL's SQLSTATE of a driver error (or of the one behind a StoreUnavailable)."""
    if isinstance(error, StoreUnavailable):
        error = error.__cause__
    return getattr(getattr(error, "orig", None), "sqlstate", None)


def _pg_connect_args(url: sa.URL, *, read_only: bool = False) -> dict[str, Any]:
    """Never hang: a connect timeout and a lock timeout, unless the URL's query sets its own. A
    reader's transactions are read-only: the server refuses any write."""
    options = f"-c lock_timeout={PG_LOCK_TIMEOUT_MS}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    args = {
        "application_name": "irocli",
        "connect_timeout": PG_CONNECT_TIMEOUT_S,
        "options": options,
    }
    return {name: value for name, value in args.items() if name not in url.query}


def _prepare_sqlite_file(url: sa.URL) -> None:
    """Create the store's directory (0700) and file (0600) before SQLite creates them 0644."""
    path = _sqlite_file(url)
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


def _sqlite_file(url: sa.URL) -> str | None:
    """The SQLite store's file path, or None (PostgreSQL, or an in-memory database)."""
    database = url.database
    if not url.drivername.startswith("sqlite") or not database or database == ":memory:":
        return None
    if database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return os.path.abspath(database)


def _missing(where: str, detail: str) -> StoreUnavailable:
    return StoreUnavailable(f"no irocli store at {where} ({detail}): create one with `irocli init`")


def _read_only_sqlite(path: str) -> Callable[[], Any]:
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


def _create_engine(url: str, *, create: bool = True, read_only: bool = False) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa_exc.ArgumentError as error:
        raise StoreUnavailable(f"not a database URL or path: {display_url(url)}") from error
    path = _sqlite_file(parsed)
    options: dict[str, Any] = {}
    if path is not None and not create:
        # never a new file or folder: a mistyped path must not look like an empty caseload; an empty
        # file is not opened either (SQLite would write its header into it)
        if not os.path.isfile(path):
            raise _missing(path, "no such file" if not os.path.exists(path) else "not a file")
        if os.path.getsize(path) == 0:
            raise _missing(path, "an empty file")
    if path is not None and read_only:
        options["creator"] = _read_only_sqlite(path)
    elif create:
        _prepare_sqlite_file(parsed)
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":  # SQLAlchemy's default would be psycopg2: irocli ships psycopg 3
            parsed = parsed.set(drivername="postgresql+psycopg")
        options["connect_args"] = _pg_connect_args(parsed, read_only=read_only)
    try:
        engine = sa.create_engine(parsed, **options)
    except (ImportError, sa_exc.SQLAlchemyError) as error:
        raise StoreUnavailable(
            f"cannot open the store at {display_url(url)}: {_first_line(error)}"
        ) from error
    if engine.dialect.name == "sqlite":
        sa_event.listen(engine, "connect", _sqlite_connect_read_only if read_only else _sqlite_connect)
        sa_event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # irocli, not the sqlite3 module, says when transactions begin (see _sqlite_begin); the
    # pragmas must run outside a transaction, and foreign keys are per connection in SQLite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_connect_read_only(dbapi_connection: Any, _record: Any) -> None:
    # as _sqlite_connect, without setting the journal mode: that is a write
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _sqlite_begin(conn: sa.Connection) -> None:
    # Writers take the write lock up front (waiting up to busy_timeout): a deferred transaction
    # that reads first and then writes can fail at once with SQLITE_BUSY in WAL mode. It also
    # makes DDL transactional, so a failed migration leaves the store as it was.
    if conn.get_execution_options().get("irocli_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


class Store:
    """A migrated irocli store. Open with ``Store.open(url)``; close with ``close()``."""

    def __init__(self, engine: sa.Engine, url: str) -> None:
        self.url = url
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._migrator = engine.execution_options(irocli_write=True)
        # PostgreSQL writers run REPEATABLE READ: each sees one snapshot, and one that would
        # overwrite a row another committed since fails with a serialisation failure and is run
        # again (_transaction). Every rule a write keeps is one row's or a constraint's, so this
        # is as good as SQLite's one-writer-at-a-time, without SERIALIZABLE's predicate locks
        # aborting a national import whenever someone records a visit.
        self._writer = (
            self._migrator.execution_options(isolation_level="REPEATABLE READ") if self._postgres else self._migrator
        )

    # -- opening, migrating, closing ------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, create: bool = True, read_only: bool = False) -> Store:
        """Open the store at ``url`` (an SQLAlchemy URL or a file path).

        An empty store is created, and one behind HEAD migrated, unless ``migrate=False``.
        ``create=False`` (every command but ``init``, CONTRACT) raises StoreUnavailable where there
        is no store yet -- no file, or a database without irocli's tables -- creating nothing.
        ``read_only`` (the reports) opens it so that nothing can be written: a store behind HEAD is
        then StoreUnavailable advising ``irocli db upgrade``.
        """
        url = db_url(url)
        store = cls(_create_engine(url, create=create, read_only=read_only), url)
        try:
            revision = store.revision()
            if revision is None and not create:
                raise _missing(store.display_url, "an empty database")
            if read_only and revision != HEAD:
                if revision in REVISIONS:
                    raise StoreUnavailable(f"the store at {store.display_url} is at schema revision {revision}; "
                                           f"this irocli needs {HEAD}: run `irocli db upgrade`")
                raise StoreUnavailable(f"the store at {store.display_url} has schema revision {revision}, "
                                       f"newer than this irocli knows ({HEAD}): upgrade irocli")
            if migrate and revision != HEAD:
                if revision is not None and revision not in REVISIONS:
                    raise StoreUnavailable(
                        f"the store at {store.display_url} has schema revision {revision}, "
                        f"newer than this irocli knows ({HEAD}): upgrade irocli"
                    )
                store.upgrade()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def display_url(self) -> str:
        return display_url(self.url)

    def revision(self) -> str | None:
        """The schema revision recorded in the store (None for an empty store). Plain SQL."""
        with self._guard(), self._engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def upgrade(self) -> str | None:
        """Run Alembic's upgrade to head in one transaction; returns the revision reached."""
        from irocli.store import migrate

        try:
            migrate.upgrade(self._migrator)
        except StoreUnavailable:
            raise
        except sa_exc.DBAPIError as error:
            if "locked" in _first_line(error):
                raise self._unavailable(error) from error
            raise self._migration_failed(error) from error
        except Exception as error:  # alembic's CommandError, a broken script: all exit 3
            raise self._migration_failed(error) from error
        return self.revision()

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- errors -------------------------------------------------------------------------------

    def _unavailable(self, error: BaseException) -> StoreUnavailable:
        state = _sqlstate(error)
        if state in _RACE_LOST:
            return StoreUnavailable(
                f"the store at {self.display_url} is busy: other writers kept changing the same "
                f"records (tried {PG_ATTEMPTS} times); try again"
            )
        if state == _LOCK_NOT_AVAILABLE:
            return StoreUnavailable(
                f"the store at {self.display_url} is locked by another process "
                f"(waited {PG_LOCK_TIMEOUT_MS / 1000:g} s)"
            )
        reason = _first_line(error)
        if "database is locked" in reason or "database table is locked" in reason:
            return StoreUnavailable(
                f"the store at {self.display_url} is locked by another process "
                f"(waited {BUSY_TIMEOUT_MS / 1000:g} s)"
            )
        if ("readonly database" in reason or "unable to open database file" in reason) and self._read_only_file():
            return StoreUnavailable(
                f"the store at {self.display_url} can only be read here (a read-only file or folder): reports "
                "work; recording needs a store you can write"
            )
        return StoreUnavailable(f"cannot use the store at {self.display_url}: {reason}")

    def _read_only_file(self) -> bool:
        """Whether the SQLite store's file or its folder cannot be written (access(2) also answers
        for a read-only file system, root included)."""
        path = _sqlite_file(self._engine.url)
        return path is not None and os.path.exists(path) and not (
            os.access(path, os.W_OK) and os.access(os.path.dirname(path), os.W_OK))

    def _migration_failed(self, error: BaseException) -> StoreUnavailable:
        return StoreUnavailable(
            f"cannot migrate the store at {self.display_url} to revision {HEAD}: "
            f"{_first_line(error)}"
        )

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sa_exc.SQLAlchemyError as error:
            raise self._unavailable(error) from error

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self._guard(), self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """One write transaction through a SQLModel Session (sqlmodel is imported here only)."""
        from sqlmodel import Session

        with self._guard(), Session(self._writer, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def _transaction(self, work: Callable[[Session], T], *, retry_duplicates: bool = False) -> T:
        """``work(session)`` in one write transaction, and its result.

        On PostgreSQL a transaction that lost a race to another writer (a serialisation failure
        or a deadlock; with ``retry_duplicates`` also a key another transaction inserted first)
        is rolled back and run again after a short random wait, up to PG_ATTEMPTS times in all.
        """
        if not self._postgres:
            with self._session() as session:
                return work(session)
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

        retried = _RACE_LOST | {_UNIQUE_VIOLATION} if retry_duplicates else _RACE_LOST
        for attempt in Retrying(
            retry=retry_if_exception(lambda error: _sqlstate(error) in retried),
            stop=stop_after_attempt(PG_ATTEMPTS),
            wait=wait_random_exponential(multiplier=0.02, max=1),
            reraise=True,
        ):
            with attempt, self._session() as session:
                return work(session)
        raise AssertionError("unreachable: tenacity returns or re-raises")

    # -- children -----------------------------------------------------------------------------

    def add_child(self, child: Child, *, allocated_on: dt.date | None = None) -> None:
        """Add a new child (names stored clean, a placeholder date of birth as unknown).

        With ``allocated_on`` and an IRO named, an `iro-allocated` event of that day is recorded in
        the same transaction: the IRO named on the child, with the date it was set (RULES §3,
        ms.iro-before-first-review).
        """
        from irocli.store.tables import ChildRow

        now = _now()
        child = clean_child(child)

        def work(session: Session) -> None:
            if session.get(ChildRow, child.id) is not None:
                raise BadInput(f"child {child.id} already exists")
            session.add(
                ChildRow(
                    id=child.id,
                    name=child.name,
                    dob=child.dob,
                    iro=child.iro,
                    social_worker=child.social_worker,
                    team=child.team,
                    created_at=now,
                    updated_at=now,
                )
            )
            if child.iro and allocated_on is not None:
                session.flush()
                session.add(_allocation(child.id, child.iro, allocated_on))

        try:
            self._transaction(work)
        except StoreUnavailable as error:
            # Another process added the same id between our check and our insert.
            if isinstance(error.__cause__, sa_exc.IntegrityError):
                raise BadInput(f"child {child.id} already exists") from error
            raise

    def update_child(self, child_id: str, *, allocated_on: dt.date | None = None, **fields: Any) -> Child:
        """Set the given fields (name, dob, iro, social_worker, team); None leaves one as it is.

        Names are stored clean (a blank one leaves the field as it is); the placeholder date of
        birth 1900-01-01 sets the date of birth to unknown. With ``allocated_on``, a change of IRO
        records an `iro-allocated` event of that day (as :meth:`add_child`).
        """
        from irocli.store.tables import ChildRow

        unknown = set(fields) - set(_CHILD_FIELDS)
        if unknown:
            raise TypeError(f"update_child() got unknown fields: {', '.join(sorted(unknown))}")
        clear_dob = is_placeholder_dob(fields.get("dob"))
        fields = {name: clean_name(value) if name in _NAME_FIELDS else value for name, value in fields.items()}

        def work(session: Session) -> Child:
            row = session.get(ChildRow, child_id)
            if row is None:
                raise BadInput(f"unknown child {child_id}")
            changes = {name: value for name, value in fields.items() if value is not None}
            if clear_dob:
                changes["dob"] = None
            if changes.get("dob") is not None and changes["dob"] != row.dob:
                _refuse_events_before_birth(session, child_id, changes["dob"])
            new_iro = changes.get("iro")
            if allocated_on is not None and new_iro and new_iro.casefold() != (row.iro or "").casefold():
                session.add(_allocation(child_id, changes["iro"], allocated_on))
            if changes:
                for name, value in changes.items():
                    setattr(row, name, value)
                row.updated_at = _now()
            return Child(row.id, row.name, row.dob, row.iro, row.social_worker, row.team)

        return self._transaction(work)

    def get_child(self, child_id: str) -> Child:
        with self._read() as conn:
            child = queries.get_child(conn, child_id)
        if child is None:
            raise BadInput(f"unknown child {child_id}")
        return child

    def list_children(self, iro: str | None = None, team: str | None = None) -> list[Child]:
        """Children sorted by id, optionally only one IRO's and/or one team's.

        Names match as people type them (queries.match_name); one that matches no child is
        BadInput listing the known ones.
        """
        with self._read() as conn:
            return queries.list_children(conn, iro, team)

    def existing_child_ids(self, child_ids: Iterable[str]) -> set[str]:
        """Those of ``child_ids`` the store already holds."""
        with self._read() as conn:
            return queries.existing_child_ids(conn, child_ids)

    # -- events -------------------------------------------------------------------------------

    def add_event(
        self,
        child_id: str,
        kind: str,
        date: dt.date,
        *,
        meeting: bool = True,
        note: str | None = None,
        recorded_by: str | None = None,
        source_key: str | None = None,
        details: dict | None = None,
        as_of: dt.date | None = None,
    ) -> int:
        """Record an event; returns its id. ``recorded_by`` defaults to the OS user.

        With ``as_of`` (a person entering it: the day of entry), the date is checked first
        (domain.check_event_date): not after ``as_of`` unless a booking, not before the child's
        birth unless child-protection work; BadInput, and nothing written, when it fails.
        """
        from irocli.store.tables import ChildRow, EventRow

        by = recorded_by if recorded_by is not None else os_user()

        def work(session: Session) -> int | None:
            child = session.get(ChildRow, child_id)
            if child is None:
                raise BadInput(f"unknown child {child_id}")
            if as_of is not None:
                check_event_date(kind, date, as_of=as_of, dob=child.dob, child_id=child_id)
            row = EventRow(
                child_id=child_id,
                kind=kind,
                date=date,
                meeting=meeting,
                note=note,
                source_key=source_key,
                recorded_at=_now(),
                recorded_by=by,
                details=dump_details(details),
            )
            session.add(row)
            session.flush()
            return row.id

        try:
            event_id = self._transaction(work)
        except StoreUnavailable as error:
            if source_key is not None and isinstance(error.__cause__, sa_exc.IntegrityError):
                raise BadInput(
                    f"an event with source key {source_key} is already recorded"
                ) from error
            raise
        assert event_id is not None
        return event_id

    def void_event(self, event_id: int, reason: str) -> Event:
        """Mark an event voided (it stays listed, but no longer counts); returns the event."""
        from irocli.store.tables import EventRow

        if not reason or not reason.strip():
            raise BadInput("a reason is needed to void an event")

        def work(session: Session) -> Event:
            row = session.get(EventRow, event_id)
            if row is None:
                raise BadInput(f"unknown event {event_id}")
            if row.voided_at is not None:
                raise BadInput(f"event {event_id} is already voided")
            row.voided_at = _now()
            row.void_reason = reason.strip()
            return Event(row.kind, row.date, row.id, row.child_id, row.meeting, row.note)

        return self._transaction(work)

    def list_events(self, child_id: str, include_voided: bool = True) -> list[StoredEvent]:
        """One child's events by date then id, voided ones included unless asked otherwise."""
        with self._read() as conn:
            if queries.get_child(conn, child_id) is None:
                raise BadInput(f"unknown child {child_id}")
            return queries.stored_events(conn, child_id, include_voided)

    def get_event(self, event_id: int) -> StoredEvent:
        with self._read() as conn:
            stored = queries.stored_event(conn, event_id)
        if stored is None:
            raise BadInput(f"unknown event {event_id}")
        return stored

    def events_for(self, child_ids: Iterable[str]) -> dict[str, list[Event]]:
        """Non-voided events by date then id for each requested child (an empty list if none)."""
        with self._read() as conn:
            return queries.events_for(conn, child_ids)

    def iter_caseload(
        self,
        iro: str | None = None,
        team: str | None = None,
        child_ids: Iterable[str] | None = None,
    ) -> Iterator[tuple[Child, list[Event]]]:
        """Stream children (by id) with their non-voided events (by date, id); filters combine.

        Names match as in list_children, checked now (BadInput), before anything streams.
        """
        with self._read() as conn:
            filters = queries.match_filters(conn, iro, team)
        return self._stream_caseload(filters, child_ids)

    def _stream_caseload(self, filters: queries.Filters, child_ids: Iterable[str] | None
                         ) -> Iterator[tuple[Child, list[Event]]]:
        try:
            with self._engine.connect() as conn:
                yield from queries.caseload(conn, filters, child_ids)
        except sa_exc.SQLAlchemyError as error:
            raise self._unavailable(error) from error

    # -- bulk loads (importers) -----------------------------------------------------------------

    def bulk_load(
        self,
        children: Iterable[Child],
        events: Iterable[tuple[Event, str]],
        *,
        recorded_by: str | None = None,
        update: bool = False,
        dry_run: bool = False,
    ) -> dict[str, int]:
        """Load children and keyed events in ONE transaction, idempotently.

        New children are added; for a stored child, each non-None field replaces the stored
        value. Each event comes with its source key; every event's ``child_id`` must be among
        ``children`` or already stored. A key not yet stored is added. A stored key (voided ones
        included) is left as it is, unless ``update`` is set: then a stored, non-voided event
        whose kind, date, meeting, note or details differ is updated in place (a voided one
        stays voided and untouched: the person's decision stands). A key given twice in one
        call counts once (the first wins). With ``dry_run`` nothing is written, not even a
        transaction begun: the counts say what a real load would do.

        Returns counts: children_added, children_updated, children_unchanged, events_added,
        events_unchanged, and with ``update`` also events_updated.
        """
        children = list(children)
        events = list(events)
        if dry_run:
            with self._read() as conn:
                plan = self._bulk_plan(conn, children, events, update)
            return plan.counts
        from sqlalchemy import bindparam
        from sqlalchemy import update as sa_update

        from irocli.store.tables import ChildRow, EventRow

        by = recorded_by if recorded_by is not None else os_user()
        now = _now()
        child_table = ChildRow.__table__
        event_table = EventRow.__table__

        def work(session: Session) -> _BulkPlan:
            conn = session.connection()
            plan = self._bulk_plan(conn, children, events, update)
            if plan.new_children:
                self._insert(conn, child_table, _NEW_CHILD, plan.new_children, {"created_at": now, "updated_at": now})
            if plan.changed_children:
                conn.execute(
                    sa_update(child_table).where(child_table.c.id == bindparam("b_id")),
                    [{**row, "updated_at": now} for row in plan.changed_children],
                )
            if plan.new_events:
                plan.new_events.sort(key=_by_key)  # the unique source_key index fills in order: faster
                self._insert(conn, event_table, _NEW_EVENT, plan.new_events, {"recorded_at": now, "recorded_by": by})
            if plan.changed_events:
                conn.execute(
                    sa_update(event_table).where(event_table.c.id == bindparam("b_id")),
                    plan.changed_events,
                )
            return plan

        # Another import committing the same keys first is a race lost too: run again, they are
        # found stored and counted unchanged.
        plan = self._transaction(work, retry_duplicates=True)
        return plan.counts

    # -- looking after the store ------------------------------------------------------------------

    def check(self) -> list:
        """Problems a person should look at (integrity, orphan events, events before birth)."""
        from irocli.store import maintenance

        with self._guard():
            return maintenance.check(self._engine)

    def backup(self, target) -> None:
        """Copy an SQLite store to a new file ``target`` (0600), safely while others write."""
        from irocli.store import maintenance

        with self._guard():
            maintenance.backup(self._engine, target)

    # -- settings kept in the store -------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._read() as conn:
            return queries.get_meta(conn, key)

    def set_meta(self, key: str, value: str) -> None:
        from irocli.store.tables import MetaRow


        def work(session: Session) -> None:
            row = session.get(MetaRow, key)
            if row is None:
                session.add(MetaRow(key=key, value=value))
            else:
                row.value = value

        self._transaction(work)

    # -- bulk-load planning (reads only; shared by real and dry runs) ----------------------------

    def _bulk_plan(self, conn: sa.Connection, children: list[Child], events: list[tuple[Event, str]],
                   update: bool) -> _BulkPlan:
        """What bulk_load would write, worked out from reads on ``conn`` alone."""
        plan = _BulkPlan(update)
        counts = plan.counts
        stored = self._children_by_id(conn, {c.id for c in children})
        for child in map(clean_child, children):
            old = stored.get(child.id)
            if old is None:
                plan.new_children.append((child.id, child.name, child.dob, child.iro, child.social_worker, child.team))
                stored[child.id] = child  # a repeated id in one call counts once
                continue
            merged = {f: getattr(child, f) for f in _CHILD_FIELDS}
            merged = {f: v if v is not None else getattr(old, f) for f, v in merged.items()}
            if all(merged[f] == getattr(old, f) for f in _CHILD_FIELDS):
                counts["children_unchanged"] += 1
                continue
            plan.changed_children.append({"b_id": child.id, **merged})
        counts["children_added"] = len(plan.new_children)
        counts["children_updated"] = len(plan.changed_children)

        keys = [key for _, key in events]
        if update:
            existing = self._events_by_source_key(conn, keys)
        else:
            existing = dict.fromkeys(queries.existing_source_keys(conn, keys))
        seen: set[str] = set()
        dumped: dict = {}  # imports repeat the same few details (a participation code): dump each once
        for event, key in events:
            if key in seen:
                continue
            seen.add(key)
            if event.details is None:
                details = None
            else:  # importers share one dict per distinct value, so its id is a fair key here
                details = dumped.get(id(event.details))
                if details is None:
                    details = dumped[id(event.details)] = dump_details(event.details)
            old = existing.get(key)
            if old is None and key not in existing:
                plan.new_events.append((event.child_id, event.kind, event.date, event.meeting, event.note, key,
                                        details))
                continue
            if old is None or old.voided or (old.kind, old.date, old.meeting, old.note, old.details) == (
                event.kind, event.date, event.meeting, event.note, details
            ):
                counts["events_unchanged"] += 1
                continue
            plan.changed_events.append(
                {"b_id": old.id, "kind": event.kind, "date": event.date, "meeting": event.meeting,
                 "note": event.note, "details": details}
            )
        counts["events_added"] = len(plan.new_events)
        if update:
            counts["events_updated"] = len(plan.changed_events)
        return plan

    @staticmethod
    def _events_by_source_key(conn: sa.Connection, keys: list[str]) -> dict[str, _Keyed]:
        """The stored events among ``keys``, by key, voided ones included (an import compares them).

        On SQLite through the driver's cursor, 5,000 keys a query: a national import looks up
        hundreds of thousands, and SQLAlchemy's statement layer would cost more than SQLite.
        """
        sql = "SELECT source_key, id, kind, date, meeting, note, details, voided_at FROM event WHERE source_key IN "
        parse = queries.date_parser(conn)
        found: dict[str, _Keyed] = {}
        wanted = sorted(set(keys))
        if conn.dialect.name == "sqlite":
            cursor = conn.connection.driver_connection.cursor()
            try:
                for start in range(0, len(wanted), _SQLITE_CHUNK):
                    chunk = wanted[start:start + _SQLITE_CHUNK]
                    rows = cursor.execute(sql + "(" + ",".join("?" * len(chunk)) + ")", chunk).fetchall()
                    for row in rows:
                        found[row[0]] = _Keyed(row[1], row[2], parse(row[3]), bool(row[4]), row[5], row[6],
                                               row[7] is not None)
            finally:
                cursor.close()
            return found
        statement = sa.text(sql + ":keys").bindparams(sa.bindparam("keys", expanding=True))
        for chunk in queries.chunks(wanted):
            for row in conn.execute(statement, {"keys": chunk}):
                found[row[0]] = _Keyed(row[1], row[2], parse(row[3]), bool(row[4]), row[5], row[6],
                                       row[7] is not None)
        return found

    @staticmethod
    def _insert(conn: sa.Connection, table: sa.Table, columns: tuple[str, ...], rows: list[tuple],
                same: dict) -> None:
        """Insert rows (tuples in ``columns`` order, plus the ``same`` values on each) in the open
        transaction. On SQLite through the driver's executemany, values as SQLAlchemy itself
        stores them (ISO dates, 'YYYY-MM-DD HH:MM:SS.ffffff' timestamps, 0/1): its per-row
        parameter processing costs more than SQLite's own inserts."""
        names = (*columns, *same)
        if conn.dialect.name != "sqlite":
            extra = tuple(same.values())
            conn.execute(sa.insert(table), [dict(zip(names, (*row, *extra), strict=True)) for row in rows])
            return
        values: list = list(zip(*rows, strict=True))
        for i, name in enumerate(columns):
            kind = table.c[name].type
            if isinstance(kind, sa.Date):  # DateTime is a Date subclass in no SQLAlchemy: checked apart
                memo: dict = {None: None}  # dates repeat: each is formatted once
                values[i] = [memo[v] if v in memo else memo.setdefault(v, v.isoformat()) for v in values[i]]
            elif isinstance(kind, sa.Boolean):
                values[i] = [None if v is None else int(bool(v)) for v in values[i]]
        n = len(rows)
        for value in same.values():
            if isinstance(value, dt.datetime):
                value = value.isoformat(sep=" ", timespec="microseconds")
            values.append([value] * n)
        sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.executemany(sql, zip(*values, strict=True))
        except conn.dialect.dbapi.Error as error:  # as SQLAlchemy would raise it: the store's guard maps it
            raise sa_exc.DBAPIError.instance(sql, None, error, conn.dialect.dbapi.Error) from error
        finally:
            cursor.close()

    @staticmethod
    def _children_by_id(conn: sa.Connection, ids: set[str]) -> dict[str, Child]:
        """The stored children among ``ids``. On SQLite through the driver, 5,000 ids a query."""
        found: dict[str, Child] = {}
        wanted = sorted(ids)
        if conn.dialect.name != "sqlite":
            for chunk in queries.chunks(wanted):
                found.update((c.id, c) for c in queries.children_by_id(conn, chunk))
            return found
        sql = "SELECT id, name, dob, iro, social_worker, team FROM child WHERE id IN "
        cursor = conn.connection.driver_connection.cursor()
        parse = dt.date.fromisoformat
        try:
            for start in range(0, len(wanted), _SQLITE_CHUNK):
                chunk = wanted[start:start + _SQLITE_CHUNK]
                for row in cursor.execute(sql + "(" + ",".join("?" * len(chunk)) + ")", chunk).fetchall():
                    found[row[0]] = Child(row[0], row[1], parse(row[2]) if row[2] else None, row[3], row[4], row[5])
        finally:
            cursor.close()
        return found

    def latest_event_dates(self, kind: str, iro: str | None = None, team: str | None = None) -> dict[str, dt.date]:
        """Each child's latest non-voided event date of ``kind`` (one IRO's / one team's children only)."""
        sql = ("SELECT e.child_id, MAX(e.date) FROM event AS e JOIN child AS c ON c.id = e.child_id"
               " WHERE e.kind = :kind AND e.voided_at IS NULL")
        with self._read() as conn:
            where, params = queries.filter_sql(queries.match_filters(conn, iro, team), "c.")
            sql += "".join(f" AND {condition}" for condition in where)
            params["kind"] = kind
            parse = queries.date_parser(conn)
            return {row[0]: parse(row[1]) for row in conn.execute(sa.text(sql + " GROUP BY e.child_id"), params)}


class _BulkPlan:
    """Rows bulk_load will insert (tuples in _NEW_CHILD / _NEW_EVENT order) or update, and its counts."""

    def __init__(self, update: bool) -> None:
        names = ["children_added", "children_updated", "children_unchanged", "events_added", "events_unchanged"]
        if update:
            names.insert(4, "events_updated")
        self.counts: dict[str, int] = dict.fromkeys(names, 0)
        self.new_children: list[tuple] = []
        self.changed_children: list[dict] = []
        self.new_events: list[tuple] = []
        self.changed_events: list[dict] = []

_NEW_CHILD = ("id", "name", "dob", "iro", "social_worker", "team")
_NEW_EVENT = ("child_id", "kind", "date", "meeting", "note", "source_key", "details")


def _by_key(row: tuple) -> str:
    return row[5]


# Keys per query when an import looks up source keys on SQLite (its limit is 32,766 variables).
_SQLITE_CHUNK = 5000


class _Keyed(NamedTuple):
    """A stored event as an import compares it."""

    id: int
    kind: str
    date: dt.date
    meeting: bool
    note: str | None
    details: str | None  # JSON text, as stored
    voided: bool


def _allocation(child_id: str, iro: str, day: dt.date):
    """The `iro-allocated` event that records the IRO named on a child, and the day it was set."""
    from irocli.store.tables import EventRow

    return EventRow(child_id=child_id, kind="iro-allocated", date=day, meeting=True,
                    note=f"IRO named on the child: {iro}", recorded_at=_now(), recorded_by=os_user())
