"""Case-system CSV extracts, driven by a map file (TOML): which column holds the child's id, its
date of birth, each event's date; which codes mean what; which values mean "blank".

A map is data: an authority writes one for its own extract without code. Shipped maps live in
importers/maps/ (`irocli import maps` lists them); the format is documented at the top of each.
Every row is checked before anything is written; then one transaction writes it all, keyed so a
re-run adds nothing and a changed row updates its event.

Imports the stdlib, domain and _common only; the store is passed in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from irocli.domain import EVENT_KINDS, Child, Event, is_placeholder_dob, name_problem
from irocli.errors import BadInput
from irocli.importers._common import (
    DATE_FORMATS,
    PROGRESS_STEP,
    CsvFile,
    ImportResult,
    NoProgress,
    OutOfRange,
    Progress,
    RowError,
    Skipper,
    bulk_work,
    date_parser,
    date_problem,
    expand_paths,
    normalise_id,
    placeholder_note,
    read_csv,
    shown,
    tracking_events,
)

if TYPE_CHECKING:
    from irocli.store import Store

MAPS = Path(__file__).with_name("maps")
CHILD_FIELDS = ("name", "dob", "iro", "social_worker", "team")


# -- the map ----------------------------------------------------------------------------------


class Codes:
    """One column's code list: canonical codes and the spellings (descriptions) that mean each."""

    def __init__(self, column: str, spellings: dict[str, list[str]], other: str | None) -> None:
        self.column = column
        self.codes = tuple(spellings)
        self.other = other
        self.lookup = {_norm(code): code for code in spellings}
        for code, words in spellings.items():
            for word in words:
                self.lookup[_norm(word)] = code

    def translate(self, value: str) -> str:
        """The code a cell means; ValueError (naming the codes expected, never free text) if none."""
        code = self.lookup.get(_norm(value))
        if code is not None:
            return code
        match = _CODE_PREFIX.match(value)  # "PN1 - Attends and speaks for self"
        if match and _norm(match.group(1)) in self.lookup:
            return self.lookup[_norm(match.group(1))]
        if self.other is not None:
            return self.other
        listed = ", ".join(self.codes[:12]) + (", …" if len(self.codes) > 12 else "")
        raise ValueError(f"unknown code{shown(value)} (expected {listed}, or a description the map lists)")


_CODE_PREFIX = re.compile(r"\s*([A-Za-z0-9]{1,6})\s*(?:-|:|–)\s+\S")


def _norm(text: str) -> str:
    """Case, spacing and punctuation do not matter: "Parents, relatives" = "parents relatives"."""
    return " ".join(_PUNCTUATION.sub(" ", text).split()).casefold()


_PUNCTUATION = re.compile(r"[^\w/]+")


def _plain(text: str) -> str:
    """For null sentinels: case and spacing do not matter, punctuation does ("-1" is not "1")."""
    return " ".join(text.split()).casefold()


@dataclass
class Condition:
    column: str
    values: frozenset[str]
    negate: bool

    def holds(self, code: str | None) -> bool:
        inside = code is not None and code.casefold() in self.values
        return not inside if self.negate else inside


@dataclass
class EventSpec:
    where: str  # its place in the map, for messages
    kind: str | None
    kind_column: str | None
    kinds: dict[str, str]
    dates: list[str]
    required: bool
    when: list[Condition]
    note: str | None
    meeting: bool
    future: bool  # accepted for old maps; whether a date may lie ahead is the kind's nature
    key: str  # "id" (by the table's identity) or "date" (by child, kind and date)
    details: dict[str, str]


@dataclass
class Allocations:
    role: str
    worker: str
    start: str | None
    end: str | None
    team: str | None
    iro: frozenset[str]
    social_worker: frozenset[str]
    iro_event: str | None


@dataclass
class TableSpec:
    name: str
    columns: list[str]  # a file whose header has all of these is this table
    child: list[str]
    child_via: dict | None  # {"column", "table", "match"}
    # what names a row's events: alternatives, the first whose columns the file has wins (`id = X`
    # is [[X]]); [] if none. "#Column" is the row's number among the rows alike in the other
    # identity columns, in order of that date column (child + episode + review number, for a
    # report that gives a review no id)
    identities: list[list[str]]
    unique_child: bool
    child_fields: dict[str, list[str]]
    events: list[EventSpec]
    allocations: Allocations | None
    names: tuple[str, str] | None  # (id column, name column): a lookup of worker names
    optional: set[str]
    only_referenced: bool = False  # its rows add a child only if another table's events need it

    def id_columns(self) -> set[str]:
        """Lower-case names of the columns holding ids (read as ids: "101.0" is "101")."""
        cols = set(self.child) | {c for ident in self.identities for c in ident if not c.startswith("#")}
        if self.child_via:
            cols.update((self.child_via["column"], self.child_via["match"]))
        if self.allocations:
            cols.add(self.allocations.worker)
        if self.names:
            cols.add(self.names[0])
        return {c.lower() for c in cols}

    def child_columns(self) -> set[str]:
        return {c.lower() for c in self.child}

    def identity_columns(self) -> set[str]:
        """The columns any identity reads ("#Review Date" reads Review Date)."""
        return {c.removeprefix("#") for ident in self.identities for c in ident}

    def referenced(self) -> set[str]:
        cols = set(self.columns) | set(self.child) | {c for cs in self.child_fields.values() for c in cs}
        if self.child_via:
            cols.add(self.child_via["column"])
        cols.update(self.identity_columns())
        for ev in self.events:
            cols.update(ev.dates)
            cols.update(c.column for c in ev.when)
            cols.update(ev.details.values())
            cols.update(c for c in (ev.kind_column, ev.note) if c)
        if self.allocations:
            a = self.allocations
            cols.update(c for c in (a.role, a.worker, a.start, a.end, a.team) if c)
        if self.names:
            cols.update(self.names)
        return {c.lower() for c in cols}


