"""The store's reads: every SELECT irocli runs is here, SQLAlchemy Core text with bound parameters,
returning domain values (or records.StoredEvent / records.KeyedEvent).

Must not import sqlmodel, alembic or irocli.store.tables: reports read through here, and those
imports cost about 360 ms together (PERFORMANCE.md, surprise 2). Plain rows stream straight into
frozen dataclasses; ORM entities would be 26× slower at national scale (surprise 3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Date, DateTime, bindparam, inspect, text

from irocli.domain import (
    FORWARD_KINDS,
    PRE_BIRTH_KINDS,
    Child,
    Derivation,
    Event,
    Obligation,
    Status,
    clean_name,
    name_key,
)
from irocli.errors import BadInput
from irocli.store.records import KeyedEvent, StoredEvent

# Bound parameters per IN (...) list: well under SQLite's and PostgreSQL's limits.
CHUNK = 500
# Keys per query when an import looks up source keys on SQLite through the driver (its limit is
# 32,766 variables).
SQLITE_CHUNK = 5000
# Rows fetched per round trip when streaming a caseload.
YIELD_PER = 1000

_CHILD = "SELECT id, name, dob, iro, social_worker, team FROM child"
_EVENT = (
    "SELECT id, child_id, kind, date, meeting, note, recorded_at, recorded_by, voided_at,"
    " void_reason, details, voided_by, batch_id, amends FROM event"
)


def date_parser(conn: Connection) -> Callable[[object], dt.date]:
    """SQLite hands dates back as ISO text, PostgreSQL as date objects: parse only when needed."""
    if conn.dialect.name == "sqlite":
        return dt.date.fromisoformat
    return _same


def _same(value):
    return value


def _timestamp(value: object) -> dt.datetime | None:
    """Stored naive UTC (dialect-neutral); handed out timezone-aware."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC)


def _details(text_value: str | None) -> dict | None:
    import json

    return None if text_value is None else json.loads(text_value)


def _known_on(kind: str, recorded_at: object) -> dt.date | None:
    """For a booking or direction, the day it was recorded (the engine places it by that day)."""
    if kind not in FORWARD_KINDS or recorded_at is None:
        return None
    if isinstance(recorded_at, str):
        return dt.date.fromisoformat(recorded_at[:10])
    return recorded_at.date()


def _child(row: Sequence, parse: Callable[[object], dt.date]) -> Child:
    dob = row[2]
    return Child(row[0], row[1], parse(dob) if dob is not None else None, row[3], row[4], row[5])


# The child columns a report filters on, and what a message calls each.
NAME_COLUMNS = {"iro": "IRO", "team": "team", "social_worker": "social worker"}


def known_names(conn: Connection, column: str) -> list[str]:
    """The distinct values of a name column (``NAME_COLUMNS``) as stored, sorted; ValueError for
    any other column."""
    if column not in NAME_COLUMNS:  # the column is spliced into SQL: only known constants
        raise ValueError(f"not a name column: {column}")
    sql = f"SELECT DISTINCT {column} FROM child WHERE {column} IS NOT NULL"
    return sorted(conn.execute(text(sql)).scalars())


