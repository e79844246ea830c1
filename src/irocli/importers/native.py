"""irocli's own CSV format: children.csv, events.csv, optional reference_date.txt (sample_data/).

All-or-nothing: every row is checked before anything is written, then one transaction writes it
all. Idempotent: each event carries a source key, so loading the same files twice adds nothing.
An optional event_id column names each event: with it, a corrected date or note updates the event
it corrects; without it, events are keyed by child, kind and date (and the notes say so). Files
are read by the shared reader (_common.read_csv), so errors name the row as a spreadsheet does.

Imports the stdlib, domain and _common only; the store is passed in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from irocli.domain import (
    Child,
    Event,
    allocated_iro,
    check_details,
    is_placeholder_dob,
    name_problem,
    parse_date,
    parse_kind,
)
from irocli.errors import BadInput
from irocli.importers._common import (
    CsvFile,
    ImportResult,
    RowError,
    Skipper,
    date_problem,
    normalise_id,
    parse_day,
    placeholder_note,
    read_csv,
)

if TYPE_CHECKING:
    from irocli.store import Store

CHILDREN = "children.csv"
EVENTS = "events.csv"
REFERENCE = "reference_date.txt"
CHILD_COLUMNS = ("id", "name", "dob", "iro", "social_worker", "team")
EVENT_COLUMNS = ("child_id", "kind", "date", "meeting", "note")  # and optional event_id, details
_MEETING = {"": True, "yes": True, "no": False}

# (row number, the event, its event_id or None when the file has no event_id column)
_Row = tuple[int, Event, str | None]


def load_native(store: Store, directory: Path, shift_to: dt.date | None = None, *, as_of: dt.date | None = None,
                dry_run: bool = False, skip_bad_rows: bool = False, encoding: str | None = None) -> ImportResult:
    """Check every row of ``directory``'s children.csv and events.csv, then load them in one transaction.

    The files are read as UTF-8, or as ``encoding`` (e.g. "cp1252"; see _common.read_csv).

    With ``shift_to``, every date moves by (shift_to - reference date) rounded down to whole
    weeks (calendar days, a multiple of 7), so weekdays stay weekdays. Source keys use the dates
    as written in the file, so a later load shifted to another day still recognises the events
    already loaded.

    An event dated after ``as_of`` (default: ``shift_to`` when shifting, else today in London)
    is refused unless its kind is dated ahead by nature, and one dated before the child's birth
    unless it is pre-birth child-protection work.

    Returns the ImportResult: counts as ``Store.bulk_load`` gives them (children_added, …,
    events_updated only when the file has event_id), the rows skipped, and the notes. With
    ``dry_run`` nothing is written. Raises RowError (a BadInput naming file, row and field) for
    the first bad row unless ``skip_bad_rows``; BadInput for a missing or unreadable file, a
    missing column or reference date; StoreUnavailable from the store.
    """
    directory = Path(directory)
    shift = dt.timedelta(0)
    if shift_to is not None:
        reference = _reference_date(directory)
        shift = dt.timedelta(weeks=(shift_to - reference).days // 7)
    if as_of is None:
        as_of = shift_to if shift_to is not None else _today()
    skip = Skipper(skip_bad_rows)

    children_file = _read(directory / CHILDREN, ("id", "name"), encoding)
    children = _children(children_file, shift, as_of, skip)
    events_file = _read(directory / EVENTS, ("child_id", "kind", "date"), encoding)
    rows = _events(events_file, skip)
    by_id = "event_id" in events_file.header and bool(events_file.rows)

    dobs = {child.id: child.dob for child in children if child.dob is not None}
    known = {child.id for child in children}
    rows, stored = _known_children(store, rows, known, skip)
    for child_id in sorted(stored - set(dobs)):
        dob = store.get_child(child_id).dob
        if dob is not None and not is_placeholder_dob(dob):
            dobs[child_id] = dob
    events = _keyed(rows, shift, as_of, dobs, by_id, skip)

    from irocli.store.stewardship import BatchSource

    source = BatchSource("native", [directory / CHILDREN, directory / EVENTS], options={
        "as_of": as_of, "shift_to": shift_to, "encoding": encoding, "rows_skipped": len(skip.skipped)})
    counts = store.bulk_load(children, events, update=by_id, dry_run=dry_run, source=source)
    notes = []
    if skip.counts.get("placeholder_dobs"):
        notes.append(placeholder_note(skip.counts["placeholder_dobs"]))
    if events and not by_id:
        notes.append(f"{len(events):,} event(s) from {EVENTS} keyed by child, kind and date ({EVENTS} has no "
                     "event_id column), so a date corrected in a later file adds a second event beside the "
                     "first (void the wrong one: irocli event void)")
    files = [{"file": f.name, "table": table, "rows": len(f.rows), "used": True}
             for f, table in ((children_file, "children"), (events_file, "events"))]
    skipped = sorted(skip.skipped, key=lambda error: (error.file != CHILDREN, error.row))  # as the files read
    return ImportResult(dry_run, files, counts, skipped, notes)


def _today() -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Europe/London")).date()


def _reference_date(directory: Path) -> dt.date:
    path = directory / REFERENCE
    try:
        text = path.read_text(encoding="utf-8-sig").strip()
    except FileNotFoundError:
        raise BadInput(
            f"{REFERENCE} is missing: it is needed to shift dates", where=str(directory)
        ) from None
    except UnicodeDecodeError:
        raise BadInput("not UTF-8 text", where=REFERENCE) from None
    except OSError as error:
        raise BadInput(f"cannot read {REFERENCE}: {error.strerror}", where=str(directory)) from None
    return parse_date(text, where=REFERENCE, field_name="reference date")


def _read(path: Path, required: tuple[str, ...], encoding: str | None = None) -> CsvFile:
    """The whole file by the shared reader; BadInput if it is missing or lacks a required column."""
    if not path.exists():
        raise BadInput(f"{path.name} is missing", where=str(path.parent))
    csv_file = read_csv(path, encoding)
    missing = [name for name in required if name not in csv_file.header]
    if missing:
        raise BadInput(f"missing column(s): {', '.join(missing)}", where=csv_file.name)
    return csv_file


def _cells(csv_file: CsvFile) -> list[tuple[int, dict[str, str]]]:
    """(row, {column: trimmed cell}) for each data row."""
    return [(row, dict(zip(csv_file.header, (c.strip() for c in cells), strict=True)))
            for row, cells in csv_file.rows]


def _row_error(error: BadInput, csv_file: CsvFile, row: int, column: str | None = None) -> RowError:
    """A parser's BadInput for this row as a RowError (its message and where unchanged)."""
    return RowError(error.message, file=csv_file.name, row=row, column=column)


