"""Keeping the record accountable (migration 0007): the child history every write adds to, the import batches every
import is, amending an event and undoing an import. Each function works in the caller's transaction (the Store's
``_transaction``) on a Core connection; irocli.store.tables is imported inside, so a reader never pays for it.

Sources: UK GDPR art. 5(1)(d) (accuracy: records can be corrected) and art. 30 (records of processing: who changed
what, when); issue 18 ("Data stewardship").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from irocli.domain import Child
from irocli.errors import BadInput
from irocli.store.records import CHILD_FIELDS

# What made a change of a child's details (child_change.via).
VIA_ADD = "child add"
VIA_UPDATE = "child update"
VIA_IMPORT = "import"
VIA_TRANSFER = "transfer"
VIA_RENAME = "iro rename"
VIA_EVENT = "allocation event"  # an `iro-allocated` event added, voided or amended: the IRO follows the history
VIA_UNDO = "import undo"
ADDED = "added"  # child_change.field of a child's creation (old and new None)


def as_text(value: object) -> str | None:
    """A child's field value as child_change stores it: a date ISO, a name as it is, None as None."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def from_text(name: str, value: str | None) -> object:
    """The inverse of as_text for the child field ``name`` (a date of birth back to a date)."""
    if value is None or name != "dob":
        return value
    return dt.date.fromisoformat(value)


def differences(old: Child | None, new: Child) -> list[tuple[str, str | None, str | None]]:
    """(field, old text, new text) for each of CHILD_FIELDS that differs between ``old`` and ``new``; a new child
    (``old`` None) is one (ADDED, None, None)."""
    if old is None:
        return [(ADDED, None, None)]
    return [(name, as_text(getattr(old, name)), as_text(getattr(new, name))) for name in CHILD_FIELDS
            if getattr(old, name) != getattr(new, name)]


def record_changes(conn: sa.Connection, child_id_changes: Iterable[tuple[str, Sequence[tuple]]], *,
                   at: dt.datetime, by: str | None, via: str, batch_id: int | None = None) -> int:
    """Add a child_change row per (field, old, new) of each (child id, changes) in the open transaction; returns
    the number added. ``at`` naive UTC; ``by`` who (the OS user); ``via`` one of the VIA_ names."""
    from irocli.store.tables import ChildChangeRow

    rows = [{"child_id": cid, "field": name, "old": old, "new": new, "changed_at": at, "changed_by": by,
             "via": via, "batch_id": batch_id}
            for cid, changes in child_id_changes for name, old, new in changes]
    if rows:
        conn.execute(sa.insert(ChildChangeRow.__table__), rows)
    return len(rows)


def log_write(conn: sa.Connection, action: str, detail: dict, *, at: dt.datetime, by: str | None) -> None:
    """Add a write_log row (an IRO renamed, the profile set: writes with no row of their own in the record)."""
    from irocli.store.tables import WriteLogRow

    conn.execute(sa.insert(WriteLogRow.__table__).values(action=action, detail=json.dumps(detail, ensure_ascii=False),
                                                         at=at, by=by))


# -- import batches ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchSource:
    """What an import read: its importer (``kind``: native, ssda903, extract), the files and the extract map file
    (name as given, e.g. "ssd", and its path), and the options that shaped it, for import_batch. ``files`` may be
    empty (a script's load)."""

    kind: str
    files: Sequence[Path] = ()
    map_name: str | None = None
    map_path: Path | None = None
    options: dict | None = None  # what shaped the import (as_of, year, encoding, sheets, rows skipped…): None left out

    def described(self) -> tuple[list[dict], dict | None]:
        """The files as import_batch stores them ([{"name", "sha256", "bytes"}], in the order given) and the map
        ({"name", "sha256"} or None). A file that can no longer be read has sha256 None."""
        files = [_file_entry(path) for path in self.files]
        if self.map_name is None:
            return files, None
        entry = _file_entry(self.map_path) if self.map_path is not None else {"sha256": None}
        return files, {"name": self.map_name, "sha256": entry["sha256"]}


class LoadCounts(dict):
    """The counts of a load (children_added, ..., as Store.bulk_load says), ``batch``: the id of the import batch
    it wrote (None: a dry run, which writes none), and ``held``: the ids of stored events a person voided or
    amended whose source key the load brought again (counted unchanged: the person's entry stands)."""

    def __init__(self, counts: dict[str, int], batch: int | None = None, held: list[int] | None = None) -> None:
        super().__init__(counts)
        self.batch = batch
        self.held = held or []


