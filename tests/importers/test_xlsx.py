"""`irocli import extract BOOK.xlsx`: extracts as Excel workbooks, each sheet read as a CSV file would be.

Every workbook is made here with openpyxl, from the made-up SSD extract (sample_data/ssd) or the
one-row-per-review file, so a sheet's rows are the CSV's rows: the import must store the same.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from importer_support import FLAT, SAMPLE_SSD, Cli

from irocli.importers._common import _cell_text, date_parser, excel_serial

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 for every date from 1900-03-01 on


def serial(day: dt.date) -> int:
    """Excel's day number of ``day`` (after 1900-02-28), as the test writes it into a sheet."""
    return (day - EXCEL_EPOCH).days


def test_the_tests_serials_are_excels():
    # hand-checked: 2024-01-01 is 45292 in Excel; 2024-02-29 is 59 days on; 2025-01-01 is 366 days on
    # from 2024-01-01 (a leap year); 2025-04-04 is 31 + 28 + 31 + 3 = 93 days after 2025-01-01
    assert [serial(dt.date(2024, 1, 1)), serial(dt.date(2024, 2, 29)), serial(dt.date(2025, 1, 1)),
            serial(dt.date(2025, 4, 4))] == [45292, 45351, 45658, 45751]


# -- cells and dates, without a store -------------------------------------------------------------------


@pytest.mark.parametrize("text, day", [
    ("45292", dt.date(2024, 1, 1)),
    ("45351", dt.date(2024, 2, 29)),
    ("45658", dt.date(2025, 1, 1)),
    ("45292.75", dt.date(2024, 1, 1)),  # 18:00 that day
    ("10000", dt.date(1927, 5, 18)),  # the first five-digit day number
    ("2024", None),  # four digits: more likely a year than 1905-07-16
    ("20240101", None),  # yyyymmdd, not a day number
    ("4529", None), ("-45292", None), ("45292x", None), ("", None),
])
def test_an_excel_day_number_is_five_digits(text, day):
    assert excel_serial(text) == day


def test_a_workbooks_dates_are_read_whatever_the_maps_formats():
    from_book = date_parser(["dd/mm/YYYY"], workbook=True)
    assert from_book("04/04/2025") == dt.date(2025, 4, 4)
    assert from_book("2025-04-04") == dt.date(2025, 4, 4)  # a date cell's text
    assert from_book("2025-04-04 10:30:00") == dt.date(2025, 4, 4)  # a date-and-time cell's
    assert from_book("45751") == dt.date(2025, 4, 4)
    with pytest.raises(ValueError, match=r"^not a date \(expected dd/mm/YYYY, a date cell or an Excel day number\)$"):
        from_book("2025")
    from_csv = date_parser(["dd/mm/YYYY"])
    for text in ("45751", "2025-04-04"):  # a CSV file's numbers are not dates, nor other formats than the map's
        with pytest.raises(ValueError, match=r"^not a date \(expected dd/mm/YYYY\)$"):
            from_csv(text)


@pytest.mark.parametrize("value, text", [
    (None, ""), ("Amir Shah", "Amir Shah"), (" 101 ", " 101 "), (101, "101"), (101.0, "101"), (0.8, "0.8"),
    (True, "TRUE"), (dt.datetime(2024, 1, 1), "2024-01-01"), (dt.datetime(2024, 1, 1, 10, 30), "2024-01-01 10:30:00"),
    (dt.date(2024, 2, 29), "2024-02-29"),
])
def test_a_cell_reads_as_a_csv_export_shows_it(value, text):
    assert _cell_text(value) == text


# -- the SSD extract as one workbook ---------------------------------------------------------------------

SHEETS = {"Person": "ssd_person.csv", "Episodes": "ssd_cla_episodes.csv", "Reviews": "ssd_cla_reviews.csv",
          "Involvements": "ssd_involvements.csv", "Professionals": "ssd_professionals.csv"}
_SQL_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: 00:00:00\.000)?")


