"""The DfE SSDA903 return (children looked after): its CSV files, or its XML form, as irocli events.

Tables are recognised by their set of column names, never by file name, as the DfE validator
does (a little kinder: names are trimmed and matched case-insensitively). Header gives children
(named by their id: the return holds no names) and dates of birth; Episodes give entered-care,
placement-change, placement-order, placed-for-adoption, remand, left-care and adoption-order (each
episode start's PLACE code is the `placement` detail of its entered-care or placement-change; LS J1,
remanded to LA or youth detention accommodation, at the start of a run of J1 episodes gives a `remand`
event that day, REG Part 8A; a K1 placement, a secure children's home, gives no secure-placement: the
return does not say a CA 1989 s25 order was made, so only its code is kept); Reviews give
review-held; Missing gives a missing-episode, dated the day the child returned (MIS_END), for
each episode of MISSING = M that has ended (A, away from placement without authorisation, raises
no return interview; a blank MIS_END is a child still missing at 31 March: no return yet). The
return holds no return interview. The other tables are recognised and left alone: OC2 gives
yearly yes/no indicators (HEALTH_CHECK, HEALTH_ASSESSMENT, TEETH_CHECK, an SDQ score) with no
dates, so no health-assessment or sdq event is made from it (irocli invents no date). Every row is
checked before anything is written; then one transaction writes it all, keyed so that a re-run
adds nothing.

Imports the stdlib, domain and _common only; the store is passed in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from irocli.domain import EPISODE_END_KINDS, PARTICIPATION_CODES, PLACEMENT_TYPES, Child, Event, is_placeholder_dob
from irocli.errors import BadInput, FieldError
from irocli.importers._common import (
    PROGRESS_STEP,
    ImportResult,
    NoProgress,
    Progress,
    RowError,
    Skipper,
    bulk_work,
    carried_details,
    date_parser,
    expand_paths,
    normalise_id,
    placeholder_note,
    read_csv,
    shown,
)

if TYPE_CHECKING:
    from irocli.store import Store

# The DfE validator's table definitions (lac_validator/config.py): a file is the table whose
# column set its header equals.
TABLES: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED"),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}
USED = ("Header", "Episodes", "Reviews", "Missing")

# Code lists (DfE validator rules 101, 143, 144, 146, 149, 167); placement codes of every year.
SEX = ("1", "2", "M", "F", "U")
RNE = ("S", "L", "P", "T", "B", "U")
LS = ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3")
REC = ("E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5", "E6",
       "E7", "E8", "E9", "E14", "E15", "E16", "E17", "X1")
PLACE = PLACEMENT_TYPES  # domain's one list (the `placement` detail takes the same codes)
REVIEW_CODE = PARTICIPATION_CODES  # domain's one list (the `participation` detail of review-held)
MISSING = ("M", "A")  # missing (whereabouts unknown); away from placement without authorisation

SHORT_BREAKS = frozenset({"V3", "V4"})  # DfE rule 399: no reviews for a child only ever on these
PLACEMENT_CHANGE = frozenset({"P", "T", "B", "U"})
ADOPTIVE = frozenset({"A3", "A4", "A5", "A6"})
ADOPTED = frozenset({"E11", "E12"})
# One details dict per code, shared by every review that has it (the store dumps each once).
# An episode of care (or series of short breaks) that began on or before the date recorded.
_ON_OR_BEFORE = {"started": "on-or-before"}
_PARTICIPATION = {code: {"participation": code} for code in REVIEW_CODE}
# An episode start's details: its PLACE code, and "started on or before" where care began before the
# return's first episode; one dict per pair, shared the same way.
_STARTS: dict[tuple[str, bool], dict[str, str] | None] = {("", False): None, ("", True): _ON_OR_BEFORE}
# LS J1: remanded to LA accommodation or youth detention accommodation (SSDA903 LS codes; REG Part 8A).
REMAND = "J1"


def _start_details(place: str, on_or_before: bool) -> dict[str, str] | None:
    """The shared details dict of an entered-care or placement-change event (None if it has none)."""
    key = (place, on_or_before)
    if key not in _STARTS:
        _STARTS[key] = {"placement": place, **(_ON_OR_BEFORE if on_or_before else {})}
    return _STARTS[key]

_DATE = date_parser(["dd/mm/YYYY"])


@dataclass
class Table:
    """One table of the return as read from a CSV file or the XML: the validator's table name,
    the file, its columns' indexes and its numbered rows of cells."""

    name: str  # the validator's table name
    file: str
    unit: str  # "row" (CSV) or "line" (XML)
    columns: dict[str, int]  # COLUMN -> its index in each row's cells
    rows: list[tuple[int, list[str]]]  # (row or line, cells); CHILD read as an id ("101.0" is 101)
    # Children's dates of birth from the Header of the same import, shared by all its tables.
    dobs: dict[str, dt.date] = field(default_factory=dict)