@dataclass
class Map:
    name: str
    title: str
    path: Path
    key_prefix: str
    date_formats: list[str]
    nulls: frozenset[str]
    null_dates: frozenset[dt.date]
    tables: dict[str, TableSpec]
    codes: dict[str, Codes] = field(default_factory=dict)  # by lower-case column name
    # the first day the extract's history covers (RULES §6: nothing due before it is judged); None:
    # the extract holds each child's whole history
    covers_from: dt.date | None = None


def shipped_maps() -> list[dict]:
    from irocli._toml import load_toml

    found = []
    for path in sorted(MAPS.glob("*.toml")):
        data = load_toml(path)
        found.append({"name": path.stem, "title": data.get("title", ""), "path": str(path)})
    return found


def load_map(name_or_path: str) -> Map:
    """A shipped map by name, or a map file by path; BadInput naming the file and key if it is wrong."""
    import tomllib

    from irocli._toml import load_toml

    if name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path:
        path = Path(name_or_path).expanduser()
    else:
        shipped = {p.stem: p for p in MAPS.glob("*.toml")}
        path = shipped.get(name_or_path)
        if path is None:
            shown = name_or_path if len(name_or_path) <= 40 else name_or_path[:40] + "…"
            raise BadInput(f"unknown map {shown!r} (shipped: {', '.join(sorted(shipped))}; or give a .toml path)",
                           where="--map")
    try:
        data = load_toml(path)  # a BOM (Notepad) is fine
    except FileNotFoundError:
        raise BadInput("no such map file", where=str(path)) from None
    except OSError as error:
        raise BadInput(f"cannot read the map: {error.strerror}", where=str(path)) from None
    except UnicodeDecodeError:
        raise BadInput("not UTF-8 text (save the map as UTF-8)", where=path.name) from None
    except tomllib.TOMLDecodeError as error:
        raise BadInput(f"not valid TOML ({error})", where=path.name) from None
    return _MapReader(path).read(data)


