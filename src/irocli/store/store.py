"""The Store: a migrated database that speaks domain values. Opening, migrating and closing it,
write transactions (retried on PostgreSQL when they lose a race) and every write.

Reads go through irocli.store.queries, connections through irocli.store.connection, imports'
loads through irocli.store.bulk. Writes import sqlmodel and irocli.store.tables inside the method,
and alembic loads only when the schema is behind HEAD: a report that only reads never pays for
either (PERFORMANCE.md, surprise 2).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from irocli.config import db_url, display_url
from irocli.domain import (
    ALLOCATION_KIND,
    Child,
    Event,
    Obligation,
    allocated_iro,
    allocation_periods,
    check_event_date,
    check_name,
    check_participation,
    clean_name,
    date_fault,
    is_placeholder_dob,
    name_key,
)
from irocli.errors import BadInput, FieldError, StoreUnavailable
from irocli.store import bulk, connection, kept, queries, stewardship
from irocli.store.migrate import HEAD, REVISIONS
from irocli.store.records import CHILD_FIELDS, NAME_FIELDS, StoredEvent, clean_child, dump_details, os_user, utc_now

if TYPE_CHECKING:
    from pathlib import Path

    from sqlmodel import Session

    from irocli.store.maintenance import Finding
    from irocli.store.tables import EventRow

T = TypeVar("T")


class Store:
    """A migrated irocli store. Open with ``Store.open(url)``; close with ``close()`` (or ``with``).

    Every method speaks domain values (Child, Event, StoredEvent); a database that cannot be used
    is StoreUnavailable (exit 3), a request the data refuses (an unknown child, a duplicate) BadInput.
    """

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
        # what keeps the obligation table current on each write (store/kept.py): made when first needed, so
        # a command that writes nothing never loads the profile or the engine; None: writes forget the
        # children's stored rows instead (reports then derive them live)
        self.keeper_factory: Callable[[], kept.Keeper] | None = None
        self._keeper: kept.Keeper | None = None

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
        store = cls(connection.create_engine(url, create=create, read_only=read_only), url)
        try:
            revision = store.revision()
            if revision is None and not create:
                raise connection.missing(store.display_url, "an empty database")
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
        """The store's URL or path as messages show it: the password masked (config.display_url)."""
        return display_url(self.url)

    def revision(self) -> str | None:
        """The schema revision recorded in the store (None for an empty store). Plain SQL."""
        with self._read() as conn:
            return queries.schema_revision(conn)

    def upgrade(self) -> str | None:
        """Run Alembic's upgrade to head in one transaction; returns the revision reached."""
        from irocli.store import migrate

        try:
            migrate.upgrade(self._migrator)
        except StoreUnavailable:
            raise
        except sa_exc.DBAPIError as error:
            if "locked" in connection.first_line(error):
                raise self._unavailable(error) from error
            raise self._migration_failed(error) from error
        except Exception as error:  # alembic's CommandError, a broken script: all exit 3
            raise self._migration_failed(error) from error
        return self.revision()

    def close(self) -> None:
        """Close every connection of the store (a closed store is not used again)."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- errors -------------------------------------------------------------------------------

    def _unavailable(self, error: BaseException) -> StoreUnavailable:
        return connection.unavailable(error, self.display_url, self._engine.url)

    def _migration_failed(self, error: BaseException) -> StoreUnavailable:
        return StoreUnavailable(
            f"cannot migrate the store at {self.display_url} to revision {HEAD}: "
            f"{connection.first_line(error)}"
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

        race_lost = connection.RACE_LOST
        retried = race_lost | {connection.UNIQUE_VIOLATION} if retry_duplicates else race_lost
        for attempt in Retrying(
            retry=retry_if_exception(lambda error: connection.sqlstate(error) in retried),
            stop=stop_after_attempt(connection.PG_ATTEMPTS),
            wait=wait_random_exponential(multiplier=0.02, max=1),
            reraise=True,
        ):
            with attempt, self._session() as session:
                return work(session)
        raise AssertionError("unreachable: tenacity returns or re-raises")

    # -- the obligation table -------------------------------------------------------------------

    @property
    def keeper(self) -> kept.Keeper | None:
        """The Keeper the writes derive with (made by keeper_factory on first use), or None."""
        if self._keeper is None and self.keeper_factory is not None:
            self._keeper = self.keeper_factory()
        return self._keeper

    def _keep(self, session: Session, child_ids: Iterable[str]) -> None:
        """Re-derive ``child_ids``' obligations in the write's own transaction (flushing it first)."""
        session.flush()
        kept.keep(session.connection(), self.keeper, child_ids)

    def kept_plan(self, fingerprint: str, as_of: dt.date, iro: str | None = None, team: str | None = None, *,
                  covers: bool = False) -> queries.KeptPlan:
        """Which of the children (only ``iro``'s / ``team``'s; with ``covers`` also those ``iro`` covers on
        ``as_of``, queries.match_filters) the table cannot answer for as of ``as_of`` (queries.kept_plan); names
        match as in list_children (BadInput)."""
        with self._read() as conn:
            filters = queries.match_filters(conn, iro, team, as_of if covers else None)
            return queries.kept_plan(conn, filters, fingerprint, as_of)

    def kept_obligations(self, fingerprint: str, as_of: dt.date, *, iro: str | None = None, team: str | None = None,
                         open_only: bool = False, due_by: dt.date | None = None, covers: bool = False
                         ) -> Iterator[tuple[Child, Obligation]]:
        """Stream (child, obligation) from the obligation table (queries.kept_obligations), as stored; ``covers``
        as in kept_plan."""
        with self._read() as conn:
            filters = queries.match_filters(conn, iro, team, as_of if covers else None)
        try:
            with self._engine.connect() as conn:
                yield from queries.kept_obligations(conn, filters, fingerprint, as_of, open_only=open_only,
                                                    due_by=due_by)
        except sa_exc.SQLAlchemyError as error:
            raise self._unavailable(error) from error

    def refresh(self, *, as_of: dt.date, everything: bool = False,
                progress: Callable[[int], None] | None = None, total: Callable[[int], None] | None = None) -> int:
        """Re-derive and store the obligations of every child whose stored rows are stale (``everything``: every
        child), with the keeper (ValueError without one), in rounds of kept.BATCH children, each its own
        transaction; stale as of ``as_of`` (today: queries.kept_plan). ``total(n)`` is told how many children
        will be derived, ``progress(k)`` after each round. Returns the number of children stored."""
        keeper = self.keeper
        if keeper is None:
            raise ValueError("Store.refresh needs a keeper (keeper_factory)")
        with self._read() as conn:
            if everything:
                ids = queries.child_ids(conn)
            else:
                plan = queries.kept_plan(conn, {}, keeper.fingerprint.key, as_of)
                ids = sorted(plan.stale | plan.expired)
        if total is not None:
            total(len(ids))

        @contextmanager
        def begin() -> Iterator[sa.Connection]:
            with self._session() as session:
                yield session.connection()

        return kept.refresh(begin, keeper, ids, progress)

    def kept_differences(self, sample: int, skip: Iterable[str] = ()) -> tuple[int, list[str]]:
        """`db check`: compare the stored rows of up to ``sample`` children (spread evenly over the ids, those in
        ``skip`` left out) with a fresh derivation by the keeper; returns (children compared, ids that differ)."""
        keeper = self.keeper
        if keeper is None:
            raise ValueError("Store.kept_differences needs a keeper (keeper_factory)")
        skipped = set(skip)
        with self._read() as conn:
            ids = [cid for cid in queries.child_ids(conn) if cid not in skipped]
            step = max(1, len(ids) // sample) if sample else len(ids) + 1
            chosen = ids[::step][:sample]
            return len(chosen), kept.compare(conn, keeper, chosen)

    # -- children -----------------------------------------------------------------------------

    def add_child(self, child: Child, *, allocated_on: dt.date | None = None) -> None:
        """Add a new child (names stored clean, a placeholder date of birth as unknown).

        With ``allocated_on`` and an IRO named, an `iro-allocated` event of that day naming the IRO
        (details {"iro": NAME}: the allocation history) is recorded in the same transaction (RULES §3,
        ms.iro-before-first-review).
        """
        from irocli.store.tables import ChildRow

        now = utc_now()
        child = clean_child(child)

        def work(session: Session) -> None:
            nonlocal child
            if session.get(ChildRow, child.id) is not None:
                raise BadInput(f"child {child.id} already exists")
            child = _spelled(session.connection(), child)
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
            session.flush()
            stewardship.record_changes(session.connection(), [(child.id, stewardship.differences(None, child))],
                                       at=now, by=os_user(), via=stewardship.VIA_ADD)
            if child.iro and allocated_on is not None:
                session.add(_allocation(child.id, child.iro, allocated_on))
            self._keep(session, [child.id])

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
        records an `iro-allocated` event of that day (as :meth:`add_child`); without it (a script) the
        IRO is set with no allocation recorded, and the next write that follows the history may set it back.
        """
        from irocli.store.tables import ChildRow

        unknown = set(fields) - set(CHILD_FIELDS)
        if unknown:
            raise TypeError(f"update_child() got unknown fields: {', '.join(sorted(unknown))}")
        clear_dob = is_placeholder_dob(fields.get("dob"))
        fields = {name: clean_name(value) if name in NAME_FIELDS else value for name, value in fields.items()}

        def work(session: Session) -> Child:
            row = session.get(ChildRow, child_id)
            if row is None:
                raise BadInput(f"unknown child {child_id}")
            changes = {name: value for name, value in fields.items() if value is not None}
            spell = queries.Spellings(session.connection())  # a name typed another way: the stored spelling
            changes.update({name: spell(name, changes[name]) for name in SPELLED if name in changes})
            if clear_dob:
                changes["dob"] = None
            if changes.get("dob") is not None and changes["dob"] != row.dob:
                _refuse_events_before_birth(session, child_id, changes["dob"])
            new_iro = changes.get("iro")
            if allocated_on is not None and new_iro and new_iro.casefold() != (row.iro or "").casefold():
                unnamed = not queries.allocations(session.connection(), [child_id])  # a history naming no one
                session.add(_allocation(child_id, changes["iro"], allocated_on,
                                        before=row.iro if unnamed and row.iro else None))
            before = Child(row.id, row.name, row.dob, row.iro, row.social_worker, row.team)
            if changes:
                for name, value in changes.items():
                    setattr(row, name, value)
                row.updated_at = utc_now()
            after = Child(row.id, row.name, row.dob, row.iro, row.social_worker, row.team)
            session.flush()
            stewardship.record_changes(session.connection(), [(child_id, stewardship.differences(before, after))],
                                       at=row.updated_at, by=os_user(), via=stewardship.VIA_UPDATE)
            self._keep(session, [child_id])
            return after

        return self._transaction(work)

    def get_child(self, child_id: str) -> Child:
        """The stored child ``child_id``; BadInput when there is none."""
        with self._read() as conn:
            child = queries.get_child(conn, child_id)
        if child is None:
            raise BadInput(f"unknown child {child_id}")
        return child

    def list_children(self, iro: str | None = None, team: str | None = None, *, covers_on: dt.date | None = None
                      ) -> list[Child]:
        """Children sorted by id, optionally only one IRO's and/or one team's (with ``covers_on``, also the
        children that IRO covers on that day: queries.match_filters).

        Names match as people type them (queries.match_name); one that matches no child is
        BadInput listing the known ones.
        """
        with self._read() as conn:
            return queries.list_children(conn, iro, team, covers_on)

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
        """Record an event of child ``child_id`` on calendar day ``date``; returns its id.
        ``recorded_by`` defaults to the OS user; ``details`` are stored as JSON (records.dump_details).
        BadInput for an unknown child, or a ``source_key`` already recorded.

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
                if kind == "review-held":
                    check_participation(details, date, dob=child.dob, child_id=child_id)
            if kind == ALLOCATION_KIND and details:
                conn = session.connection()
                spell = queries.Spellings(conn)
                named = {k: spell("iro", details[k]) for k in ("iro", "from") if isinstance(details.get(k), str)}
                other = isinstance(details.get("iro"), str) and name_key(child.iro or "") != name_key(details["iro"])
                if "from" not in details and child.iro and other and not queries.allocations(conn, [child_id]):
                    named["from"] = child.iro  # the history named no one: who had the child before, as a transfer says
                stored_details = {**details, **named}
            else:
                stored_details = details
            row = EventRow(
                child_id=child_id,
                kind=kind,
                date=date,
                meeting=meeting,
                note=note,
                source_key=source_key,
                recorded_at=utc_now(),
                recorded_by=by,
                details=dump_details(stored_details),
            )
            session.add(row)
            session.flush()
            if allocated_iro(kind, stored_details, note) is not None:
                _follow_allocations(session.connection(), [child_id], utc_now(), by=by, via=stewardship.VIA_EVENT)
            self._keep(session, [child_id])
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

    def amend_event(self, event_id: int, reason: str, *, date: dt.date | None = None, note: str | None = None,
                    as_of: dt.date, recorded_by: str | None = None) -> int:
        """Correct event ``event_id``: void it (``reason``, who, when) and record in its place, in the same
        transaction, a copy on ``date`` and/or with ``note`` ("" clears it; None keeps it) that amends it
        (event.amends: `event list` shows the chain). Returns the new event's id. The date is checked as a
        person's entry is (domain.check_event_date against ``as_of``; a held review's participation code against
        the child's age). The old event keeps its source key, so an import run again leaves the correction alone.

        BadInput, nothing written: a blank reason, an unknown event, one voided (naming the live end of its chain of
        amendments, if any), an escalation's opening (its later steps name it), nothing changed, a date the entry
        rules refuse."""
        if not reason or not reason.strip():
            raise BadInput("a reason is needed to amend an event")
        by = recorded_by if recorded_by is not None else os_user()

        def work(session: Session) -> int:
            from irocli.store.tables import ChildRow, EventRow

            row = session.get(EventRow, event_id)
            if row is None:
                raise BadInput(f"unknown event {event_id}")
            if row.voided_at is not None:
                raise BadInput(f"event {event_id} is voided{_chain_head(session, event_id)}")
            if row.kind == "escalation-opened":
                raise BadInput(f"event {event_id} opens escalation {event_id}, which its later steps name: it cannot "
                               "be amended (void it if it was opened in error, and open the escalation again)")
            new_note = row.note if note is None else (note.strip() or None)
            new_date = row.date if date is None else date
            if (new_date, new_note) == (row.date, row.note):
                raise BadInput(f"nothing to amend: event {event_id} is already on {row.date}"
                               + (" with that note" if note is not None else ""))
            child = session.get(ChildRow, row.child_id)
            check_event_date(row.kind, new_date, as_of=as_of, dob=child.dob, child_id=row.child_id)
            details = json.loads(row.details) if row.details else None
            if row.kind == "review-held":
                check_participation(details, new_date, dob=child.dob, child_id=row.child_id)
            conn = session.connection()
            now = utc_now()
            new_id = stewardship.replace_event(conn, event_id, at=now, by=by, reason=reason.strip(),
                                               changes={"date": new_date, "note": new_note})
            if row.kind == ALLOCATION_KIND:
                _follow_allocations(conn, [row.child_id], now, by=by, via=stewardship.VIA_EVENT)
            self._keep(session, [row.child_id])
            return new_id

        return self._transaction(work)

    def undo_import(self, batch_id: int, *, reason: str | None = None, force: bool = False, dry_run: bool = False,
                    recorded_by: str | None = None) -> stewardship.Undone:
        """Undo import batch ``batch_id`` in one transaction (stewardship.undo_batch: its events voided, their keys
        released so the same import run again re-adds them; the events it replaced brought back; the child fields it
        changed set back), the children concerned re-derived and their IRO following their allocation history.
        BadInput, nothing written: an unknown batch, one undone already, or (without ``force``) a later batch or
        hand entry that depends on it. ``dry_run``: what it would do, with everything that depends on the batch
        (Undone.dependents), worked out in a transaction rolled back: nothing written."""
        by = recorded_by if recorded_by is not None else os_user()

        def work(session: Session) -> stewardship.Undone:
            conn = session.connection()
            now = utc_now()
            done = stewardship.undo_batch(conn, batch_id, at=now, by=by, reason=reason, force=force or dry_run)
            if dry_run:
                raise _RolledBack(done)
            _follow_allocations(conn, done.children, now, by=by, via=stewardship.VIA_UNDO, batch_id=batch_id)
            self._keep(session, sorted(done.children))
            return done

        try:
            return self._transaction(work)
        except _RolledBack as rolled_back:
            return rolled_back.result

    def void_event(self, event_id: int, reason: str) -> Event:
        """Mark an event voided (it stays listed, but no longer counts); returns the event.

        BadInput for a blank reason, an unknown event or one already voided.
        """
        from irocli.store.tables import EventRow

        if not reason or not reason.strip():
            raise BadInput("a reason is needed to void an event")

        def work(session: Session) -> Event:
            row = session.get(EventRow, event_id)
            if row is None:
                raise BadInput(f"unknown event {event_id}")
            if row.voided_at is not None:
                raise BadInput(f"event {event_id} is already voided")
            row.voided_at = utc_now()
            row.void_reason = reason.strip()
            row.voided_by = os_user()
            if row.kind == ALLOCATION_KIND:
                session.flush()
                _after_allocation_voided(session, row)
            self._keep(session, [row.child_id])
            return Event(row.kind, row.date, row.id, row.child_id, row.meeting, row.note)

        return self._transaction(work)

    def list_events(self, child_id: str, include_voided: bool = True) -> list[StoredEvent]:
        """One child's events by date then id, voided ones included unless asked otherwise."""
        with self._read() as conn:
            if queries.get_child(conn, child_id) is None:
                raise BadInput(f"unknown child {child_id}")
            return queries.stored_events(conn, child_id, include_voided)

    def get_event(self, event_id: int) -> StoredEvent:
        """The event ``event_id`` as recorded (voided or not); BadInput when there is none."""
        with self._read() as conn:
            stored = queries.stored_event(conn, event_id)
        if stored is None:
            raise BadInput(f"unknown event {event_id}")
        return stored

    def events_for(self, child_ids: Iterable[str]) -> dict[str, list[Event]]:
        """Non-voided events by date then id for each requested child (an empty list if none)."""
        with self._read() as conn:
            return queries.events_for(conn, child_ids)

    def latest_event_dates(self, kind: str, iro: str | None = None, team: str | None = None) -> dict[str, dt.date]:
        """Each child's latest non-voided event date of ``kind``, by child id (one IRO's / one team's
        children only; names match as in list_children, BadInput when one matches no child)."""
        with self._read() as conn:
            return queries.latest_event_dates(conn, kind, queries.match_filters(conn, iro, team))

    def iter_caseload(
        self,
        iro: str | None = None,
        team: str | None = None,
        child_ids: Iterable[str] | None = None,
        *,
        covers_on: dt.date | None = None,
    ) -> Iterator[tuple[Child, list[Event]]]:
        """Stream children (by id) with their non-voided events (by date, id); filters combine (``covers_on``:
        the children ``iro`` covers that day too, queries.match_filters).

        Names match as in list_children, checked now (BadInput), before anything streams.
        """
        with self._read() as conn:
            filters = queries.match_filters(conn, iro, team, covers_on)
        return self._stream_caseload(filters, child_ids)

    def _stream_caseload(self, filters: queries.Filters, child_ids: Iterable[str] | None
                         ) -> Iterator[tuple[Child, list[Event]]]:
        try:
            with self._engine.connect() as conn:
                yield from queries.caseload(conn, filters, child_ids)
        except sa_exc.SQLAlchemyError as error:
            raise self._unavailable(error) from error

    # -- the IRO service: allocations, transfers, covers, renaming ---------------------------------

    def covers_in_force(self, day: dt.date) -> dict[str, queries.Cover]:
        """The cover of each child covered on ``day`` (queries.covers_in_force: while the IRO covered is still the
        child's IRO; the latest recorded where two overlap), by child id."""
        with self._read() as conn:
            return queries.covers_in_force(conn, day)

    def spelled(self, column: str, name: str) -> str | None:
        """How the store spells ``name`` in ``column`` ("iro", "team", "social_worker"; as people type names, covers'
        IROs included), or None when no child or cover has it yet (queries.Spellings)."""
        with self._read() as conn:
            return queries.Spellings(conn).known(column).get(name_key(name))

    def iro_service(self, day: dt.date, team: str | None = None
                    ) -> tuple[list[tuple[Child, list[Event], list[tuple[dt.date, int, str]]]], list[queries.Cover]]:
        """What `iro list` counts: each child (only ``team``'s; BadInput when the name matches no child) with its
        episode events (queries.service_events) and its allocation history (queries.allocations: (date, event
        id, IRO), oldest first), and the cover rows in force on ``day``."""
        with self._read() as conn:
            filters = queries.match_filters(conn, None, team)
            children = list(queries.service_events(conn, filters))
            history = queries.allocations(conn, None if team is None else [c.id for c, _ in children])
            return [(c, events, history.get(c.id, [])) for c, events in children], queries.covers(conn, day)

    def _iro_children(self, conn: sa.Connection, name: str, child_ids: Iterable[str] | None, what: str | None
                      ) -> tuple[list[str], dict[str, Child]]:
        """The stored spellings ``name`` matches (queries.match_name; BadInput when none) and the children allocated
        to it now, by id: all, or those of ``child_ids``, each of which must be one of them (BadInput naming
        the first that is not; ``what``: the field the name came in, if it is to be named)."""
        spellings = queries.match_name(conn, "iro", name)
        keys = {name_key(v) for v in spellings}
        where, params = queries.filter_sql({"iro": spellings})
        ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM child WHERE " + where[0] + " ORDER BY id"),
                                               params)]
        if child_ids is not None:
            wanted = list(dict.fromkeys(child_ids))
            found = queries.children_by_id(conn, wanted)
            for cid in wanted:
                if cid not in found:
                    raise BadInput(f"unknown child {cid}")
                if found[cid].iro is None or name_key(found[cid].iro) not in keys:
                    field = f"{{{what}}} " if what else ""
                    raise FieldError(f"child {cid} is not {field}{FieldError.quote(spellings[0])}'s "
                                     f"(its IRO: {FieldError.quote(found[cid].iro or 'none')})")
            ids = wanted
        return spellings, queries.children_by_id(conn, ids)

    def transfer(self, from_iro: str, to_iro: str, day: dt.date, *, as_of: dt.date,
                 child_ids: Iterable[str] | None = None, recorded_by: str | None = None) -> list[str]:
        """Move every child allocated to ``from_iro`` now (or those of ``child_ids``, each of which must be) to
        ``to_iro`` from ``day``, in one transaction: an `iro-allocated` event dated ``day`` naming ``to_iro``
        per child, the child's IRO set, its stored obligations kept (Store._keep). Returns the ids moved, sorted.

        ``from_iro`` matches as people type it (queries.match_name); ``to_iro`` is stored clean. FieldError
        (fields from_, to, date, child), nothing written: a name that matches no child, ``to_iro`` the same
        person, a child not ``from_iro``'s, ``day`` after ``as_of`` (only bookings are dated ahead:
        domain.check_event_date), before a child's current allocation began or before its birth."""
        to_iro = check_name(to_iro, field_name="to")
        child_list = None if child_ids is None else list(child_ids)
        if day > as_of:
            raise FieldError(f"{{date}} {day} is after today ({as_of}): a transfer takes effect on a day that has "
                             "come (only bookings are dated ahead; plan leave with `irocli caseload cover`)")

        def work(session: Session) -> list[str]:
            from irocli.store.tables import ChildRow

            conn = session.connection()
            try:
                spellings, children = self._iro_children(conn, from_iro, child_list, "from_")
            except BadInput as error:
                if isinstance(error, FieldError) or not str(error).startswith("no child"):
                    raise
                raise FieldError(f"{{from_}}: {FieldError.quote(error.message)}") from None
            if name_key(to_iro) == name_key(spellings[0]):
                raise FieldError(f"{{to}} is the same IRO as {{from_}} ({FieldError.quote(to_iro)})")
            to = queries.Spellings(conn)("iro", to_iro)  # typed another way: the spelling already stored
            if not children:
                raise FieldError(f"{{from_}} {FieldError.quote(spellings[0])} has no children to transfer")
            history = queries.allocations(conn, children)
            for cid in sorted(children):
                periods = allocation_periods(history[cid]) if cid in history else []
                began = periods[-1][1] if periods else None  # the current IRO's period, however often re-allocated
                if began is not None and day < began:
                    raise FieldError(f"{{date}} {day} is before {cid}'s allocation to "
                                     f"{FieldError.quote(history[cid][-1][2])} began ({began})")
                check_event_date(ALLOCATION_KIND, day, as_of=as_of, dob=children[cid].dob, child_id=cid)
            now = utc_now()
            for cid in sorted(children):
                session.add(_allocation(cid, to, day, recorded_by, before=children[cid].iro))
                row = session.get(ChildRow, cid)
                row.iro = to
                row.updated_at = now
            session.flush()
            stewardship.record_changes(conn, [(cid, [("iro", children[cid].iro, to)]) for cid in sorted(children)
                                              if children[cid].iro != to],
                                       at=now, by=recorded_by if recorded_by is not None else os_user(),
                                       via=stewardship.VIA_TRANSFER)
            self._keep(session, sorted(children))
            return sorted(children)

        return self._transaction(work)

    def cover(self, absent: str, covering: str, start: dt.date, end: dt.date, *,
              child_ids: Iterable[str] | None = None, recorded_by: str | None = None
              ) -> tuple[list[str], list[queries.Cover]]:
        """Record ``covering`` covering the children allocated to ``absent`` now (or those of ``child_ids``, each of
        which must be) from ``start`` to ``end``, both included (leave: either may be ahead), one iro_cover row per
        child, in one transaction; the allocation stays. Returns the ids covered, sorted (a child with this very
        cover already recorded is left as it is and not among them), and the covers of those children already
        recorded that overlap the new one's days (the new one counts on the days both cover).

        A cover counts while the IRO covered is still the child's (a transfer ends it); where two overlap the later
        recorded wins (queries.covers_in_force). BadInput (FieldError naming cover, to, from_), nothing
        written: a name that matches no child, the cover the same person, a child not ``absent``'s, ``end``
        before ``start``."""
        covering = check_name(covering, field_name="cover")
        if end < start:
            raise FieldError(f"{{to}} {end} is before {{from_}} {start}")
        child_list = None if child_ids is None else list(child_ids)
        by = recorded_by if recorded_by is not None else os_user()

        def work(session: Session) -> list[str]:
            from irocli.store.tables import CoverRow

            conn = session.connection()
            spellings, children = self._iro_children(conn, absent, child_list, None)
            if name_key(covering) == name_key(spellings[0]):
                raise FieldError(f"{{cover}} is the IRO covered ({FieldError.quote(covering)})")
            by_name = queries.Spellings(conn)("iro", covering)  # typed another way: the spelling already stored
            if not children:
                raise BadInput(f"IRO {spellings[0]} has no children to cover")
            now = utc_now()
            recorded = [c for c in queries.covers(conn) if c.child_id in children]
            same = {c.child_id for c in recorded if (c.iro, c.absent, c.start, c.end) == (
                by_name, children[c.child_id].iro, start, end)}
            overlapping = [c for c in recorded if c.child_id not in same and c.start <= end and start <= c.end]
            added = sorted(cid for cid in children if cid not in same)
            for cid in added:
                session.add(CoverRow(child_id=cid, iro=by_name, absent=children[cid].iro, start_date=start,
                                     end_date=end, recorded_at=now, recorded_by=by))
            return added, overlapping

        return self._transaction(work)

    def rename_iro(self, old: str, new: str) -> dict[str, int]:
        """Merge two spellings of one IRO: every stored spelling ``old`` matches (name_key: trimmed, any case), in
        child.iro, the `iro` and `from` details of `iro-allocated` events (voided ones too; one named in an old
        note only gets the detail) and the iro and absent of cover rows, becomes ``new`` (stored clean), in one
        transaction; a ``new`` that is another stored IRO typed another way takes that spelling. Returns the counts
        changed (children, allocations, covers, covers_dropped: an IRO's covers of themself) and the name kept. BadInput
        (nothing written) when ``old`` matches no one anywhere, or ``new`` is no name (domain.check_name)."""
        import json

        new = check_name(new, field_name="NEW")

        def work(session: Session) -> dict[str, int]:
            nonlocal new
            from irocli.store.tables import ChildRow, CoverRow, EventRow

            conn = session.connection()
            key = name_key(old)
            spellings = queries.iro_spellings(conn)
            if key not in spellings:
                known = sorted({values[0] for values in spellings.values()}, key=str.casefold)
                shown = clean_name(old) or old
                shown = shown if len(shown) <= 60 else shown[:60] + "…"
                raise BadInput(f"no IRO {shown!r} is recorded (known: {', '.join(known) or 'none'})")
            names = spellings[key]
            if name_key(new) != key and name_key(new) in spellings:  # merged into another IRO: as it is spelled
                new = spellings[name_key(new)][0]
            if names == [new]:
                raise BadInput(f"IRO {new} is already spelled so everywhere: nothing to rename")
            now = utc_now()
            counts = {"children": 0, "allocations": 0, "covers": 0}
            table = ChildRow.__table__
            renamed = conn.execute(sa.select(table.c.id, table.c.iro).where(table.c.iro.in_(names))).all()
            result = conn.execute(sa.update(table).where(table.c.iro.in_(names)).values(iro=new, updated_at=now))
            counts["children"] = result.rowcount
            stewardship.record_changes(conn, [(cid, [("iro", iro, new)]) for cid, iro in renamed if iro != new],
                                       at=now, by=os_user(), via=stewardship.VIA_RENAME)
            events = EventRow.__table__
            updates = []  # every allocation naming them (voided ones too: the record reads the same)
            for event_id, note, details in conn.execute(sa.select(events.c.id, events.c.note, events.c.details)
                                                        .where(events.c.kind == ALLOCATION_KIND)):
                found = json.loads(details) if details else {}
                named = {k: v for k, v in found.items() if k in ("iro", "from") and isinstance(v, str)}
                if "iro" not in named and allocated_iro(ALLOCATION_KIND, None, note) is not None:
                    named["iro"] = allocated_iro(ALLOCATION_KIND, None, note)  # named in an old note only
                changed = {k: new for k, v in named.items() if name_key(v) == key}
                if changed:
                    updates.append({"b_id": event_id, "details": dump_details({**found, **changed})})
            if updates:
                conn.execute(sa.update(events).where(events.c.id == sa.bindparam("b_id"))
                             .values(details=sa.bindparam("details")), updates)
            counts["allocations"] = len(updates)
            covers = CoverRow.__table__
            counts["covers"] = len(conn.execute(sa.select(covers.c.id).where(
                sa.or_(covers.c.iro.in_(names), covers.c.absent.in_(names)))).all())
            for column in ("iro", "absent"):
                conn.execute(sa.update(covers).where(covers.c[column].in_(names)).values({column: new}))
            # two spellings of one person: a cover of that person by themself is no cover
            counts["covers_dropped"] = conn.execute(sa.delete(covers).where(covers.c.iro == covers.c.absent)).rowcount
            stewardship.log_write(conn, "iro renamed", {"old": names, "new": new, **counts}, at=now, by=os_user())
            counts["name"] = new
            return counts

        return self._transaction(work)

    # -- bulk loads (importers) -----------------------------------------------------------------

    def bulk_load(
        self,
        children: Iterable[Child],
        events: Iterable[tuple[Event, str]],
        *,
        recorded_by: str | None = None,
        update: bool = False,
        dry_run: bool = False,
        source: stewardship.BatchSource | None = None,
    ) -> dict[str, int]:
        """Load children and keyed events in ONE transaction, idempotently, as one import batch.

        New children are added; for a stored child, each non-None field replaces the stored
        value. Each event comes with its source key; every event's ``child_id`` must be among
        ``children`` or already stored. A key not yet stored is added. A stored key (voided ones
        included) is left as it is, unless ``update`` is set: then a stored, non-voided event
        whose kind, date, meeting, note or details differ is updated in place (a voided one
        stays voided and untouched: the person's decision stands). A key given twice in one
        call counts once (the first wins). With ``dry_run`` nothing is written, not even a
        transaction begun: the counts say what a real load would do.

        Every real load is an import batch (stewardship.start_batch: ``source``'s kind, files with their SHA-256
        and map; default stewardship.SCRIPT): its new events carry the batch's id, each child it adds or changes
        adds child_change rows (via "import"), and an event it updates is replaced, not overwritten (the stored
        one voided, the new values a new event that amends it and takes the key), so `irocli import undo` can
        take the whole batch back.

        Returns counts: children_added, children_updated, children_unchanged, events_added,
        events_unchanged, and with ``update`` also events_updated, as stewardship.LoadCounts (a dict) whose
        ``batch`` is the batch's id (None in a dry run).
        """
        children = list(children)
        events = list(events)
        if dry_run:
            with self._read() as conn:
                plan = bulk.plan_load(conn, children, events, update)
                return stewardship.LoadCounts(plan.counts, held=plan.held)
        by = recorded_by if recorded_by is not None else os_user()
        now = utc_now()

        def work(session: Session) -> stewardship.LoadCounts:
            conn = session.connection()
            plan = bulk.plan_load(conn, children, events, update)
            batch_id = stewardship.start_batch(conn, source or stewardship.SCRIPT, at=now, by=by)
            bulk.write_plan(conn, plan, recorded_by=by, now=now, batch_id=batch_id)
            _follow_allocations(conn, bulk.allocated(plan), now, by=by, via=stewardship.VIA_IMPORT, batch_id=batch_id)
            kept.keep(conn, self.keeper, bulk.touched(plan))
            stewardship.finish_batch(conn, batch_id, plan.counts)
            return stewardship.LoadCounts(plan.counts, batch=batch_id, held=plan.held)

        # Another import committing the same keys first is a race lost too: run again, they are
        # found stored and counted unchanged.
        return self._transaction(work, retry_duplicates=True)

    def import_batches(self) -> list[dict]:
        """Every import batch, oldest first (queries.import_batches)."""
        with self._read() as conn:
            return queries.import_batches(conn)

    # -- looking after the store ------------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Problems a person should look at (integrity, orphan events, events before birth, unknown
        kinds; see maintenance.check); an empty list when the store is sound. StoreUnavailable when
        the store cannot be read."""
        from irocli.store import maintenance

        with self._guard():
            return maintenance.check(self._engine)

    def backup(self, target: Path) -> None:
        """Copy an SQLite store to a new file ``target`` (0600), safely while others write.

        BadInput for a PostgreSQL store, or a target that exists or has no folder; StoreUnavailable
        when the copy cannot be written or fails its check (see maintenance.backup).
        """
        from irocli.store import maintenance

        with self._guard():
            maintenance.backup(self._engine, target)

    # -- settings kept in the store -------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """The setting ``key`` kept in the store (see config.py: flag > env > store > default), or None."""
        with self._read() as conn:
            return queries.get_meta(conn, key)

    def set_meta(self, key: str, value: str) -> None:
        """Keep the setting ``key`` (``profile``, ...) in the store, replacing any value it had."""
        from irocli.store.tables import MetaRow

        def work(session: Session) -> None:
            row = session.get(MetaRow, key)
            old = None if row is None else row.value
            if row is None:
                session.add(MetaRow(key=key, value=value))
            else:
                row.value = value
            if old != value:
                stewardship.log_write(session.connection(), f"{key} set", {"old": old, "new": value}, at=utc_now(),
                                      by=os_user())

        self._transaction(work)

    # -- history and audit (migration 0007) ----------------------------------------------------

    def child_history(self, child_id: str) -> list[queries.ChildChange]:
        """Every change of the child's details, oldest first (queries.child_changes: the values as text, who, when
        in timezone-aware UTC, via what, the import batch). BadInput for an unknown child."""
        with self._read() as conn:
            if queries.get_child(conn, child_id) is None:
                raise BadInput(f"unknown child {child_id}")
            return queries.child_changes(conn, child_id)

    def audit(self, start: dt.datetime, end: dt.datetime) -> list[queries.AuditEntry]:
        """Every write from ``start`` (included) to ``end`` (excluded), naive UTC, in time order
        (queries.audit_entries: an import one entry, no personal data beyond child ids)."""
        with self._read() as conn:
            return queries.audit_entries(conn, start, end)

    # -- BI tools -------------------------------------------------------------------------------

    def grant_reader(self, role: str) -> str:
        """Let the existing PostgreSQL ``role`` read the view v_obligation_open and nothing else; returns the
        view's schema. BadInput for an SQLite store or a role that does not exist; StoreUnavailable when the
        store's user may not grant it (see grants.grant_reader)."""
        from irocli.store import grants

        with self._guard():
            return grants.grant_reader(self._migrator, role)