SCRIPT = BatchSource("script")  # a load through Store.bulk_load that named no source


def _file_entry(path: Path) -> dict:
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    except OSError:
        return {"name": path.name, "sha256": None, "bytes": None}
    return {"name": path.name, "sha256": digest.hexdigest(), "bytes": size}


def start_batch(conn: sa.Connection, source: BatchSource, *, at: dt.datetime, by: str | None) -> int:
    """Insert the import_batch row of a load about to be written (counts filled by finish_batch); returns its id."""
    from irocli.store.tables import ImportBatchRow

    files, map_ = source.described()
    options = {name: value.isoformat() if isinstance(value, dt.date) else value
               for name, value in (source.options or {}).items() if value is not None}
    table = ImportBatchRow.__table__
    result = conn.execute(sa.insert(table).values(
        kind=source.kind, files=json.dumps(files), map=None if map_ is None else json.dumps(map_),
        options=json.dumps(options, ensure_ascii=False), counts="{}", recorded_at=at, recorded_by=by)
        .returning(table.c.id))
    return int(result.scalar_one())


def finish_batch(conn: sa.Connection, batch_id: int, counts: dict[str, int]) -> None:
    """Record the counts a load reported on its batch."""
    from irocli.store.tables import ImportBatchRow

    table = ImportBatchRow.__table__
    conn.execute(sa.update(table).where(table.c.id == batch_id).values(counts=json.dumps(counts)))


# -- amending an event ------------------------------------------------------------------------------------------


def replace_event(conn: sa.Connection, old_id: int, *, at: dt.datetime, by: str | None, reason: str,
                  changes: dict, batch_id: int | None = None, key: str | None = None) -> int:
    """Void event ``old_id`` (who, when, ``reason``) and record in its place a copy with ``changes`` (column values:
    date, note, kind, meeting, details) that ``amends`` it; returns the new event's id. ``key``: the old event's
    source key moves to the new one (an import bringing new values for a key; the old keeps it as former_key);
    otherwise the new one has none and the old keeps its key (an import run again leaves the person's correction
    alone). ``batch_id``: the import that replaced it (None: a person)."""
    from irocli.store.tables import EventRow

    table = EventRow.__table__
    old = conn.execute(sa.select(table).where(table.c.id == old_id)).mappings().one()
    voided = {"voided_at": at, "voided_by": by, "void_reason": reason}
    if key is not None:
        voided.update(source_key=None, former_key=old["source_key"])
    conn.execute(sa.update(table).where(table.c.id == old_id).values(**voided))
    values = {name: old[name] for name in ("child_id", "kind", "date", "meeting", "note", "details")}
    values.update(changes)
    values.update(source_key=key, recorded_at=at, recorded_by=by, batch_id=batch_id, amends=old_id)
    return int(conn.execute(sa.insert(table).values(**values).returning(table.c.id)).scalar_one())


# -- undoing an import ------------------------------------------------------------------------------------------


@dataclass
class Undone:
    """What Store.undo_import did (or, dry run, would do): the batch, events voided (its own), events restored (those
    it had replaced), child fields restored [(child id, field)], and what depends on the batch (each a dict: "what"
    — changed, amended, recorded —, "child", "field", "event", "batch", "by", "on", "text"), left as it is (only
    with force or in a dry run)."""

    batch_id: int
    events_voided: int = 0
    events_restored: int = 0
    fields_restored: list[tuple[str, str]] = field(default_factory=list)
    dependents: list[dict] = field(default_factory=list)
    children: set[str] = field(default_factory=set)  # whose events or details changed (to re-derive)

    def as_dict(self) -> dict:
        """The JSON the CLI prints."""
        return {"batch": self.batch_id, "events_voided": self.events_voided, "events_restored": self.events_restored,
                "fields_restored": [{"child": c, "field": f} for c, f in self.fields_restored],
                "dependents": self.dependents}


