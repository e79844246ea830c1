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
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from irocli.errors import BadInput

# Advance the progress display once per this many rows (Rich's per-call cost adds up).
PROGRESS_STEP = 1000


class RowError(BadInput):
    """A bad cell or row: names the file, the row (or XML line) and the column, never the value.

    A workbook's sheet is named by its cell: ``file`` "reviews.xlsx Reviews" with ``cell`` "C14"
    reads "reviews.xlsx Reviews!C14, field Review Date" (CsvFile.cell_ref gives the reference).
    """

    def __init__(self, message: str, *, file: str, row: int | None = None, column: str | None = None,
                 unit: str = "row", cell: str | None = None) -> None:
        where = file
        if cell:
            where += f"!{cell}"
        elif row is not None:
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
        ({"added": n, …}), skipped rows (RowError.as_dict), notes, the import batch's id (null in a dry run) and
        ``held``: the ids of events a person voided or amended that the file brings again (left as the
        person left them)."""
        return {
            "dry_run": self.dry_run,
            "files": self.files,
            "children": {k.split("_", 1)[1]: v for k, v in self.counts.items() if k.startswith("children_")},
            "events": {k.split("_", 1)[1]: v for k, v in self.counts.items() if k.startswith("events_")},
            "skipped": [e.as_dict() for e in self.skipped],
            "notes": self.notes,
            "batch": getattr(self.counts, "batch", None),
            "held": getattr(self.counts, "held", []),
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
        held = getattr(self.counts, "held", [])
        if held:
            shown = ", ".join(str(i) for i in held[:10]) + (", …" if len(held) > 10 else "")
            lines.append(f"Note: {len(held):,} row(s) bring again an event a person voided or amended (event "
                         f"{shown}): the person's entry stands; correct the case system, or if the file is right, "
                         "amend the event (irocli event amend)")
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
_SAVE_AS = "in Excel save as 'CSV UTF-8'"


@dataclass
class CsvFile:
    """A whole CSV file (or one sheet of a workbook) as read_csv/read_workbook give it: its name,
    header and numbered rows."""

    name: str  # as shown in messages: the file's name ("book.xlsx Reviews" for a sheet)
    header: list[str]  # trimmed, BOM removed, as written
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells as written)
    sheet: str | None = None  # the workbook's sheet it came from; None for a CSV file
    first_column: int = 1  # a sheet's column number (A = 1) of the header's first column

    def column(self, wanted: str) -> int | None:
        """The index of a column, matched case-insensitively."""
        lowered = [h.lower() for h in self.header]
        try:
            return lowered.index(wanted.lower())
        except ValueError:
            return None

    def cell_ref(self, row: int, column: str | None) -> str | None:
        """A sheet's cell reference for ``column`` (a header name) on ``row``, e.g. "C14"; None for
        a CSV file or a column the header lacks."""
        index = self.column(column) if self.sheet is not None and column else None
        if index is None:
            return None
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(self.first_column + index)}{row}"


def check_encoding(name: str) -> str:
    """A text encoding's name as Python knows it ("cp1252" for "windows-1252"); BadInput (where
    ``--encoding``) for a name that is no text encoding."""
    import codecs

    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        shown_name = name if len(name) <= 30 else name[:30] + "…"
        raise BadInput(f"unknown text encoding {shown_name!r} (e.g. utf-8, cp1252, latin-1, utf-16)",
                       where="--encoding")
    return info.name


def _not_utf8(data: bytes, start: int, name: str) -> BadInput:
    """The refusal of a file that is not UTF-8 at byte ``start``, guessing Windows-1252 when it fits.

    Windows-1252 (cp1252) is what Excel's plain "CSV" saves in the UK (0xA3 £, 0x92 ’, 0xE9 é). Any
    bytes decode as Latin-1, so the guess is only "looks like": the bytes decode as cp1252 (five
    bytes it leaves undefined do not) and the file has bytes 0x80–0xFF.
    """
    row = data[:start].count(b"\n") + 1
    try:
        data.decode("cp1252")
        looks = True
    except UnicodeDecodeError:
        looks = False
    if looks:
        return BadInput("not UTF-8 text; it looks like Windows-1252 (cp1252): run again with --encoding cp1252, "
                        f"or {_SAVE_AS}", where=f"{name} row {row}")
    return BadInput(f"not UTF-8 text: give its encoding with --encoding, or {_SAVE_AS}", where=f"{name} row {row}")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 text that only UTF-8 explains: a UTF-8 BOM, or bytes 0x80–0xFF that
    decode as UTF-8. Text in a single-byte encoding (cp1252's "é" is the lone byte 0xE9) almost
    never forms UTF-8's sequences, so such a file is UTF-8 whatever --encoding says; plain ASCII
    is every encoding's alike and is not counted."""
    if data.startswith(b"\xef\xbb\xbf"):
        return True
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_given_encoding(data: bytes, encoding: str, name: str) -> None:
    """Refuse (BadInput naming the file) a file that ``--encoding`` cannot be right for, before
    decoding it would garble its names or give a misleading "the header matches no table":

    - UTF-8 text (_is_utf8) said to be anything else: "this file is UTF-8 text, not cp1252";
    - said to be UTF-16 or UTF-32 (any byte order), but without a NUL byte: those write every
      comma, digit and line end with NULs, so the file is not one;
    - UTF-16 or UTF-32 text (its BOM, or NULs near the start) said to be a byte encoding.

    --encoding is every file's, so the UTF-8 refusal says how to import a folder that mixes them.
    ``encoding`` is a name as check_encoding gives it ("cp1252", "utf-16-le").
    """
    if encoding in ("utf-8", "utf-8-sig"):
        return
    wide = encoding.startswith(("utf-16", "utf-32"))
    if _is_utf8(data):
        raise BadInput(f"this file is UTF-8 text, not {encoding}: leave out --encoding (or give --encoding utf-8); "
                       f"--encoding is every file's, so if other files are {encoding}, in Excel save them as "
                       "'CSV UTF-8' first", where=name)
    if wide and b"\x00" not in data:
        raise BadInput(f"not {encoding} text (check --encoding)", where=name)
    if not wide and (data.startswith(_UTF32) or data.startswith(_UTF16) or b"\x00" in data[:4096]):
        raise BadInput(f"not {encoding} text: it looks like UTF-16 (run again with --encoding utf-16, or {_SAVE_AS})",
                       where=name)
    if encoding == "iso8859-1" and any(0x80 <= b <= 0x9F for b in data) and _decodes(data, "cp1252"):
        # Latin-1 reads cp1252's ’ “ ” – … € (0x80–0x9F) as invisible control characters: a name would be refused
        # for "a control character" instead
        raise BadInput("not latin-1 text: its bytes 0x80–0x9F are Windows-1252 characters (’ “ ” – €): run again "
                       "with --encoding cp1252", where=name)