class Spellings:
    """How the store already spells the names of IROs, teams and social workers: a name typed another way (case,
    spacing: domain.name_key) is written in the spelling already stored, so one IRO or team never becomes two.
    Each column's names are read once (a DISTINCT over child; for IROs the covers' names too); a name not yet
    stored becomes the spelling for the rest of the write (an import's later rows). Call with (column, name)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._by: dict[str, dict[str, str]] = {}

    def known(self, column: str) -> dict[str, str]:
        """The stored spelling of each name of ``column`` ("iro", "team", "social_worker") by name_key."""
        found = self._by.get(column)
        if found is None:
            names = known_names(self._conn, column)
            if column == "iro":
                names += [name for cover in covers(self._conn) for name in (cover.iro, cover.absent)]
            found = self._by[column] = {}
            for name in sorted(names):  # of two stored spellings, the first in sort order ("A. Khan", not "a. khan")
                found.setdefault(name_key(name), name)
        return found

    def __call__(self, column: str, name: str | None) -> str | None:
        if not name:
            return name
        return self.known(column).setdefault(name_key(name), name)


def match_name(conn: Connection, column: str, name: str) -> list[str]:
    """The stored values of ``column`` that are ``name`` as a person typed it: the one place names
    match. Trimmed, inner whitespace collapsed and case-folded on both sides, in Python over the
    distinct stored values (a few dozen), so Unicode case folding is the same on SQLite (whose
    lower() folds ASCII only) and PostgreSQL; the query then filters by those exact values, and
    the column's index still serves it. Several values come back only from rows written before
    names were stored clean ("A. Khan" and "a. khan").

    Raises BadInput naming the known values when none matches: a typo must never look like an
    empty caseload.
    """
    label = NAME_COLUMNS[column]
    if not name.strip():
        raise BadInput(f"the {label} to match is empty")
    known = known_names(conn, column)
    key = name_key(name)
    found = [value for value in known if name_key(value) == key]
    if not found:
        spellings: dict[str, str] = {}  # one per name: the first in code-point order ("A. Khan")
        for value in known:
            spellings.setdefault(name_key(value), clean_name(value) or value)
        shown = sorted(spellings.values(), key=str.casefold)
        listing = f"known: {', '.join(shown)}" if shown else "none is recorded"
        asked = clean_name(name) or name
        asked = asked if len(asked) <= 60 else asked[:60] + "…"
        raise BadInput(f"no child in the store has {label} {asked!r} ({listing})")
    return found


Filters = dict[str, list[str]]


def match_filters(conn: Connection, iro: str | None, team: str | None, covers_on: dt.date | None = None) -> Filters:
    """The stored values each given name matches (see match_name), by column (``iro``, ``team``);
    BadInput when a name matches no child.

    With ``covers_on`` and an IRO, the children that IRO covers on that day (covers_on: another IRO's, on leave)
    come too, under the key ``covered`` (their ids): filter_sql keeps a child whose IRO matches OR who is covered,
    so the allocated IRO's own list still holds them. An IRO who only covers (no child of their own) then
    matches too."""
    filters: Filters = {}
    for column, name in (("iro", iro), ("team", team)):
        if name is None:
            continue
        if column == "iro" and covers_on is not None:
            covers = covers_in_force(conn, covers_on)
            try:
                filters[column] = match_name(conn, column, name)
            except BadInput:
                found = sorted({c.iro for c in covers.values() if name_key(c.iro) == name_key(name)})
                if not found:
                    raise
                filters[column] = found
            keys = {name_key(value) for value in filters[column]}
            filters["covered"] = sorted(cid for cid, cover in covers.items() if name_key(cover.iro) in keys)
        else:
            filters[column] = match_name(conn, column, name)
    return filters


def filter_sql(filters: Filters, alias: str = "") -> tuple[list[str], dict]:
    """WHERE conditions (``alias`` before each column) and their bound parameters for ``filters``:
    ``iro IN (:iro0, :iro1)``; placeholders only, the names go in the parameters. The ids under ``covered``
    (match_filters) join the IRO's condition: ``(iro IN (:iro0) OR id IN (:covered0, …))``."""
    where, params = [], {}
    covered = filters.get("covered") or []
    for column, values in filters.items():
        if column == "covered":
            continue
        names = [f"{column}{i}" for i in range(len(values))]
        condition = f"{alias}{column} IN ({', '.join(':' + n for n in names)})"
        if column == "iro" and covered:
            ids = [f"covered{i}" for i in range(len(covered))]
            condition = f"({condition} OR {alias}id IN ({', '.join(':' + n for n in ids)}))"
            params.update(zip(ids, covered, strict=True))
        where.append(condition)
        params.update(zip(names, values, strict=True))
    return where, params


# -- the allocation history and covers (Store.transfer, Store.cover, `irocli iro list`) -------------------------

_ALLOCATION = "iro-allocated"  # domain.ALLOCATION_KIND


def allocations(conn: Connection, child_ids: Iterable[str] | None = None) -> dict[str, list[tuple[dt.date, int, str]]]:
    """Each child's allocation history (domain.history_of): (date, event id, IRO) of every non-voided
    `iro-allocated` event that names an IRO (its details, else an old note), by date then id, led by the IRO
    before the first where a transfer recorded it; by child id, only ``child_ids``' (all children's with None).
    A child whose history names no IRO is not among them."""
    from irocli.domain import history_of

    sql = ("SELECT child_id, date, id, note, details FROM event WHERE kind = :kind AND voided_at IS NULL")
    parse = date_parser(conn)
    rows: dict[str, list[tuple]] = {}
    batches: Iterable[list[str] | None] = [None] if child_ids is None else chunks(sorted(set(child_ids)))
    for batch in batches:
        params: dict = {"kind": _ALLOCATION}
        query = sql
        if batch is not None:
            names = {f"id{i}": cid for i, cid in enumerate(batch)}
            query += f" AND child_id IN ({', '.join(':' + n for n in names)})"
            params.update(names)
        for child_id, day, event_id, note, details in conn.execute(text(query), params):
            rows.setdefault(child_id, []).append((parse(day), event_id, _details(details), note))
    found = {child_id: history_of(events) for child_id, events in rows.items()}
    return {child_id: history for child_id, history in found.items() if history}


@dataclass(frozen=True, slots=True)
class Cover:
    """A cover row (table iro_cover): ``iro`` covers ``child_id`` (allocated to ``absent``) from ``start`` to
    ``end``, both days included; ``id`` orders them (a later one wins where two overlap)."""

    id: int
    child_id: str
    iro: str
    absent: str
    start: dt.date
    end: dt.date


def covers(conn: Connection, on: dt.date | None = None) -> list[Cover]:
    """Every cover row by id, or those in force on ``on`` (start <= on <= end)."""
    sql = "SELECT id, child_id, iro, absent, start_date, end_date FROM iro_cover"
    params: dict = {}
    if on is not None:
        sql += " WHERE start_date <= :on AND end_date >= :on"
        params["on"] = _day(conn, on)
    parse = date_parser(conn)
    return [Cover(row[0], row[1], row[2], row[3], parse(row[4]), parse(row[5]))
            for row in conn.execute(text(sql + " ORDER BY id"), params)]


def covers_in_force(conn: Connection, on: dt.date, iros: dict[str, str | None] | None = None) -> dict[str, Cover]:
    """The cover of each covered child on ``on``, by child id: a cover counts while the IRO it covers is still
    the child's (``iros``: child id → the IRO on that day; default the child's IRO now), the latest recorded
    where two overlap."""
    found = covers(conn, on)
    if not found:
        return {}
    if iros is None:
        ids = sorted({c.child_id for c in found})
        iros = {}
        for batch in chunks(ids):
            names = {f"id{i}": cid for i, cid in enumerate(batch)}
            iros.update(conn.execute(text(f"SELECT id, iro FROM child WHERE id IN "
                                          f"({', '.join(':' + n for n in names)})"), names).all())
    out: dict[str, Cover] = {}
    for cover in found:  # by id: a later cover replaces an earlier one
        current = iros.get(cover.child_id)
        if current is not None and name_key(current) == name_key(cover.absent):
            out[cover.child_id] = cover
    return out


def iro_spellings(conn: Connection) -> dict[str, list[str]]:
    """Every spelling of an IRO's name stored anywhere (child.iro, allocations' details, covers' iro and absent),
    grouped by name_key, each group sorted: what `iro rename` may merge."""
    names: set[str] = set(known_names(conn, "iro"))
    for history in allocations(conn).values():
        names.update(iro for _, _, iro in history)
    for cover in covers(conn):
        names.update((cover.iro, cover.absent))
    grouped: dict[str, list[str]] = {}
    for name in names:
        grouped.setdefault(name_key(name), []).append(name)
    return {key: sorted(values) for key, values in grouped.items()}


def service_events(conn: Connection, filters: Filters) -> Iterator[tuple[Child, list[Event]]]:
    """Each child matching ``filters`` (id order) with its non-voided events of the kinds that open and close an
    episode of care (entered-care and domain.EPISODE_END_KINDS), by date then id: `iro list` counts who was
    looked after on a day from these alone."""
    from irocli.domain import EPISODE_END_KINDS

    kinds = ", ".join(f"'{k}'" for k in sorted({"entered-care", *EPISODE_END_KINDS}))  # constants
    where, params = filter_sql(filters, "c.")
    children_sql = "SELECT c.id, c.name, c.dob, c.iro, c.social_worker, c.team FROM child AS c"
    events_sql = ("SELECT e.child_id, e.id, e.kind, e.date, e.meeting, NULL, NULL FROM event AS e"
                  " JOIN child AS c ON c.id = e.child_id"
                  f" WHERE e.voided_at IS NULL AND e.kind IN ({kinds})")
    if where:
        children_sql += " WHERE " + " AND ".join(where)
        events_sql += " AND " + " AND ".join(where)
    parse = date_parser(conn)
    children = (_child(row, parse) for rows in _row_blocks(conn, children_sql + " ORDER BY c.id", params)
                for row in rows)
    yield from _merge(children, _row_blocks(conn, events_sql + " ORDER BY e.child_id, e.date, e.id", params), parse)


def chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    """``ids`` in lists of at most CHUNK, in order."""
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def schema_revision(conn: Connection) -> str | None:
    """The Alembic revision recorded in the store, or None when it has no ``alembic_version`` table."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def get_child(conn: Connection, child_id: str) -> Child | None:
    """The stored child ``child_id``, or None."""
    row = conn.execute(text(f"{_CHILD} WHERE id = :id"), {"id": child_id}).first()
    return None if row is None else _child(row, date_parser(conn))


def existing_child_ids(conn: Connection, child_ids: Iterable[str]) -> set[str]:
    """Those of ``child_ids`` the store holds."""
    statement = text("SELECT id FROM child WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    found: set[str] = set()
    for chunk in chunks(sorted(set(child_ids))):
        found.update(conn.execute(statement, {"ids": chunk}).scalars())
    return found


def children_by_id(conn: Connection, ids: Iterable[str]) -> dict[str, Child]:
    """The stored children among ``ids``, by id (an import compares them with those it brings).

    On SQLite through the driver's cursor, SQLITE_CHUNK ids a query: a national import looks up
    tens of thousands, and SQLAlchemy's statement layer would cost more than SQLite.
    """
    found: dict[str, Child] = {}
    wanted = sorted(ids)
    if conn.dialect.name != "sqlite":
        statement = text(f"{_CHILD} WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
        parse = date_parser(conn)
        for chunk in chunks(wanted):
            found.update((row[0], _child(row, parse)) for row in conn.execute(statement, {"ids": chunk}))
        return found
    sql = "SELECT id, name, dob, iro, social_worker, team FROM child WHERE id IN "
    cursor = conn.connection.driver_connection.cursor()
    parse = dt.date.fromisoformat
    try:
        for start in range(0, len(wanted), SQLITE_CHUNK):
            chunk = wanted[start:start + SQLITE_CHUNK]
            for row in cursor.execute(sql + "(" + ",".join("?" * len(chunk)) + ")", chunk).fetchall():
                found[row[0]] = Child(row[0], row[1], parse(row[2]) if row[2] else None, row[3], row[4], row[5])
    finally:
        cursor.close()
    return found


def list_children(conn: Connection, iro: str | None, team: str | None, covers_on: dt.date | None = None
                  ) -> list[Child]:
    """Children sorted by id, only those whose IRO / team match the names given (match_filters:
    BadInput when a name matches no child; ``covers_on``: the children the IRO covers that day too)."""
    where, params = filter_sql(match_filters(conn, iro, team, covers_on))
    sql = _CHILD + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    parse = date_parser(conn)
    return [_child(row, parse) for row in conn.execute(text(sql), params)]


def stored_events(conn: Connection, child_id: str, include_voided: bool) -> list[StoredEvent]:
    """One child's events as recorded, by date then id; voided ones only with ``include_voided``. Each knows the
    event that amends it, if any (``amended_by``)."""
    sql = _EVENT + " WHERE child_id = :child_id"
    if not include_voided:
        sql += " AND voided_at IS NULL"
    parse = date_parser(conn)
    rows = conn.execute(text(sql + " ORDER BY date, id"), {"child_id": child_id}).all()
    later = amended_by(conn, [row[0] for row in rows if row[8] is not None]) if include_voided else {}
    return [_stored(row, parse, later.get(row[0])) for row in rows]


def stored_event(conn: Connection, event_id: int) -> StoredEvent | None:
    """The event ``event_id`` as recorded (voided or not), or None."""
    row = conn.execute(text(_EVENT + " WHERE id = :id"), {"id": event_id}).first()
    if row is None:
        return None
    return _stored(row, date_parser(conn), amended_by(conn, [event_id]).get(event_id))


def _stored(row: Sequence, parse: Callable[[object], dt.date], amended: int | None) -> StoredEvent:
    return StoredEvent(
        Event(row[2], parse(row[3]), row[0], row[1], bool(row[4]), row[5], _known_on(row[2], row[6]),
              _details(row[10])),
        recorded_at=_timestamp(row[6]),
        recorded_by=row[7],
        voided_at=_timestamp(row[8]),
        void_reason=row[9],
        voided_by=row[11],
        batch=row[12],
        amends=row[13],
        amended_by=amended,
    )


def amended_by(conn: Connection, event_ids: Iterable[int]) -> dict[int, int]:
    """For each of ``event_ids`` that a later event amends (event.amends), that event's id (the latest, should
    there be two)."""
    found: dict[int, int] = {}
    wanted = sorted(set(event_ids))
    for start in range(0, len(wanted), 500):
        statement = text("SELECT amends, id FROM event WHERE amends IN :ids ORDER BY id").bindparams(
            bindparam("ids", expanding=True))
        for old, new in conn.execute(statement, {"ids": wanted[start:start + 500]}):
            found[old] = new
    return found


def events_for(conn: Connection, child_ids: Iterable[str]) -> dict[str, list[Event]]:
    """Each requested child's non-voided events by date then id (an empty list for none)."""
    ids = list(dict.fromkeys(child_ids))
    result: dict[str, list[Event]] = {child_id: [] for child_id in ids}
    statement = text(
        "SELECT id, child_id, kind, date, meeting, note, recorded_at, details FROM event"
        " WHERE child_id IN :ids AND voided_at IS NULL ORDER BY child_id, date, id"
    ).bindparams(bindparam("ids", expanding=True))
    parse = date_parser(conn)
    for chunk in chunks(ids):
        for row in conn.execute(statement, {"ids": chunk}):
            result[row[1]].append(
                Event(row[2], parse(row[3]), row[0], row[1], bool(row[4]), row[5], _known_on(row[2], row[6]),
                      _details(row[7]))
            )
    return result


