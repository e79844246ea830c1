"""The case-system extract MAP: the schema of a map file (TOML) and its strict validation.

A map says which column holds the child's id, its date of birth, each event's date; which codes
mean what; which values mean "blank". It is data: an authority writes one for its own extract
without code. Shipped maps live in importers/maps/ (`irocli import maps` lists them); the format
is documented at the top of each. extract.py reads the files through a map.

Imports the stdlib, domain, errors and _common only (no store, no Rich).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from irocli.domain import EVENT_KINDS
from irocli.errors import BadInput
from irocli.importers._common import DATE_FORMATS, sheet_problem, shown

MAPS = Path(__file__).with_name("maps")  # the shipped maps: <name>.toml
CHILD_FIELDS = ("name", "dob", "iro", "social_worker", "team")  # what child_fields may fill


class Codes:
    """One column's code list: canonical codes and the spellings (descriptions) that mean each."""

    def __init__(self, column: str, spellings: dict[str, list[str]], other: str | None) -> None:
        self.column = column
        self.codes = tuple(spellings)
        self.other = other
        self.lookup = {normalise_code(code): code for code in spellings}
        for code, words in spellings.items():
            for word in words:
                self.lookup[normalise_code(word)] = code

    def translate(self, value: str) -> str:
        """The code a cell means; ValueError (naming the codes expected, never free text) if none."""
        code = self.lookup.get(normalise_code(value))
        if code is not None:
            return code
        match = _CODE_PREFIX.match(value)  # "PN1 - Attends and speaks for self"
        if match and normalise_code(match.group(1)) in self.lookup:
            return self.lookup[normalise_code(match.group(1))]
        if self.other is not None:
            return self.other
        listed = ", ".join(self.codes[:12]) + (", …" if len(self.codes) > 12 else "")
        raise ValueError(f"unknown code{shown(value)} (expected {listed}, or a description the map lists)")


_CODE_PREFIX = re.compile(r"\s*([A-Za-z0-9]{1,6})\s*(?:-|:|–)\s+\S")


def normalise_code(text: str) -> str:
    """Case, spacing and punctuation do not matter: "Parents, relatives" = "parents relatives"."""
    return " ".join(_PUNCTUATION.sub(" ", text).split()).casefold()


_PUNCTUATION = re.compile(r"[^\w/]+")


def normalise_null(text: str) -> str:
    """For null sentinels: case and spacing do not matter, punctuation does ("-1" is not "1")."""
    return " ".join(text.split()).casefold()


@dataclass
class Condition:
    """An event's `when`: the row makes the event only if ``column``'s code is in (or, ``negate``,
    not in) ``values`` (casefolded codes)."""

    column: str
    values: frozenset[str]
    negate: bool

    def holds(self, code: str | None) -> bool:
        """Whether a row whose cell means ``code`` (None: blank) makes the event."""
        inside = code is not None and code.casefold() in self.values
        return not inside if self.negate else inside


@dataclass
class EventSpec:
    """One `[[tables.X.events]]` entry: the kind (fixed, or by a code column), the date column(s)
    tried in order, the conditions, and how the event is keyed."""

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
    """A table's `allocations`: which role codes mean the IRO or the social worker, the worker and
    team columns, the start/end date columns, and the event kind an IRO allocation records."""

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
    """One `[tables.X]` of a map: the columns that recognise its file, whose row it is (child or
    child_via), what names a row's events, the children's fields and the events it gives."""

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
    sheet: str | None = None  # the sheet of a workbook (.xlsx) that holds this table, if the map names it

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
        """Lower-case names of the columns holding the child's id."""
        return {c.lower() for c in self.child}

    def identity_columns(self) -> set[str]:
        """The columns any identity reads ("#Review Date" reads Review Date)."""
        return {c.removeprefix("#") for ident in self.identities for c in ident}

    def referenced(self) -> set[str]:
        """Lower-case names of every column the table reads (a file lacking one, unless optional, is refused)."""
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
    """A validated map: its settings (date formats, null values and null dates), tables by name,
    code lists by lower-case column, and the prefix of every source key it makes."""

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

    def sheets(self) -> list[str]:
        """The sheet names the tables give (a workbook's other sheets are then not read)."""
        return [t.sheet for t in self.tables.values() if t.sheet is not None]


def shipped_maps() -> list[dict]:
    """The shipped maps, sorted by name: [{"name", "title", "path"}] (read, not validated)."""
    from irocli._toml import load_toml

    found = []
    for path in sorted(MAPS.glob("*.toml")):
        data = load_toml(path)
        found.append({"name": path.stem, "title": data.get("title", ""), "path": str(path)})
    return found


def load_map(name_or_path: str) -> Map:
    """A shipped map by name, or a map file by path (``.toml`` or containing a slash).

    Raises BadInput for an unknown shipped name (where ``--map``), a file that cannot be read or is
    not UTF-8 TOML, and any unknown key, wrong type or bad value (where ``<file>: <key>``).
    """
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
        """The error for ``key`` (dotted, e.g. tables.reviews.child), where ``<file>: <key>``."""
        return BadInput(message, where=f"{self.path.name}: {key}")

    def take(self, table: dict, key: str, where: str, kind: type | tuple, default=None, required=False):
        """Pop ``key`` from ``table`` checked to be of ``kind`` (text must not be empty); ``default`` if absent."""
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
        """Every key has been taken: one left over is an unknown key."""
        if table:
            key = next(iter(table))
            raise self.fail(f"{where}.{key}".lstrip("."), "unknown key")

    def columns(self, value, where: str) -> list[str]:
        """A column name or a list of them, trimmed; never empty."""
        values = [value] if isinstance(value, str) else value
        if not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise self.fail(where, "expected a column name or a list of column names")
        return [v.strip() for v in values]

    def read(self, data: dict) -> Map:
        """The whole map from its parsed TOML (not modified)."""
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
        sheets: dict[str, str] = {}
        for spec in tables.values():
            if spec.sheet is not None:
                other = sheets.setdefault(spec.sheet.casefold(), spec.name)
                if other != spec.name:
                    raise self.fail(f"tables.{spec.name}.sheet", f"table {other} names the same sheet (expected "
                                                                  "one sheet per table)")
        for spec in tables.values():
            if spec.child_via and spec.child_via["table"] not in tables:
                raise self.fail(f"tables.{spec.name}.child_via.table", f"no table {spec.child_via['table']!r} "
                                                                        "in this map")
        return Map(name, title, self.path, prefix, formats, frozenset(normalise_null(str(n)) for n in nulls),
                   frozenset(null_dates), tables, codes, covers_from)

    def table(self, tname: str, table: dict) -> TableSpec:
        """One `[tables.<tname>]` (its dict is consumed)."""
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
        sheet = self.take(table, "sheet", where, str)
        if sheet is not None and sheet_problem(sheet) is not None:
            raise self.fail(f"{where}.sheet", sheet_problem(sheet))
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
                         only_referenced, sheet)

    def event(self, where: str, ev: dict, has_identity: bool) -> EventSpec:
        """One events entry; its kinds must be irocli event kinds; key "id" needs the table's identity."""
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
        """A table's allocations; iro_event must be an irocli event kind."""
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