@dataclass(slots=True)
class _Episode:
    row: int
    decom: dt.date
    rne: str
    ls: str
    place: str
    dec: dt.date | None
    rec: str


class _Checker:
    """Cell checks that raise RowError naming file, row and column (and codes, never values)."""

    def __init__(self, table: Table, as_of: dt.date) -> None:
        self.table = table
        self.as_of = as_of
        self.at = table.columns

    def error(self, row: int, column: str | None, message: str) -> RowError:
        return RowError(message, file=self.table.file, row=row, column=column, unit=self.table.unit)

    def date(self, row: int, cells: list[str], column: str, *, required: bool = True) -> dt.date | None:
        text = cells[self.at[column]].strip()
        if not text:
            if required:
                raise self.error(row, column, "is blank (expected a date, dd/mm/YYYY)")
            return None
        try:
            day = _DATE(text)
        except ValueError as error:
            raise self.error(row, column, str(error)) from None
        if day > self.as_of:
            raise self.error(row, column, f"a date after the as-of date {self.as_of} (expected one on or before it)")
        if column not in _BIRTHS:
            dob = self.dob(cells)
            if dob is not None and day < dob:
                raise self.error(row, column, "a date before the child's date of birth (expected one on or after it)")
        return day

    def dob(self, cells: list[str]) -> dt.date | None:
        """The row's child's date of birth: the Header's, else the row's own DOB; None if unknown."""
        dob = self.table.dobs.get(cells[self.at["CHILD"]].strip())
        if dob is None and "DOB" in self.at:
            dob = _lenient_date(cells[self.at["DOB"]])
        return dob

    def code(self, row: int, cells: list[str], column: str, allowed: tuple[str, ...], *,
             required: bool = True) -> str:
        text = cells[self.at[column]].strip().upper()
        if not text:
            if required:
                raise self.error(row, column, f"is blank (expected {_one_of(allowed)})")
            return ""
        if text not in allowed:
            raise self.error(row, column, f"unknown code{shown(text)} (expected {_one_of(allowed)})")
        return text

    def child(self, row: int, cells: list[str]) -> str:
        child_id = normalise_id(cells[self.at["CHILD"]])
        if not child_id:
            raise self.error(row, "CHILD", "is blank (expected the child's id)")
        return child_id


_BIRTHS = frozenset({"DOB", "MC_DOB"})  # dates of birth, checked as dates, not against a birth


def _lenient_date(text: str) -> dt.date | None:
    """A date of birth for the before-birth check: None if blank, bad or a placeholder (its own
    row reports a bad one)."""
    try:
        day = _DATE(text.strip())
    except ValueError:
        return None
    return None if is_placeholder_dob(day) else day


def _one_of(codes: tuple[str, ...]) -> str:
    return ", ".join(codes[:-1]) + " or " + codes[-1] if len(codes) > 1 else codes[0]


# -- reading ----------------------------------------------------------------------------------


def read_tables(paths: list[Path], encoding: str | None = None) -> list[Table]:
    """The tables in the files given (CSV files, read as UTF-8 or ``encoding``, or one XML file);
    folders are searched.

    Raises BadInput for a file that cannot be read, a header that is no SSDA903 table, two files
    of one table, CSV and XML mixed, or files with no data rows.
    """
    files = expand_paths(paths, (".csv", ".xml"))
    kinds = {p.suffix.lower() for p in files}
    if ".xml" in kinds:
        if len(files) > 1:
            raise BadInput("give the CSV files, or one XML file, not both or several XML files",
                           where=files[0].name)
        return _read_xml(files[0])
    tables: list[Table] = []
    seen: dict[str, str] = {}
    for path in files:
        table = _read_csv_table(path, encoding)
        if table.name in seen:
            raise BadInput(f"a second {table.name} file (the first is {seen[table.name]}): give one file per table",
                           where=table.file)
        seen[table.name] = table.file
        tables.append(table)
    if not any(t.rows for t in tables):
        only = tables[0].file if len(tables) == 1 else "the files given"
        raise BadInput("has a header row but no data rows: nothing to import", where=only)
    return _share_dobs(tables)


