"""irocli's own CSV format: children.csv, events.csv, optional reference_date.txt (sample_data/).

All-or-nothing: every row is checked before anything is written, then one transaction writes it
all. Idempotent: each event carries a source key, so loading the same files twice adds nothing.
An optional event_id column names each event: with it, a corrected date or note updates the event
it corrects; without it, events are keyed by child, kind and date (and the notes say so).
Imports the store only for its type; the store itself is passed in.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from irocli.domain import Child, Event, is_placeholder_dob, name_problem, parse_date, parse_kind
from irocli.errors import BadInput
from irocli.importers._common import date_problem, normalise_id, parse_day, placeholder_note

if TYPE_CHECKING:
    from irocli.store import Store

CHILDREN = "children.csv"
EVENTS = "events.csv"
REFERENCE = "reference_date.txt"
CHILD_COLUMNS = ("id", "name", "dob", "iro", "social_worker", "team")
EVENT_COLUMNS = ("child_id", "kind", "date", "meeting", "note")  # and optional event_id, details
_MEETING = {"": True, "yes": True, "no": False}


def load_native(store: Store, directory: Path, shift_to: dt.date | None = None, *, as_of: dt.date | None = None,
                notes: list[str] | None = None) -> dict[str, int]:
    """Load ``directory`` into ``store``; returns counts of what was added, updated, unchanged.

    With ``shift_to``, every date moves by (shift_to - reference date) rounded down to whole
    weeks, so weekdays stay weekdays. Source keys use the dates as written in the file, so a
    later load shifted to another day still recognises the events already loaded.

    An event dated after ``as_of`` (default: ``shift_to`` when shifting, else today in London)
    is refused unless its kind is dated ahead by nature, and one dated before the child's birth
    unless it is pre-birth child-protection work. What the summary should mention is appended
    to ``notes`` when given.
    """
    directory = Path(directory)
    shift = dt.timedelta(0)
    if shift_to is not None:
        reference = _reference_date(directory)
        shift = dt.timedelta(weeks=(shift_to - reference).days // 7)
    if as_of is None:
        as_of = shift_to if shift_to is not None else _today()

    placeholders = [0]
    children = list(_children(directory / CHILDREN, shift, placeholders, as_of))
    dobs = {child.id: child.dob for child in children if child.dob is not None}
    known = {child.id for child in children}
    rows = list(_events(directory / EVENTS))
    by_id = bool(rows) and rows[0][2] is not None
    unknown: dict[str, str] = {}  # child id -> where it first appears, checked against the store
    for where, event, _event_id in rows:
        if event.child_id not in known:
            unknown.setdefault(event.child_id, where)
    if unknown:
        stored = store.existing_child_ids(unknown)
        for child_id, where in unknown.items():
            if child_id not in stored:
                raise BadInput(f"unknown child {child_id}", where=f"{where}, field child_id")
        for child_id in sorted(stored - set(dobs)):
            dob = store.get_child(child_id).dob
            if dob is not None and not is_placeholder_dob(dob):
                dobs[child_id] = dob

    events: list[tuple[Event, str]] = []
    duplicates: dict[tuple[str, str, dt.date], int] = {}
    first: dict[str, str] = {}
    for where, event, event_id in rows:
        if shift:
            event = Event(event.kind, event.date + shift, None, event.child_id, event.meeting, event.note,
                          details=event.details)
        problem = date_problem(event.kind, event.date, as_of, dobs.get(event.child_id))
        if problem is not None:
            raise BadInput(problem, where=f"{where}, field date")
        if by_id:
            if event_id in first:
                raise BadInput(f"event_id {event_id} appears twice (first at {first[event_id]})",
                               where=f"{where}, field event_id")
            first[event_id] = where.rsplit(" ", 2)[-2] + " " + where.rsplit(" ", 1)[-1]
            key = f"native:{event.child_id}:event:{event_id}"
        else:
            written = event.date - shift  # as written in the file
            n = duplicates[event.child_id, event.kind, written] = (
                duplicates.get((event.child_id, event.kind, written), 0) + 1
            )
            key = f"native:{event.child_id}:{event.kind}:{written.isoformat()}:{n}"
        events.append((event, key))

    if notes is not None:
        if placeholders[0]:
            notes.append(placeholder_note(placeholders[0]))
        if events and not by_id:
            notes.append(f"{len(events):,} event(s) from {EVENTS} keyed by child, kind and date ({EVENTS} has no "
                         "event_id column), so a date corrected in a later file adds a second event beside the "
                         "first (void the wrong one: irocli event void)")
    if by_id:
        return store.bulk_load(children, events, update=True)
    return store.bulk_load(children, events)


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


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, row) for each data row, numbered as a spreadsheet shows them (header = row 1)."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"{path.name} is missing", where=str(path.parent)) from None
    except OSError as error:
        raise BadInput(
            f"cannot read {path.name}: {error.strerror}", where=str(path.parent)
        ) from None
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            reader.fieldnames = header
            missing = [name for name in required if name not in header]
            if missing:
                raise BadInput(f"missing column(s): {', '.join(missing)}", where=path.name)
            n = 1
            for row in reader:
                n += 1
                where = f"{path.name} row {n}"
                if None in row:
                    raise BadInput("more fields than the header has columns", where=where)
                yield where, {k: (v or "").strip() for k, v in row.items()}
        except UnicodeDecodeError:
            raise BadInput("not UTF-8 text", where=path.name) from None
        except csv.Error as error:
            raise BadInput(f"not valid CSV ({error})", where=path.name) from None


def _children(path: Path, shift: dt.timedelta, placeholders: list[int], as_of: dt.date) -> Iterator[Child]:
    seen: set[str] = set()
    for where, row in _rows(path, ("id", "name")):
        child_id = normalise_id(row["id"])
        if not child_id:
            raise BadInput("is empty", where=f"{where}, field id")
        if child_id in seen:
            raise BadInput(f"child {child_id} appears twice", where=f"{where}, field id")
        seen.add(child_id)
        if not row["name"]:
            raise BadInput("is empty", where=f"{where}, field name")
        dob_text = row.get("dob", "")
        dob = parse_day(dob_text, where=where, field_name="dob", personal=True) if dob_text else None
        if is_placeholder_dob(dob):
            placeholders[0] += 1  # "not known": never a birth every event would precede
            dob = None
        elif dob is not None:
            dob += shift
            if dob > as_of:  # never quoted back: a date of birth is personal
                raise BadInput(f"a date after the as-of date {as_of} (expected one on or before it)",
                               where=f"{where}, field dob")
        for field_name in ("name", "iro", "social_worker", "team"):
            problem = name_problem(row.get(field_name) or "")
            if problem is not None:
                raise BadInput(problem, where=f"{where}, field {field_name}")
        yield Child(
            id=child_id,
            name=row["name"],
            dob=dob,
            iro=row.get("iro") or None,
            social_worker=row.get("social_worker") or None,
            team=row.get("team") or None,
        )


def _events(path: Path) -> Iterator[tuple[str, Event, str | None]]:
    """(where, event, its event_id or None when the file has no event_id column)."""
    for where, row in _rows(path, ("child_id", "kind", "date")):
        child_id = normalise_id(row["child_id"])
        if not child_id:
            raise BadInput("is empty", where=f"{where}, field child_id")
        event_id = None
        if "event_id" in row:
            event_id = normalise_id(row["event_id"])
            if not event_id:
                raise BadInput("is empty (expected the event's id: the file names its events by it)",
                               where=f"{where}, field event_id")
        kind = parse_kind(row["kind"], where=f"{where}, field kind")
        date = parse_day(row["date"], where=where, field_name="date")
        meeting = _MEETING.get(row.get("meeting", "").lower())
        if meeting is None:
            raise BadInput("expected yes, no or blank", where=f"{where}, field meeting")
        yield where, Event(kind, date, None, child_id, meeting, row.get("note") or None,
                           details=_details(row.get("details") or "", where)), event_id


def _details(text: str, where: str) -> dict | None:
    """An optional JSON object of structured facts (an escalation's stage and reason, say)."""
    if not text.strip():
        return None
    import json

    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise BadInput("expected a JSON object", where=f"{where}, field details")
    return value