class _RolledBack(Exception):  # noqa: N818 (not an error: a dry run's way out of its transaction)
    """Raised inside a write's work to roll its transaction back and hand ``result`` out (a dry run)."""

    def __init__(self, result: object) -> None:
        super().__init__("dry run")
        self.result = result


def _allocation(child_id: str, iro: str, day: dt.date, recorded_by: str | None = None, before: str | None = None
                ) -> EventRow:
    """The `iro-allocated` event allocating ``iro`` to a child from ``day``: details {"iro": NAME} (the allocation
    history, domain.EVENT_DETAILS), with "from": ``before`` when given (the IRO the child had: a transfer says
    it, so a history that named no one before still tells who had the child); recorded by ``recorded_by``,
    default the OS user."""
    from irocli.store.tables import EventRow

    details = {"iro": iro} if before is None else {"iro": iro, "from": before}
    return EventRow(child_id=child_id, kind=ALLOCATION_KIND, date=day, meeting=True, recorded_at=utc_now(),
                    recorded_by=recorded_by if recorded_by is not None else os_user(), details=dump_details(details))


SPELLED = ("iro", "team", "social_worker")  # the child's name columns a new value is spelled as stored for


def _spelled(conn: sa.Connection, child: Child, spell: queries.Spellings | None = None) -> Child:
    """``child`` with its IRO, team and social worker in the spelling the store already has (queries.Spellings)."""
    from dataclasses import replace

    spell = spell or queries.Spellings(conn)
    return replace(child, **{name: spell(name, getattr(child, name)) for name in SPELLED})