def read_csv(path: Path, encoding: str | None = None) -> CsvFile:
    """Read a whole CSV file as UTF-8 text (a BOM is fine), or as ``encoding`` (a name check_encoding
    accepts: "cp1252"); one clear BadInput for anything else (a file not UTF-8 names the row and,
    when it looks like one, the Windows-1252 encoding to give).

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
    if data.startswith(b"PK\x03\x04"):
        raise BadInput("not CSV text but a zip file, such as an Excel workbook: in Excel save it as 'CSV UTF-8' "
                       "(`import extract` reads a workbook named .xlsx)", where=name)
    if encoding is not None:
        _check_given_encoding(data, encoding, name)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding in ("utf-8", "utf-8-sig"):  # said to be UTF-8, and is not: as without --encoding
                raise _not_utf8(data, error.start, name) from None
            row = data[: error.start].count(b"\n") + 1
            raise BadInput(f"not {encoding} text (check --encoding)", where=f"{name} row {row}") from None
        return _parse_csv(name, text)
    if data.startswith(_UTF32) or data.startswith(_UTF16) or b"\x00" in data[:4096]:
        raise BadInput(f"not UTF-8 text: it looks like UTF-16 (run again with --encoding utf-16, or {_SAVE_AS})",
                       where=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(data, error.start, name) from None
    return _parse_csv(name, text)


def _parse_csv(name: str, text: str) -> CsvFile:
    """The CsvFile of a CSV file's decoded text (see read_csv)."""
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


# -- reading workbooks (.xlsx) ----------------------------------------------------------------

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_OLD_EXCEL = (".xls",)


_NOT_IN_SHEET_NAMES = re.compile(r"[:\\/?*\[\]\x00-\x1f\x7f]")  # Excel refuses these in a sheet's name
SHEET_NAME_RULE = "a sheet's name as Excel allows it (1 to 31 characters, none of : \\ / ? * [ ])"


