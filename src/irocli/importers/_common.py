"""What every importer shares: reading a CSV safely, dates in the formats extracts use,
row-level errors that name file, row and column (never a value), and the import's summary.

Imports only the stdlib and irocli.errors/domain; Rich, the store and the engine stay out.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from irocli.errors import BadInput

# Advance the progress display once per this many rows (Rich's per-call cost adds up).
PROGRESS_STEP = 1000


class RowError(BadInput):
    """A bad cell or row: names the file, the row (or XML line) and the column, never the value."""

    def __init__(self, message: str, *, file: str, row: int | None = None, column: str | None = None,
                 unit: str = "row") -> None:
        where = file
        if row is not None:
            where += f" {unit} {row}"
        if column:
            where += f", field {column}"
        super().__init__(message, where=where)
        self.file = file
        self.row = row
        self.column = column

    def as_dict(self) -> dict:
        """{"file", "row", "field", "reason"} for the JSON summary (row and field may be None)."""
        return {"file": self.file, "row": self.row, "field": self.column, "reason": self.message}


@contextmanager
def bulk_work() -> Iterator[None]:
    """Pause the cyclic garbage collector while an import builds its rows: a million small lists
    and tuples make it run over and over for nothing (it triples the time), and none of them
    form cycles. Restored on the way out, error or not."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Progress(Protocol):
    """How an importer tells the CLI how far it has got; the CLI decides whether to show it."""

    def start(self, label: str, total: int) -> None:
        """A new pass of ``total`` rows begins, shown as ``label`` (a file and what is read)."""

    def advance(self, rows: int) -> None:
        """``rows`` more rows of the current pass are done."""

    def stop(self) -> None:
        """Reading is over (the write follows)."""


class NoProgress:
    """A Progress that shows nothing (cron, pipes, tests)."""

    def start(self, label: str, total: int) -> None:
        """Nothing to show."""

    def advance(self, rows: int) -> None:
        """Nothing to show."""

    def stop(self) -> None:
        """Nothing to show."""


@dataclass
class Skipper:
    """With --skip-bad-rows, a bad row is noted and the import goes on; otherwise it stops there.

    It also counts what the summary should mention (placeholder dates of birth, say) by name.
    """

    enabled: bool = False
    skipped: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        """Add ``n`` to the count named ``what``."""
        self.counts[what] = self.counts.get(what, 0) + n

    def __call__(self, error: RowError) -> None:
        """Note a bad row and go on (``enabled``), else raise ``error``."""
        if not self.enabled:
            raise error
        self.skipped.append(error)


@dataclass
class ImportResult:
    """What an import did (or, dry run, would do): the files read, the counts, skipped rows, notes."""

    dry_run: bool
    files: list[dict]  # {"file", "table", "rows", "used"}
    counts: dict[str, int]
    skipped: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The JSON summary: dry_run, files, children and events counts by what happened
        ({"added": n, …}), skipped rows (RowError.as_dict), notes and the import batch's id (null in a dry run)."""
        return {
            "dry_run": self.dry_run,
            "files": self.files,
            "children": {k.split("_", 1)[1]: v for k, v in self.counts.items() if k.startswith("children_")},
            "events": {k.split("_", 1)[1]: v for k, v in self.counts.items() if k.startswith("events_")},
            "skipped": [e.as_dict() for e in self.skipped],
            "notes": self.notes,
            "batch": getattr(self.counts, "batch", None),
        }

    def summary(self) -> list[str]:
        """The summary as lines for stderr: the files read, children and events by what happened
        (or would, in a dry run), how many rows were skipped, the notes, and "Dry run" last."""
        used = [f for f in self.files if f["used"]]
        unused = [f for f in self.files if not f["used"]]
        lines = ["Read " + ", ".join(f"{f['file']} ({f['table']}, {f['rows']:,} rows)" for f in used)
                 + (("; not used: " + ", ".join(f"{f['file']} ({f['table']})" for f in unused)) if unused else "")]
        data = self.as_dict()
        verb = "would be " if self.dry_run else ""
        for noun in ("children", "events"):
            lines.append(f"{noun.capitalize()}: " + ", ".join(f"{n:,} {verb}{k}" for k, n in data[noun].items()))
        if self.skipped:
            lines.append(f"Skipped rows: {len(self.skipped):,} (listed above)")
        lines += [f"Note: {line}" for line in self.notes]
        batch = getattr(self.counts, "batch", None)
        if batch is not None:
            lines.append(f"Import batch {batch} (`irocli import history`; take it back with `irocli import undo "
                         f"{batch}`).")
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


# -- reading CSV ------------------------------------------------------------------------------

_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_UTF32 = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


@dataclass
class CsvFile:
    """A whole CSV file as read_csv gives it: its name, header and numbered rows."""

    name: str  # as shown in messages: the file's name
    header: list[str]  # trimmed, BOM removed, as written
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells as written)

    def column(self, wanted: str) -> int | None:
        """The index of a column, matched case-insensitively."""
        lowered = [h.lower() for h in self.header]
        try:
            return lowered.index(wanted.lower())
        except ValueError:
            return None


