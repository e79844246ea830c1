"""Bulk loading for importers: what a load of children and keyed events would change (the plan, from
reads alone) and writing it fast in the caller's transaction. Store.bulk_load owns the transaction.

Imports SQLAlchemy Core only; irocli.store.tables (sqlmodel) is imported when a plan is written, so
a dry run never pays for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from irocli.domain import Child, Event
from irocli.store import queries, stewardship
from irocli.store.records import CHILD_FIELDS, clean_child, dump_details

# The columns of a new child's and a new event's row tuple, in order.
NEW_CHILD = ("id", "name", "dob", "iro", "social_worker", "team")
NEW_EVENT = ("child_id", "kind", "date", "meeting", "note", "source_key", "details")


class BulkPlan:
    """What a bulk load writes, and its counts.

    ``new_children`` and ``new_events`` are tuples in NEW_CHILD / NEW_EVENT order;
    ``changed_children`` and ``changed_events`` are dicts of the new values with the stored row's id
    as ``b_id``. ``counts``: children_added, children_updated, children_unchanged, events_added,
    (with ``update``) events_updated, events_unchanged.
    """

    def __init__(self, update: bool) -> None:
        names = ["children_added", "children_updated", "children_unchanged", "events_added", "events_unchanged"]
        if update:
            names.insert(4, "events_updated")
        self.counts: dict[str, int] = dict.fromkeys(names, 0)
        self.new_children: list[tuple] = []
        self.changed_children: list[dict] = []
        self.new_events: list[tuple] = []
        self.changed_events: list[dict] = []
        self.changed_event_children: set[str] = set()
        # (child id, [(field, old text, new text)]) of each stored child the load changes: its history
        self.child_changes: list[tuple[str, list[tuple]]] = []
        # stored events a person voided (or amended) whose key the load brings with other values: left as they are
        self.held: list[int] = []


def plan_load(conn: sa.Connection, children: Sequence[Child], events: Sequence[tuple[Event, str]],
         update: bool) -> BulkPlan:
    """What a load of ``children`` and ``(event, source key)`` pairs would write, worked out from
    reads on ``conn`` alone (shared by real and dry runs; see Store.bulk_load for the rules).

    Children are stored clean (records.clean_child); for a stored child each non-None field replaces
    the stored value, but the IRO of a child whose allocation history names one (that history decides it).
    A key not stored is a new event; a stored key is unchanged unless ``update``
    and the stored event is not voided and differs (kind, date, meeting, note or details). A child
    id or key given twice counts once (the first wins).
    """
    plan = BulkPlan(update)
    counts = plan.counts
    stored = queries.children_by_id(conn, {c.id for c in children})
    # a stored child whose allocation history names its IRO has the IRO that history says (Store._follow_allocations):
    # a file's IRO column does not change it (an allocation event the load brings does, after it)
    followed = set(queries.allocations(conn, [c.id for c in children if c.iro is not None and c.id in stored]))
    spell = queries.Spellings(conn)  # "a. khan" in a file is the stored "A. Khan": one IRO, never two
    for child in map(clean_child, children):
        child = replace(child, iro=spell("iro", child.iro), team=spell("team", child.team),
                        social_worker=spell("social_worker", child.social_worker))
        old = stored.get(child.id)
        if old is None:
            plan.new_children.append((child.id, child.name, child.dob, child.iro, child.social_worker, child.team))
            stored[child.id] = child  # a repeated id in one call counts once
            continue
        merged = {f: getattr(child, f) for f in CHILD_FIELDS}
        merged = {f: v if v is not None else getattr(old, f) for f, v in merged.items()}
        if child.id in followed:
            merged["iro"] = old.iro
        if all(merged[f] == getattr(old, f) for f in CHILD_FIELDS):
            counts["children_unchanged"] += 1
            continue
        plan.changed_children.append({"b_id": child.id, **merged})
        plan.child_changes.append((child.id, [(f, stewardship.as_text(getattr(old, f)), stewardship.as_text(v))
                                              for f, v in merged.items() if v != getattr(old, f)]))
    counts["children_added"] = len(plan.new_children)
    counts["children_updated"] = len(plan.changed_children)

    keys = [key for _, key in events]
    if update:
        existing = queries.events_by_source_key(conn, keys)
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
        elif event.kind == "iro-allocated" and isinstance(event.details.get("iro"), str):  # spelled as stored
            details = dump_details({**event.details, **{k: spell("iro", event.details[k]) for k in ("iro", "from")
                                                        if isinstance(event.details.get(k), str)}})
        else:  # importers share one dict per distinct value, so its id is a fair key here
            details = dumped.get(id(event.details))
            if details is None:
                details = dumped[id(event.details)] = dump_details(event.details)
        old = existing.get(key)
        if old is None and key not in existing:
            plan.new_events.append((event.child_id, event.kind, event.date, event.meeting, event.note, key,
                                    details))
            continue
        same = old is not None and (old.kind, old.date, old.meeting, old.note, old.details) == (
            event.kind, event.date, event.meeting, event.note, details)
        if old is None or old.voided or same:
            counts["events_unchanged"] += 1
            if old is not None and old.voided:
                plan.held.append(old.id)  # a person voided or amended it: their entry stands, the file still has it
            continue
        plan.changed_event_children.add(event.child_id)
        plan.changed_events.append(
            {"b_id": old.id, "key": key, "kind": event.kind, "date": event.date, "meeting": event.meeting,
             "note": event.note, "details": details}
        )
    counts["events_added"] = len(plan.new_events)
    if update:
        counts["events_updated"] = len(plan.changed_events)
    return plan


def touched(plan: BulkPlan) -> set[str]:
    """The ids of the children a plan adds, changes or adds or changes events of: those whose obligations the
    load may change (store/kept.py re-derives them in the same transaction)."""
    return ({row[0] for row in plan.new_children} | {row["b_id"] for row in plan.changed_children}
            | {row[0] for row in plan.new_events} | plan.changed_event_children)


def allocated(plan: BulkPlan) -> set[str]:
    """The ids of the children a plan adds or changes `iro-allocated` events of, or whose IRO it sets: their IRO
    follows their allocation history after the load (Store._follow_allocations)."""
    kind = NEW_EVENT.index("kind")
    return ({row[0] for row in plan.new_events if row[kind] == "iro-allocated"} | plan.changed_event_children
            | {row[0] for row in plan.new_children if row[3] is not None}
            | {row["b_id"] for row in plan.changed_children})


def write_plan(conn: sa.Connection, plan: BulkPlan, *, recorded_by: str | None, now: dt.datetime,
               batch_id: int) -> None:
    """Write ``plan`` in the transaction open on ``conn`` as import batch ``batch_id``: new rows inserted, changed
    children updated (each change kept in child_change), changed events replaced (stewardship.replace_event: the
    stored one voided, the new values a new event amending it, which takes the key).

    ``now`` (naive UTC, records.utc_now) is each new child's created/updated time, each changed
    child's updated time and each new event's recorded time; ``recorded_by`` goes on new events.
    Driver errors are raised as SQLAlchemy's (the Store maps them to StoreUnavailable).
    """
    from irocli.store.tables import ChildRow, EventRow

    child_table = ChildRow.__table__
    event_table = EventRow.__table__
    from irocli.store.tables import ChildChangeRow

    history = {"changed_at": now, "changed_by": recorded_by, "via": stewardship.VIA_IMPORT, "batch_id": batch_id}
    if plan.new_children:
        insert(conn, child_table, NEW_CHILD, plan.new_children, {"created_at": now, "updated_at": now})
        insert(conn, ChildChangeRow.__table__, ("child_id", "field"),
               [(row[0], stewardship.ADDED) for row in plan.new_children], history)
    if plan.changed_children:
        conn.execute(
            sa.update(child_table).where(child_table.c.id == sa.bindparam("b_id")),
            [{**row, "updated_at": now} for row in plan.changed_children],
        )
        stewardship.record_changes(conn, plan.child_changes, at=now, by=recorded_by, via=stewardship.VIA_IMPORT,
                                   batch_id=batch_id)
    if plan.new_events:
        plan.new_events.sort(key=_by_key)  # the unique source_key index fills in order: faster
        insert(conn, event_table, NEW_EVENT, plan.new_events,
               {"recorded_at": now, "recorded_by": recorded_by, "batch_id": batch_id})
    for row in plan.changed_events:
        changes = {name: row[name] for name in ("kind", "date", "meeting", "note", "details")}
        stewardship.replace_event(conn, row["b_id"], at=now, by=recorded_by, changes=changes, batch_id=batch_id,
                                  key=row["key"], reason=f"replaced by import batch {batch_id} (new values)")


def _by_key(row: tuple) -> str:
    return row[5]


def insert(conn: sa.Connection, table: sa.Table, columns: tuple[str, ...], rows: list[tuple], same: dict) -> None:
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
