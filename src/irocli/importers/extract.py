"""Case-system extracts (CSV files or .xlsx workbooks), read through a map (extract_map.py): rows →
children and keyed events.

Every row is checked before anything is written; then one transaction writes it all, keyed so a
re-run adds nothing and a changed row updates its event.

Imports the stdlib, domain, _common and extract_map only; the store is passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from irocli.domain import (
    EVENT_DETAILS,
    Child,
    Event,
    allocated_iro,
    check_details,
    clean_name,
    is_placeholder_dob,
    name_problem,
)
from irocli.errors import BadInput
from irocli.importers._common import (
    PROGRESS_STEP,
    WORKBOOK_SUFFIXES,
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
    is_workbook,
    normalise_id,
    placeholder_note,
    read_table,
    refuse_idle_encoding,
    shown,
    tracking_events,
)
from irocli.importers.extract_map import EventSpec, Map, TableSpec, normalise_code, normalise_null

if TYPE_CHECKING:
    from irocli.store import Store


class _File:
    """One CSV file (or workbook sheet) matched to a table of the map, with cell access by column name."""

    def __init__(self, csv_file: CsvFile, spec: TableSpec, mapping: Map, as_of: dt.date,
                 counts: dict[str, int]) -> None:
        self.csv = csv_file
        self.spec = spec
        self.name = csv_file.name
        self.index = {h.lower(): i for i, h in enumerate(csv_file.header)}
        self.header = {h.lower(): h for h in csv_file.header}
        self.nulls = mapping.nulls
        self.null_dates = mapping.null_dates
        self.parse = date_parser(mapping.date_formats, workbook=csv_file.sheet is not None)
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
        label = self.label(column) if column else None
        return RowError(message, file=self.name, row=row, column=label, cell=self.csv.cell_ref(row, label))

    def cell(self, cells: list[str], column: str) -> str | None:
        i = self.index.get(column.lower())
        if i is None:
            return None
        value = cells[i].strip()
        if value in self.nulls or normalise_null(value) in self.nulls:
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


def _match(csv_file: CsvFile, mapping: Map, *, by_sheet: bool = True) -> TableSpec:
    """The map's table whose columns the file's header has (the most specific if several do); a
    workbook's sheet that a table names (its `sheet`; not with ``by_sheet`` False: --sheet) is
    that table, its header checked. A sheet read because it was there (not chosen by --sheet or
    the map) that matches no table may be a cover or notes sheet: the refusal says how to leave
    it out."""
    have = {h.lower() for h in csv_file.header}
    named = [t for t in mapping.tables.values() if by_sheet and csv_file.sheet is not None and t.sheet is not None
             and t.sheet.casefold() == csv_file.sheet.casefold()]
    tables = named or list(mapping.tables.values())
    fits = [t for t in tables if {c.lower() for c in t.columns} <= have]
    if not fits:
        best = max(tables, key=lambda t: len({c.lower() for c in t.columns} & have))
        missing = [c for c in best.columns if c.lower() not in have]
        what = (f"the header lacks columns of table {best.name} (map {mapping.name} names this sheet for it): "
                f"missing {', '.join(missing)}" if named else
                f"the header matches no table of map {mapping.name} (nearest is {best.name}: "
                f"missing {', '.join(missing)})")
        if csv_file.sheet is not None and by_sheet and not named:
            what += ("; if this sheet is not data (a cover, notes), give the data sheets with --sheet (once for each: "
                     "--sheet Persons --sheet Reviews) or name them in your map (sheet = \"…\"), or hide the sheet "
                     "in Excel")
        raise BadInput(what, where=f"{csv_file.name} row 1")
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
                 covers_from: dt.date | None = None, encoding: str | None = None,
                 sheets: Sequence[str] = ()) -> ImportResult:
    """Check every row of the extract files against the map, then load them in one transaction.

    ``paths``: CSV files, .xlsx workbooks, or folders of them, each file (each sheet of a workbook)
    matched to a table of ``mapping`` by its header, as a CSV file is. A workbook gives the sheets
    named in ``sheets`` alone if given (--sheet: one workbook must have them all, several each some
    of them and every one found in one; else the sheets the map's tables name, if it has them;
    else every visible sheet that is not blank): see _common.read_workbook. CSV files are read
    as UTF-8, or as ``encoding``. Errors in a sheet name its cell ("reviews.xlsx Reviews!C14").
    ``sheets`` with no workbook among the files, or ``encoding`` with no CSV file, is refused
    (BadInput): the option would do nothing.
    Dates after ``as_of`` are refused unless the kind is dated ahead. ``covers_from`` (else the
    map's ``covers_from``): the first day the extract's history covers; each child with events
    gets a `history-known-from` event then (RULES §6), so nothing due before it is judged. Each
    child also gets a `tracking-started` event on the last day the files speak of for them.

    Returns the ImportResult (counts as ``Store.bulk_load`` gives them; with ``dry_run`` nothing is
    written). Raises RowError (a BadInput) for the first bad row unless ``skip_bad_rows``, BadInput
    for a file that cannot be read or matched, StoreUnavailable from the store.
    """
    if covers_from is not None:
        mapping = replace(mapping, covers_from=covers_from)
    with bulk_work():
        return _load(store, paths, mapping, as_of, dry_run, Skipper(skip_bad_rows), progress or NoProgress(),
                     encoding, tuple(sheets))


def _load(store: Store, paths: list[Path], mapping: Map, as_of: dt.date, dry_run: bool, skip: Skipper,
          progress: Progress, encoding: str | None = None, sheets: tuple[str, ...] = ()) -> ImportResult:
    noted: dict[str, int] = {}  # what the notes mention, counted while reading
    files: list[_File] = []
    seen: dict[str, str] = {}
    read: list[Path] = []  # the files read, for the import batch
    given = expand_paths(paths, (".csv", *WORKBOOK_SUFFIXES))
    books = [p for p in given if is_workbook(p)]
    if sheets and not books:
        raise BadInput("--sheet is for .xlsx workbooks; none of the files given is one")
    refuse_idle_encoding(given, (".csv", *WORKBOOK_SUFFIXES), encoding, "a workbook needs none")
    found_sheets: set[str] = set()
    for path in given:
        read.append(path)
        for csv_file in read_table(path, encoding=encoding, sheets=sheets, prefer=mapping.sheets(),
                                   every_sheet=len(books) == 1):
            if csv_file.sheet is not None:
                found_sheets.add(csv_file.sheet.casefold())
            spec = _match(csv_file, mapping, by_sheet=not sheets)
            if spec.name in seen:
                raise BadInput(f"a second file for table {spec.name} (the first is {seen[spec.name]})",
                               where=csv_file.name)
            seen[spec.name] = csv_file.name
            files.append(_File(csv_file, spec, mapping, as_of, noted))
    lacking = [s for s in sheets if s.strip().casefold() not in found_sheets]
    if lacking:  # several workbooks, each with some of the sheets given, none with this one
        shown_name = lacking[0] if len(lacking[0]) <= 31 else lacking[0][:31] + "…"
        raise BadInput(f"no workbook given has a sheet {shown_name!r}", where="--sheet")
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
    from irocli.store.stewardship import BatchSource

    source = BatchSource("extract", read, map_name=mapping.name, map_path=mapping.path, options={
        "as_of": as_of, "covers_from": mapping.covers_from, "encoding": encoding, "sheets": list(sheets) or None,
        "rows_skipped": len(skip.skipped)})
    counts = store.bulk_load(children, events + marks, update=True, dry_run=dry_run, source=source)
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
            kind = ev.kinds.get(code) or next(
                (k for c, k in ev.kinds.items() if normalise_code(c) == normalise_code(code)), None)
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
        if details is not None and kind in EVENT_DETAILS:  # checked as `event add --detail` is (the value not echoed)
            for name in details:
                try:
                    details[name] = check_details(kind, {name: details[name]})[name]
                except BadInput:
                    carried = EVENT_DETAILS[kind].get(name)
                    raise file.error(row, ev.details[name], f"not a {name} of a {kind} event (expected "
                                     f"{carried.shown.replace('|', ', ')})" if carried else
                                     f"{kind} events carry no detail {name}") from None
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
                    iro = clean_name(names.get(worker, worker))
                    details = None  # the allocation history names the IRO (domain.EVENT_DETAILS)
                    if allocated_iro(alloc.iro_event, {"iro": iro}) is not None:
                        details = self.shared.setdefault((("iro", iro),), {"iro": iro})
                    events.append((Event(alloc.iro_event, start, None, child_id, True, names.get(worker, worker),
                                         details=details), key))
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