def events_before(conn: Connection, child_id: str, day: dt.date) -> list[Event]:
    """One child's non-voided events dated before ``day``, by date then id (kind, date, id and
    child id only: a change of date of birth checks them)."""
    statement = text(
        "SELECT id, child_id, kind, date FROM event"
        " WHERE child_id = :child_id AND voided_at IS NULL AND date < :day ORDER BY date, id"
    ).bindparams(bindparam("day", type_=Date))
    parse = date_parser(conn)
    return [Event(row[2], parse(row[3]), row[0], row[1])
            for row in conn.execute(statement, {"child_id": child_id, "day": day})]


def latest_event_dates(conn: Connection, kind: str, filters: Filters) -> dict[str, dt.date]:
    """Each child's latest non-voided event date of ``kind``, by child id, among the children
    ``filters`` (from match_filters) select."""
    sql = ("SELECT e.child_id, MAX(e.date) FROM event AS e JOIN child AS c ON c.id = e.child_id"
           " WHERE e.kind = :kind AND e.voided_at IS NULL")
    where, params = filter_sql(filters, "c.")
    sql += "".join(f" AND {condition}" for condition in where)
    params["kind"] = kind
    parse = date_parser(conn)
    return {row[0]: parse(row[1]) for row in conn.execute(text(sql + " GROUP BY e.child_id"), params)}