def read_csv(path: Path) -> CsvFile:
    """Read a whole CSV file as UTF-8 text (a BOM is fine); one clear BadInput for anything else.

    Rows are numbered as a spreadsheet shows them: the header is row 1. Blank rows (Excel leaves
    ",,,," lines) are skipped; a short row is padded with blanks; a long row is an error. Cells
    are not trimmed here (most are never read): the reader trims each one it uses.
    """
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadInput("no such file", where=str(path)) from None
    except IsADirectoryError:
        raise BadInput("is a folder, not a file", where=str(path)) from None
    except OSError as error:
        raise BadInput(f"cannot read the file: {error.strerror}", where=str(path)) from None
    if data.startswith(_UTF32) or data.startswith(_UTF16) or b"\x00" in data[:4096]:
        raise BadInput("not UTF-8 text: it looks like UTF-16 (in Excel, save as 'CSV UTF-8')", where=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise BadInput("not UTF-8 text (in Excel, save as 'CSV UTF-8')", where=f"{name} row {row}") from None
    if not text.strip():
        raise BadInput("the file is empty: no header row", where=name)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    number = 0
    try:
        for cells in reader:
            number += 1
            if not "".join(cells).strip():
                continue
            if header is None:
                header = [c.strip().lstrip("\ufeff") for c in cells]
                if any(not h for h in header):
                    raise BadInput("the header row has a blank column name", where=f"{name} row {number}")
                continue
            if len(cells) > len(header):
                raise BadInput(f"{len(cells)} fields, but the header has {len(header)} columns",
                               where=f"{name} row {number}")
            if len(cells) < len(header):
                cells = cells + [""] * (len(header) - len(cells))
            rows.append((number, cells))  # cells as written: readers strip the few they use
    except csv.Error as error:
        raise BadInput(f"not valid CSV ({error})", where=f"{name} row {number + 1}") from None
    assert header is not None
    return CsvFile(name, header, rows)


# -- ids --------------------------------------------------------------------------------------

_EXCEL_FLOAT = re.compile(r"(\d+)\.0+")


def normalise_id(text: str) -> str:
    """An id as a person means it: trimmed, and "101.0" (Excel turned the number into a float)
    read as "101". Applied to every id column and every reference to one, in every importer."""
    text = text.strip()
    match = _EXCEL_FLOAT.fullmatch(text)
    return match.group(1) if match else text


# -- dates ------------------------------------------------------------------------------------

LONDON = "Europe/London"
_TIMESTAMP = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
                        r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?", re.IGNORECASE)


def london_day(year: int, month: int, day: int, hour: int, minute: int, second: int, zone: str | None) -> dt.date:
    """The Europe/London date of a time of day. With no zone the time is London's own, so its
    date is the date written; with Z or an offset it is converted (23:30Z on 30 June is 1 July,
    BST). ValueError for a day, hour or offset that does not exist."""
    if zone is None:
        dt.time(hour, minute, second)  # ValueError for 25:00
        return dt.date(year, month, day)
    from zoneinfo import ZoneInfo

    if zone.upper() == "Z":
        offset = dt.timedelta(0)
    else:
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            raise ValueError("not a time zone offset")
        offset = dt.timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
    moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.timezone(offset))
    return moment.astimezone(ZoneInfo(LONDON)).date()


def parse_timestamp(text: str) -> dt.date | None:
    """The London date of an ISO timestamp ("2024-03-12T23:30:00Z", "… 10:00:00+01:00",
    "2024-03-12 00:00:00.000"); None if the text is no timestamp; ValueError if it is one that
    cannot exist."""
    match = _TIMESTAMP.fullmatch(text.strip())
    if match is None:
        return None
    y, mo, d, h, mi, s = (int(g or 0) for g in match.groups()[:6])
    return london_day(y, mo, d, h, mi, s, match.group(8))


def parse_day(text: str, *, where: str, field_name: str = "date", personal: bool = False) -> dt.date:
    """A date as irocli's own CSV gives it: YYYY-MM-DD, or an ISO timestamp (its London date).
    BadInput names the field, and quotes the text back only when it is not ``personal``."""
    from irocli.domain import parse_date

    text = text.strip()
    try:
        day = parse_timestamp(text)
    except ValueError:
        day = None
        text = "not a date"  # fails below, with the usual message
    if day is not None:
        return day
    return parse_date(text, where=where, field_name=field_name, personal=personal)


def date_problem(kind: str, day: dt.date, as_of: dt.date, dob: dt.date | None) -> str | None:
    """Why an imported event's date cannot be right (never quoting the date of birth), or None: the
    rule of event entry (domain.date_fault), with the kinds only imports date ahead."""
    from irocli.domain import AHEAD_IN_IMPORTS, FORWARD_KINDS, date_fault

    fault = date_fault(kind, day, as_of, dob, ahead=FORWARD_KINDS | AHEAD_IN_IMPORTS)
    if fault == "after":
        return f"a date after the as-of date {as_of} (expected one on or before it; {kind} is not dated ahead)"
    if fault == "before-birth":
        return f"a date before the child's date of birth (expected {kind} on or after it)"
    return None