def _day(text: str) -> dt.date | None:
    match = _SQL_DAY.fullmatch(text)
    return dt.date(*map(int, match.groups())) if match else None


def _cell(sheet: str, column: str, text: str, row: int):
    """A CSV cell as a person's workbook holds it: ids as numbers; dates of birth as date cells,
    episode dates as date-and-time cells, review dates as Excel day numbers (every other row as
    text, in a column formatted as text); everything else (the due dates, the involvements'
    dates, NULL, codes) text as the CSV has it."""
    day = _day(text)
    if column in ("pers_person_id", "clae_person_id", "clar_cla_person_id", "invo_person_id") and text.isdigit():
        return float(text) if row % 2 else int(text)  # 1001.0: Excel's number
    if day is not None and sheet == "Person":
        return day
    if day is not None and sheet == "Episodes":
        return dt.datetime.combine(day, dt.time(0))
    if day is not None and column == "clar_cla_review_date":
        return serial(day) if row % 2 else str(serial(day))
    return text


def _ssd_book(path: Path, source: Path = SAMPLE_SSD, extra: dict[str, list[list]] | None = None) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, file in SHEETS.items():
        sheet = book.create_sheet(name)
        with (source / file).open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        sheet.append(header)
        for i, cells in enumerate(rows[1:], 1):
            sheet.append([_cell(name, column, text, i) for column, text in zip(header, cells, strict=True)])
        if name == "Reviews":
            at = header.index("clar_cla_review_date") + 1
            for row in range(2, len(rows) + 1):
                sheet.cell(row, at).number_format = "@"  # a text column
            sheet.cell(len(rows) + 5, len(header) + 3).value = ""  # a cell Excel keeps after the data, blank
    for name, rows in (extra or {}).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _store_rows(cli: Cli) -> tuple[list, list]:
    return (cli.rows("SELECT id, name, dob, iro, social_worker, team FROM child ORDER BY id"),
            cli.rows("SELECT child_id, kind, date, details, note, meeting, source_key FROM event "
                     "ORDER BY source_key"))


