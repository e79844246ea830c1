"""irocli's own CSV format: children.csv, events.csv, optional reference_date.txt (sample_data/).

All-or-nothing: every row is checked before anything is written, then one transaction writes it
all. Idempotent: each event carries a source key, so loading the same files twice adds nothing.
Imports the store only for its type; the store itself is passed in.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from irocli.domain import Child, Event, parse_date, parse_kind
from irocli.errors import BadInput

if TYPE_CHECKING:
    from irocli.store import Store

CHILDREN = "children.csv"
EVENTS = "events.csv"
REFERENCE = "reference_date.txt"
CHILD_COLUMNS = ("id", "name", "dob", "iro", "social_worker", "team")
EVENT_COLUMNS = ("child_id", "kind", "date", "meeting", "note")
_MEETING = {"": True, "yes": True, "no": False}


def load_native(store: Store, directory: Path, shift_to: dt.date | None = None) -> dict[str, int]:
    """Load ``directory`` into ``store``; returns counts of what was added, updated, unchanged.

    With ``shift_to``, every date moves by (shift_to - reference date) rounded down to whole
    weeks, so weekdays stay weekdays. Source keys use the dates as written in the file, so a
    later load shifted to another day still recognises the events already loaded.
    """
    directory = Path(directory)
    shift = dt.timedelta(0)
    if shift_to is not None:
        reference = _reference_date(directory)
        shift = dt.timedelta(weeks=(shift_to - reference).days // 7)

    children = list(_children(directory / CHILDREN, shift))
    known = {child.id for child in children}
    events: list[tuple[Event, str]] = []
    unknown: dict[str, str] = {}  # child id -> where it first appears, checked against the store
    duplicates: dict[tuple[str, str, dt.date], int] = {}
    for where, event in _events(directory / EVENTS):
        if event.child_id not in known:
            unknown.setdefault(event.child_id, where)
        n = duplicates[event.child_id, event.kind, event.date] = (
            duplicates.get((event.child_id, event.kind, event.date), 0) + 1
        )
        key = f"native:{event.child_id}:{event.kind}:{event.date.isoformat()}:{n}"
        if shift:
            event = Event(
                event.kind, event.date + shift, None, event.child_id, event.meeting, event.note,
                details=event.details,
            )
        events.append((event, key))
    if unknown:
        stored = store.existing_child_ids(unknown)
        for child_id, where in unknown.items():
            if child_id not in stored:
                raise BadInput(f"unknown child {child_id}", where=f"{where}, field child_id")

    return store.bulk_load(children, events)


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


def _children(path: Path, shift: dt.timedelta) -> Iterator[Child]:
    seen: set[str] = set()
    for where, row in _rows(path, ("id", "name")):
        child_id = row["id"]
        if not child_id:
            raise BadInput("is empty", where=f"{where}, field id")
        if child_id in seen:
            raise BadInput(f"child {child_id} appears twice", where=f"{where}, field id")
        seen.add(child_id)
        if not row["name"]:
            raise BadInput("is empty", where=f"{where}, field name")
        dob_text = row.get("dob", "")
        dob = parse_date(dob_text, where=where, field_name="dob", personal=True) + shift if dob_text else None
        yield Child(
            id=child_id,
            name=row["name"],
            dob=dob,
            iro=row.get("iro") or None,
            social_worker=row.get("social_worker") or None,
            team=row.get("team") or None,
        )


def _events(path: Path) -> Iterator[tuple[str, Event]]:
    for where, row in _rows(path, ("child_id", "kind", "date")):
        child_id = row["child_id"]
        if not child_id:
            raise BadInput("is empty", where=f"{where}, field child_id")
        kind = parse_kind(row["kind"], where=f"{where}, field kind")
        date = parse_date(row["date"], where=where, field_name="date")
        meeting = _MEETING.get(row.get("meeting", "").lower())
        if meeting is None:
            raise BadInput("expected yes, no or blank", where=f"{where}, field meeting")
        yield where, Event(kind, date, None, child_id, meeting, row.get("note") or None,
                           details=_details(row.get("details") or "", where))


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
