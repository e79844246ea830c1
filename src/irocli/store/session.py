"""The Store: opens the database safely, migrates it on first use, reads and writes domain values.

Reads go through irocli.store.queries (SQLAlchemy Core text). Writes import sqlmodel and
irocli.store.tables inside the method, and the store imports alembic only when the schema is
behind HEAD: a report that only reads never pays for either (PERFORMANCE.md, surprise 2).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc

from irocli.config import db_url, display_url
from irocli.domain import Child, Event
from irocli.errors import BadInput, StoreUnavailable
from irocli.store import queries
from irocli.store.records import StoredEvent

if TYPE_CHECKING:
    from sqlmodel import Session

# Every Alembic revision in migrations/versions, oldest first; HEAD is the newest. A test checks
# both against the scripts, so adding a revision without listing it here fails CI.
REVISIONS: tuple[str, ...] = ("0001", "0002")
HEAD = REVISIONS[-1]

BUSY_TIMEOUT_MS = 5000
_CHILD_FIELDS = ("name", "dob", "iro", "social_worker", "team")


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


def _prepare_sqlite_file(url: sa.URL) -> None:
    """Create the store's directory (0700) and file (0600) before SQLite creates them 0644."""
    database = url.database
    if not url.drivername.startswith("sqlite") or not database or database == ":memory:":
        return
    if database.startswith("file:") or url.query.get("mode") == "memory":
        return
    path = os.path.abspath(database)
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