def test_an_ssd_workbook_stores_what_its_csv_files_store(cli, ssd, tmp_path, new_db_url):
    book = _ssd_book(tmp_path / "ssd.xlsx")
    # the workbook really holds date cells, numbers and text (not what the CSV has)
    check = openpyxl.load_workbook(book, read_only=True)
    assert next(check["Person"].iter_rows(min_row=2, max_row=2, values_only=True))[7] == dt.datetime(2013, 2, 11)
    reviews = list(check["Reviews"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert [r[4] for r in reviews] == [45751, "45841"]  # 2025-04-04 (hand-checked above); 2025-07-03 is 90 days on
    check.close()

    result = cli.json("import", "extract", book, "--map", "ssd")
    assert result["skipped"] == []  # the data rows of each CSV file (wc -l less the header)
    assert {f["file"]: (f["table"], f["rows"]) for f in result["files"]} == {
        "ssd.xlsx Person": ("person", 7), "ssd.xlsx Episodes": ("episodes", 6), "ssd.xlsx Reviews": ("reviews", 13),
        "ssd.xlsx Involvements": ("involvements", 11), "ssd.xlsx Professionals": ("professionals", 4)}
    # as test_extract's hand-checked import of the CSV files: 5 children, 35 events and 5 tracking-started
    assert result["children"] == {"added": 5, "updated": 0, "unchanged": 0}
    assert result["events"]["added"] == 40
    assert cli.rows("SELECT id, name, dob FROM child WHERE id = '1001'") == [("1001", "Maya Patel", "2013-02-11")]
    assert cli.events("1001") == [
        ("entered-care", "2025-03-10"), ("iro-allocated", "2025-03-12"), ("review-held", "2025-04-04"),
        ("system-review-due", "2025-04-07"), ("placement-change", "2025-06-16"), ("review-held", "2025-07-03"),
        ("tracking-started", "2025-07-03"), ("system-review-due", "2025-07-04"), ("system-review-due", "2026-01-02"),
    ]

    from_csv = Cli(new_db_url("csv"))
    from_csv("init", "--profile", "england")
    from_csv("import", "extract", ssd, "--map", "ssd")
    assert _store_rows(cli) == _store_rows(from_csv)

    again = cli.json("import", "extract", book, "--map", "ssd")  # and the CSV files' keys are the workbook's
    assert again["events"] == {"added": 0, "updated": 0, "unchanged": 40}
    assert cli.json("import", "extract", ssd, "--map", "ssd")["events"] == {"added": 0, "updated": 0,
                                                                          "unchanged": 40}


def test_a_bad_cell_is_named_by_sheet_and_cell_and_nothing_is_written(cli, tmp_path):
    book = _ssd_book(tmp_path / "ssd.xlsx")
    edit = openpyxl.load_workbook(book)
    # Reviews row 3 (V7002): clar_cla_review_date is the fifth column, E; 2025 is four digits, no day number
    assert edit["Reviews"]["E1"].value == "clar_cla_review_date" and edit["Reviews"]["A3"].value == "V7002"
    edit["Reviews"]["E3"] = 2025
    edit.save(book)
    before = cli.digest()
    result = cli("import", "extract", book, "--map", "ssd", ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: ssd.xlsx Reviews!E3, field clar_cla_review_date: not a date (expected YYYY-MM-DD hh:mm:ss or "
        "YYYY-MM-DD or dd/mm/YYYY, a date cell or an Excel day number)"]
    assert cli.digest() == before


def test_skipped_cells_are_listed_by_sheet_and_cell(cli, tmp_path):
    book = _ssd_book(tmp_path / "ssd.xlsx")
    edit = openpyxl.load_workbook(book)
    edit["Reviews"]["E3"] = "31/02/2025"
    edit.save(book)
    result = cli("import", "extract", book, "--map", "ssd", "--skip-bad-rows")
    assert ("Skipped: ssd.xlsx Reviews!E3, field clar_cla_review_date: not a real date (expected YYYY-MM-DD "
            "hh:mm:ss or YYYY-MM-DD or dd/mm/YYYY, a date cell or an Excel day number)") in result.stderr
    assert [d for k, d in cli.events("1001") if k == "review-held"] == ["2025-04-04"]  # not V7002's 2025-07-03


# -- choosing sheets ------------------------------------------------------------------------------------


def _flat_rows() -> list[list[str]]:
    with FLAT.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _book(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


NOTES = [["Extract notes"], ["Run on 2026-01-20"]]
COVER_ADVICE = ("if this sheet is not data (a cover, notes), give the data sheets with --sheet (once for each: --sheet "
                "Persons --sheet Reviews) or name them in your map (sheet = \"…\"), or hide the sheet in Excel")


def test_a_workbook_of_one_sheet_is_read_whatever_its_name(cli, tmp_path):
    book = _book(tmp_path / "reviews.xlsx", {"Sheet1": _flat_rows()})
    result = cli.json("import", "extract", book, "--map", "one-row-per-review")
    assert result["files"] == [{"file": "reviews.xlsx Sheet1", "table": "reviews", "rows": 5, "used": True}]
    assert cli.rows("SELECT id, name, dob FROM child ORDER BY id") == [
        ("2001", "Amir Shah", "2012-09-04"), ("2002", "Lily Brooks", "2020-01-17"), ("2003", "Sami Ali", "2014-11-11")]
    assert [d for k, d in cli.events("2001") if k == "review-held"] == ["2025-03-31", "2025-06-27", "2025-12-22"]


def test_every_sheet_is_matched_like_a_csv_file_and_sheet_chooses_one(cli, tmp_path):
    book = _book(tmp_path / "reviews.xlsx", {"Notes": NOTES, "Reviews": _flat_rows()})
    before = cli.digest()
    result = cli("import", "extract", book, "--map", "one-row-per-review", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: reviews.xlsx Notes row 1: the header matches no table of map one-row-per-review (nearest is "
        f"reviews: missing Person ID, CLA Start Date, Review Date); {COVER_ADVICE}"]
    assert cli.digest() == before
    result = cli.json("import", "extract", book, "--map", "one-row-per-review", "--sheet", "reviews")  # any case
    assert result["files"] == [{"file": "reviews.xlsx Reviews", "table": "reviews", "rows": 5, "used": True}]
    assert result["children"]["added"] == 3


def test_a_sheet_the_workbook_lacks_is_refused_naming_its_sheets(cli, tmp_path):
    book = _book(tmp_path / "reviews.xlsx", {"Notes": NOTES, "Reviews": _flat_rows()})
    before = cli.digest()
    result = cli("import", "extract", book, "--map", "one-row-per-review", "--sheet", "Reveiws", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: reviews.xlsx: no sheet 'Reveiws' (its sheets: Notes, Reviews)"]
    assert cli.digest() == before


def _map_with_sheet(tmp_path: Path, sheet: str) -> Path:
    from irocli.importers.extract_map import MAPS

    text = (MAPS / "one-row-per-review.toml").read_text(encoding="utf-8")
    path = tmp_path / "mine.toml"
    path.write_text(text.replace("[tables.reviews]\n", f"[tables.reviews]\nsheet = {sheet!r}\n", 1), encoding="utf-8")
    return path


def test_the_maps_sheet_names_the_sheets_read(cli, tmp_path):
    book = _book(tmp_path / "reviews.xlsx", {"Notes": NOTES, "CLA Reviews": _flat_rows()})
    result = cli.json("import", "extract", book, "--map", _map_with_sheet(tmp_path, "CLA Reviews"))
    assert result["files"] == [{"file": "reviews.xlsx CLA Reviews", "table": "reviews", "rows": 5, "used": True}]
    assert result["children"]["added"] == 3


def test_a_sheet_the_map_names_must_have_its_tables_columns(cli, tmp_path):
    rows = [[c.replace("Review Date", "Date of Review") for c in _flat_rows()[0]], *_flat_rows()[1:]]
    book = _book(tmp_path / "reviews.xlsx", {"CLA Reviews": rows})
    result = cli("import", "extract", book, "--map", _map_with_sheet(tmp_path, "CLA Reviews"), ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: reviews.xlsx CLA Reviews row 1: the header lacks columns of table reviews (map one-row-per-review "
        "names this sheet for it): missing Review Date"]


def test_a_maps_sheet_must_be_a_name_excel_allows(cli, tmp_path):
    result = cli("import", "extract", FLAT, "--map", _map_with_sheet(tmp_path, "Reviews: 2025"), ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: mine.toml: tables.reviews.sheet: expected a sheet's name as Excel allows it (1 to 31 characters, "
        "none of : \\ / ? * [ ])"]


@pytest.mark.parametrize("name", ["", " ", "Reviews: 2025", "x" * 32, "Tab\there"])
def test_sheet_must_be_a_name_excel_allows(cli, name):
    before = cli.digest()
    result = cli("import", "extract", FLAT, "--map", "one-row-per-review", "--sheet", name, ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: --sheet: expected a sheet's name as Excel allows it (1 to 31 characters, none of : \\ / ? * [ ])"]
    assert cli.digest() == before


# -- files that are no workbook -------------------------------------------------------------------------


@pytest.mark.parametrize("name, message", [
    ("reviews.xlsx", "reviews.xlsx: not an Excel workbook (.xlsx) although its name says so (a CSV file should "
                     "end .csv)"),
    ("reviews.xls", "reviews.xls: an old Excel 97-2003 workbook (.xls), which irocli cannot read: in Excel save it "
                    "as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'"),
])
def test_a_file_that_is_no_workbook_is_one_line(cli, tmp_path, name, message):
    path = tmp_path / name
    path.write_bytes(FLAT.read_bytes())  # a CSV file renamed
    before = cli.digest()
    result = cli("import", "extract", path, "--map", "one-row-per-review", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [f"Error: {message}"]
    assert cli.digest() == before


def test_an_empty_workbook_is_one_line(cli, tmp_path):
    book = _book(tmp_path / "reviews.xlsx", {"Sheet1": []})
    result = cli("import", "extract", book, "--map", "one-row-per-review", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: reviews.xlsx: sheet Sheet1 is empty: no header row"]


def test_a_value_beyond_the_header_is_named_by_its_cell(cli, tmp_path):
    rows = _flat_rows()
    rows[2] = [*rows[2], "", "stray"]  # row 3: two columns after the header's nine, J blank, K not
    book = _book(tmp_path / "reviews.xlsx", {"Reviews": rows})
    result = cli("import", "extract", book, "--map", "one-row-per-review", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: reviews.xlsx Reviews!K3: a value in a column with no name in the header row"]


def test_a_workbook_named_csv_is_one_line(cli, tmp_path):
    book = _book(tmp_path / "reviews.csv", {"Reviews": _flat_rows()})
    message = ("reviews.csv: not CSV text but a zip file, such as an Excel workbook: in Excel save it as 'CSV UTF-8' "
               "(`import extract` reads a workbook named .xlsx)")
    result = cli("import", "extract", book, "--map", "one-row-per-review", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [f"Error: {message}"]
    result = cli("import", "ssda903", book, ok=False)  # the 903 return is read from CSV (or XML) alone
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [f"Error: {message}"]


def test_a_zip_file_that_holds_no_workbook_is_one_line(cli, tmp_path):
    import zipfile

    path = tmp_path / "reviews.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("reviews.csv", FLAT.read_text(encoding="utf-8"))
    result = cli("import", "extract", path, "--map", "one-row-per-review", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: reviews.xlsx: cannot read the workbook: damaged, or a zip file of another kind (KeyError)"]


def test_hidden_sheets_and_excels_lock_files_are_left_alone(cli, tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    book = _book(folder / "reviews.xlsx", {"Reviews": _flat_rows(), "Codes": [["Code", "Meaning"], ["PN1", "x"]]})
    edit = openpyxl.load_workbook(book)
    edit["Codes"].sheet_state = "hidden"
    edit.save(book)
    (folder / "~$reviews.xlsx").write_bytes(b"\x0bowner")  # what Excel leaves while the workbook is open
    result = cli.json("import", "extract", folder, "--map", "one-row-per-review")
    assert result["files"] == [{"file": "reviews.xlsx Reviews", "table": "reviews", "rows": 5, "used": True}]
    result = cli("import", "extract", book, "--map", "one-row-per-review", "--sheet", "Codes", ok=False)
    assert result.stderr.strip().splitlines() == [  # chosen, a hidden sheet is read
        "Error: reviews.xlsx Codes row 1: the header matches no table of map one-row-per-review (nearest is "
        "reviews: missing Person ID, CLA Start Date, Review Date)"]


# -- formulas ---------------------------------------------------------------------------------------------

UNSAVED = "a formula with no saved value (open the workbook in Excel and save it, then import again)"


@pytest.mark.parametrize("flags", [(), ("--skip-bad-rows",), ("--dry-run",)])
def test_a_formula_with_no_saved_value_is_refused_naming_its_cell(cli, tmp_path, flags):
    book = _ssd_book(tmp_path / "ssd.xlsx")
    edit = openpyxl.load_workbook(book)
    # Reviews row 3 is V7002, 1001's review of 2025-07-03 (as above): written as a formula, never calculated
    assert edit["Reviews"]["E1"].value == "clar_cla_review_date" and edit["Reviews"]["A3"].value == "V7002"
    edit["Reviews"]["E3"] = "=DATE(2025,7,3)"
    edit.save(book)
    check = openpyxl.load_workbook(book, read_only=True, data_only=True)  # what the value view alone saw: a blank
    assert list(check["Reviews"].iter_rows(min_row=3, max_row=3, min_col=5, max_col=5, values_only=True)) == [(None,)]
    check.close()
    before = cli.digest()
    result = cli("import", "extract", book, "--map", "ssd", *flags, ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"Error: ssd.xlsx Reviews!E3: {UNSAVED}"]
    assert cli.digest() == before


def test_a_formula_in_the_header_with_no_saved_value_is_named_before_the_blank_name(cli, tmp_path):
    rows = _flat_rows()
    rows[0][1] = "=UPPER(\"Child Name\")"  # B1
    book = _book(tmp_path / "reviews.xlsx", {"Reviews": rows})
    result = cli("import", "extract", book, "--map", "one-row-per-review", ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"Error: reviews.xlsx Reviews!B1: {UNSAVED}"]


def _saved_by_excel(book: Path, cells: dict[str, tuple[str, str]]) -> None:
    """Rewrite the first sheet's formula cells as Excel saves them: {"E2": (' t="str"' or "", saved value)}.
    openpyxl writes <c r="E2"><f>…</f><v /></c> (no value); Excel writes the value it calculated."""
    import zipfile

    with zipfile.ZipFile(book) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    for ref, (kind, value) in cells.items():
        xml, n = re.subn(rf'<c r="{ref}"><f>(.*?)</f><v ?/>', rf'<c r="{ref}"{kind}><f>\1</f><v>{value}</v>', xml)
        assert n == 1, ref
    parts["xl/worksheets/sheet1.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(book, "w") as archive:
        for n, data in parts.items():
            archive.writestr(n, data)


def test_formulas_with_saved_values_read_as_their_values(cli, tmp_path):
    from irocli.importers._common import read_workbook

    rows = _flat_rows()
    assert rows[1][:5] == ["2001", "Amir Shah", "04/09/2012", "03/03/2025", "31/03/2025"]
    rows[1][4] = "=DATE(2025,3,31)"  # E2: Excel saved 45747 (2025-03-31 is 31 + 28 + 30 = 89 days after 45658)
    rows[1][6] = '=IF(TRUE,"","PN1")'  # G2, Participation: Excel saved empty text (t="str", an empty value)
    book = _book(tmp_path / "reviews.xlsx", {"Reviews": rows})
    _saved_by_excel(book, {"E2": ("", "45747"), "G2": (' t="str"', "")})

    sheet = read_workbook(book)[0]
    assert sheet.rows[0] == (2, ["2001", "Amir Shah", "04/09/2012", "03/03/2025", "45747", "30/06/2025", "",
                                 "A. Khan", "North"])
    cli.json("import", "extract", book, "--map", "one-row-per-review")
    # as the CSV file: 2001's reviews of 31/03/2025, 2025-06-27 and 22/12/2025
    assert [d for k, d in cli.events("2001") if k == "review-held"] == ["2025-03-31", "2025-06-27", "2025-12-22"]


# -- --sheet: only for workbooks, repeatable ----------------------------------------------------------------


def test_sheet_with_no_workbook_among_the_files_is_refused(cli, tmp_path):
    before = cli.digest()
    result = cli("import", "extract", FLAT, "--map", "one-row-per-review", "--sheet", "Reviews", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: --sheet is for .xlsx workbooks; none of the files given is one"]
    assert cli.digest() == before


def test_encoding_with_only_workbooks_is_refused(cli, tmp_path):
    book = _book(tmp_path / "reviews.xlsx", {"Reviews": _flat_rows()})
    result = cli("import", "extract", book, "--map", "one-row-per-review", "--encoding", "cp1252", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: --encoding is for CSV files; none of the files given is one (a workbook needs none)"]


COVER = [["Children looked after: extract for the IRO service"], ["Run on 2026-01-20 by the data team"],
         ["Sheets: Person, Episodes, Reviews, Involvements, Professionals"]]


def test_a_cover_sheet_is_left_out_by_giving_sheet_once_for_each_data_sheet(cli, tmp_path):
    book = _ssd_book(tmp_path / "ssd.xlsx", extra={"Cover": COVER})
    edit = openpyxl.load_workbook(book)
    edit.move_sheet("Cover", offset=-len(SHEETS))  # the first sheet, as a cover is
    edit.save(book)
    assert openpyxl.load_workbook(book, read_only=True).sheetnames[0] == "Cover"
    before = cli.digest()
    result = cli("import", "extract", book, "--map", "ssd", ok=False)
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ssd.xlsx Cover row 1: the header matches no table of map ssd (nearest is ")
    assert line.endswith(f"); {COVER_ADVICE}")
    assert cli.digest() == before

    chosen = [a for name in SHEETS for a in ("--sheet", name)]
    result = cli.json("import", "extract", book, "--map", "ssd", *chosen)
    assert sorted(f["file"] for f in result["files"]) == [
        "ssd.xlsx Episodes", "ssd.xlsx Involvements", "ssd.xlsx Person", "ssd.xlsx Professionals", "ssd.xlsx Reviews"]
    # as the SSD workbook without its cover (test_an_ssd_workbook_stores_what_its_csv_files_store)
    assert result["children"] == {"added": 5, "updated": 0, "unchanged": 0}
    assert result["events"]["added"] == 40


def test_a_repeated_sheet_reads_every_sheet_given_not_the_last(cli, tmp_path):
    book = _book(tmp_path / "reviews.xlsx", {"Notes": NOTES, "Reviews": _flat_rows()})
    result = cli("import", "extract", book, "--map", "one-row-per-review", "--sheet", "Reviews", "--sheet", "Notes",
                 ok=False)  # Notes is read too, so refused as no table's
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: reviews.xlsx Notes row 1: the header matches no table of map one-row-per-review (nearest is "
        "reviews: missing Person ID, CLA Start Date, Review Date)"]  # chosen by --sheet: no advice to choose
    result = cli("import", "extract", book, "--map", "one-row-per-review", "--sheet", "Reviews", "--sheet", "Cover",
                 ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: reviews.xlsx: no sheet 'Cover' (its sheets: Notes, Reviews)"]


def test_sheets_given_for_several_workbooks_are_each_found_in_one(cli, tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    whole = _ssd_book(tmp_path / "ssd.xlsx", extra={"Cover": COVER})
    for book_name, kept in (("people.xlsx", {"Person", "Professionals", "Involvements", "Cover"}),
                            ("care.xlsx", {"Episodes", "Reviews", "Cover"})):
        edit = openpyxl.load_workbook(whole)
        for name in edit.sheetnames:
            if name not in kept:
                edit.remove(edit[name])
        edit.save(folder / book_name)
    chosen = [a for name in SHEETS for a in ("--sheet", name)]
    result = cli.json("import", "extract", folder, "--map", "ssd", *chosen, "--dry-run")
    assert sorted(f["file"] for f in result["files"]) == [
        "care.xlsx Episodes", "care.xlsx Reviews", "people.xlsx Involvements", "people.xlsx Person",
        "people.xlsx Professionals"]
    assert result["events"]["added"] == 40
    result = cli("import", "extract", folder, "--map", "ssd", *chosen, "--sheet", "Visits", ok=False)
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: --sheet: no workbook given has a sheet 'Visits'"]
    result = cli("import", "extract", folder / "care.xlsx", folder / "people.xlsx", "--map", "ssd", "--sheet", "Person",
                 ok=False)  # care.xlsx has none of the sheets given
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        "Error: care.xlsx: no sheet 'Person' (its sheets: Episodes, Reviews, Cover)"]


def test_a_workbook_is_read_twice_only_when_it_has_formulas(tmp_path):
    from irocli.importers._common import _has_formulas

    rows = _flat_rows()
    rows[1][1] = "<f>Amir</f>"  # text, written escaped (&lt;f&gt;): no formula
    assert not _has_formulas(_book(tmp_path / "plain.xlsx", {"Notes": NOTES, "Reviews": rows}))
    rows[1][4] = "=DATE(2025,3,31)"
    assert _has_formulas(_book(tmp_path / "formula.xlsx", {"Notes": NOTES, "Reviews": rows}))