def _share_dobs(tables: list[Table]) -> list[Table]:
    """Give every table the Header's dates of birth, so any row's date can be checked against its child's."""
    dobs: dict[str, dt.date] = {}
    for table in tables:
        if table.name == "Header":
            child, dob = table.columns["CHILD"], table.columns["DOB"]
            for _, cells in table.rows:
                day = _lenient_date(cells[dob])
                if day is not None:
                    dobs.setdefault(cells[child], day)
    for table in tables:
        table.dobs = dobs
    return tables


def _ids(columns: dict[str, int], rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Rows with CHILD read as an id (Excel's "101.0" is 101), so every table and lookup agrees."""
    at = columns["CHILD"]
    for _, cells in rows:
        cells[at] = normalise_id(cells[at])
    return rows


def _read_csv_table(path: Path, encoding: str | None = None) -> Table:
    csv_file = read_csv(path, encoding)
    columns = [h.upper() for h in csv_file.header]
    found = set(columns)
    name = next((t for t, cols in TABLES.items() if set(cols) == found), None)
    if name is None:
        raise BadInput(_no_table_message(found, len(columns)), where=f"{csv_file.name} row 1")
    at = {c: i for i, c in enumerate(columns)}
    return Table(name, csv_file.name, "row", at, _ids(at, csv_file.rows))


def _no_table_message(found: set[str], count: int) -> str:
    if len(found) < count:
        return "the header names a column twice (expected the columns of one SSDA903 table)"
    best = max(TABLES, key=lambda t: (len(found & set(TABLES[t])), -len(TABLES[t])))
    missing = [c for c in TABLES[best] if c not in found]
    extra = len(found - set(TABLES[best]))
    if not found & set(TABLES[best]) - {"CHILD", "DOB"}:
        return "the header matches no SSDA903 table (is the header row missing?)"
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if extra:
        parts.append(f"{extra} unknown column{'s' if extra > 1 else ''}")
    return f"the header matches no SSDA903 table (nearest is {best}: {'; '.join(parts)})"


_CONTAINERS = frozenset({"HEADER", "EPISODE", "AREVIEW", "AMISSING", "PERMANENCE", "OC2", "AD_PLACED"})


def _read_xml(path: Path) -> list[Table]:
    """The DfE XML form: <CHILD> holds <HEADER> (with repeated <AREVIEW>) and repeated <EPISODE>."""
    from xml.parsers import expat

    name = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadInput(f"cannot read the file: {error.strerror}", where=str(path)) from None
    if not data.strip():
        raise BadInput("the file is empty", where=name)
    header_rows: list[tuple[int, dict[str, str]]] = []
    episode_rows: list[tuple[int, dict[str, str]]] = []
    review_rows: list[tuple[int, dict[str, str]]] = []
    parser = expat.ParserCreate()
    stack: list[str] = []
    records: list[tuple[str, int, dict[str, str]]] = []  # open containers: (tag, line, leaves)
    child: dict | None = None
    text: list[str] = []
    has_children: list[bool] = []

    def start(tag: str, _attrs) -> None:
        nonlocal child
        if has_children:
            has_children[-1] = True
        stack.append(tag)
        has_children.append(False)
        text.clear()
        line = parser.CurrentLineNumber
        if tag == "CHILD" and len(stack) == 2:
            child = {"line": line, "episodes": [], "reviews": []}
        elif tag in _CONTAINERS and child is not None:
            records.append((tag, line, {}))

    def end(tag: str) -> None:
        nonlocal child
        leaf = not has_children.pop()
        stack.pop()
        if leaf and records and tag not in _CONTAINERS:
            records[-1][2]["PLACE" if tag == "PL" else "CHILD" if tag == "CHILDID" else tag] = "".join(text).strip()
        text.clear()
        if tag in _CONTAINERS and records and records[-1][0] == tag:
            kind, line, values = records.pop()
            if kind == "HEADER":
                child["header"] = (line, values)
            elif kind == "EPISODE":
                child["episodes"].append((line, values))
            elif kind == "AREVIEW":
                child["reviews"].append((line, values))
        elif tag == "CHILD" and child is not None and len(stack) == 1:
            line, header = child.get("header", (child["line"], {}))
            header_rows.append((line, header))
            for line, values in child["episodes"]:
                episode_rows.append((line, {**values, "CHILD": header.get("CHILD", "")}))
            for line, values in child["reviews"]:
                review_rows.append((line, {**values, "CHILD": header.get("CHILD", ""),
                                           "DOB": header.get("DOB", "")}))
            child = None

    def chars(data_: str) -> None:
        text.append(data_)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise BadInput(f"not well-formed XML ({expat.ErrorString(error.code)})",
                       where=f"{name} line {error.lineno}") from None
    if not header_rows:
        raise BadInput("no <CHILD> records: nothing to import", where=name)
    return _share_dobs([_xml_table(t, name, rows) for t, rows in (("Header", header_rows),
                                                                   ("Episodes", episode_rows),
                                                                   ("Reviews", review_rows))])


def _xml_table(name: str, file: str, rows: list[tuple[int, dict[str, str]]]) -> Table:
    columns = TABLES[name]
    at = {c: i for i, c in enumerate(columns)}
    cells = [(line, [values.get(c, "") for c in columns]) for line, values in rows]
    return Table(name, file, "line", at, _ids(at, cells))


# -- loading ----------------------------------------------------------------------------------


def load_ssda903(store: Store, paths: list[Path], *, as_of: dt.date, dry_run: bool = False,
                 skip_bad_rows: bool = False, progress: Progress | None = None,
                 year: int | None = None, encoding: str | None = None) -> ImportResult:
    """Check every row of the 903 files, then load them in one transaction (or, dry run, count).

    CSV files are read as UTF-8, or as ``encoding`` (e.g. "cp1252"; the XML file declares its own).
    ``year`` is the collection year by the year it ends (2024 = 1 April 2023 to 31 March 2024);
    None reads it from the files (the year the latest date in them falls in). RULES §6: the
    return is one window, so each child gets a `history-known-from` event at its start (at the
    day after its end for a short-break-only child, whose reviews a return never holds) and a
    `tracking-started` event at its end.

    The first bad row raises a RowError (BadInput, exit 2) and nothing is written; with
    ``skip_bad_rows`` bad rows are left out and listed in the result instead.
    """
    skip = Skipper(skip_bad_rows)
    with bulk_work():
        result = _load(store, paths, as_of, dry_run, skip, progress or NoProgress(), year, encoding)
    if skip.counts.get("placeholder_dobs"):
        result.notes.append(placeholder_note(skip.counts["placeholder_dobs"]))
    if any(f["table"] == "Reviews" and f["rows"] for f in result.files):
        result.notes.append("reviews are keyed by child and date (the return gives a review no id): a review date "
                            "corrected in a later return is added beside the first; void the wrong one (irocli "
                            "event void)")
    return result


def collection_year(day: dt.date) -> int:
    """The SSDA903 collection year a day falls in, named by the year it ends (1 April to 31 March)."""
    return day.year + 1 if day.month >= 4 else day.year


def window(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a collection year (2024: 2023-04-01 to 2024-03-31)."""
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


def _load(store: Store, paths: list[Path], as_of: dt.date, dry_run: bool, skip: Skipper,
          progress: Progress, year: int | None = None, encoding: str | None = None) -> ImportResult:
    tables = read_tables(paths, encoding)
    by_name = {t.name: t for t in tables}
    notes: list[str] = []

    children: dict[str, Child] = {}
    header = by_name.get("Header")
    if header is not None:
        children = _children(header, as_of, skip, progress)
    referenced = {cells[t.columns["CHILD"]].strip()
                  for t in tables if t.name in ("Episodes", "Reviews", "Missing") for _, cells in t.rows}
    stored = store.existing_child_ids(set(children) | (referenced - set(children) - {""}))
    known = set(children) | stored

    episodes: dict[str, list[_Episode]] = defaultdict(list)
    if "Episodes" in by_name:
        episodes, open_x1 = _episodes(by_name["Episodes"], known, as_of, skip, progress)
        if open_x1:
            notes.append(f"{open_x1:,} open episode(s) carry REC X1 with a blank DEC: treated as open")
    reviews: list[tuple[Event, str]] = []
    if "Reviews" in by_name:
        reviews, repeats = _reviews(by_name["Reviews"], known, as_of, skip, progress)
        if repeats:
            notes.append(f"{repeats:,} review(s) repeated on the same day for the same child: counted once")
    missing: list[tuple[Event, str]] = []
    if "Missing" in by_name:
        missing = _missing(by_name["Missing"], known, as_of, skip, progress)
    progress.stop()

    if year is None:
        latest = max([e.dec or e.decom for eps in episodes.values() for e in eps]
                     + [e.date for e, _key in reviews], default=None)
        if latest is None:
            raise FieldError("no episode or review dates to tell the collection year from: give {year}")
        year = collection_year(latest)
    opens, closes = window(year)
    notes.append(f"collection year {year - 1}-{str(year)[2:]} ({opens} to {closes}): nothing due before "
                 f"{opens} is judged; tasks and milestones are tracked from {closes}")
    continuing = _continuing(store, episodes, stored)
    events, short_break_only, late_starts, ended_x1 = _episode_events(episodes, continuing)
    if short_break_only:
        notes.append(f"{len(short_break_only):,} short-break-only child(ren) (every episode V3/V4): looked after "
                     "under REG reg 48; the return holds none of their reviews (DfE rule 399), so none is "
                     f"judged before {closes + dt.timedelta(days=1)}")
    if ended_x1:
        notes.append(f"{ended_x1:,} period(s) of care end X1 followed only by short breaks: full-time care "
                     "ended at that DEC")
    if late_starts:
        notes.append(f"{late_starts:,} period(s) of care begin with an episode other than RNE S (care began "
                     "before the file's first episode): entered-care is dated at that episode's start")
    # A child already stored keeps its name (a person may have given the real one).
    people = [Child(c.id, None if c.id in stored else c.name, c.dob) for c in children.values()]
    history = events + reviews + missing
    in_return = sorted({e.child_id for e, _key in history} | set(children))
    marks, carried = [], carried_details(history)
    for child_id in in_return:
        known = closes + dt.timedelta(days=1) if child_id in short_break_only else opens
        marks.append((Event("history-known-from", known, None, child_id, True,
                            f"SSDA903 {year - 1}-{str(year)[2:]}: history before this day is not in the return"),
                      f"903:window:{child_id}:{year}"))
        marks.append((Event("tracking-started", closes, None, child_id, True,
                            "tasks tracked from here (imported history)", details=carried),
                      f"903:tracking:{child_id}:{year}"))
    from irocli.store.stewardship import BatchSource

    source = BatchSource("ssda903", expand_paths(paths, (".csv", ".xml")), options={
        "as_of": as_of, "year": year, "encoding": encoding, "rows_skipped": len(skip.skipped)})
    counts = store.bulk_load(people, history + marks, update=True, dry_run=dry_run, source=source)
    files = [{"file": t.file, "table": t.name, "rows": len(t.rows), "used": t.name in USED} for t in tables]
    return ImportResult(dry_run, files, counts, skip.skipped, notes)


def _children(table: Table, as_of: dt.date, skip: Skipper, progress: Progress) -> dict[str, Child]:
    check = _Checker(table, as_of)
    children: dict[str, Child] = {}
    first_row: dict[str, int] = {}
    for row, cells in _rows(table, progress):
        try:
            child_id = check.child(row, cells)
            if child_id in first_row:
                raise check.error(row, "CHILD", f"child {child_id} appears twice (first at {table.unit} "
                                                f"{first_row[child_id]})")
            check.code(row, cells, "SEX", SEX)
            dob = check.date(row, cells, "DOB")
            if is_placeholder_dob(dob):
                skip.count("placeholder_dobs")  # "not known": stored as unknown, never a birth
                dob = None
        except RowError as error:
            skip(error)
            continue
        first_row[child_id] = row
        children[child_id] = Child(child_id, child_id, dob)
    return children


def _rows(table: Table, progress: Progress) -> Iterator[tuple[int, list[str]]]:
    """The table's numbered rows, the progress bar started for it and advanced every PROGRESS_STEP rows."""
    progress.start(f"{table.file} ({table.name})", len(table.rows))
    for i, (row, cells) in enumerate(table.rows, 1):
        if i % PROGRESS_STEP == 0:
            progress.advance(PROGRESS_STEP)
        yield row, cells


def _episodes(table: Table, known: set[str], as_of: dt.date, skip: Skipper, progress: Progress
              ) -> tuple[dict[str, list[_Episode]], int]:
    check = _Checker(table, as_of)
    episodes: dict[str, list[_Episode]] = defaultdict(list)
    first_row: dict[tuple, int] = {}
    open_x1 = 0
    for row, cells in _rows(table, progress):
        try:
            child_id = check.child(row, cells)
            if child_id not in known:
                raise check.error(row, "CHILD", f"unknown child {child_id} (not in the Header file or the store)")
            decom = check.date(row, cells, "DECOM")
            rne = check.code(row, cells, "RNE", RNE)
            ls = check.code(row, cells, "LS", LS)
            place = check.code(row, cells, "PLACE", PLACE, required=False)
            dec = check.date(row, cells, "DEC", required=False)
            rec = check.code(row, cells, "REC", REC, required=False)
            if dec is not None:
                if dec < decom:
                    raise check.error(row, "DEC", "before DECOM (expected the episode to end on or after it began)")
                if not rec:
                    raise check.error(row, "REC", f"is blank but DEC is given (expected {_one_of(REC)})")
            elif rec == "X1":
                open_x1 += 1
                rec = ""
            elif rec:
                raise check.error(row, "DEC", f"is blank but REC is {rec} (expected both or neither)")
            key = (child_id, decom, rne)
            if key in first_row:
                raise check.error(row, "DECOM", f"a second episode of child {child_id} with this DECOM and "
                                                f"RNE {rne} (first at {table.unit} {first_row[key]})")
        except RowError as error:
            skip(error)
            continue
        first_row[key] = row
        episodes[child_id].append(_Episode(row, decom, rne, ls, place, dec, rec))
    return episodes, open_x1


def _reviews(table: Table, known: set[str], as_of: dt.date, skip: Skipper, progress: Progress
             ) -> tuple[list[tuple[Event, str]], int]:
    check = _Checker(table, as_of)
    events: list[tuple[Event, str]] = []
    seen: set[str] = set()
    repeats = 0
    for row, cells in _rows(table, progress):
        try:
            child_id = check.child(row, cells)
            if child_id not in known:
                raise check.error(row, "CHILD", f"unknown child {child_id} (not in the Header file or the store): "
                                                "a review needs its child")
            day = check.date(row, cells, "REVIEW")
            code = check.code(row, cells, "REVIEW_CODE", REVIEW_CODE, required=False)
        except RowError as error:
            skip(error)
            continue
        key = f"903:reviews:{child_id}:{day.isoformat()}"
        if key in seen:
            repeats += 1
            continue
        seen.add(key)
        details = _PARTICIPATION[code] if code else None
        events.append((Event("review-held", day, None, child_id, True, None, details=details), key))
    return events, repeats


def _missing(table: Table, known: set[str], as_of: dt.date, skip: Skipper, progress: Progress
             ) -> list[tuple[Event, str]]:
    """Missing: a `missing-episode` dated MIS_END (the day the child returned) for each ended episode
    of MISSING = M; keyed by child and MIS_START (the return gives a row no id), so a return date
    corrected in a later return updates its event. A (away) and a blank MIS_END make none."""
    check = _Checker(table, as_of)
    events: list[tuple[Event, str]] = []
    for row, cells in _rows(table, progress):
        try:
            child_id = check.child(row, cells)
            if child_id not in known:
                raise check.error(row, "CHILD", f"unknown child {child_id} (not in the Header file or the store)")
            kind = check.code(row, cells, "MISSING", MISSING)
            start = check.date(row, cells, "MIS_START")
            end = check.date(row, cells, "MIS_END", required=False)
            if end is not None and end < start:
                raise check.error(row, "MIS_END", "before MIS_START (expected the child to return on or after "
                                                  "going missing)")
        except RowError as error:
            skip(error)
            continue
        if kind == "M" and end is not None:
            events.append((Event("missing-episode", end, None, child_id, True, None),
                           f"903:missing:{child_id}:{start.isoformat()}"))
    return events


def _continuing(store: Store, episodes: dict[str, list[_Episode]], stored: set[str]) -> set[str]:
    """Children whose first care episode here (not RNE S) continues a period of care the store holds.

    Only events dated before that episode count, so a re-run of the same file finds the same.
    """
    candidates = {}
    for child_id, eps in episodes.items():
        care = sorted((e for e in eps if e.ls not in SHORT_BREAKS), key=_order)
        if care and care[0].rne != "S" and child_id in stored:
            candidates[child_id] = care[0].decom
    if not candidates:
        return set()
    continuing = set()
    for child_id, events in store.events_for(candidates).items():
        start = candidates[child_id]
        in_care = False
        for event in events:  # by date
            if event.date >= start:
                break
            if event.kind == "entered-care":
                in_care = True
            elif event.kind in EPISODE_END_KINDS:
                in_care = False
        if in_care:
            continuing.add(child_id)
    return continuing


def _order(e: _Episode) -> tuple:
    return e.decom, e.dec or dt.date.max, e.row


def _episode_events(episodes: dict[str, list[_Episode]], continuing: set[str]
                    ) -> tuple[list[tuple[Event, str]], set[str], int, int]:
    """Episodes as events. A period of care is a chain of episodes each ending X1 on the day the
    next begins; V3/V4 (short-break) episodes are no part of one, so an X1 followed only by short
    breaks ends full-time care (RULES §6). A short-break-only child starts a series of short
    breaks (REG reg 48) at the first one.

    Returns the events, the short-break-only children, the periods of care begun before the
    file's first episode, and the periods ended by an X1 followed only by short breaks.
    """
    events: list[tuple[Event, str]] = []
    short_break_only: set[str] = set()
    late_starts = ended_x1 = 0
    for child_id, eps in episodes.items():
        care = sorted((e for e in eps if e.ls not in SHORT_BREAKS), key=_order)
        if not care:
            short_break_only.add(child_id)
            first = min(eps, key=_order)
            events.append((Event("short-breaks-started", first.decom, None, child_id, True,
                                 f"LS {first.ls}: series of short breaks (began on or before)", details=_ON_OR_BEFORE),
                           f"903:episodes:{child_id}:{first.decom.isoformat()}:{first.rne}:V"))
            continue
        # a short break ending X1 the day care begins: care begins then, not "on or before"
        after_break = {e.dec for e in eps if e.ls in SHORT_BREAKS and e.rec == "X1"}
        starts = {e.decom for e in care}
        break_starts = {e.decom for e in eps if e.ls in SHORT_BREAKS}
        prev: _Episode | None = None
        for ep in care:
            base = f"903:episodes:{child_id}:{ep.decom.isoformat()}:{ep.rne}"
            chain_start = prev is None or prev.rec != "X1" or prev.dec != ep.decom
            kind, note = None, None
            if ep.rne == "S" or chain_start:
                if prev is None and ep.rne != "S" and child_id in continuing:
                    kind = "placement-change" if ep.rne in PLACEMENT_CHANGE else None
                    chain_start = False
                else:
                    kind = "entered-care"
                    if ep.rne != "S" and ep.decom not in after_break:
                        late_starts += 1
                        note = f"first episode of this period in the return has RNE {ep.rne}: care began on or before"
            elif ep.rne in PLACEMENT_CHANGE:
                kind = "placement-change"
            if kind is not None:
                details = _start_details(ep.place, bool(note))
                events.append((Event(kind, ep.decom, None, child_id, True, note or f"RNE {ep.rne}", details=details),
                               base))
            if ep.ls == REMAND and (chain_start or prev is None or prev.ls != REMAND):
                events.append((Event("remand", ep.decom, None, child_id, True, "LS J1"), base + ":J1"))
            if ep.ls == "E1" and (chain_start or prev is None or prev.ls != "E1"):
                events.append((Event("placement-order", ep.decom, None, child_id, True, "LS E1"), base + ":E1"))
            if ep.place in ADOPTIVE and (chain_start or prev is None or prev.place not in ADOPTIVE):
                events.append((Event("placed-for-adoption", ep.decom, None, child_id, True, f"PLACE {ep.place}"),
                               base + ":A"))
            if ep.dec is not None and ep.rec != "X1":
                end = "adoption-order" if ep.rec in ADOPTED else "left-care"
                events.append((Event(end, ep.dec, None, child_id, True, f"REC {ep.rec}"), base + ":end"))
            elif ep.dec is not None and ep.dec not in starts and ep.dec in break_starts:  # X1, then short breaks
                ended_x1 += 1
                events.append((Event("left-care", ep.dec, None, child_id, True,
                                     "REC X1 followed only by short breaks"), base + ":end"))
            prev = ep
    return events, short_break_only, late_starts, ended_x1