def _create_engine(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa_exc.ArgumentError as error:
        raise StoreUnavailable(f"not a database URL or path: {display_url(url)}") from error
    _prepare_sqlite_file(parsed)
    try:
        engine = sa.create_engine(parsed)
    except (ImportError, sa_exc.SQLAlchemyError) as error:
        raise StoreUnavailable(
            f"cannot open the store at {display_url(url)}: {_first_line(error)}"
        ) from error
    if engine.dialect.name == "sqlite":
        sa_event.listen(engine, "connect", _sqlite_connect)
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
        self._writer = engine.execution_options(irocli_write=True)

    # -- opening, migrating, closing ------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        """Open the store at ``url`` (an SQLAlchemy URL or a file path).

        An empty store is created, and one behind HEAD migrated, unless ``migrate=False``.
        """
        url = db_url(url)
        store = cls(_create_engine(url), url)
        try:
            revision = store.revision()
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
            migrate.upgrade(self._writer)
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
        reason = _first_line(error)
        if "database is locked" in reason or "database table is locked" in reason:
            return StoreUnavailable(
                f"the store at {self.display_url} is locked by another process "
                f"(waited {BUSY_TIMEOUT_MS / 1000:g} s)"
            )
        return StoreUnavailable(f"cannot use the store at {self.display_url}: {reason}")

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

    # -- children -----------------------------------------------------------------------------

    def add_child(self, child: Child) -> None:
        from irocli.store.tables import ChildRow

        now = _now()
        try:
            with self._session() as session:
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
        except StoreUnavailable as error:
            # Another process added the same id between our check and our insert.
            if isinstance(error.__cause__, sa_exc.IntegrityError):
                raise BadInput(f"child {child.id} already exists") from error
            raise

    def update_child(self, child_id: str, **fields: Any) -> Child:
        """Set the given fields (name, dob, iro, social_worker, team); None leaves one as it is."""
        from irocli.store.tables import ChildRow

        unknown = set(fields) - set(_CHILD_FIELDS)
        if unknown:
            raise TypeError(f"update_child() got unknown fields: {', '.join(sorted(unknown))}")
        with self._session() as session:
            row = session.get(ChildRow, child_id)
            if row is None:
                raise BadInput(f"unknown child {child_id}")
            changes = {name: value for name, value in fields.items() if value is not None}
            if changes:
                for name, value in changes.items():
                    setattr(row, name, value)
                row.updated_at = _now()
            return Child(row.id, row.name, row.dob, row.iro, row.social_worker, row.team)

    def get_child(self, child_id: str) -> Child:
        with self._read() as conn:
            child = queries.get_child(conn, child_id)
        if child is None:
            raise BadInput(f"unknown child {child_id}")
        return child

    def list_children(self, iro: str | None = None, team: str | None = None) -> list[Child]:
        """Children sorted by id, optionally only one IRO's and/or one team's."""
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
    ) -> int:
        """Record an event; returns its id. ``recorded_by`` defaults to the OS user."""
        from irocli.store.tables import ChildRow, EventRow

        try:
            with self._session() as session:
                if session.get(ChildRow, child_id) is None:
                    raise BadInput(f"unknown child {child_id}")
                row = EventRow(
                    child_id=child_id,
                    kind=kind,
                    date=date,
                    meeting=meeting,
                    note=note,
                    source_key=source_key,
                    recorded_at=_now(),
                    recorded_by=recorded_by if recorded_by is not None else os_user(),
                    details=dump_details(details),
                )
                session.add(row)
                session.flush()
                event_id = row.id
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
        with self._session() as session:
            row = session.get(EventRow, event_id)
            if row is None:
                raise BadInput(f"unknown event {event_id}")
            if row.voided_at is not None:
                raise BadInput(f"event {event_id} is already voided")
            row.voided_at = _now()
            row.void_reason = reason.strip()
            return Event(row.kind, row.date, row.id, row.child_id, row.meeting, row.note)

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
        """Stream children (by id) with their non-voided events (by date, id); filters combine."""
        try:
            with self._engine.connect() as conn:
                yield from queries.caseload(conn, iro, team, child_ids)
        except sa_exc.SQLAlchemyError as error:
            raise self._unavailable(error) from error

    # -- bulk loads (importers) -----------------------------------------------------------------

    def bulk_load(
        self,
        children: Iterable[Child],
        events: Iterable[tuple[Event, str]],
        *,
        recorded_by: str | None = None,
    ) -> dict[str, int]:
        """Load children and keyed events in ONE transaction, idempotently.

        New children are added; for a stored child, each non-None field replaces the stored
        value. Each event comes with its source key; events whose key is already stored (voided
        ones included) are skipped. Every event's ``child_id`` must be among ``children`` or
        already stored. Returns counts: children_added, children_updated, children_unchanged,
        events_added, events_unchanged.
        """
        from sqlalchemy import bindparam, insert, update

        from irocli.store.tables import ChildRow, EventRow

        children = list(children)
        events = list(events)
        by = recorded_by if recorded_by is not None else os_user()
        now = _now()
        child_table = ChildRow.__table__
        event_table = EventRow.__table__
        counts = dict.fromkeys(
            (
                "children_added",
                "children_updated",
                "children_unchanged",
                "events_added",
                "events_unchanged",
            ),
            0,
        )
        with self._session() as session:
            conn = session.connection()
            stored = {
                child.id: child
                for chunk in queries.chunks(sorted({c.id for c in children}))
                for child in queries.children_by_id(conn, chunk)
            }
            new_rows, changed_rows = [], []
            for child in children:
                old = stored.get(child.id)
                if old is None:
                    new_rows.append(
                        {
                            "id": child.id,
                            "name": child.name,
                            "dob": child.dob,
                            "iro": child.iro,
                            "social_worker": child.social_worker,
                            "team": child.team,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                    continue
                merged = {f: getattr(child, f) for f in _CHILD_FIELDS}
                merged = {f: v if v is not None else getattr(old, f) for f, v in merged.items()}
                if all(merged[f] == getattr(old, f) for f in _CHILD_FIELDS):
                    counts["children_unchanged"] += 1
                    continue
                changed_rows.append({"b_id": child.id, **merged, "updated_at": now})
            if new_rows:
                conn.execute(insert(child_table), new_rows)
            if changed_rows:
                conn.execute(
                    update(child_table).where(child_table.c.id == bindparam("b_id")),
                    changed_rows,
                )
            counts["children_added"] = len(new_rows)
            counts["children_updated"] = len(changed_rows)

            seen = queries.existing_source_keys(conn, (key for _, key in events))
            event_rows = []
            for event, key in events:
                if key in seen:
                    counts["events_unchanged"] += 1
                    continue
                seen.add(key)
                event_rows.append(
                    {
                        "child_id": event.child_id,
                        "kind": event.kind,
                        "date": event.date,
                        "meeting": event.meeting,
                        "note": event.note,
                        "source_key": key,
                        "recorded_at": now,
                        "recorded_by": by,
                        "details": dump_details(event.details),
                    }
                )
            if event_rows:
                conn.execute(insert(event_table), event_rows)
            counts["events_added"] = len(event_rows)
        return counts

    # -- settings kept in the store -------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._read() as conn:
            return queries.get_meta(conn, key)

    def set_meta(self, key: str, value: str) -> None:
        from irocli.store.tables import MetaRow

        with self._session() as session:
            row = session.get(MetaRow, key)
            if row is None:
                session.add(MetaRow(key=key, value=value))
            else:
                row.value = value