def existing_source_keys(conn: Connection, keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` already stored as an event's source key (voided events included)."""
    statement = text("SELECT source_key FROM event WHERE source_key IN :keys").bindparams(
        bindparam("keys", expanding=True)
    )
    found: set[str] = set()
    for chunk in chunks(sorted(set(keys))):
        found.update(conn.execute(statement, {"keys": chunk}).scalars())
    return found


def events_by_source_key(conn: Connection, keys: Iterable[str]) -> dict[str, KeyedEvent]:
    """The stored events among ``keys``, by key, voided ones included (an import compares them).

    On SQLite through the driver's cursor, SQLITE_CHUNK keys a query: a national import looks up
    hundreds of thousands, and SQLAlchemy's statement layer would cost more than SQLite.
    """
    sql = "SELECT source_key, id, kind, date, meeting, note, details, voided_at FROM event WHERE source_key IN "
    parse = date_parser(conn)
    found: dict[str, KeyedEvent] = {}
    wanted = sorted(set(keys))
    if conn.dialect.name == "sqlite":
        cursor = conn.connection.driver_connection.cursor()
        try:
            for start in range(0, len(wanted), SQLITE_CHUNK):
                chunk = wanted[start:start + SQLITE_CHUNK]
                rows = cursor.execute(sql + "(" + ",".join("?" * len(chunk)) + ")", chunk).fetchall()
                for row in rows:
                    found[row[0]] = KeyedEvent(row[1], row[2], parse(row[3]), bool(row[4]), row[5], row[6],
                                               row[7] is not None)
        finally:
            cursor.close()
        return found
    statement = text(sql + ":keys").bindparams(bindparam("keys", expanding=True))
    for chunk in chunks(wanted):
        for row in conn.execute(statement, {"keys": chunk}):
            found[row[0]] = KeyedEvent(row[1], row[2], parse(row[3]), bool(row[4]), row[5], row[6],
                                       row[7] is not None)
    return found


def orphan_events(conn: Connection) -> list[tuple]:
    """``(child_id, event_id, kind, date)`` of each event whose child is not stored, by event id
    (a store checked by ``irocli db check``; foreign keys keep it from happening through irocli)."""
    sql = ("SELECT e.child_id, e.id, e.kind, e.date FROM event AS e"
           " LEFT JOIN child AS c ON c.id = e.child_id WHERE c.id IS NULL ORDER BY e.id")
    return [tuple(row) for row in conn.execute(text(sql))]


def events_before_birth(conn: Connection) -> list[tuple]:
    """``(child_id, event_id, kind, date)`` of each non-voided event dated before its child's date of
    birth, child-protection kinds that may be (domain.PRE_BIRTH_KINDS) excepted; by child, event id."""
    statement = text(
        "SELECT e.child_id, e.id, e.kind, e.date FROM event AS e JOIN child AS c ON c.id = e.child_id"
        " WHERE e.voided_at IS NULL AND c.dob IS NOT NULL AND e.date < c.dob"
        " AND e.kind NOT IN :pre_birth ORDER BY e.child_id, e.id"
    ).bindparams(bindparam("pre_birth", expanding=True))
    return [tuple(row) for row in conn.execute(statement, {"pre_birth": sorted(PRE_BIRTH_KINDS)})]


def event_kinds(conn: Connection) -> list[str]:
    """Every event kind stored, sorted (unknown ones included: a check looks for them)."""
    return list(conn.execute(text("SELECT DISTINCT kind FROM event ORDER BY kind")).scalars())


def get_meta(conn: Connection, key: str) -> str | None:
    """The setting ``key`` kept in the store (``profile``, ...), or None when unset."""
    return conn.execute(text("SELECT value FROM meta WHERE key = :key"), {"key": key}).scalar()


def caseload(
    conn: Connection,
    filters: Filters | None = None,
    child_ids: Iterable[str] | None = None,
) -> Iterator[tuple[Child, list[Event]]]:
    """Children in id order, each with its non-voided events by date then id, streamed.

    ``filters`` come from match_filters (called first, so a name that matches nothing fails
    before anything streams). Two ordered streams, children and their events, merged here: the
    event rows carry only what the engine reads (no notes, no child columns repeated on every
    row). Rows arrive YIELD_PER at a time and only one child's events are held at once.
    """
    where, params = filter_sql(filters or {}, "c.")
    children_sql = "SELECT c.id, c.name, c.dob, c.iro, c.social_worker, c.team FROM child AS c"
    forward = ", ".join(f"'{kind}'" for kind in sorted(FORWARD_KINDS))  # constants, not user data
    events_sql = (
        "SELECT e.child_id, e.id, e.kind, e.date, e.meeting,"
        f" CASE WHEN e.kind IN ({forward}) THEN e.recorded_at END, e.details"
        " FROM event AS e{join} WHERE e.voided_at IS NULL"
    )
    batches: Iterable[list[str] | None] = [None]
    if child_ids is not None:
        # Sorted chunks queried in turn keep the whole stream in id order.
        batches = chunks(sorted(set(child_ids)))
        where.append("c.id IN ({ids})")
    # the join only filters: with no filter every event is wanted (foreign keys hold the pairing)
    events_sql = events_sql.replace("{join}", " JOIN child AS c ON c.id = e.child_id" if where else "")
    if where:
        children_sql += " WHERE " + " AND ".join(where)
        events_sql += " AND " + " AND ".join(where)
    children_sql += " ORDER BY c.id"
    events_sql += " ORDER BY e.child_id, e.date, e.id"
    parse = date_parser(conn)
    for batch in batches:
        bound = dict(params)
        csql, esql = children_sql, events_sql
        if batch is not None:
            names = [f"id{i}" for i in range(len(batch))]
            placeholders = ", ".join(f":{n}" for n in names)
            csql, esql = csql.replace("{ids}", placeholders), esql.replace("{ids}", placeholders)
            bound.update(zip(names, batch, strict=True))
        children = (_child(row, parse) for rows in _row_blocks(conn, csql, bound) for row in rows)
        yield from _merge(children, _row_blocks(conn, esql, bound), parse)


def _row_blocks(conn: Connection, query: str, params: dict) -> Iterator[list]:
    """Rows in blocks of YIELD_PER. SQLite reads through the driver's own cursor: at a million
    rows SQLAlchemy's result layer costs more than SQLite itself (the SQL and its :named
    parameters are the same); other dialects stream server-side through SQLAlchemy."""
    if conn.dialect.name == "sqlite":
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(query, params)
            while rows := cursor.fetchmany(YIELD_PER):
                yield rows
        finally:
            cursor.close()
        return
    # on the statement, not the connection: Connection.execution_options changes the connection itself, and a
    # write transaction that streams a child's events (store/kept.py) goes on to DELETE and INSERT on it
    streaming = text(query).execution_options(stream_results=True, yield_per=YIELD_PER)
    yield from conn.execute(streaming, params).partitions(YIELD_PER)


def _merge(children: Iterator[Child], blocks: Iterable[list], parse) -> Iterator[tuple[Child, list[Event]]]:
    """Pair each child (in id order) with its run of event rows (ordered by child id too)."""
    new_event = Event  # locals: this loop runs once per event, a million times nationally
    child = next(children, None)
    events: list[Event] = []
    for rows in blocks:
        for child_id, event_id, kind, day, meeting, recorded_at, details in rows:
            while child is not None and child.id != child_id:
                yield child, events
                child, events = next(children, None), []
            events.append(new_event(kind, parse(day), event_id, child_id, bool(meeting), None,
                                    None if recorded_at is None else _known_on(kind, recorded_at),
                                    None if details is None else _details(details)))
    while child is not None:
        yield child, events
        child, events = next(children, None), []


# -- the obligation table (store/kept.py keeps it) ---------------------------------------------------------

KEPT_COLUMNS = ("rule", "title", "source", "owner", "due", "status", "met_on", "anchor_kind", "anchor_date",
                "rule_offset", "arithmetic", "cycle", "shown_from", "lapses")
_KEPT_DATES = frozenset({"due", "met_on", "anchor_date", "shown_from"})


@dataclass(frozen=True, slots=True)
class KeptPlan:
    """Which of a report's children the obligation table cannot answer for, as sets of ids: ``stale`` (never
    stored, or stored with another profile, calendar or engine: `db refresh` fixes these), ``expired`` (the
    as-of day is past the school terms derived: `db refresh` fixes these when the day is today, not a day far
    ahead) and ``past`` (an event recorded after the as-of day: the table holds what is known now)."""

    stale: frozenset[str]
    expired: frozenset[str]
    past: frozenset[str]

    @property
    def live(self) -> frozenset[str]:
        """Every child a report derives live."""
        return self.stale | self.expired | self.past


def kept_plan(conn: Connection, filters: Filters, fingerprint: str, as_of: dt.date) -> KeptPlan:
    """The children matching ``filters`` whose stored obligations cannot serve a report as of ``as_of``."""
    where, params = filter_sql(filters, "c.")
    sql = ("SELECT c.id, k.fingerprint, k.settled_on, k.valid_until FROM child AS c"
           " LEFT JOIN obligation_kept AS k ON k.child_id = c.id"
           " WHERE (k.child_id IS NULL OR k.fingerprint <> :fp OR k.settled_on > :as_of OR k.valid_until <= :as_of)")
    if where:
        sql += " AND " + " AND ".join(where)
    stale, expired, past = set(), set(), set()
    bound = {**params, "fp": fingerprint, "as_of": _day(conn, as_of)}
    for child_id, fp, _settled, valid_until in conn.execute(text(sql), bound):
        if fp is None or fp != fingerprint:
            stale.add(child_id)
        elif valid_until is not None and _date(valid_until) <= as_of:
            expired.add(child_id)
        else:
            past.add(child_id)
    return KeptPlan(frozenset(stale), frozenset(expired), frozenset(past))


def _day(conn: Connection, day: dt.date) -> object:
    """A date as a bound parameter: ISO text on SQLite (as its Date columns hold it), the date elsewhere."""
    return day.isoformat() if conn.dialect.name == "sqlite" else day


def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def kept_obligations(conn: Connection, filters: Filters, fingerprint: str, as_of: dt.date, *,
                     open_only: bool, due_by: dt.date | None = None) -> Iterator[tuple[Child, Obligation]]:
    """(child, obligation) from the obligation table for the children matching ``filters`` whose rows are
    current (``fingerprint``) and answer for ``as_of``, by child id then derivation order; ``open_only``: only
    open ones (``due_by``: due on or before it). Children kept_plan found are not among them. Each obligation is
    as stored: Obligation.settle sees it from the as-of day."""
    where, params = filter_sql(filters, "c.")
    cols = ", ".join(f"o.{name}" for name in KEPT_COLUMNS)
    # SQLite: the children in id order (one IRO's or team's by ix_child_iro first), then each one's rows by
    # ix_obligation_child_id, already in (child, id) order: left to itself it starts from ix_obligation_status_due,
    # reads the open rows scattered through the table and sorts them (seconds nationally for one IRO). It keeps a
    # CROSS JOIN's order, and a unary + keeps it off the (status, due) index. PostgreSQL plans from its statistics.
    steer = conn.dialect.name == "sqlite"
    join, plus, order = (" CROSS JOIN ", "+", "c.id") if steer else (", ", "", "o.child_id")
    sql = (f"SELECT c.id, c.name, c.dob, c.iro, c.social_worker, c.team, {cols}"
           f" FROM child AS c{join}obligation AS o JOIN obligation_kept AS k ON k.child_id = o.child_id"
           " WHERE o.child_id = c.id AND k.fingerprint = :fp AND (k.settled_on IS NULL OR k.settled_on <= :as_of)"
           " AND (k.valid_until IS NULL OR k.valid_until > :as_of)"
           " AND (o.shown_from IS NULL OR o.shown_from <= :as_of)")
    params = {**params, "fp": fingerprint, "as_of": _day(conn, as_of)}
    if open_only:
        sql += f" AND {plus}o.status = 'open'"
        if due_by is not None:
            sql += f" AND {plus}o.due <= :due_by"
            params["due_by"] = _day(conn, due_by)
    if where:
        sql += " AND " + " AND ".join(where)
    sql += f" ORDER BY {order}, o.id"
    parse = date_parser(conn)
    new_ob, derivation, statuses = Obligation, Derivation, {s.value: s for s in Status}
    statuses["open"] = Status.DUE
    child: Child | None = None
    for rows in _row_blocks(conn, sql, params):
        for row in rows:
            if child is None or child.id != row[0]:
                child = _child(row, parse)
            (rule, title, source, owner, due, status, met_on, anchor_kind, anchor_date, offset, arithmetic, cycle,
             shown_from) = row[6:19]
            anchor_date = parse(anchor_date)
            yield child, new_ob(
                child.id, rule, title, source, parse(due), statuses[status], anchor_kind, anchor_date, None,
                None if met_on is None else parse(met_on), None, owner, cycle, None,
                None if shown_from is None else parse(shown_from), bool(row[19]),
                derivation(anchor_kind, anchor_date, offset, arithmetic))


def kept_rows_for(conn: Connection, child_ids: Iterable[str]) -> dict[str, tuple[list[tuple], tuple | None]]:
    """Each child's stored obligation rows (KEPT_COLUMNS, dates parsed, in derivation order) and its
    (fingerprint, settled_on, valid_until, horizon, initials) or None, by child id: what `db check` compares
    with a fresh derivation."""
    parse = date_parser(conn)
    cols = ", ".join(KEPT_COLUMNS)
    rows: dict[str, list[tuple]] = {}
    kept: dict[str, tuple] = {}
    for chunk in chunks(sorted(set(child_ids))):
        names = {f"id{i}": cid for i, cid in enumerate(chunk)}
        marks = ", ".join(f":{n}" for n in names)
        for row in conn.execute(text(f"SELECT child_id, {cols} FROM obligation WHERE child_id IN ({marks})"
                                     " ORDER BY child_id, id"), names):
            values = tuple(parse(v) if k in _KEPT_DATES and v is not None else bool(v) if k == "lapses" else v
                           for k, v in zip(KEPT_COLUMNS, row[1:], strict=True))
            rows.setdefault(row[0], []).append(values)
        for cid, fp, settled, valid_until, horizon, initials in conn.execute(text(
                "SELECT child_id, fingerprint, settled_on, valid_until, horizon, initials FROM obligation_kept"
                f" WHERE child_id IN ({marks})"), names):
            kept[cid] = (fp, None if settled is None else parse(settled),
                         None if valid_until is None else parse(valid_until), parse(horizon), initials)
    return {cid: (rows.get(cid, []), kept.get(cid)) for cid in set(rows) | set(kept)}


def child_ids(conn: Connection, filters: Filters | None = None) -> list[str]:
    """The ids of the children matching ``filters`` (all with none), sorted."""
    where, params = filter_sql(filters or {}, "")
    sql = "SELECT id FROM child" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    return [row[0] for row in conn.execute(text(sql), params)]


def import_batches(conn: Connection) -> list[dict]:
    """Every import batch, oldest first: {"batch", "kind", "files" (list of {"name", "sha256", "bytes"}), "map"
    ({"name", "sha256"} or None), "counts" (as the import reported them), "recorded_at", "recorded_by",
    "undone_at", "undone_by", "undo_reason", "options" (what shaped it: as_of, year, sheets…; {} when none)};
    timestamps timezone-aware UTC, None when not undone."""
    import json

    sql = ("SELECT id, kind, files, map, counts, recorded_at, recorded_by, undone_at, undone_by, undo_reason, "
           "options FROM import_batch ORDER BY id")
    return [{"batch": row[0], "kind": row[1], "files": json.loads(row[2]),
             "map": json.loads(row[3]) if row[3] else None, "counts": json.loads(row[4]),
             "recorded_at": _timestamp(row[5]), "recorded_by": row[6],
             "undone_at": _timestamp(row[7]), "undone_by": row[8], "undo_reason": row[9],
             "options": json.loads(row[10]) if row[10] else {}}
            for row in conn.execute(text(sql))]


# -- history and audit (migration 0007: child_change, import_batch, event.voided_by/batch_id/amends) --------------


@dataclass(frozen=True, slots=True)
class ChildChange:
    """One row of a child's history (table child_change): ``field`` (name, dob, iro, social_worker, team; "added"
    for the child's creation), the values before and after as text (a date ISO; None: not known or not kept),
    ``at`` timezone-aware UTC, ``by`` who (the OS user), ``via`` what (stewardship.VIA_*: "child add", "import",
    ...), ``batch`` the import batch (an import's change or an undo's restoring of one; else None)."""

    field: str
    old: str | None
    new: str | None
    at: dt.datetime
    by: str | None
    via: str
    batch: int | None


def child_changes(conn: Connection, child_id: str) -> list[ChildChange]:
    """Every change of one child's details, oldest first (by time, then as written); [] for none."""
    sql = ("SELECT field, old, new, changed_at, changed_by, via, batch_id FROM child_change WHERE child_id = :child_id"
           " ORDER BY changed_at, id")
    return [ChildChange(row[0], row[1], row[2], _timestamp(row[3]), row[4], row[5], row[6])
            for row in conn.execute(text(sql), {"child_id": child_id})]


# The actions of `irocli db audit`, in the order they sort within one instant (a write's rows share its time: a
# child's IRO following an allocation event is listed after the event).
AUDIT_ACTIONS = ("import", "import undone", "child added", "event added", "event amended", "event voided",
                 "child changed", "cover recorded", "iro renamed", "profile set")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One write as `irocli db audit` lists it: ``at`` (timezone-aware UTC), ``who``, ``action`` (AUDIT_ACTIONS),
    the child, event and import batch it concerns (None where none) and ``facts``, the plain values the report
    words (by action: kind and date of an event; amends, old_date, reason of an amendment; kind, date, reason of a
    void; field and via of a child change; kind, files, map, counts of an import; reason of an undo; start, end of
    a cover; count, children, first, last of keyed events written with no import batch). No child's name or date
    of birth is ever among them."""

    at: dt.datetime
    who: str | None
    action: str
    child: str | None
    event: int | None
    batch: int | None
    facts: dict


def audit_entries(conn: Connection, start: dt.datetime, end: dt.datetime) -> list[AuditEntry]:
    """Every write from ``start`` (included) to ``end`` (excluded), both naive UTC, in time order (then
    AUDIT_ACTIONS' order, then id). Each SELECT bounds a timestamp column (event.recorded_at, event.voided_at,
    child_change.changed_at, import_batch.recorded_at and undone_at, iro_cover.recorded_at).

    An import is one entry (its events and child changes, batch_id set, are not listed; nor are those an undo
    restores or voids). A void made by an amendment or an import replacing the event is the "event amended" or
    "import" entry, not its own; a void made by undoing an import is the "import undone" entry. Keyed events
    with no batch (imported before migration 0007, or by a script through Store.add_event) are one "import"
    entry per instant and person, batch None."""
    window = {"start": start, "end": end}

    def run(sql: str):
        statement = text(sql).bindparams(bindparam("start", type_=DateTime()), bindparam("end", type_=DateTime()))
        return conn.execute(statement, window)

    parse = date_parser(conn)
    rank = {action: i for i, action in enumerate(AUDIT_ACTIONS)}
    found: list[tuple[tuple, AuditEntry]] = []

    def add(entry: AuditEntry, order: int) -> None:
        found.append(((entry.at, rank[entry.action], order), entry))

    for row in run("SELECT e.id, e.child_id, e.kind, e.date, e.recorded_at, e.recorded_by, e.amends, o.date,"
                   " o.void_reason FROM event e LEFT JOIN event o ON o.id = e.amends"
                   " WHERE e.recorded_at >= :start AND e.recorded_at < :end AND e.batch_id IS NULL"
                   " AND e.source_key IS NULL AND e.former_key IS NULL"):
        facts = {"kind": row[2], "date": parse(row[3])}
        if row[6] is None:
            add(AuditEntry(_timestamp(row[4]), row[5], "event added", row[1], row[0], None, facts), row[0])
        else:
            facts.update(amends=row[6], old_date=None if row[7] is None else parse(row[7]), reason=row[8])
            add(AuditEntry(_timestamp(row[4]), row[5], "event amended", row[1], row[0], None, facts), row[0])
    for row in run("SELECT MIN(id), MAX(id), COUNT(*), COUNT(DISTINCT child_id), MIN(child_id), recorded_at,"
                   " recorded_by FROM event WHERE recorded_at >= :start AND recorded_at < :end AND batch_id IS NULL"
                   " AND (source_key IS NOT NULL OR former_key IS NOT NULL) GROUP BY recorded_at, recorded_by"):
        facts = {"count": row[2], "children": row[3], "first": row[0], "last": row[1]}
        add(AuditEntry(_timestamp(row[5]), row[6], "import", row[4] if row[3] == 1 else None,
                       row[0] if row[2] == 1 else None, None, facts), row[0])
    for row in run("SELECT e.id, e.child_id, e.kind, e.date, e.voided_at, e.voided_by, e.void_reason FROM event e"
                   " LEFT JOIN import_batch b ON b.id = e.batch_id"
                   " WHERE e.voided_at >= :start AND e.voided_at < :end"
                   " AND NOT EXISTS (SELECT 1 FROM event a WHERE a.amends = e.id)"
                   " AND (b.undone_at IS NULL OR b.undone_at <> e.voided_at)"):
        add(AuditEntry(_timestamp(row[4]), row[5], "event voided", row[1], row[0], None,
                       {"kind": row[2], "date": parse(row[3]), "reason": row[6]}), row[0])
    for row in run("SELECT id, child_id, field, changed_at, changed_by, via, batch_id FROM child_change"
                   " WHERE changed_at >= :start AND changed_at < :end"
                   " AND (batch_id IS NULL OR via = 'import undo')"):  # an undo's setting back listed, an import's not
        action = "child added" if row[2] == "added" else "child changed"
        add(AuditEntry(_timestamp(row[3]), row[4], action, row[1], None, row[6], {"field": row[2], "via": row[5]}),
            row[0])
    for row in run("SELECT id, kind, files, map, counts, recorded_at, recorded_by FROM import_batch"
                   " WHERE recorded_at >= :start AND recorded_at < :end"):
        facts = {"kind": row[1], "files": _details(row[2]) or [], "map": _details(row[3]), "counts": _details(row[4])}
        add(AuditEntry(_timestamp(row[5]), row[6], "import", None, None, row[0], facts), row[0])
    for row in run("SELECT id, kind, undone_at, undone_by, undo_reason FROM import_batch"
                   " WHERE undone_at >= :start AND undone_at < :end"):
        add(AuditEntry(_timestamp(row[2]), row[3], "import undone", None, None, row[0],
                       {"kind": row[1], "reason": row[4]}), row[0])
    for row in run("SELECT id, child_id, start_date, end_date, recorded_at, recorded_by FROM iro_cover"
                   " WHERE recorded_at >= :start AND recorded_at < :end"):
        add(AuditEntry(_timestamp(row[4]), row[5], "cover recorded", row[1], None, None,
                       {"start": parse(row[2]), "end": parse(row[3])}), row[0])
    import json

    for row in run("SELECT id, action, detail, at, by FROM write_log WHERE at >= :start AND at < :end"):
        if row[1] in rank:
            add(AuditEntry(_timestamp(row[3]), row[4], row[1], None, None, None, json.loads(row[2])), row[0])
    found.sort(key=lambda pair: pair[0])
    return [entry for _, entry in found]
