"""`irocli import ssda903`: the DfE return's CSV files and XML form, all-or-nothing and idempotent."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from importer_support import SHARED_903, Cli

# -- the shared sample (1,223 children) ----------------------------------------------------------


def test_the_shared_sample_imports_in_one_run_then_adds_nothing_and_due_shows_its_reviews(cli):
    first = cli.json("import", "ssda903", SHARED_903)
    assert first["children"] == {"added": 1223, "updated": 0, "unchanged": 0}
    assert first["events"]["added"] > 3000 and first["skipped"] == []
    assert {f["table"] for f in first["files"] if f["used"]} == {"Header", "Episodes", "Reviews", "Missing"}

    second = cli.json("import", "ssda903", SHARED_903)
    assert second["children"]["added"] == 0 and second["events"]["added"] == 0
    assert second["events"]["updated"] == 0 and second["events"]["unchanged"] == first["events"]["added"]

    with (SHARED_903 / "header.csv").open(encoding="utf-8-sig") as fh:
        ids = {row["CHILD"] for row in csv.DictReader(fh)}
    with (SHARED_903 / "episodes.csv").open(encoding="utf-8-sig") as fh:
        episodes: dict[str, list[dict]] = {}
        for row in csv.DictReader(fh):
            episodes.setdefault(row["CHILD"], []).append(row)
    short_breaks = {child for child, eps in episodes.items() if {e["LS"] for e in eps} <= {"V3", "V4"}}
    assert len(short_breaks) == 157
    # still looked after at the end of the year: the latest non-short-break episode has no end date
    in_care = set()
    for child, eps in episodes.items():
        care = sorted((e for e in eps if e["LS"] not in ("V3", "V4")), key=lambda e: e["DECOM"].split("/")[::-1])
        if care and not care[-1]["DEC"]:
            in_care.add(child)

    due = json.loads(cli("due", "--as-of", "2024-03-31", "--within", "3650", "--format", "json").stdout)
    reviewed = {row["child_id"] for row in due if row["obligation"].startswith("review.")}
    assert reviewed <= ids and len(reviewed) >= 700
    # the sample's episodes overlap at random, so a few children's timelines are contradictory
    assert len(in_care & reviewed) >= 0.98 * len(in_care)
    # short breaks only (REG reg 48): shown as such, their reviews not judged from a return that never
    # holds them (DfE rule 399): due at the latest 6 months after the window closed
    breaks = {r["child_id"]: (r["obligation"], r["due"]) for r in due if r["child_id"] in short_breaks
              and r["obligation"].startswith("review.")}
    with (SHARED_903 / "header.csv").open(encoding="utf-8-sig") as fh:
        adult = {row["CHILD"] for row in csv.DictReader(fh)  # 18 by then: nothing is due (RULES §6)
                 if dt.datetime.strptime(row["DOB"], "%d/%m/%Y").date() <= dt.date(2006, 9, 30)}
    assert set(breaks) == short_breaks - adult and len(breaks) > 100
    assert set(breaks.values()) == {("review.short-breaks-next", "2024-09-30")}
    # at most one open review per child (CONTRACT)
    assert len([r for r in due if r["obligation"].startswith("review.")]) == len(reviewed)


# -- the small made-up return: what each row becomes -------------------------------------------------


WINDOW_MARKS = ("history-known-from", "tracking-started")


def care_events(cli, child_id: str) -> list[tuple[str, str]]:
    """A child's events less the marks of the return's window."""
    return [e for e in cli.events(child_id) if e[0] not in WINDOW_MARKS]


def test_each_episode_and_review_becomes_the_right_event(cli, files903):
    result = cli.json("import", "ssda903", files903)
    assert result["children"]["added"] == 12
    assert any("short-break-only" in note for note in result["notes"])
    # the collection year 2025-26, read from the files: one window (RULES §6)
    assert any("collection year 2025-26 (2025-04-01 to 2026-03-31)" in note for note in result["notes"])
    assert cli.events("900001") == [
        ("history-known-from", "2025-04-01"), ("entered-care", "2025-04-07"), ("review-held", "2025-05-02"),
        ("placement-change", "2025-06-02"), ("review-held", "2025-08-01"), ("review-held", "2026-01-30"),
        ("tracking-started", "2026-03-31"),
    ]
    # a period of care already running: entered-care at its earliest known episode, said so in the note
    assert cli.events("900002")[0] == ("entered-care", "2023-09-18")
    [(note,)] = cli.rows("SELECT note FROM event WHERE child_id = '900002' AND kind = 'entered-care'")
    assert "RNE L" in note
    # short breaks only (V3): a series under REG reg 48 that began on or before its first short break in
    # the return, whose reviews the return never holds: history unknown to the day after the window
    assert cli.events("900003") == [("short-breaks-started", "2025-05-05"), ("tracking-started", "2026-03-31"),
                                    ("history-known-from", "2026-04-01")]
    assert care_events(cli, "900004") == [
        ("entered-care", "2024-04-16"), ("review-held", "2024-05-13"), ("review-held", "2024-08-12"),
        ("placement-order", "2025-02-10"), ("placement-change", "2025-04-14"),
        ("placed-for-adoption", "2025-04-14"), ("review-held", "2025-05-12"), ("review-held", "2025-08-11"),
        ("adoption-order", "2026-01-20"),
    ]
    assert care_events(cli, "900008") == [
        ("entered-care", "2025-04-14"), ("review-held", "2025-05-12"), ("left-care", "2025-07-21"),
        ("entered-care", "2026-01-12"), ("review-held", "2026-02-09"),
    ]
    assert care_events(cli, "900010")[:2] == [("entered-care", "2025-07-01"), ("review-held", "2025-07-29")]
    assert ("placement-change", "2025-12-15") not in cli.events("900010")  # RNE L: legal status only
    assert care_events(cli, "900012")[0] == ("entered-care", "2025-06-06")  # care after a short break
    # children are named by their id (the return holds no names); SEX M/F/U and 1/2 both accepted
    assert cli.rows("SELECT id, name, dob FROM child WHERE id IN ('900005', '900009')") == [
        ("900005", "900005", "2010-11-30"), ("900009", "900009", "2013-03-03")]
    assert cli.rows("SELECT details FROM event WHERE child_id = '900001' AND date = '2026-01-30' "
                    "AND kind = 'review-held'") == [
        ('{"participation": "PN5"}',)]
    keys = [k for (k,) in cli.rows("SELECT source_key FROM event WHERE child_id = '900004' ORDER BY id")]
    assert "903:episodes:900004:2025-04-14:P" in keys and "903:episodes:900004:2025-04-14:P:A" in keys
    assert "903:reviews:900004:2025-05-12" in keys and "903:tracking:900004:2026" in keys
    assert "903:window:900004:2026" in keys
    # one tracking-started per child of the return, at the window's end: a return records no tasks
    assert cli.rows("SELECT DISTINCT date FROM event WHERE kind = 'tracking-started'") == [("2026-03-31",)]
    assert cli.rows("SELECT COUNT(*) FROM event WHERE kind = 'tracking-started'") == [(12,)]


def test_the_due_list_shows_the_imported_children(cli, files903):
    cli("import", "ssda903", files903)
    due = json.loads(cli("due", "--as-of", "2026-03-31", "--within", "200", "--format", "json").stdout)
    reviews = {r["child_id"]: r["obligation"] for r in due if r["obligation"].startswith("review.")}
    assert reviews["900006"] == "review.first"  # entered care 2026-02-16, no review yet
    assert "900004" not in reviews and "900005" not in reviews
    assert reviews["900003"] == "review.short-breaks-next"  # short breaks only: shown as such


def test_a_child_already_stored_keeps_its_name(cli, files903):
    cli("child", "add", "900001", "--name", "Sam Jones", "--dob", "2012-03-14")
    cli("import", "ssda903", files903)
    assert cli.rows("SELECT name FROM child WHERE id = '900001'") == [("Sam Jones",)]


def test_the_xml_form_gives_the_same_events_as_the_csv_files(cli, files903, tmp_path):
    cli("import", "ssda903", files903)
    xml = tmp_path / "ssda903.xml"
    xml.write_text(to_xml(files903), encoding="utf-8")
    other = Cli(tmp_path / "xml.db")
    other("init")
    result = other.json("import", "ssda903", xml)
    assert result["children"]["added"] == 12
    query = "SELECT child_id, kind, date, source_key, note, details FROM event ORDER BY source_key"
    assert other.rows(query) == cli.rows(query)
    assert other.rows("SELECT id, name, dob FROM child ORDER BY id") == cli.rows(
        "SELECT id, name, dob FROM child ORDER BY id")


def to_xml(folder: Path) -> str:
    """The DfE XML form of a 903 CSV set: <CHILD><HEADER>…<AREVIEW/>…</HEADER><EPISODE/>…</CHILD>."""
    def rows(name):
        with (folder / name).open(encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    def leaves(row, skip=("CHILD", "DOB")):
        return "".join(f"<{'PL' if k == 'PLACE' else k}>{escape(v)}</{'PL' if k == 'PLACE' else k}>"
                       for k, v in row.items() if k not in skip)

    episodes, reviews = rows("episodes.csv"), rows("reviews.csv")
    out = ["<?xml version='1.0' encoding='utf-8'?>", "<EXPSSDA903>"]
    for head in rows("header.csv"):
        child = head["CHILD"]
        out.append(f"<CHILD><HEADER><CHILDID>{child}</CHILDID><DOB>{head['DOB']}</DOB>{leaves(head)}")
        for review in (r for r in reviews if r["CHILD"] == child):
            out.append(f"<AREVIEW>{leaves(review)}</AREVIEW>")
        out.append("</HEADER>")
        for episode in (e for e in episodes if e["CHILD"] == child):
            out.append(f"<EPISODE>{leaves(episode, skip=('CHILD',))}</EPISODE>")
        out.append("</CHILD>")
    out.append("</EXPSSDA903>")
    return "\n".join(out) + "\n"


# -- all-or-nothing, idempotent, dry run ----------------------------------------------------------


def test_a_dry_run_writes_nothing_and_says_what_would_change(cli, files903):
    before = cli.digest()
    result = cli("import", "ssda903", files903, "--dry-run")
    assert cli.digest() == before
    assert "Children: 12 would be added" in result.stderr and "Dry run: nothing was written." in result.stderr
    assert cli.rows("SELECT COUNT(*) FROM event") == [(0,)]
    cli("import", "ssda903", files903)
    (files903 / "reviews.csv").write_text((files903 / "reviews.csv").read_text() + "900006,08/05/2016,09/03/2026,PN1\n")
    before = cli.digest()
    data = cli.json("import", "ssda903", files903, "--dry-run")
    # the new review; tracking-started stays at the window's end
    assert data["dry_run"] is True and data["events"] == {"added": 1, "updated": 0, "unchanged": 68}
    assert cli.digest() == before


def test_a_dry_run_with_no_store_yet_is_refused_and_creates_none(files903, tmp_path):
    """Only init creates a store (CONTRACT): a dry run against a mistyped path says so."""
    fresh = Cli(tmp_path / "none" / "store.db")
    result = fresh("import", "ssda903", files903, "--dry-run", ok=False)
    assert result.exit_code == 3
    assert result.stderr == (f"Error: no irocli store at {tmp_path / 'none' / 'store.db'} (no such file): "
                             "create one with `irocli init`\n")
    assert not (tmp_path / "none").exists()


def test_a_dry_run_reads_an_initialised_store_and_writes_nothing(cli, files903):
    cli("init")
    before = cli.digest()
    result = cli.json("import", "ssda903", files903, "--dry-run")
    assert result["children"]["added"] == 12
    assert cli.digest() == before


def test_a_changed_row_updates_its_event_and_never_duplicates(cli, files903):
    cli("import", "ssda903", files903)
    count = cli.rows("SELECT COUNT(*) FROM event WHERE voided_at IS NULL")
    episodes = files903 / "episodes.csv"
    episodes.write_text(episodes.read_text().replace("900005,02/06/2025,S,V2,N4,U4,PR1,29/09/2025,E4A",
                                                     "900005,02/06/2025,S,V2,N4,U4,PR1,30/09/2025,E4B"))
    reviews = files903 / "reviews.csv"
    reviews.write_text(reviews.read_text().replace("900005,30/11/2010,30/06/2025,PN1",
                                                   "900005,30/11/2010,30/06/2025,PN7"))
    result = cli.json("import", "ssda903", files903)
    # left-care and the review's participation
    assert result["events"] == {"added": 0, "updated": 2, "unchanged": 66}
    assert cli.rows("SELECT COUNT(*) FROM event WHERE voided_at IS NULL") == count
    # each replaced event stays, voided, and its replacement amends it (issue 18: the import can be undone)
    assert cli.rows("SELECT void_reason FROM event WHERE voided_at IS NOT NULL") == [
        ("replaced by import batch 2 (new values)",)] * 2
    assert ("left-care", "2025-09-30") in cli.events("900005")
    assert ("tracking-started", "2026-03-31") in cli.events("900005")
    assert cli.rows("SELECT details FROM event WHERE child_id = '900005' AND kind = 'review-held' "
                    "AND voided_at IS NULL") == [('{"participation": "PN7"}',)]


def test_a_later_return_continues_the_period_of_care_already_stored(cli, tmp_path):
    last_year = tmp_path / "2024"
    write903(last_year, header="500001,1,01/01/2012,WBRI,UN2,,\n",
             episodes="500001,05/01/2024,S,C1,N1,U4,PR1,26/02/2024,X1,CARPL,,,\n"
                      "500001,26/02/2024,P,C1,N1,U5,PR1,,,,,,\n")
    this_year = tmp_path / "2025"  # the episode open on 1 April, and one move since
    write903(this_year, header="500001,1,01/01/2012,WBRI,UN2,,\n",
             episodes="500001,26/02/2024,P,C1,N1,U5,PR1,10/06/2024,X1,CARPL,,,\n"
                      "500001,10/06/2024,T,C1,N1,U6,PR1,,,,,,\n")
    cli("import", "ssda903", last_year)
    cli("import", "ssda903", this_year)
    # two windows chain into one history: known from the earlier one's start; tasks tracked from the later end
    assert cli.events("500001") == [
        ("history-known-from", "2023-04-01"), ("entered-care", "2024-01-05"), ("placement-change", "2024-02-26"),
        ("tracking-started", "2024-03-31"), ("history-known-from", "2024-04-01"), ("placement-change", "2024-06-10"),
        ("tracking-started", "2025-03-31")]
    again = cli.json("import", "ssda903", this_year)
    assert again["events"]["added"] == 0 and again["events"]["updated"] == 0


def test_imported_history_raises_its_overdue_review_but_no_task_before_tracking_starts(cli, tmp_path):
    # entered care 2025-01-06, reviewed 2025-02-03 and 2025-05-01, nothing since: a year on, the review
    # due 2025-11-01 is overdue; the tasks and milestones of that history were never recorded here
    write903(tmp_path / "903", header="600001,1,01/01/2012,WBRI,UN2,,\n",
             episodes="600001,06/01/2025,S,C2,N1,U4,PR1,,,,,,\n",
             reviews="600001,01/01/2012,03/02/2025,PN1\n600001,01/01/2012,01/05/2025,PN1\n")
    cli("import", "ssda903", tmp_path / "903", "--as-of", "2026-05-01")
    assert cli.events("600001")[-1] == ("tracking-started", "2026-03-31")  # the end of the year 2025-26

    def overdue() -> list[dict]:
        return json.loads(cli("overdue", "--as-of", "2026-05-01", "--format", "json").stdout)

    rows = overdue()
    [review] = [r for r in rows if r["obligation"].startswith("review.")]
    assert (review["child_id"], review["obligation"], review["due"], review["status"], review["anchor"]) == (
        "600001", "review.subsequent", "2025-11-01", "overdue", {"kind": "review-held", "date": "2025-05-01"})
    tasks = [r for r in rows if r["obligation"].startswith(("task.", "ms."))]
    assert [r for r in tasks if r["anchor"]["date"] < "2025-05-01"] == []
    # without tracking-started, the first review's tasks and the care plan would be overdue too
    assert not {r["obligation"] for r in tasks} & {"ms.care-plan", "ms.iro-before-first-review"}

    # from the tracking date on, irocli tracks tasks as events are recorded by hand
    cli("event", "add", "600001", "review-held", "2026-04-13")
    after = [r for r in overdue() if r["anchor"]["date"] > "2025-05-01"]
    decisions = [r for r in after if r["obligation"] == "task.decisions"]
    # 5 working days on: 14-17 and 20 April 2026 (Easter Monday was 6 April)
    assert [(r["due"], r["status"], r["anchor"]) for r in decisions] == [
        ("2026-04-20", "overdue", {"kind": "review-held", "date": "2026-04-13"})]


def write903(folder: Path, *, header: str = "", episodes: str | None = None, reviews: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + header)
    if episodes is not None:
        (folder / "episodes.csv").write_text("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,"
                                             "REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n" + episodes)
    if reviews is not None:
        (folder / "reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n" + reviews)
    return folder


# -- bad input: one line, file/row/column, nothing written ------------------------------------------


def _edit(name: str, old: str, new: str):
    def apply(folder: Path) -> list[Path]:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return [folder]
    return apply


def _append(name: str, line: str):
    def apply(folder: Path) -> list[Path]:
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")
        return [folder]
    return apply


def _utf16(folder: Path) -> list[Path]:
    path = folder / "header.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return [folder]


def _header_only_alone(folder: Path) -> list[Path]:
    return [folder / "oc3.csv"]


def _empty(folder: Path) -> list[Path]:
    (folder / "empty.csv").write_bytes(b"")
    return [folder]


def _no_table(folder: Path) -> list[Path]:
    (folder / "extra.csv").write_text("CHILD,DOB,FAVOURITE_COLOUR\n900001,14/03/2012,blue\n")
    return [folder]


def _no_header_row(folder: Path) -> list[Path]:
    path = folder / "reviews.csv"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[1:]))
    return [folder]


def _append_file(name: str, copy_of: str):
    def apply(folder: Path) -> list[Path]:
        (folder / name).write_text((folder / copy_of).read_text())
        return [folder]
    return apply


BROKEN = [
    ("2-digit year", _edit("header.csv", "900001,1,14/03/2012", "900001,1,14/03/12"),
     "header.csv row 2, field DOB: a 2-digit year (expected dd/mm/YYYY)"),
    ("2-digit year in DEC", _edit("episodes.csv", "02/06/2025,X1,CARPL", "02/06/25,X1,CARPL"),
     "episodes.csv row 2, field DEC: a 2-digit year"),
    ("UTF-16", _utf16, "header.csv: not UTF-8 text: it looks like UTF-16"),
    ("header-only file given alone", _header_only_alone, "oc3.csv: has a header row but no data rows"),
    ("empty file", _empty, "empty.csv: the file is empty: no header row"),
    ("unknown code", _edit("episodes.csv", "900002,18/09/2023,L,", "900002,18/09/2023,Q,"),
     "episodes.csv row 4, field RNE: unknown code 'Q' (expected S, L, P, T, B or U)"),
    ("unknown legal status", _edit("episodes.csv", "900006,16/02/2026,S,C1", "900006,16/02/2026,S,C9"),
     "episodes.csv row 12, field LS: unknown code 'C9'"),
    ("unknown review code", _edit("reviews.csv", "02/05/2025,PN1", "02/05/2025,PN9"),
     "reviews.csv row 2, field REVIEW_CODE: unknown code 'PN9' (expected PN0, PN1"),
    ("unknown sex", _edit("header.csv", "900002,2,", "900002,X,"), "header.csv row 3, field SEX: unknown code 'X'"),
    ("duplicate child", _append("header.csv", "900003,1,21/06/2014,WBRI,UN2,,\n"),
     "header.csv row 14, field CHILD: child 900003 appears twice (first at row 4)"),
    ("duplicate episode", _append("episodes.csv", "900001,07/04/2025,S,C1,N1,U4,PR1,,,,,,\n"),
     "episodes.csv row 24, field DECOM: a second episode of child 900001 with this DECOM and RNE S (first at row 2)"),
    ("orphan review", _append("reviews.csv", "999999,01/01/2012,01/12/2025,PN1\n"),
     "reviews.csv row 23, field CHILD: unknown child 999999 (not in the Header file or the store)"),
    ("episode of an unknown child", _append("episodes.csv", "999998,01/12/2025,S,C1,N1,U4,PR1,,,,,,\n"),
     "episodes.csv row 24, field CHILD: unknown child 999998"),
    ("blank required date", _edit("episodes.csv", "900006,16/02/2026,", "900006,,"),
     "episodes.csv row 12, field DECOM: is blank (expected a date, dd/mm/YYYY)"),
    ("blank review date", _edit("reviews.csv", "900002,02/09/2009,12/05/2025,PN2", "900002,02/09/2009,,PN2"),
     "reviews.csv row 5, field REVIEW: is blank"),
    ("not a date", _edit("header.csv", "900004,2,11/01/2023", "900004,2,2023-01-11"),
     "header.csv row 5, field DOB: not a date (expected dd/mm/YYYY)"),
    ("not a real date", _edit("header.csv", "900004,2,11/01/2023", "900004,2,31/02/2023"),
     "header.csv row 5, field DOB: not a real date"),
    ("a date after the as-of date", _edit("reviews.csv", "30/01/2026,PN5", "30/01/2099,PN5"),
     "reviews.csv row 4, field REVIEW: a date after the as-of date"),
    ("DEC before DECOM", _edit("episodes.csv", "900005,02/06/2025,S,V2,N4,U4,PR1,29/09/2025",
                                "900005,02/06/2025,S,V2,N4,U4,PR1,29/05/2025"),
     "episodes.csv row 11, field DEC: before DECOM"),
    ("ended with no reason", _edit("episodes.csv", "29/09/2025,E4A", "29/09/2025,"),
     "episodes.csv row 11, field REC: is blank but DEC is given"),
    ("header matching no table", _no_table, "extra.csv row 1: the header matches no SSDA903 table"),
    ("header row missing", _no_header_row, "reviews.csv row 1: the header matches no SSDA903 table (is the header "
                                           "row missing?)"),
    ("too many fields", _append("reviews.csv", "900001,14/03/2012,01/12/2025,PN1,extra\n"),
     "reviews.csv row 23: 5 fields, but the header has 4 columns"),
    ("two Episodes files", _append_file("more.csv", "episodes.csv"), "a second Episodes file"),
]



@pytest.mark.parametrize("case, breaker, message", BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_file_is_one_line_exit_2_and_nothing_written(cli, files903, case, breaker, message):
    cli("init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    before = cli.digest()
    result = cli("import", "ssda903", *breaker(files903), "--as-of", "2026-11-23", ok=False)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr + result.stdout and result.stdout == ""
    for personal in ("14/03/12", "2023-01-11", "31/02/2023", "blue", "30/01/2099", "29/05/2025"):
        assert personal not in result.stderr  # dates and free text are never echoed
    assert cli.digest() == before


def test_a_utf8_bom_as_excel_writes_it_is_fine(cli, files903):
    for name in ("header.csv", "episodes.csv", "reviews.csv"):
        path = files903 / name
        path.write_text("\ufeff" + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli.json("import", "ssda903", files903)
    # 43 + 1 short-breaks-started + 12 history-known-from + 12 tracking-started
    assert result["children"]["added"] == 12 and result["events"]["added"] == 68


def test_crlf_line_ends_blank_trailing_rows_and_spaces_are_fine(cli, files903):
    path = files903 / "reviews.csv"
    text = path.read_text().replace(",PN1\n", ", pn1 \n").replace("\n", "\r\n") + ",,,\r\n\r\n"
    path.write_text(text, newline="")
    result = cli.json("import", "ssda903", files903)
    assert result["events"]["added"] == 68  # 43 + 1 short-breaks-started + 12 + 12 window marks


def test_skip_bad_rows_loads_the_rest_and_lists_every_row_left_out(cli, files903):
    _edit("header.csv", "900005,M,30/11/2010", "900005,M,30/11/10")(files903)
    _edit("reviews.csv", "02/05/2025,PN1", "02/05/2025,PN9")(files903)
    result = cli("import", "ssda903", files903, "--skip-bad-rows")
    skipped = [line for line in result.stderr.splitlines() if line.startswith("Skipped: ")]
    assert skipped == [
        "Skipped: header.csv row 6, field DOB: a 2-digit year (expected dd/mm/YYYY)",
        "Skipped: episodes.csv row 11, field CHILD: unknown child 900005 (not in the Header file or the store)",
        "Skipped: reviews.csv row 2, field REVIEW_CODE: unknown code 'PN9' (expected PN0, PN1, PN2, PN3, PN4, "
        "PN5, PN6 or PN7)",
        "Skipped: reviews.csv row 11, field CHILD: unknown child 900005 (not in the Header file or the store): "
        "a review needs its child",
    ]
    assert "Skipped rows: 4" in result.stderr
    assert cli.rows("SELECT COUNT(*) FROM child") == [(11,)]
    data = cli.json("import", "ssda903", files903, "--skip-bad-rows")
    assert data["skipped"][0] == {"file": "header.csv", "row": 6, "field": "DOB",
                                  "reason": "a 2-digit year (expected dd/mm/YYYY)"}
    assert data["events"]["added"] == 0


def test_json_summary_goes_to_stdout_and_nothing_else(cli, files903):
    result = cli("import", "ssda903", files903, "--format", "json")
    data = json.loads(result.stdout)
    assert set(data) == {"dry_run", "files", "children", "events", "skipped", "notes", "batch", "held"}
    assert data["batch"] == 1  # the store's first import batch (issue 18)
    assert {"file": "uasc.csv", "table": "UASC", "rows": 1, "used": False} in data["files"]
    assert result.stderr == ""


def test_the_import_batch_records_the_files_and_the_options_that_shaped_it(cli, files903):
    cli("import", "ssda903", files903, "--year", "2026", "--as-of", "2026-06-30")
    [batch] = cli.json("import", "history")
    assert batch["options_detail"] == {"as_of": "2026-06-30", "year": 2026, "rows_skipped": 0}
    names = sorted(f["name"] for f in batch["files_detail"])
    assert names == sorted(p.name for p in files903.iterdir() if p.suffix == ".csv")
    assert all(len(f["sha256"]) == 64 for f in batch["files_detail"])


# -- one return is one window (RULES §6) -----------------------------------------------------------


def _eighteenth(dob: str) -> str:
    day = dt.datetime.strptime(dob, "%d/%m/%Y").date()
    return (day.replace(year=day.year + 18) if (day.month, day.day) != (2, 29)
            else dt.date(day.year + 18, 2, 28)).isoformat()


def test_the_shared_return_is_judged_only_inside_its_window_and_before_each_18th_birthday(cli):
    cli("import", "ssda903", SHARED_903)
    rows = json.loads(cli("overdue", "--as-of", "2024-04-30", "--format", "json").stdout)
    with (SHARED_903 / "header.csv").open(encoding="utf-8-sig") as fh:
        eighteen = {row["CHILD"]: _eighteenth(row["DOB"]) for row in csv.DictReader(fh)}
    with (SHARED_903 / "reviews.csv").open(encoding="utf-8-sig") as fh:
        reviewed = {row["CHILD"] for row in csv.DictReader(fh)}
    assert rows, "the sample has real overdue reviews"
    assert min(r["due"] for r in rows) >= "2023-04-01"  # the collection year 2023-24 began then
    assert [r for r in rows if r["due"] >= eighteen[r["child_id"]]] == []
    assert [r for r in rows if r["obligation"] == "ms.iro-before-first-review" and r["child_id"] in reviewed] == []
    # tasks are judged only from the end of the window (the return records none)
    assert [r for r in rows if r["obligation"].startswith(("task.", "ms.")) and r["due"] <= "2024-03-31"] == []


def test_a_child_in_care_since_2008_reviewed_twice_in_the_year_is_due_six_months_on(cli, tmp_path):
    write903(tmp_path / "903", header="700001,1,01/01/2007,WBRI,UN2,,\n",
             episodes="700001,02/06/2008,S,C2,N1,U4,PR1,,,,,,\n",
             reviews="700001,01/01/2007,14/04/2023,PN1\n700001,01/01/2007,12/10/2023,PN1\n")
    result = cli.json("import", "ssda903", tmp_path / "903")
    assert any("collection year 2023-24 (2023-04-01 to 2024-03-31)" in note for note in result["notes"])
    [review] = [r for r in json.loads(cli("overdue", "--as-of", "2024-04-30", "--format", "json").stdout)
                if r["obligation"].startswith("review.")]
    assert (review["obligation"], review["due"]) == ("review.subsequent", "2024-04-12")  # 12 Oct + 6 months


def test_no_review_in_the_window_is_due_six_months_after_the_day_before_it(cli, tmp_path):
    # care began on or before 2022-02-01 (RNE L): whatever was held before 1 April 2023, the next review
    # was due by 2023-03-31 + 6 months = 2023-09-30 at the latest
    write903(tmp_path / "903", header="700002,1,01/01/2009,WBRI,UN2,,\n",
             episodes="700002,01/02/2022,L,C2,N1,U4,PR1,,,,,,\n", reviews="")
    cli("import", "ssda903", tmp_path / "903", "--year", "2024")
    [review] = [r for r in json.loads(cli("overdue", "--as-of", "2024-04-30", "--format", "json").stdout)
                if r["obligation"].startswith("review.")]
    assert (review["obligation"], review["due"], review["anchor"]) == (
        "review.subsequent", "2023-09-30", {"kind": "history-known-from", "date": "2023-03-31"})
    explained = cli("explain", "700002", "--as-of", "2024-04-30").stdout
    assert "history before 2023-04-01 is unknown" in explained


def test_x1_followed_only_by_short_breaks_ends_full_time_care(cli, tmp_path):
    write903(tmp_path / "903", header="700003,1,01/01/2012,WBRI,UN2,,\n",
             episodes="700003,10/05/2023,S,C2,N1,U4,PR1,01/09/2023,X1,CARPL,,,\n"
                      "700003,01/09/2023,P,V3,N1,U4,PR1,03/09/2023,E13,,,,\n"
                      "700003,10/11/2023,S,V3,N1,U4,PR1,12/11/2023,E13,,,,\n")
    result = cli.json("import", "ssda903", tmp_path / "903")
    assert any("end X1 followed only by short breaks" in note for note in result["notes"])
    assert ("left-care", "2023-09-01") in cli.events("700003")
    rows = json.loads(cli("overdue", "--as-of", "2024-04-30", "--format", "json").stdout)
    assert [r for r in rows if r["child_id"] == "700003"] == []  # not "in care", no review overdue


def test_year_inferred_from_the_latest_date_and_given_by_year_agree(cli, tmp_path):
    files = write903(tmp_path / "903", header="700004,1,01/01/2012,WBRI,UN2,,\n",
                     episodes="700004,10/05/2023,S,C2,N1,U4,PR1,,,,,,\n", reviews="700004,01/01/2012,06/06/2023,PN1\n")
    dry = cli.json("import", "ssda903", files, "--dry-run")
    given = cli.json("import", "ssda903", files, "--year", "2024", "--dry-run")
    assert dry["notes"] == given["notes"]
    bad = cli("import", "ssda903", files, "--year", "1999", ok=False)
    assert (bad.exit_code, bad.stderr) == (2, "Error: --year must be a year from 2000 to 2100 (got '1999')\n")


def test_the_missing_table_gives_a_missing_episode_dated_the_return(cli):
    # the shared sample's missing.csv, 11 rows: 5 of MISSING = M, each ended (MIS_END given):
    #   67113 27/01/2024-28/02/2024, 72621 01/12/2023-14/01/2024, 202704 06/05/2023-24/05/2023,
    #   631612 06/01/2024-08/02/2024, 850139 17/12/2023-31/01/2024; the 6 of A (away) make none
    cli("import", "ssda903", SHARED_903)
    assert cli.rows("SELECT child_id, date, source_key FROM event WHERE kind = 'missing-episode' "
                    "ORDER BY child_id") == [
        ("202704", "2023-05-24", "903:missing:202704:2023-05-06"),
        ("631612", "2024-02-08", "903:missing:631612:2024-01-06"),
        ("67113", "2024-02-28", "903:missing:67113:2024-01-27"),
        ("72621", "2024-01-14", "903:missing:72621:2023-12-01"),
        ("850139", "2024-01-31", "903:missing:850139:2023-12-17"),
    ]
    # OC2 gives health indicators with no dates: no health-assessment or sdq is invented from it
    assert cli.rows("SELECT COUNT(*) FROM event WHERE kind IN ('health-assessment', 'sdq', "
                    "'return-interview')") == [(0,)]


def _missing_file(files903, rows: str):
    (files903 / "missing.csv").write_text("CHILD,DOB,MISSING,MIS_START,MIS_END\n" + rows)
    return files903


def test_a_missing_child_not_yet_returned_has_no_return_and_a_corrected_return_updates(cli, files903):
    # 900001 (born 14/03/2012): went missing 03/03/2025, back 05/03/2025; 900002 still missing at the
    # end of the year (MIS_END blank): no return yet, no event
    _missing_file(files903, "900001,14/03/2012,M,03/03/2025,05/03/2025\n900002,02/09/2009,M,20/03/2025,\n")
    first = cli.json("import", "ssda903", files903)
    assert first["events"]["added"] == 68 + 1
    assert cli.rows("SELECT child_id, date FROM event WHERE kind = 'missing-episode'") == [("900001", "2025-03-05")]
    _missing_file(files903, "900001,14/03/2012,M,03/03/2025,06/03/2025\n900002,02/09/2009,M,20/03/2025,\n")
    again = cli.json("import", "ssda903", files903)
    assert again["events"] == {"added": 0, "updated": 1, "unchanged": 68}
    assert cli.rows("SELECT child_id, date FROM event WHERE kind = 'missing-episode' AND voided_at IS NULL") == [
        ("900001", "2025-03-06")]


@pytest.mark.parametrize("rows, message", [
    ("900001,14/03/2012,M,03/03/2025,01/03/2025\n", "missing.csv row 2, field MIS_END: before MIS_START"),
    ("900001,14/03/2012,X,03/03/2025,05/03/2025\n", "missing.csv row 2, field MISSING: unknown code"),
    ("900001,14/03/2012,M,31/02/2025,05/03/2025\n", "missing.csv row 2, field MIS_START: not a real date"),
    ("999999,14/03/2012,M,03/03/2025,05/03/2025\n", "missing.csv row 2, field CHILD: unknown child 999999"),
])
def test_a_bad_missing_row_is_one_line_exit_2_and_nothing_written(cli, files903, rows, message):
    before = cli.digest()
    result = cli("import", "ssda903", _missing_file(files903, rows), ok=False)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    [line] = result.stderr.strip().splitlines()
    assert message in line, line
    assert cli.digest() == before


# -- placement types and remand (issue 15: events carry the details each needs) ---------------------


def _details(cli, child_id: str, kind: str) -> list[tuple[str, dict | None]]:
    rows = cli.rows(f"SELECT date, details FROM event WHERE child_id = '{child_id}' AND kind = '{kind}' "
                    "ORDER BY date")
    return [(day, json.loads(details) if details else None) for day, details in rows]


def test_each_episode_start_carries_its_placement_type(cli, files903):
    cli("import", "ssda903", files903)
    # sample_data/ssda903/episodes.csv: 900001 S U4 on 07/04/2025, then P U5 on 02/06/2025
    assert _details(cli, "900001", "entered-care") == [("2025-04-07", {"placement": "U4"})]
    assert _details(cli, "900001", "placement-change") == [("2025-06-02", {"placement": "U5"})]
    # 900002's first episode is RNE L (care began on or before 18/09/2023), fostered with a relative (U1)
    assert _details(cli, "900002", "entered-care") == [("2023-09-18", {"placement": "U1", "started": "on-or-before"})]
    # 900004 placed for adoption under a placement order (A5) on 14/04/2025; 900008's two periods in K2
    assert _details(cli, "900004", "placement-change") == [("2025-04-14", {"placement": "A5"})]
    assert _details(cli, "900008", "entered-care") == [("2025-04-14", {"placement": "K2"}),
                                                       ("2026-01-12", {"placement": "K2"})]
    # shown by event list: only the declared details (placement), not the importer's "started"
    shown = {(r["kind"], r["date"]): r["details"] for r in cli.json("event", "list", "900002")}
    assert shown[("entered-care", "2023-09-18")] == "placement=U1"
    again = cli.json("import", "ssda903", files903)
    assert (again["events"]["added"], again["events"]["updated"]) == (0, 0)


def test_a_remand_episode_starts_a_remand_and_a_re_run_changes_nothing(cli):
    # the shared sample's 27638: S J1 U3 04/12/2022, P J1 U4 17/05/2023 (still remanded: no second
    # remand), L C2 U4 30/06/2023 (legal status only: no event), P C2 K2 29/07/2023, L C2 K2 14/03/2024
    first = cli.json("import", "ssda903", SHARED_903)
    assert care_events(cli, "27638") == [
        ("entered-care", "2022-12-04"), ("remand", "2022-12-04"), ("placement-change", "2023-05-17"),
        ("placement-change", "2023-07-29")]
    assert _details(cli, "27638", "placement-change") == [("2023-05-17", {"placement": "U4"}),
                                                          ("2023-07-29", {"placement": "K2"})]
    assert _details(cli, "27638", "remand") == [("2022-12-04", None)]
    # 361655: one episode, S J1 U4 08/11/2023
    assert care_events(cli, "361655")[:2] == [("entered-care", "2023-11-08"), ("remand", "2023-11-08")]
    keys = [k for (k,) in cli.rows("SELECT source_key FROM event WHERE kind = 'remand' AND child_id = '27638'")]
    assert keys == ["903:episodes:27638:2022-12-04:S:J1"]
    second = cli.json("import", "ssda903", SHARED_903)
    assert second["events"] == {"added": 0, "updated": 0, "unchanged": first["events"]["added"]}


def test_a_secure_childrens_home_keeps_its_code_and_invents_no_secure_placement(cli, tmp_path):
    # K1 under a care order (C2): the return does not say a CA 1989 s25 order was made
    write903(tmp_path / "903", header="800001,1,01/01/2010,WBRI,UN2,,\n",
             episodes="800001,10/05/2023,S,C2,N1,U4,PR1,01/09/2023,X1,CARPL,,,\n"
                      "800001,01/09/2023,P,C2,N1,K1,PR4,,,,,,\n")
    cli("import", "ssda903", tmp_path / "903")
    assert care_events(cli, "800001") == [("entered-care", "2023-05-10"), ("placement-change", "2023-09-01")]
    assert _details(cli, "800001", "placement-change") == [("2023-09-01", {"placement": "K1"})]


def test_a_later_return_whose_first_episode_is_a_remand_continues_the_period(cli, tmp_path):
    # (and 800003's first episode this year is a placement order with a move: a continuing period's
    # first episode has no previous one to compare its legal status with)
    headers = "800002,1,01/01/2009,WBRI,UN2,,\n800003,1,01/01/2015,WBRI,UN3,,\n"
    last_year = tmp_path / "2024"
    write903(last_year, header=headers,
             episodes="800002,05/01/2024,S,V2,N1,U4,PR1,,,,,,\n800003,08/01/2024,S,C1,N1,U4,PR1,,,,,,\n")
    this_year = tmp_path / "2025"  # a new episode on 10/06/2024: remanded (J1), moved to a children's home
    write903(this_year, header=headers,
             episodes="800002,10/06/2024,B,J1,N1,K2,PR4,,,,,,\n800003,12/06/2024,B,E1,N1,A5,PR1,,,,,,\n")
    cli("import", "ssda903", last_year)
    cli("import", "ssda903", this_year)
    assert care_events(cli, "800002") == [("entered-care", "2024-01-05"), ("placement-change", "2024-06-10"),
                                          ("remand", "2024-06-10")]
    assert sorted(care_events(cli, "800003")) == [
        ("entered-care", "2024-01-08"), ("placed-for-adoption", "2024-06-12"), ("placement-change", "2024-06-12"),
        ("placement-order", "2024-06-12")]
    again = cli.json("import", "ssda903", this_year)
    assert (again["events"]["added"], again["events"]["updated"]) == (0, 0)