def undo_batch(conn: sa.Connection, batch_id: int, *, at: dt.datetime, by: str | None, reason: str | None,
               force: bool) -> Undone:
    """Undo import batch ``batch_id`` in the open transaction: void its events that still count (their source keys
    released, so the same file imported again adds them again), bring back the events it replaced (never an undone
    batch's), and set each child field it changed back to what it was before it (its value before any undone
    batch's change too). Children it added stay (with their events voided). A child whose allocation history still
    names its IRO once the batch's events are voided has the IRO that history says (the caller follows it): its IRO
    is neither restored here nor a dependency.

    What depends on it: a later change (by hand or by a batch not undone) of a field it changed, an event of it
    amended or replaced since (however long the chain), an event recorded since on a child it added. BadInput (exit
    2; the caller's transaction rolls back: nothing written) naming the first and how many more, unless ``force``:
    then those stay as they are (a field changed since keeps its later value) and Undone.dependents lists them.
    BadInput too for an unknown batch or one already undone."""
    from irocli.store import queries
    from irocli.store.tables import ChildChangeRow, ChildRow, EventRow, ImportBatchRow

    batches = ImportBatchRow.__table__
    events = EventRow.__table__
    changes = ChildChangeRow.__table__
    batch = conn.execute(sa.select(batches).where(batches.c.id == batch_id)).mappings().first()
    if batch is None:
        raise BadInput(f"no import batch {batch_id} (see `irocli import history`)")
    if batch["undone_at"] is not None:
        raise BadInput(f"import batch {batch_id} was already undone on {batch['undone_at']:%Y-%m-%d %H:%M} UTC"
                       f"{' by ' + batch['undone_by'] if batch['undone_by'] else ''}")
    undone_ids = {row[0] for row in conn.execute(sa.select(batches.c.id).where(batches.c.undone_at.is_not(None)))}
    result = Undone(batch_id)

    own = conn.execute(sa.select(events.c.id, events.c.child_id, events.c.voided_at, events.c.amends)
                       .where(events.c.batch_id == batch_id)).all()
    own_ids = {row.id for row in own}
    # its events that still count: voided, keys released (first: the allocation history is then as it will be)
    why = f"import batch {batch_id} undone" + (f": {reason}" if reason else "")
    live = [row.id for row in own if row.voided_at is None]
    for start in range(0, len(live), 500):
        conn.execute(sa.update(events).where(events.c.id.in_(live[start:start + 500]))
                     .values(voided_at=at, voided_by=by, void_reason=why, former_key=events.c.source_key,
                             source_key=None))
    result.events_voided = len(live)
    result.children.update(row.child_id for row in own if row.voided_at is None)

    mine = conn.execute(sa.select(changes).where(changes.c.batch_id == batch_id, changes.c.via == VIA_IMPORT)
                        .order_by(changes.c.id)).mappings().all()
    added = {row["child_id"] for row in mine if row["field"] == ADDED}
    followed = set(queries.allocations(conn, sorted({row["child_id"] for row in mine if row["field"] == "iro"})))
    first: dict[tuple[str, str], tuple[int, str | None]] = {}
    last_id: dict[tuple[str, str], int] = {}
    for row in mine:
        key = (row["child_id"], row["field"])
        if row["field"] != ADDED and not (row["field"] == "iro" and row["child_id"] in followed):
            first.setdefault(key, (row["id"], row["old"]))
            last_id[key] = row["id"]

    def entry(what: str, text: str, at_: dt.datetime, who: str | None, batch: int | None, **ids: object) -> None:
        whom = f"import batch {batch}" if batch is not None else (who or "someone")
        result.dependents.append({"what": what, **ids, "batch": batch, "by": who, "on": f"{at_:%Y-%m-%d}",
                                  "text": f"{text} ({whom} on {at_:%Y-%m-%d})"})

    superseded: set[tuple[str, str]] = set()
    history: dict[tuple[str, str], list] = {}
    if last_id:
        ids = sorted({cid for cid, _ in last_id})
        rows = conn.execute(sa.select(changes).where(changes.c.child_id.in_(ids)).order_by(changes.c.id)).mappings()
        for row in rows:
            history.setdefault((row["child_id"], row["field"]), []).append(row)
        for key, last in last_id.items():
            for row in history.get(key, []):
                if row["id"] <= last or row["batch_id"] == batch_id or row["batch_id"] in undone_ids:
                    continue
                superseded.add(key)
                entry("changed", f"{key[0]}'s {key[1].replace('_', ' ')} was changed since, by {row['via']}",
                      row["changed_at"], row["changed_by"], row["batch_id"], child=key[0], field=key[1])
                break
    # its events amended since, however many times over (an amendment of an amendment): the live end of each chain
    root_of = {event_id: event_id for event_id in own_ids}
    frontier = sorted(own_ids)
    while frontier:
        found = []
        for start in range(0, len(frontier), 500):
            found += conn.execute(sa.select(events.c.id, events.c.child_id, events.c.amends, events.c.batch_id,
                                            events.c.voided_at, events.c.recorded_at, events.c.recorded_by)
                                  .where(events.c.amends.in_(frontier[start:start + 500]))).all()
        frontier = []
        for row in sorted(found, key=lambda r: r.id):
            if row.id in root_of:
                continue
            root_of[row.id] = root_of[row.amends]
            frontier.append(row.id)
            if row.voided_at is None and row.batch_id not in undone_ids:
                entry("amended", f"its event {root_of[row.id]} was amended since, now event {row.id}",
                      row.recorded_at, row.recorded_by, row.batch_id, child=row.child_id, event=row.id)
    if added:
        since = conn.execute(sa.select(events.c.id, events.c.child_id, events.c.batch_id, events.c.recorded_at,
                                       events.c.recorded_by)
                             .where(events.c.child_id.in_(sorted(added)), events.c.voided_at.is_(None),
                                    sa.or_(events.c.batch_id.is_(None), events.c.batch_id != batch_id))
                             .order_by(events.c.id))
        for row in since:
            if row.batch_id in undone_ids or row.id in root_of:  # an amendment of its own: counted above
                continue
            entry("recorded", f"{row.child_id}, which it added, has event {row.id} recorded since", row.recorded_at,
                  row.recorded_by, row.batch_id, child=row.child_id, event=row.id)
    if result.dependents and not force:
        more = f" (and {len(result.dependents) - 1} more: --dry-run lists them)" if len(result.dependents) > 1 else ""
        raise BadInput(f"import batch {batch_id} cannot be undone: {result.dependents[0]['text']}{more}; take that "
                       "back first, or run again with --force to undo the rest and leave it")

    # child fields back to what they were before the batch (a field changed since keeps its later value)
    def before(key: tuple[str, str], first_id: int, old: str | None) -> str | None:
        """The value before the batch's first change of ``key``, an undone batch's changes before it taken back."""
        value = old
        for row in reversed(history.get(key, [])):
            if row["id"] >= first_id:
                continue
            if row["via"] == VIA_IMPORT and row["batch_id"] in undone_ids and row["new"] == value:
                value = row["old"]
                continue
            break
        return value

    children = ChildRow.__table__
    restores = [(cid, name, before((cid, name), first_id, old))
                for (cid, name), (first_id, old) in sorted(first.items()) if (cid, name) not in superseded]
    if restores:
        current = {row.id: row for row in conn.execute(sa.select(children).where(
            children.c.id.in_(sorted({cid for cid, _, _ in restores}))))}
        changed = []
        for cid, name, old in restores:
            now_value = getattr(current[cid], name)
            if as_text(now_value) == old:
                continue
            conn.execute(sa.update(children).where(children.c.id == cid)
                         .values({name: from_text(name, old), "updated_at": at}))
            changed.append((cid, [(name, as_text(now_value), old)]))
            result.fields_restored.append((cid, name))
            result.children.add(cid)
        record_changes(conn, changed, at=at, by=by, via=VIA_UNDO, batch_id=batch_id)
    result.children.update(followed)
    # the events it replaced (an import bringing new values for their keys): back as they were
    replaced = sorted({row.amends for row in own if row.amends is not None})
    if replaced:
        amending_others = {row[0] for row in conn.execute(sa.select(events.c.amends).where(
            events.c.amends.in_(replaced), events.c.voided_at.is_(None)))}
        back = conn.execute(sa.select(events.c.id, events.c.child_id, events.c.former_key, events.c.batch_id).where(
            events.c.id.in_(replaced), events.c.voided_at.is_not(None), events.c.former_key.is_not(None))).all()
        back = [row for row in back if row.batch_id not in undone_ids]  # an undone batch's events stay voided
        in_use = {row[0] for row in conn.execute(sa.select(events.c.source_key).where(
            events.c.source_key.in_(sorted({row.former_key for row in back}))))}
        for row in back:
            if row.id in amending_others or row.former_key in in_use:
                continue
            conn.execute(sa.update(events).where(events.c.id == row.id).values(
                voided_at=None, voided_by=None, void_reason=None, source_key=row.former_key, former_key=None))
            result.events_restored += 1
            result.children.add(row.child_id)
    conn.execute(sa.update(batches).where(batches.c.id == batch_id).values(
        undone_at=at, undone_by=by, undo_reason=reason))
    return result