class _MapReader:
    """Reads a map's TOML, strictly: an unknown key or a wrong type is an error naming the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> BadInput:
        return BadInput(message, where=f"{self.path.name}: {key}")

    def take(self, table: dict, key: str, where: str, kind: type | tuple, default=None, required=False):
        if key not in table:
            if required:
                raise self.fail(f"{where}.{key}".lstrip("."), "is required")
            return default
        value = table.pop(key)
        if not isinstance(value, kind) or (kind is str and not value):
            names = {str: "text", list: "a list", bool: "true or false", dict: "a table"}
            expected = names.get(kind, "text or a list of text") if isinstance(kind, type) else "text or a list"
            raise self.fail(f"{where}.{key}".lstrip("."), f"expected {expected}")
        return value

    def done(self, table: dict, where: str) -> None:
        if table:
            key = next(iter(table))
            raise self.fail(f"{where}.{key}".lstrip("."), "unknown key")

    def columns(self, value, where: str) -> list[str]:
        values = [value] if isinstance(value, str) else value
        if not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise self.fail(where, "expected a column name or a list of column names")
        return [v.strip() for v in values]

    def read(self, data: dict) -> Map:
        data = dict(data)
        name = self.take(data, "name", "", str, self.path.stem)
        title = self.take(data, "title", "", str, "")
        prefix = self.take(data, "key_prefix", "", str, name)
        covers_from = self.take(data, "covers_from", "", (str, dt.date))
        if isinstance(covers_from, str):
            try:
                covers_from = dt.date.fromisoformat(covers_from)
            except ValueError:
                raise self.fail("covers_from", "expected an ISO date (YYYY-MM-DD)") from None
        settings = dict(self.take(data, "settings", "", dict, {}))
        formats = self.take(settings, "date_formats", "settings", list, ["YYYY-MM-DD"])
        for f in formats:
            if f not in DATE_FORMATS:
                raise self.fail("settings.date_formats",
                                f"unknown date format {f!r} (known: {', '.join(DATE_FORMATS)})")
        nulls = self.take(settings, "nulls", "settings", list, [""])
        null_dates = []
        for text in self.take(settings, "null_dates", "settings", list, []):
            try:
                null_dates.append(dt.date.fromisoformat(str(text)))
            except ValueError:
                raise self.fail("settings.null_dates", "expected ISO dates (YYYY-MM-DD)") from None
        self.done(settings, "settings")
        codes = {}
        for column, table in self.take(data, "codes", "", dict, {}).items():
            where = f"codes.{column}"
            if not isinstance(table, dict):
                raise self.fail(where, "expected a table of CODE = [spellings]")
            table = dict(table)
            other = self.take(table, "*", where, str)
            spellings = {}
            for code, words in table.items():
                words = [words] if isinstance(words, str) else words
                if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                    raise self.fail(f"{where}.{code}", "expected a list of spellings")
                spellings[code] = words
            codes[column.lower()] = Codes(column, spellings, other)
        tables = {}
        for tname, table in self.take(data, "tables", "", dict, required=True).items():
            if not isinstance(table, dict):
                raise self.fail(f"tables.{tname}", "expected a table")
            tables[tname] = self.table(tname, dict(table))
        self.done(data, "")
        if not tables:
            raise self.fail("tables", "the map names no tables")
        for spec in tables.values():
            if spec.child_via and spec.child_via["table"] not in tables:
                raise self.fail(f"tables.{spec.name}.child_via.table", f"no table {spec.child_via['table']!r} "
                                                                        "in this map")
        return Map(name, title, self.path, prefix, formats, frozenset(_plain(str(n)) for n in nulls),
                   frozenset(null_dates), tables, codes, covers_from)

    def table(self, tname: str, table: dict) -> TableSpec:
        where = f"tables.{tname}"
        columns = self.columns(self.take(table, "columns", where, list, required=True), f"{where}.columns")
        names = self.take(table, "names", where, dict)
        child = self.take(table, "child", where, (str, list))
        if child is None and names is None:
            raise self.fail(f"{where}.child", "is required")
        child = self.columns(child, f"{where}.child") if child is not None else []
        via = self.take(table, "child_via", where, dict)
        if via is not None:
            via = dict(via)
            parsed = {k: self.take(via, k, f"{where}.child_via", str, required=True) for k in ("column", "table",
                                                                                               "match")}
            self.done(via, f"{where}.child_via")
            via = parsed
        row_id = self.take(table, "id", where, str)
        identity = self.take(table, "identity", where, (str, list))
        if identity is not None and row_id is not None:
            raise self.fail(f"{where}.identity", "give id (one column) or identity (columns), not both")
        if identity is None:
            identities = [[row_id]] if row_id else []
        elif isinstance(identity, list) and identity and all(isinstance(i, list) for i in identity):
            identities = [self.columns(i, f"{where}.identity") for i in identity]  # alternatives
        else:
            identities = [self.columns(identity, f"{where}.identity")]
        for ident in identities:
            if len([c for c in ident if c.startswith("#")]) > 1:
                raise self.fail(f"{where}.identity", "at most one \"#Column\" (the row's number in order of a date)")
        unique = self.take(table, "unique_child", where, bool, False)
        only_referenced = self.take(table, "only_referenced", where, bool, False)
        optional = {c.lower() for c in self.columns(self.take(table, "optional", where, list, ["-"]), where)} - {"-"}
        fields = {}
        for fname, cols in dict(self.take(table, "child_fields", where, dict, {})).items():
            if fname not in CHILD_FIELDS:
                raise self.fail(f"{where}.child_fields.{fname}",
                                f"unknown child field (known: {', '.join(CHILD_FIELDS)})")
            fields[fname] = self.columns(cols, f"{where}.child_fields.{fname}")
        events = [self.event(f"{where}.events[{i}]", dict(ev), bool(identities))
                  for i, ev in enumerate(self.take(table, "events", where, list, []), 1)]
        alloc = self.take(table, "allocations", where, dict)
        if alloc is not None:
            alloc = self.allocations(f"{where}.allocations", dict(alloc))
        if names is not None:
            names = dict(names)
            pair = (self.take(names, "id", f"{where}.names", str, required=True),
                    self.take(names, "name", f"{where}.names", str, required=True))
            self.done(names, f"{where}.names")
            names = pair
        self.done(table, where)
        return TableSpec(tname, columns, child, via, identities, unique, fields, events, alloc, names, optional,
                         only_referenced)

    def event(self, where: str, ev: dict, has_identity: bool) -> EventSpec:
        kind = self.take(ev, "kind", where, str)
        kind_column = self.take(ev, "kind_column", where, str)
        kinds = self.take(ev, "kinds", where, dict, {})
        if (kind is None) == (kind_column is None):
            raise self.fail(f"{where}.kind", "give kind, or kind_column with kinds")
        for k in [kind, *kinds.values()] if kind else kinds.values():
            if k not in EVENT_KINDS:
                raise self.fail(f"{where}.kind", f"unknown event kind {k!r} (see 'irocli event kinds')")
        dates = self.columns(self.take(ev, "date", where, (str, list), required=True), f"{where}.date")
        conditions = []
        for i, cond in enumerate(self.take(ev, "when", where, list, []) if isinstance(ev.get("when"), list)
                                 else [self.take(ev, "when", where, dict)] if "when" in ev else [], 1):
            cond = dict(cond)
            cwhere = f"{where}.when[{i}]"
            column = self.take(cond, "column", cwhere, str, required=True)
            inside = self.take(cond, "in", cwhere, list)
            outside = self.take(cond, "not_in", cwhere, list)
            if (inside is None) == (outside is None):
                raise self.fail(cwhere, "give in = [...] or not_in = [...]")
            self.done(cond, cwhere)
            conditions.append(Condition(column, frozenset(str(v).casefold() for v in inside or outside),
                                        outside is not None))
        key = self.take(ev, "key", where, str, "id" if has_identity else "date")
        if key not in ("id", "date") or (key == "id" and not has_identity):
            raise self.fail(f"{where}.key", "expected 'date', or 'id' when the table names its id or identity")
        spec = EventSpec(
            where=where, kind=kind, kind_column=kind_column, kinds=kinds, dates=dates,
            required=self.take(ev, "required", where, bool, True), when=conditions,
            note=self.take(ev, "note", where, str), meeting=self.take(ev, "meeting", where, bool, True),
            future=self.take(ev, "future", where, bool, False), key=key,
            details=self.take(ev, "details", where, dict, {}),
        )
        self.done(ev, where)
        return spec

    def allocations(self, where: str, alloc: dict) -> Allocations:
        spec = Allocations(
            role=self.take(alloc, "role", where, str, required=True),
            worker=self.take(alloc, "worker", where, str, required=True),
            start=self.take(alloc, "start", where, str), end=self.take(alloc, "end", where, str),
            team=self.take(alloc, "team", where, str),
            iro=frozenset(self.take(alloc, "iro", where, list, [])),
            social_worker=frozenset(self.take(alloc, "social_worker", where, list, [])),
            iro_event=self.take(alloc, "iro_event", where, str),
        )
        if spec.iro_event is not None and spec.iro_event not in EVENT_KINDS:
            raise self.fail(f"{where}.iro_event", f"unknown event kind {spec.iro_event!r}")
        self.done(alloc, where)
        return spec


# -- loading ----------------------------------------------------------------------------------


class _File:
    """One CSV file matched to a table of the map, with cell access by column name."""

    def __init__(self, csv_file: CsvFile, spec: TableSpec, mapping: Map, as_of: dt.date,
                 counts: dict[str, int]) -> None:
        self.csv = csv_file
        self.spec = spec
        self.name = csv_file.name
        self.index = {h.lower(): i for i, h in enumerate(csv_file.header)}
        self.header = {h.lower(): h for h in csv_file.header}
        self.nulls = mapping.nulls
        self.null_dates = mapping.null_dates
        self.parse = date_parser(mapping.date_formats)
        self.codes = mapping.codes
        self.as_of = as_of
        self.counts = counts  # what the notes mention, shared by all files
        self.ids = spec.id_columns()
        # Events are keyed by the table's identity when the map gives one and the file has its columns.
        # the first of the map's identities whose columns the file has ([] if none: keyed by content)
        self.identity = next((ident for ident in spec.identities
                              if all(c.removeprefix("#").lower() in self.index for c in ident)), [])
        self.by_identity = bool(self.identity)
        self.numbers: dict[int, int] | None = None  # row -> its number, for a "#Column" identity
        self.content_keyed = 0  # events keyed by child, kind and date for want of an identity

    def label(self, column: str) -> str:
        return self.header.get(column.lower(), column)

    def number(self, row: int) -> int | None:
        """The row's number among the rows alike in the other identity columns, in order of the
        "#Column" date (then row); None for a row with that date blank. Worked out once per file."""
        if self.numbers is None:
            [order] = [c[1:] for c in self.identity if c.startswith("#")]
            alike = [c for c in self.identity if not c.startswith("#")]
            groups: dict[tuple, list[tuple[dt.date, int]]] = {}
            for r, cells in self.csv.rows:
                day = self.date(r, cells, [order])
                if day is not None:
                    groups.setdefault(tuple(self.same(cells, c) for c in alike), []).append((day, r))
            self.numbers = {r: n for rows in groups.values() for n, (_, r) in enumerate(sorted(rows), 1)}
        return self.numbers.get(row)

    def same(self, cells: list[str], column: str) -> object:
        """A cell as compared across rows: a date however it is written, else the text."""
        value = self.cell(cells, column)
        try:
            return self.parse(value) if value is not None else None
        except ValueError:
            return value

    def error(self, row: int, column: str | None, message: str) -> RowError:
        return RowError(message, file=self.name, row=row, column=self.label(column) if column else None)

    def cell(self, cells: list[str], column: str) -> str | None:
        i = self.index.get(column.lower())
        if i is None:
            return None
        value = cells[i].strip()
        if value in self.nulls or _plain(value) in self.nulls:
            if value:
                self.counts["placeholders"] = self.counts.get("placeholders", 0) + 1
            return None
        return normalise_id(value) if column.lower() in self.ids else value

    def first(self, cells: list[str], columns: list[str]) -> tuple[str | None, str]:
        for column in columns:
            value = self.cell(cells, column)
            if value is not None:
                return value, column
        return None, columns[0]

    def date(self, row: int, cells: list[str], columns: list[str], *, future: bool = False,
             dob: bool = False) -> dt.date | None:
        return self.dated(row, cells, columns, future=future, dob=dob)[0]

    def dated(self, row: int, cells: list[str], columns: list[str], *, future: bool = False,
              dob: bool = False) -> tuple[dt.date | None, str]:
        """(date or None, the column it came from). A date of birth of 1900-01-01 is a placeholder."""
        text, column = self.first(cells, columns)
        if text is None:
            return None, column
        try:
            day = self.parse(text)
        except OutOfRange as error:
            if error.day not in self.null_dates:
                raise self.error(row, column, str(error)) from None
            day = error.day
        except ValueError as error:
            raise self.error(row, column, str(error)) from None
        if dob and is_placeholder_dob(day):
            self.counts["placeholder_dobs"] = self.counts.get("placeholder_dobs", 0) + 1
            return None, column
        if day in self.null_dates:
            self.counts["placeholders"] = self.counts.get("placeholders", 0) + 1
            return None, column
        if not future and day > self.as_of:
            raise self.error(row, column, f"a date after the as-of date {self.as_of} (expected one on or before it)")
        return day, column

    def code(self, row: int, cells: list[str], column: str) -> str | None:
        value = self.cell(cells, column)
        if value is None:
            return None
        codes = self.codes.get(column.lower())
        if codes is None:
            return value.strip().upper()
        try:
            return codes.translate(value)
        except ValueError as error:
            raise self.error(row, column, str(error)) from None


def _match(csv_file: CsvFile, mapping: Map) -> TableSpec:
    """The map's table whose columns the file's header has (the most specific if several do)."""
    have = {h.lower() for h in csv_file.header}
    fits = [t for t in mapping.tables.values() if {c.lower() for c in t.columns} <= have]
    if not fits:
        best = max(mapping.tables.values(), key=lambda t: len({c.lower() for c in t.columns} & have))
        missing = [c for c in best.columns if c.lower() not in have]
        raise BadInput(f"the header matches no table of map {mapping.name} (nearest is {best.name}: "
                       f"missing {', '.join(missing)})", where=f"{csv_file.name} row 1")
    fits.sort(key=lambda t: -len(t.columns))
    if len(fits) > 1 and len(fits[0].columns) == len(fits[1].columns):
        raise BadInput(f"the header fits tables {fits[0].name} and {fits[1].name} of map {mapping.name}: "
                       "give each table columns of its own", where=f"{csv_file.name} row 1")
    spec = fits[0]
    absent = sorted(c for c in spec.referenced() - spec.optional if c not in have)
    if absent:
        raise BadInput(f"column {absent[0]} is missing (map {mapping.name}, table {spec.name})",
                       where=f"{csv_file.name} row 1")
    return spec


def load_extract(store: Store, paths: list[Path], mapping: Map, *, as_of: dt.date, dry_run: bool = False,
                 skip_bad_rows: bool = False, progress: Progress | None = None,
                 covers_from: dt.date | None = None) -> ImportResult:
    """Check every row of the extract files against the map, then load them in one transaction.

    ``covers_from`` (else the map's ``covers_from``): the first day the extract's history covers;
    each child with events gets a `history-known-from` event then (RULES §6), so nothing due
    before it is judged.
    """
    if covers_from is not None:
        mapping = replace(mapping, covers_from=covers_from)
    with bulk_work():
        return _load(store, paths, mapping, as_of, dry_run, Skipper(skip_bad_rows), progress or NoProgress())


def _load(store: Store, paths: list[Path], mapping: Map, as_of: dt.date, dry_run: bool, skip: Skipper,
          progress: Progress) -> ImportResult:
    noted: dict[str, int] = {}  # what the notes mention, counted while reading
    files: list[_File] = []
    seen: dict[str, str] = {}
    for path in expand_paths(paths, (".csv",)):
        csv_file = read_csv(path)
        spec = _match(csv_file, mapping)
        if spec.name in seen:
            raise BadInput(f"a second file for table {spec.name} (the first is {seen[spec.name]})", where=csv_file.name)
        seen[spec.name] = csv_file.name
        files.append(_File(csv_file, spec, mapping, as_of, noted))
    if not any(f.csv.rows for f in files):
        only = files[0].name if len(files) == 1 else "the files given"
        raise BadInput("has a header row but no data rows: nothing to import", where=only)
    by_table = {f.spec.name: f for f in files}

    load = _Load(mapping, by_table, skip, progress, as_of)
    child_rows = load.resolve_children()
    referenced = {cid for rows in child_rows.values() for _, cid in rows if cid is not None}
    stored = store.existing_child_ids(referenced)
    with_events = {cid for name, rows in child_rows.items() if by_table[name].spec.events
                   for _, cid in rows if cid is not None}
    fields = load.child_fields(child_rows, with_events | stored)
    known = set(fields) | stored
    load.dobs = _dobs(store, fields, stored)
    events = load.events(child_rows, known)
    load.allocations(child_rows, known, fields, events)
    progress.stop()

    children = []
    for child_id, values in fields.items():
        name = values.get("name")
        if name is None and child_id not in stored:
            name = child_id  # never invented: the id stands in until a name is given
        children.append(Child(child_id, name, values.get("dob"), values.get("iro"), values.get("social_worker"),
                              values.get("team")))
    marks = tracking_events(events, mapping.key_prefix)
    if mapping.covers_from is not None:
        day = mapping.covers_from
        marks += [(Event("history-known-from", day, None, child_id, True,
                         f"extract ({mapping.name}) covers history from this day"),
                   f"{mapping.key_prefix}:window:{child_id}:{day.isoformat()}")
                  for child_id in sorted({e.child_id for e, _key in events})]
    counts = store.bulk_load(children, events + marks, update=True, dry_run=dry_run)
    notes = []
    if noted.get("placeholder_dobs"):
        notes.append(placeholder_note(noted["placeholder_dobs"]))
    if noted.get("placeholders"):
        notes.append(f"{noted['placeholders']:,} placeholder value(s) (as the map's nulls and null_dates list) "
                     "read as blank")
    for f in files:
        if f.content_keyed:
            first = f.spec.identities[0] if f.spec.identities else []
            missing = [c.removeprefix("#") for c in first if c.removeprefix("#").lower() not in f.index]
            why = (f"the file has no {missing[0]} column (the map's identity for table {f.spec.name})" if missing
                   else f"map {mapping.name} declares no id or identity for table {f.spec.name}")
            notes.append(f"{f.content_keyed:,} event(s) from {f.name} keyed by child, kind and date: {why}, so a "
                         "date corrected in a later extract adds a second event beside the first (void the wrong "
                         "one: irocli event void)")
    if load.unreferenced:
        notes.append(f"{load.unreferenced:,} row(s) of children with no events in this import (and not stored) "
                     "were left out")
    if load.orphans_skipped:
        notes.append(f"{load.orphans_skipped:,} allocation row(s) of children not otherwise known were left out")
    result_files = [{"file": f.name, "table": f.spec.name, "rows": len(f.csv.rows), "used": True} for f in files]
    return ImportResult(dry_run, result_files, counts, skip.skipped, notes)


class _Load:
    """The passes over the rows: whose row it is, children's fields, events, allocations."""

    def __init__(self, mapping: Map, files: dict[str, _File], skip: Skipper, progress: Progress,
                 as_of: dt.date) -> None:
        self.map = mapping
        self.files = files
        self.skip = skip
        self.progress = progress
        self.as_of = as_of
        self.orphans_skipped = 0
        self.unreferenced = 0
        self.shared: dict[tuple, dict] = {}
        self.dobs: dict[str, dt.date] = {}  # each child's date of birth, where known

    def rows(self, file: _File, label: str) -> list:
        self.progress.start(f"{file.name} ({label})", len(file.csv.rows))
        return file.csv.rows

    def tick(self, i: int) -> None:
        if i % PROGRESS_STEP == 0:
            self.progress.advance(PROGRESS_STEP)

    def resolve_children(self) -> dict[str, list[tuple[int, str | None]]]:
        """For each table, (row, child id) per row; None where the row was skipped (or is a names row)."""
        lookups: dict[str, dict[str, str]] = {}
        out: dict[str, list[tuple[int, str | None]]] = {}
        for name, file in self.files.items():
            spec = file.spec
            result = []
            for i, (row, cells) in enumerate(self.rows(file, "ids"), 1):
                self.tick(i)
                if not spec.child:  # a names table
                    result.append((row, None))
                    continue
                child_id, column = file.first(cells, spec.child)
                try:
                    if child_id is None and spec.child_via:
                        child_id = self.via(file, row, cells, lookups)
                    if child_id is None:
                        raise file.error(row, column, "is blank (expected the child's id)")
                except RowError as error:
                    self.skip(error)
                    result.append((row, None))
                    continue
                result.append((row, normalise_id(child_id)))
            out[name] = result
        return out

    def via(self, file: _File, row: int, cells: list[str], lookups: dict) -> str | None:
        via = file.spec.child_via
        value = file.cell(cells, via["column"])
        if value is None:
            return None
        target = self.files.get(via["table"])
        if target is None:
            raise file.error(row, via["column"], f"no child id on this row, and no {via['table']} file in this import "
                                                 f"to find it through {via['match']}")
        table = lookups.get(via["table"])
        if table is None:
            table = lookups[via["table"]] = {}
            for _, tcells in target.csv.rows:
                key, child_id = target.cell(tcells, via["match"]), target.first(tcells, target.spec.child)[0]
                if key is not None and child_id is not None:
                    table.setdefault(key, child_id)
        child_id = table.get(value)
        if child_id is None:
            raise file.error(row, via["column"], f"{value.strip()} is not in the {via['table']} file "
                                                 f"({target.label(via['match'])})")
        return child_id

    def child_fields(self, child_rows, wanted: set[str]) -> dict[str, dict]:
        """Children's fields from the tables that carry them; rows must agree about a child.

        A table marked only_referenced adds only the children in ``wanted`` (with events in this
        import, or already stored): an SSD person table lists every child, not only those looked after.
        """
        fields: dict[str, dict] = {}
        first: dict[tuple[str, str], int] = {}
        for name, file in self.files.items():
            spec = file.spec
            if not spec.child_fields:
                continue
            seen: dict[str, int] = {}
            for (row, cells), (_, child_id) in zip(file.csv.rows, child_rows[name], strict=True):
                if child_id is None:
                    continue
                if spec.only_referenced and child_id not in wanted:
                    self.unreferenced += 1
                    continue
                try:
                    if spec.unique_child and child_id in seen:
                        raise file.error(row, spec.child[0], f"child {child_id} appears twice (first at row "
                                                             f"{seen[child_id]})")
                    values = self.row_fields(file, row, cells, spec)
                    known = fields.get(child_id, {})
                    for fname, value in values.items():
                        if value is not None and known.get(fname) is not None and known[fname] != value:
                            column = spec.child_fields[fname][0]
                            raise file.error(row, column, f"child {child_id}: differs from row "
                                                          f"{first[child_id, fname]} (expected the same value)")
                except RowError as error:
                    self.skip(error)
                    continue
                seen.setdefault(child_id, row)
                record = fields.setdefault(child_id, {})
                for fname, value in values.items():
                    if value is not None and record.get(fname) is None:
                        record[fname] = value
                        first[child_id, fname] = row
        return fields

    def row_fields(self, file: _File, row: int, cells: list[str], spec: TableSpec) -> dict:
        values = {}
        for fname, columns in spec.child_fields.items():
            if fname == "dob":
                values[fname] = file.date(row, cells, columns, dob=True)
            elif fname == "name":
                parts = [file.cell(cells, c) for c in columns]
                values[fname] = " ".join(p.strip() for p in parts if p) or None
            else:
                values[fname] = file.first(cells, columns)[0]
            problem = None if fname == "dob" or values[fname] is None else name_problem(values[fname])
            if problem is not None:
                raise file.error(row, columns[0], problem)
        return values

    def events(self, child_rows, known: set[str]) -> list[tuple[Event, str]]:
        out: dict[str, tuple[Event, str, int, str]] = {}
        prefix = self.map.key_prefix
        for name, file in self.files.items():
            spec = file.spec
            if not spec.events:
                continue
            for i, ((row, cells), (_, child_id)) in enumerate(zip(self.rows(file, "events"), child_rows[name],
                                                                  strict=True), 1):
                self.tick(i)
                if child_id is None:
                    continue
                try:
                    if child_id not in known:
                        raise file.error(row, spec.child[0], f"unknown child {child_id} (not in this import or "
                                                             "the store)")
                    made = [self.event(file, row, cells, child_id, ev, prefix) for ev in spec.events]
                    for item in made:
                        if item is None:
                            continue
                        event, key = item
                        if key in out:
                            old, _, old_row, old_file = out[key]
                            if (old.kind, old.date, old.child_id) != (event.kind, event.date, event.child_id):
                                column = file.identity[0] if file.by_identity else spec.child[0]
                                raise file.error(row, column, f"gives the same source key as {old_file} row {old_row} "
                                                               "with a different event (is the id unique?)")
                            continue
                        out[key] = (event, key, row, file.name)
                except RowError as error:
                    self.skip(error)
                    continue
        return [(event, key) for event, key, _, _ in out.values()]

    def event(self, file: _File, row: int, cells: list[str], child_id: str, ev: EventSpec,
              prefix: str) -> tuple[Event, str] | None:
        for cond in ev.when:
            if not cond.holds(file.code(row, cells, cond.column)):
                return None
        kind = ev.kind
        if ev.kind_column is not None:
            code = file.code(row, cells, ev.kind_column)
            if code is None:
                return None
            kind = ev.kinds.get(code) or next((k for c, k in ev.kinds.items() if _norm(c) == _norm(code)), None)
            if kind is None:
                raise file.error(row, ev.kind_column, f"unknown code{shown(code)} (expected "
                                                      f"{', '.join(ev.kinds)})")
        day, column = file.dated(row, cells, ev.dates, future=True)
        if day is None:
            if ev.required:
                raise file.error(row, ev.dates[0], f"is blank (expected a date, {' or '.join(self.map.date_formats)})")
            return None
        problem = date_problem(kind, day, self.as_of, self.dobs.get(child_id))
        if problem is not None:
            raise file.error(row, column, problem)
        note = file.cell(cells, ev.note) if ev.note else None
        details = {k: v for k, col in ev.details.items() if (v := file.code(row, cells, col)) is not None} or None
        if details is not None:  # one dict per distinct value: the store dumps each once
            details = self.shared.setdefault(tuple(details.items()), details)
        if ev.key == "id" and file.by_identity:
            key = f"{prefix}:{file.spec.name}:{self.identity(file, row, cells)}:{kind}"
        else:
            if ev.key == "id" or not file.spec.identities:
                file.content_keyed += 1
            key = f"{prefix}:{file.spec.name}:{child_id}:{kind}:{day.isoformat()}"
        return Event(kind, day, None, child_id, ev.meeting, note.strip() if note else None, details=details), key

    @staticmethod
    def identity(file: _File, row: int, cells: list[str]) -> str:
        """The row's identity as key text (one id as it is; several joined by ':'); blank is an error."""
        values = []
        for column in file.identity:
            if column.startswith("#"):
                values.append(f"#{file.number(row)}")
                continue
            value = file.cell(cells, column)
            if value is not None and column.lower() not in file.spec.child_columns():  # a date, however written
                same = file.same(cells, column)
                value = same.isoformat() if isinstance(same, dt.date) else value
            if value is None:
                what = "the row's id" if len(file.identity) == 1 else "part of the row's identity"
                raise file.error(row, column, f"is blank (expected {what}: the map keys events by it)")
            values.append(value)
        return ":".join(values)

    def allocations(self, child_rows, known: set[str], fields: dict[str, dict],
                    events: list[tuple[Event, str]]) -> None:
        """Current IRO / social worker (and team) per child from allocation rows; IRO allocations as events."""
        names: dict[str, str] = {}
        for file in self.files.values():
            if file.spec.names:
                id_col, name_col = file.spec.names
                for row, cells in file.csv.rows:
                    worker, name = file.cell(cells, id_col), file.cell(cells, name_col)
                    if worker is not None and name is not None:
                        problem = name_problem(name)
                        if problem is not None:
                            raise file.error(row, name_col, problem)
                        names[worker.strip()] = name.strip()
        prefix = self.map.key_prefix
        for tname, file in self.files.items():
            alloc = file.spec.allocations
            if alloc is None:
                continue
            current: dict[tuple[str, str], tuple[dt.date, str, str | None]] = {}
            for (row, cells), (_, child_id) in zip(file.csv.rows, child_rows[tname], strict=True):
                if child_id is None:
                    continue
                try:
                    role = file.code(row, cells, alloc.role)
                    which = "iro" if role in alloc.iro else "social_worker" if role in alloc.social_worker else None
                    if which is None:
                        continue
                    if child_id not in known:
                        self.orphans_skipped += 1  # involvements cover every child, not only those looked after
                        continue
                    worker = file.cell(cells, alloc.worker)
                    if worker is None:
                        raise file.error(row, alloc.worker, "is blank (expected the worker's id)")
                    start = file.date(row, cells, [alloc.start]) if alloc.start else None
                    end = file.date(row, cells, [alloc.end], future=True) if alloc.end else None
                    for column in (alloc.worker, alloc.team):
                        value = file.cell(cells, column) if column else None
                        problem = name_problem(value) if value is not None else None
                        if problem is not None:
                            raise file.error(row, column, problem)
                except RowError as error:
                    self.skip(error)
                    continue
                worker = worker.strip()
                if which == "iro" and alloc.iro_event and start is not None:
                    problem = date_problem(alloc.iro_event, start, self.as_of, self.dobs.get(child_id))
                    if problem is not None:
                        self.skip(file.error(row, alloc.start, problem))
                        continue
                    if file.by_identity:
                        key = f"{prefix}:{tname}:{self.identity(file, row, cells)}:{alloc.iro_event}"
                    else:
                        file.content_keyed += 1
                        key = f"{prefix}:{tname}:{child_id}:{alloc.iro_event}:{start.isoformat()}"
                    events.append((Event(alloc.iro_event, start, None, child_id, True, names.get(worker, worker)),
                                   key))
                if (start is not None and start > self.as_of) or (end is not None and end < self.as_of):
                    continue  # not the allocation as of today
                team = file.cell(cells, alloc.team) if alloc.team else None
                best = current.get((child_id, which))
                order = start or dt.date.min
                if best is None or order >= best[0]:
                    current[child_id, which] = (order, names.get(worker, worker), team.strip() if team else None)
            for (child_id, which), (_, worker, team) in current.items():
                record = fields.setdefault(child_id, {})
                record[which] = worker
                if which == "social_worker" and team:
                    record["team"] = team


def _dobs(store: Store, fields: dict[str, dict], stored: set[str]) -> dict[str, dt.date]:
    """Each child's date of birth: this import's, else the store's (a placeholder is no birth)."""
    dobs = {cid: values["dob"] for cid, values in fields.items() if values.get("dob") is not None}
    wanted = stored - set(dobs)
    if not wanted:
        return dobs
    if len(wanted) <= 200:
        found = [store.get_child(cid) for cid in sorted(wanted)]
    else:
        found = [c for c in store.list_children() if c.id in wanted]
    dobs.update((c.id, c.dob) for c in found if c.dob is not None and not is_placeholder_dob(c.dob))
    return dobs