# Formats a map may name, as a person writes them. A time of day, when present, is ignored unless it
# carries a zone (Z or an offset): then the date is the Europe/London date of that moment.
DATE_FORMATS = {
    "YYYY-MM-DD": re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    "YYYY-MM-DD hh:mm:ss": _TIMESTAMP,
    "dd/mm/YYYY": re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?"),
}
_YEAR_FIRST = {"YYYY-MM-DD", "YYYY-MM-DD hh:mm:ss"}
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?: .*)?")


class OutOfRange(ValueError):
    """A real date outside the dates irocli accepts (domain.LATEST_DATE); ``day`` is the date, so
    a map's null_dates (31/12/9999 meaning "none") can still be recognised."""

    def __init__(self, day: dt.date, message: str) -> None:
        super().__init__(message)
        self.day = day


def date_parser(formats: list[str] | tuple[str, ...]) -> Callable[[str], dt.date]:
    """A function text -> date trying ``formats`` in order; ValueError names what was expected.

    The message never repeats the text (a date of birth is personal).
    """
    from irocli.domain import DATE_RANGE_TEXT, in_date_range

    unknown = [f for f in formats if f not in DATE_FORMATS]
    if unknown:
        raise ValueError(f"unknown date format {unknown[0]!r} (known: {', '.join(DATE_FORMATS)})")
    compiled = [(DATE_FORMATS[f], f in _YEAR_FIRST) for f in formats]
    expected = " or ".join(formats)

    memo: dict[str, dt.date] = {}  # an extract repeats dates: each text is parsed once

    def parse(text: str) -> dt.date:
        day = memo.get(text)
        if day is None:
            day = memo[text] = slow(text)
            if not in_date_range(day):
                del memo[text]
                raise OutOfRange(day, f"out of range (expected {DATE_RANGE_TEXT})")
        return day

    def slow(text: str) -> dt.date:
        for pattern, year_first in compiled:
            match = pattern.fullmatch(text)
            if match is None:
                continue
            a, b, c = (int(g) for g in match.groups()[:3])
            try:
                if pattern is _TIMESTAMP:
                    h, mi, s = (int(g or 0) for g in match.groups()[3:6])
                    return london_day(a, b, c, h, mi, s, match.group(8))
                return dt.date(a, b, c) if year_first else dt.date(c, b, a)
            except ValueError:
                raise ValueError(f"not a real date (expected {expected})") from None
        if _TWO_DIGIT_YEAR.fullmatch(text):
            raise ValueError(f"a 2-digit year (expected {expected})")
        raise ValueError(f"not a date (expected {expected})")

    return parse


def shown(value: str) -> str:
    """A cell's value for a message, only when it looks like a code (never free text or a date)."""
    return f" {value!r}" if re.fullmatch(r"[A-Za-z0-9]{1,6}", value) else ""


def expand_paths(paths: list[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """Files as given, and the files with one of ``suffixes`` inside any folder given, sorted.

    Raises BadInput for a path that does not exist, a folder with no such files, or two files of
    one name.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            if not inside:
                raise BadInput(f"no {' or '.join(suffixes)} files in this folder", where=str(path))
            found.extend(inside)
        elif not path.exists():
            raise BadInput("no such file", where=str(path))
        else:
            found.append(path)
    names = [p.name for p in found]
    for name in names:
        if names.count(name) > 1:
            raise BadInput("two files with the same name were given", where=name)
    return found


def placeholder_note(n: int) -> str:
    """The summary's note on ``n`` dates of birth of 1900-01-01 read as unknown."""
    return (f"{n:,} date(s) of birth of 1900-01-01 (a placeholder for 'not known') stored as unknown: "
            "record the real one when it is known")


def tracking_events(events: list, prefix: str) -> list:
    """One `tracking-started` event per child, dated the last day the file speaks of for them:
    [(Event, source key "<prefix>:tracking:<child>")] from ``events``, [(Event, key)].

    Returns and extracts carry reviews but not the tasks around them (invitations, decisions,
    records): the engine raises no task or milestone anchored before this day, so imported
    history does not fill the overdue list with work nobody could have recorded here, except for
    rules first completed by a kind the import carried (details "carried", see carried_details: an SSD
    extract's statutory visits and health assessments are judged in its history).
    """
    from irocli.domain import AHEAD_IN_IMPORTS, FORWARD_KINDS, Event

    last: dict[str, dt.date] = {}
    for event, _key in events:
        if event.kind in FORWARD_KINDS or event.kind in AHEAD_IN_IMPORTS:
            continue  # dated ahead, not history
        if event.child_id not in last or event.date > last[event.child_id]:
            last[event.child_id] = event.date
    details = carried_details(events)
    return [(Event("tracking-started", day, None, child_id, True, "tasks tracked from here (imported history)",
                   details=details), f"{prefix}:tracking:{child_id}") for child_id, day in sorted(last.items())]


def carried_details(events: list) -> dict:
    """A `tracking-started` event's details: {"carried": the sorted event kinds of ``events``
    ([(Event, key)])}, the kinds whose rules the engine judges in the imported history too."""
    return {"carried": sorted({event.kind for event, _key in events})}