def sheet_problem(name: str) -> str | None:
    """Why ``name`` cannot be a workbook sheet's name (never quoting it), or None."""
    if not name.strip() or len(name) > 31 or _NOT_IN_SHEET_NAMES.search(name):
        return f"expected {SHEET_NAME_RULE}"
    return None


def check_sheet(name: str) -> str:
    """``--sheet``'s value, checked by sheet_problem; BadInput (where ``--sheet``) if it can name no sheet."""
    problem = sheet_problem(name)
    if problem is not None:
        raise BadInput(problem, where="--sheet")
    return name


def is_workbook(path: Path) -> bool:
    """Whether ``path`` is read as an Excel workbook (by its extension: .xlsx, .xlsm, or an old .xls
    that read_workbook refuses with advice)."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES + _OLD_EXCEL


def read_workbook(path: Path, sheets: Collection[str] = (), prefer: Collection[str] = (), *,
                  every_sheet: bool = True) -> list[CsvFile]:
    """The sheets of an Excel workbook (.xlsx), each read as a CSV file would be: [CsvFile], each
    named "<file> <sheet>" with its ``sheet`` set.

    ``sheets`` (``--sheet``, given once for each sheet): those sheets alone, matched ignoring case;
    with ``every_sheet`` the workbook must have every one, else it must have one of them at least
    (several workbooks, each with some of the sheets): BadInput naming the file and listing its
    sheets otherwise. A sheet chosen so must not be empty. Else the sheets named in ``prefer`` that
    the workbook has (a map's per-table sheet names), else every visible sheet that is not blank
    (a hidden sheet, often a list of codes, is read only when chosen). Rows keep the sheet's row
    numbers; blank rows, and blank columns after the header's last, are skipped as a CSV file's
    blank rows are. Cells become the text a CSV export shows: 101 (not 101.0), a date cell
    YYYY-MM-DD (at midnight) or "YYYY-MM-DD hh:mm:ss", text as it is; formulas give their last
    saved value. A formula with no saved value (written by a program, never opened in Excel: it
    would read as blank and the row would quietly lose its value) is refused naming its cell
    ("wb.xlsx Reviews!E3"). Raises BadInput for a file that is not a workbook (a CSV file renamed,
    an old .xls) or cannot be read, and for a chosen sheet that is empty.
    """
    name = path.name
    if path.suffix.lower() in _OLD_EXCEL:
        raise BadInput("an old Excel 97-2003 workbook (.xls), which irocli cannot read: in Excel save it as "
                       "'Excel Workbook (.xlsx)' or 'CSV UTF-8'", where=name)
    if not path.exists():
        raise BadInput("no such file", where=str(path))
    if path.is_dir():
        raise BadInput("is a folder, not a file", where=str(path))
    book = _open_workbook(path, data_only=True)  # each cell's saved value
    written = None  # each cell as written (a formula's text), read only when the workbook has formulas
    try:
        if _has_formulas(path):
            written = _open_workbook(path, data_only=False)
    except BadInput:
        book.close()
        raise
    try:
        names = list(book.sheetnames)
        if sheets:
            wanted = {s.strip().casefold() for s in sheets}
            chosen = [n for n in names if n.casefold() in wanted]
            lacking = [s for s in sheets if s.strip().casefold() not in {n.casefold() for n in names}]
            if lacking and (every_sheet or not chosen):
                shown_name = lacking[0] if len(lacking[0]) <= 31 else lacking[0][:31] + "…"
                raise BadInput(f"no sheet {shown_name!r} (its sheets: {', '.join(names)})", where=name)
        else:
            wanted = {p.casefold() for p in prefer}
            chosen = ([n for n in names if n.casefold() in wanted]
                      or [n for n in names if book[n].sheet_state == "visible"] or names)
        read = []
        for n in chosen:
            found = _read_sheet(book[n], written[n] if written is not None else None, f"{name} {n}", n)
            if found is None and sheets:
                raise BadInput(f"sheet {n} is empty: no header row", where=name)
            read.append(found)
    except BadInput:
        raise
    except Exception as error:  # a damaged sheet
        raise BadInput(f"cannot read the workbook: damaged, or a zip file of another kind ({type(error).__name__})",
                       where=name) from None
    finally:
        book.close()
        if written is not None:
            written.close()
    found = [f for f in read if f is not None]
    if not found:
        what = f"sheet {chosen[0]} is empty" if len(chosen) == 1 else "every sheet is empty"
        raise BadInput(f"{what}: no header row", where=name)
    return found


def _open_workbook(path: Path, *, data_only: bool):
    """openpyxl's read-only workbook at ``path`` (``data_only``: formulas give their saved values,
    else their text); BadInput naming the file when it is no workbook or cannot be read."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except OSError as error:
        raise BadInput(f"cannot read the file: {error.strerror or error}", where=str(path)) from None
    except (zipfile.BadZipFile, InvalidFileException):  # not a zip file at all: a CSV file renamed, say
        raise BadInput("not an Excel workbook (.xlsx) although its name says so (a CSV file should end .csv)",
                       where=name) from None
    except Exception as error:  # a zip file that holds no workbook, or a damaged one (KeyError, ParseError, …)
        raise BadInput(f"cannot read the workbook: damaged, or a zip file of another kind ({type(error).__name__})",
                       where=name) from None


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s/>]")  # a cell's <f> (or <x:f>): never <formula1>, <filterMode …>


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook at ``path`` holds a formula (an <f> element in its XML),
    read in chunks: a workbook without one (most extracts) is then read once, not twice. A zip file
    that cannot be read says yes (openpyxl then says why)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            for part in archive.namelist():
                if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
                    continue
                with archive.open(part) as stream:
                    tail = b""
                    while chunk := stream.read(1 << 20):
                        if _FORMULA_TAG.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    except Exception:  # a damaged zip file: read both views, as openpyxl reports it
        return True
    return False