def _follow_allocations(conn: sa.Connection, child_ids: Iterable[str], now: dt.datetime, *, by: str | None,
                        via: str, batch_id: int | None = None) -> None:
    """Set each child's IRO to its latest allocation's (by date, then id; voided ones left out), in the write's
    transaction: child.iro always says who the allocation history says. A child whose history names no IRO
    keeps the IRO it has. Each change is kept in the child's history (``by``, ``via``, ``batch_id``)."""
    from irocli.store.tables import ChildRow

    ids = sorted(set(child_ids))
    if not ids:
        return
    latest = {cid: history[-1][2] for cid, history in queries.allocations(conn, ids).items()}
    if not latest:
        return
    stored = queries.children_by_id(conn, latest)
    table = ChildRow.__table__
    changes = [{"b_id": cid, "iro": iro, "updated_at": now} for cid, iro in sorted(latest.items())
               if cid in stored and stored[cid].iro != iro]
    if changes:
        conn.execute(sa.update(table).where(table.c.id == sa.bindparam("b_id")), changes)
        stewardship.record_changes(conn, [(c["b_id"], [("iro", stored[c["b_id"]].iro, c["iro"])]) for c in changes],
                                   at=now, by=by, via=via, batch_id=batch_id)


def _chain_head(session: Session, event_id: int) -> str:
    """Where a voided event's amendments lead, for a message: ": amend event N, which replaced it" (the live end of
    the chain), ": it was amended by event N, voided too" (the chain ends voided), or "" (voided, never amended)."""
    from irocli.store.tables import EventRow

    conn = session.connection()
    head, seen = event_id, {event_id}
    while (later := queries.amended_by(conn, [head]).get(head)) is not None and later not in seen:
        head = later
        seen.add(head)
    if head == event_id:
        return ""
    if session.get(EventRow, head).voided_at is None:
        return f": amend event {head}, which replaced it"
    return f": it was amended by event {head}, voided too"