def _children(csv_file: CsvFile, shift: dt.timedelta, as_of: dt.date, skip: Skipper) -> list[Child]:
    children: list[Child] = []
    seen: set[str] = set()
    for row, cells in _cells(csv_file):
        try:
            children.append(_child(csv_file, row, cells, shift, as_of, seen, skip))
        except RowError as error:
            skip(error)
            continue
        seen.add(children[-1].id)
    return children


def _child(csv_file: CsvFile, row: int, cells: dict[str, str], shift: dt.timedelta, as_of: dt.date,
           seen: set[str], skip: Skipper) -> Child:
    def error(column: str, message: str) -> RowError:
        return RowError(message, file=csv_file.name, row=row, column=column)

    child_id = normalise_id(cells["id"])
    if not child_id:
        raise error("id", "is empty")
    if child_id in seen:
        raise error("id", f"child {child_id} appears twice")
    if not cells["name"]:
        raise error("name", "is empty")
    dob_text = cells.get("dob", "")
    try:
        where = f"{csv_file.name} row {row}"
        dob = parse_day(dob_text, where=where, field_name="dob", personal=True) if dob_text else None
    except BadInput as bad:
        raise _row_error(bad, csv_file, row) from None
    if is_placeholder_dob(dob):
        skip.count("placeholder_dobs")  # "not known": never a birth every event would precede
        dob = None
    elif dob is not None:
        dob += shift
        if dob > as_of:  # never quoted back: a date of birth is personal
            raise error("dob", f"a date after the as-of date {as_of} (expected one on or before it)")
    for field_name in ("name", "iro", "social_worker", "team"):
        problem = name_problem(cells.get(field_name) or "")
        if problem is not None:
            raise error(field_name, problem)
    return Child(
        id=child_id,
        name=cells["name"],
        dob=dob,
        iro=cells.get("iro") or None,
        social_worker=cells.get("social_worker") or None,
        team=cells.get("team") or None,
    )