def _is_formula(written: object) -> bool:
    """Whether a cell's written form (openpyxl, data_only=False) is a formula: "=DATE(2025,7,3)",
    or an array or data-table formula object."""
    if isinstance(written, str):
        return written.startswith("=")
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    return isinstance(written, ArrayFormula | DataTableFormula)


def _read_sheet(sheet, formulas, label: str, sheet_name: str) -> CsvFile | None:
    """One sheet as a CsvFile named ``label``; None for a blank sheet. ``formulas`` is the same
    sheet as written (data_only=False), read in step to find formulas with no saved value; None
    when the workbook has no formula."""
    from itertools import zip_longest

    from openpyxl.utils import get_column_letter

    sheet.reset_dimensions()  # some writers record the used range wrongly: read every cell there is
    lines: list[tuple[int, list[str]]] = []
    unsaved: list[tuple[int, int]] = []  # (row, column from 1) of a formula whose value is blank
    if formulas is not None:
        formulas.reset_dimensions()
        as_written = formulas.iter_rows(min_row=1, values_only=True)
    else:
        as_written = iter(())
    pairs = zip_longest(sheet.iter_rows(min_row=1, values_only=True), as_written, fillvalue=())
    for number, (values, written) in enumerate(pairs, 1):
        if None in values:
            unsaved += [(number, i + 1) for i, v in enumerate(values)
                        if v is None and i < len(written) and _is_formula(written[i])]
        cells = [_cell_text(v) for v in values]
        if "".join(cells).strip():
            lines.append((number, cells))
    if unsaved:
        _refuse_unsaved(sheet, unsaved, label)

    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    first = 0  # the index of the header's first column
    for number, cells in lines:
        if header is None:
            while not cells[first].strip():
                first += 1
            header = [c.strip().lstrip("\ufeff") for c in cells[first:]]
            while header and not header[-1]:
                header.pop()
            if any(not h for h in header):
                at = header.index("")
                raise BadInput("the header row has a blank column name",
                               where=f"{label}!{get_column_letter(first + at + 1)}{number}")
            continue
        outside = [i for i, c in enumerate(cells) if c.strip() and not first <= i < first + len(header)]
        if outside:
            raise BadInput("a value in a column with no name in the header row",
                           where=f"{label}!{get_column_letter(outside[0] + 1)}{number}")
        cells = cells[first:first + len(header)]
        if len(cells) < len(header):
            cells += [""] * (len(header) - len(cells))
        rows.append((number, cells))
    if header is None:
        return None
    return CsvFile(label, header, rows, sheet=sheet_name, first_column=first + 1)