def _after_allocation_voided(session: Session, row: EventRow) -> None:
    """The child's IRO after its `iro-allocated` event ``row`` was voided (flushed): where the allocations left
    name no IRO (an import's, or one recorded before names were kept), the IRO the voided one took the child
    from is the child's again; otherwise the latest allocation's (_follow_allocations). Both kept in the history."""
    from irocli.store.tables import ChildRow

    conn = session.connection()
    before = (json.loads(row.details) if row.details else {}).get("from")
    if isinstance(before, str) and not queries.allocations(conn, [row.child_id]):
        child = session.get(ChildRow, row.child_id)
        if child.iro != before:
            stewardship.record_changes(conn, [(row.child_id, [("iro", child.iro, before)])], at=row.voided_at,
                                       by=row.voided_by, via=stewardship.VIA_EVENT)
            child.iro, child.updated_at = before, row.voided_at
            session.flush()
    _follow_allocations(conn, [row.child_id], row.voided_at, by=row.voided_by, via=stewardship.VIA_EVENT)


def _refuse_events_before_birth(session: Session, child_id: str, dob: dt.date) -> None:
    """BadInput when a recorded (not voided) event of the child would fall before a new date of
    birth: the rule of event entry (domain.date_fault), applied from the other side. Names the
    event, never the date of birth."""
    for event in queries.events_before(session.connection(), child_id, dob):
        if date_fault(event.kind, event.date, event.date, dob) == "before-birth":
            raise BadInput(f"{child_id}'s event {event.id} ({event.kind} on {event.date}) would be before the new "
                           "date of birth: check the date, or void the event first")