def _events(csv_file: CsvFile, skip: Skipper) -> list[_Row]:
    out: list[_Row] = []
    for row, cells in _cells(csv_file):
        try:
            out.append(_event(csv_file, row, cells))
        except RowError as error:
            skip(error)
    return out


def _event(csv_file: CsvFile, row: int, cells: dict[str, str]) -> _Row:
    def error(column: str, message: str) -> RowError:
        return RowError(message, file=csv_file.name, row=row, column=column)

    where = f"{csv_file.name} row {row}"
    child_id = normalise_id(cells["child_id"])
    if not child_id:
        raise error("child_id", "is empty")
    event_id = None
    if "event_id" in cells:
        event_id = normalise_id(cells["event_id"])
        if not event_id:
            raise error("event_id", "is empty (expected the event's id: the file names its events by it)")
    try:
        kind = parse_kind(cells["kind"], where=f"{where}, field kind")
    except BadInput as bad:
        raise _row_error(bad, csv_file, row, "kind") from None
    try:
        date = parse_day(cells["date"], where=where, field_name="date")
    except BadInput as bad:
        raise _row_error(bad, csv_file, row) from None
    meeting = _MEETING.get(cells.get("meeting", "").lower())
    if meeting is None:
        raise error("meeting", "expected yes, no or blank")
    try:
        details = _details(cells.get("details") or "")
    except ValueError:
        raise error("details", "expected a JSON object") from None
    try:
        details = check_details(kind, details)
    except BadInput as bad:
        raise _row_error(bad, csv_file, row, "details") from None
    note = cells.get("note") or None
    iro = allocated_iro(kind, details, note)  # an allocation names its IRO in details, or in irocli's old note
    if iro is not None and not (details or {}).get("iro"):
        if name_problem(iro) is not None:
            raise error("note", f"the IRO named {name_problem(iro)}")
        details = {**(details or {}), "iro": iro}
    return row, Event(kind, date, None, child_id, meeting, note, details=details), event_id


def _details(text: str) -> dict | None:
    """An optional JSON object of structured facts (an escalation's stage and reason, say);
    ValueError if the text is not one."""
    if not text.strip():
        return None
    import json

    value = json.loads(text)  # a JSONDecodeError is a ValueError
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _known_children(store: Store, rows: list[_Row], known: set[str], skip: Skipper) -> tuple[list[_Row], set[str]]:
    """The rows whose child is in this import or already stored, and the stored children's ids;
    a row naming any other child is a bad row."""
    unknown = {event.child_id for _, event, _ in rows if event.child_id not in known}
    stored = store.existing_child_ids(unknown) if unknown else set()
    kept = []
    for row, event, event_id in rows:
        if event.child_id not in known and event.child_id not in stored:
            skip(RowError(f"unknown child {event.child_id}", file=EVENTS, row=row, column="child_id"))
            continue
        kept.append((row, event, event_id))
    return kept, stored


def _keyed(rows: list[_Row], shift: dt.timedelta, as_of: dt.date, dobs: dict[str, dt.date], by_id: bool,
           skip: Skipper) -> list[tuple[Event, str]]:
    """Each event, shifted and checked against as_of and the child's birth, with its source key:
    by event_id, else by child, kind, date as written and its number among rows alike."""
    events: list[tuple[Event, str]] = []
    duplicates: dict[tuple[str, str, dt.date], int] = {}
    first: dict[str, int] = {}
    for row, event, event_id in rows:
        if shift:
            event = Event(event.kind, event.date + shift, None, event.child_id, event.meeting, event.note,
                          details=event.details)
        problem = date_problem(event.kind, event.date, as_of, dobs.get(event.child_id))
        if problem is not None:
            skip(RowError(problem, file=EVENTS, row=row, column="date"))
            continue
        if by_id:
            if event_id in first:
                skip(RowError(f"event_id {event_id} appears twice (first at row {first[event_id]})", file=EVENTS,
                              row=row, column="event_id"))
                continue
            first[event_id] = row
            key = f"native:{event.child_id}:event:{event_id}"
        else:
            written = event.date - shift  # as written in the file
            n = duplicates[event.child_id, event.kind, written] = (
                duplicates.get((event.child_id, event.kind, written), 0) + 1
            )
            key = f"native:{event.child_id}:{event.kind}:{written.isoformat()}:{n}"
        events.append((event, key))
    return events