def _refuse_unsaved(sheet, unsaved: list[tuple[int, int]], label: str) -> None:
    """BadInput naming the first of ``unsaved`` (formula cells whose value view is blank) that has
    no saved value at all. A formula whose saved value is empty text (Excel writes t="str" and an
    empty value for =IF(A2="","",A2)) is blank, rightly: openpyxl's value view cannot tell the two
    apart, its cell's data type can ("str" for saved text, "n" for a formula with no value)."""
    from openpyxl.utils import get_column_letter

    wanted = set(unsaved)
    for row in sheet.iter_rows(min_row=unsaved[0][0], max_row=max(r for r, _ in unsaved)):
        for cell in row:
            key = (getattr(cell, "row", None), getattr(cell, "column", None))  # EmptyCell has neither
            if key in wanted and cell.data_type != "str":
                raise BadInput("a formula with no saved value (open the workbook in Excel and save it, then import "
                               "again)", where=f"{label}!{get_column_letter(key[1])}{key[0]}")


def _cell_text(value: object) -> str:
    """A cell's value as a CSV export shows it: 101 (not 101.0), a date YYYY-MM-DD (a date and time
    "YYYY-MM-DD hh:mm:ss", its date when at midnight), TRUE/FALSE, text as it is; blank is ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(path: Path, *, encoding: str | None = None, sheets: Collection[str] = (),
               prefer: Collection[str] = (), every_sheet: bool = True) -> list[CsvFile]:
    """A CSV file ([read_csv(path, encoding)]) or a workbook's sheets (read_workbook(path, sheets,
    prefer, every_sheet=every_sheet)), told apart by the file's extension."""
    if is_workbook(path):
        return read_workbook(path, sheets, prefer, every_sheet=every_sheet)
    return [read_csv(path, encoding)]


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


# An Excel day number ("serial"): five digits, 10000 (1927-05-18) to 99999 (2173-10-13), maybe with a time
# as a fraction. Four digits are more likely a year and eight a yyyymmdd date, so neither is read as one.
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")


def excel_serial(text: str) -> dt.date | None:
    """The date of an Excel day number written as text ("45292" is 2024-01-01, "45292.5" noon that
    day), by openpyxl's from_excel (Excel's 1900 date system); None for any other text."""
    match = _SERIAL.fullmatch(text)
    if match is None:
        return None
    from openpyxl.utils.datetime import from_excel

    return from_excel(int(match.group(1))).date()


def date_parser(formats: list[str] | tuple[str, ...], *, workbook: bool = False) -> Callable[[str], dt.date]:
    """A function text -> date trying ``formats`` in order; ValueError names what was expected.

    ``workbook``: the text comes from a sheet (read_workbook), so a date cell's text (YYYY-MM-DD,
    "YYYY-MM-DD hh:mm:ss") is a date whatever ``formats`` say, and so is an Excel day number in a
    text or number cell (excel_serial: 45292 is 2024-01-01). The message never repeats the text
    (a date of birth is personal).
    """
    from irocli.domain import DATE_RANGE_TEXT, in_date_range

    unknown = [f for f in formats if f not in DATE_FORMATS]
    if unknown:
        raise ValueError(f"unknown date format {unknown[0]!r} (known: {', '.join(DATE_FORMATS)})")
    expected = " or ".join(formats)
    if workbook:
        formats = [*formats, *(f for f in ("YYYY-MM-DD", "YYYY-MM-DD hh:mm:ss") if f not in formats)]
        expected += ", a date cell or an Excel day number"
    compiled = [(DATE_FORMATS[f], f in _YEAR_FIRST) for f in formats]

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
        if workbook:
            day = excel_serial(text)
            if day is not None:
                return day
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
            inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes
                            and not p.name.startswith("~$"))  # Excel's lock file beside an open workbook
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


def refuse_idle_encoding(paths: list[Path], suffixes: tuple[str, ...], encoding: str | None, why: str) -> None:
    """BadInput when ``--encoding`` is given but none of ``paths`` (folders searched for ``suffixes``,
    as expand_paths does) is a CSV file: it would do nothing. ``why`` says why the others need
    none ("a workbook needs none")."""
    if encoding is not None and not any(p.suffix.lower() == ".csv" for p in expand_paths(paths, suffixes)):
        raise BadInput(f"--encoding is for CSV files; none of the files given is one ({why})")


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
