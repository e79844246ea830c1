"""Extracts as people make them: corrected rows, mistyped dates, placeholder births, Excel's ids and
timestamps with a zone. Hand-checked values; every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import textwrap

import pytest

HEAD = ("Person ID,Review ID,Child Name,Date of Birth,CLA Start Date,Review Date,Next Review Due,Participation,"
        "IRO,Team\n")


def flat(tmp_path, *rows: str, head: str = HEAD, name: str = "cla_reviews.csv"):
    path = tmp_path / name
    path.write_text(head + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def load(cli, path, *more: str, as_of: str = "2024-06-01", ok: bool = True):
    args = ("import", "extract", path, "--map", "one-row-per-review", "--as-of", as_of, *more)
    return cli.json(*args) if ok else cli(*args, ok=False)


def explain(cli, child: str, as_of: str) -> dict:
    result = cli("explain", child, "--as-of", as_of, "--format", "json")
    return {o["obligation"]: o for o in json.loads(result.stdout)}


# -- (7) a corrected row replaces the event it corrects -------------------------------------------------------

def test_a_corrected_review_date_replaces_the_wrong_review(cli, tmp_path):
    row = "101,R1,Amir Shah,04/09/2012,01/02/2024,{},,PN1,A. Khan,North"
    first = load(cli, flat(tmp_path, row.format("12/03/2024")))
    assert first["events"] == {"added": 3, "updated": 0, "unchanged": 0}  # entered-care, review, tracking
    assert explain(cli, "101", "2024-06-01")["review.second"]["due"] == "2024-06-12"

    corrected = load(cli, flat(tmp_path, row.format("21/03/2024")))
    # the review and the tracking day (its last date) change; nothing is added beside them
    assert corrected["events"] == {"added": 0, "updated": 2, "unchanged": 1}
    # the wrong date no longer counts: voided, and the corrected review amends it (issue 18: the chain is kept)
    assert cli.rows("SELECT id, date, voided_at IS NULL, source_key IS NULL, amends FROM event "
                    "WHERE kind = 'review-held' ORDER BY id") == [(1, "2024-03-12", False, True, None),
                                                                   (4, "2024-03-21", True, False, 1)]
    obligations = explain(cli, "101", "2024-06-01")
    assert obligations["review.first"]["met_on"] == "2024-03-21"
    assert obligations["review.second"]["due"] == "2024-06-21"  # 21 March + 3 months
    assert obligations["review.second"]["anchor"] == {"kind": "review-held", "date": "2024-03-21"}

    again = load(cli, flat(tmp_path, row.format("21/03/2024")))
    assert again["events"] == {"added": 0, "updated": 0, "unchanged": 3}


def test_a_corrected_participation_code_updates_the_review(cli, tmp_path):
    row = "101,R1,Amir Shah,04/09/2012,01/02/2024,12/03/2024,,{},A. Khan,North"
    load(cli, flat(tmp_path, row.format("PN1")))
    assert load(cli, flat(tmp_path, row.format("PN4")))["events"]["updated"] == 1
    assert cli.rows("SELECT details FROM event WHERE kind = 'review-held' AND voided_at IS NULL") == [
        ('{"participation": "PN4"}',)]


def test_an_identity_given_twice_with_different_dates_is_refused(cli, tmp_path):
    before = cli.digest()
    path = flat(tmp_path, "101,R1,Amir Shah,04/09/2012,01/02/2024,12/03/2024,,,A. Khan,North",
                "101,R1,Amir Shah,04/09/2012,01/02/2024,21/03/2024,,,A. Khan,North")
    result = load(cli, path, ok=False)
    assert result.exit_code == 2 and cli.digest() == before
    assert result.stderr.strip().splitlines() == [
        "Error: cla_reviews.csv row 3, field Person ID: gives the same source key as cla_reviews.csv row 2 with a "
        "different event (is the id unique?)"]


def test_a_blank_identity_on_a_review_row_is_refused(cli, tmp_path):
    result = load(cli, flat(tmp_path, "101,,Amir Shah,04/09/2012,01/02/2024,12/03/2024,,,A. Khan,North"), ok=False)
    assert result.stderr.strip() == ("Error: cla_reviews.csv row 2, field Review ID: is blank (expected part of the "
                                     "row's identity: the map keys events by it)")


def test_a_report_without_a_review_id_numbers_each_childs_reviews_so_a_correction_replaces(cli, tmp_path):
    # no Review ID column: a review is the child's nth of the period of care (Person ID + CLA Start Date +
    # its number in Review Date order), so 12/03 corrected to 21/03 is the same first review
    head = HEAD.replace("Review ID,", "")
    rows = ["101,Amir Shah,04/09/2012,01/02/2024,{},,,A. Khan,North",
            "101,Amir Shah,04/09/2012,2024-02-01,20/05/2024,,,A. Khan,North"]  # the start written another way
    first = load(cli, flat(tmp_path, rows[0].format("12/03/2024"), rows[1], head=head))
    assert first["events"]["added"] == 4  # entered-care, two reviews, tracking-started
    assert not [n for n in first["notes"] if "keyed by child, kind and date" in n]
    corrected = load(cli, flat(tmp_path, rows[0].format("21/03/2024"), rows[1], head=head))
    assert corrected["events"]["added"] == 0
    assert cli.rows("SELECT date FROM event WHERE kind = 'review-held' AND voided_at IS NULL ORDER BY date") == [
        ("2024-03-21",), ("2024-05-20",)]
    keys = [k for (k,) in cli.rows("SELECT source_key FROM event WHERE kind = 'review-held' AND voided_at IS NULL "
                                   "ORDER BY date")]
    assert keys == ["reviews:reviews:101:2024-02-01:#1:review-held", "reviews:reviews:101:2024-02-01:#2:review-held"]


def test_the_shipped_sample_report_corrected_keeps_one_review(cli, tmp_path):
    from importer_support import FLAT

    load(cli, FLAT, as_of="2026-06-01")
    fixed = tmp_path / "cla_reviews.csv"
    fixed.write_text(FLAT.read_text(encoding="utf-8").replace("22/12/2025", "19/12/2025"), encoding="utf-8")
    assert load(cli, fixed, as_of="2026-06-01")["events"]["added"] == 0
    assert [d for k, d in cli.events("2001") if k == "review-held"] == ["2025-03-31", "2025-06-27", "2025-12-19"]


def test_a_map_with_no_identity_says_its_events_are_keyed_by_content(cli, tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text(textwrap.dedent("""
        [tables.r]
        columns = ["Person ID", "Review Date"]
        child = "Person ID"
        child_fields = { name = "Child Name" }
        [[tables.r.events]]
        kind = "review-held"
        date = "Review Date"
        """), encoding="utf-8")
    path = flat(tmp_path, "101,Amir Shah,2024-03-12", head="Person ID,Child Name,Review Date\n")
    result = cli.json("import", "extract", path, "--map", mine, "--as-of", "2024-06-01")
    assert [n for n in result["notes"] if "keyed by child, kind and date" in n] == [
        "1 event(s) from cla_reviews.csv keyed by child, kind and date: map mine declares no id or identity for "
        "table r, so a date corrected in a later extract adds a second event beside the first (void the wrong one: "
        "irocli event void)"]


def _participation_map(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text(textwrap.dedent("""
        [tables.r]
        columns = ["Person ID", "Review Date", "Code"]
        child = "Person ID"
        child_fields = { name = "Child Name" }
        [[tables.r.events]]
        kind = "review-held"
        date = "Review Date"
        details = { participation = "Code" }
        """), encoding="utf-8")
    return mine


def test_a_participation_code_without_a_code_table_is_stored_as_the_return_writes_it(cli, tmp_path):
    # no [codes.Code] in the map: "pn3" is checked against domain.PARTICIPATION_CODES and stored as PN3
    path = flat(tmp_path, "101,Amir Shah,2024-03-12,pn3", head="Person ID,Child Name,Review Date,Code\n")
    cli.json("import", "extract", path, "--map", _participation_map(tmp_path), "--as-of", "2024-06-01")
    assert cli.rows("SELECT details FROM event WHERE kind = 'review-held'") == [('{"participation": "PN3"}',)]


def test_a_participation_code_that_is_no_pn_code_is_refused_naming_the_field(cli, tmp_path):
    before = cli.digest()
    path = flat(tmp_path, "101,Amir Shah,2024-03-12,PN1", "102,Ben Lee,2024-03-13,PN8",
                head="Person ID,Child Name,Review Date,Code\n")
    result = cli("import", "extract", path, "--map", _participation_map(tmp_path), "--as-of", "2024-06-01",
                 ok=False)
    assert result.exit_code == 2 and cli.digest() == before
    assert result.stderr.strip().splitlines() == [
        "Error: cla_reviews.csv row 3, field Code: not a participation of a review-held event (expected PN0, PN1, "
        "PN2, PN3, PN4, PN5, PN6, PN7)"]


# -- (9) dates people mistype -----------------------------------------------------------------------------------

def test_a_review_after_the_as_of_date_is_refused_and_nothing_is_written(cli, tmp_path):
    before = cli.digest()
    path = flat(tmp_path, "101,R1,Amir Shah,04/09/2012,01/02/2024,12/03/2024,,,A. Khan,North",
                "101,R2,Amir Shah,04/09/2012,01/02/2024,12/06/2025,,,A. Khan,North")  # 2025 typed for 2024
    result = load(cli, path, ok=False)
    assert result.exit_code == 2 and cli.digest() == before
    assert result.stderr.strip() == ("Error: cla_reviews.csv row 3, field Review Date: a date after the as-of date "
                                     "2024-06-01 (expected one on or before it; review-held is not dated ahead)")


def test_the_case_systems_next_due_date_may_lie_ahead(cli, tmp_path):
    result = load(cli, flat(tmp_path, "101,R1,Amir Shah,04/09/2012,01/02/2024,12/03/2024,12/09/2024,,A. Khan,North"))
    assert result["events"]["added"] == 4
    assert ("system-review-due", "2024-09-12") in cli.events("101")


def test_a_review_before_birth_is_refused_without_quoting_the_birth(cli, tmp_path):
    before = cli.digest()
    path = flat(tmp_path, "101,R1,Amir Shah,04/09/2012,01/02/2012,12/03/2012,,,A. Khan,North")
    result = load(cli, path, ok=False)
    assert result.exit_code == 2 and cli.digest() == before
    assert result.stderr.strip() == ("Error: cla_reviews.csv row 2, field CLA Start Date: a date before the child's "
                                     "date of birth (expected entered-care on or after it)")
    assert "2012-09-04" not in result.stderr and "04/09/2012" not in result.stderr


def test_skip_bad_rows_leaves_out_a_mistyped_date_and_loads_the_rest(cli, tmp_path):
    path = flat(tmp_path, "101,R1,Amir Shah,04/09/2012,01/02/2024,12/03/2024,,,A. Khan,North",
                "102,R9,Lily Brooks,17/01/2020,01/09/2023,01/09/2019,,,B. Okafor,South")
    result = load(cli, path, "--skip-bad-rows")
    assert [(s["row"], s["field"]) for s in result["skipped"]] == [(3, "Review Date")]
    assert [k for k, _ in cli.events("101")] == ["entered-care", "review-held", "tracking-started"]


def test_a_stored_childs_birth_is_checked_too(cli, tmp_path):
    load(cli, flat(tmp_path, "101,R1,Amir Shah,04/09/2012,01/02/2024,12/03/2024,,,A. Khan,North"))
    head = "Person ID,Review ID,CLA Start Date,Review Date\n"
    result = load(cli, flat(tmp_path, "101,R2,01/02/2024,12/03/2011", head=head, name="more.csv"), ok=False)
    assert result.stderr.strip() == ("Error: more.csv row 2, field Review Date: a date before the child's date of "
                                     "birth (expected review-held on or after it)")


def test_a_birth_of_1900_01_01_is_unknown_and_counted(cli, tmp_path):
    path = flat(tmp_path, "101,R1,Amir Shah,01/01/1900,01/02/2024,12/03/2024,,,A. Khan,North",
                "101,R2,Amir Shah,1900-01-01,01/02/2024,01/05/2024,,,A. Khan,North")
    result = load(cli, path)
    assert result["skipped"] == [] and result["events"]["added"] == 4
    assert cli.rows("SELECT dob FROM child") == [(None,)]
    assert ("2 date(s) of birth of 1900-01-01 (a placeholder for 'not known') stored as unknown: record the real "
            "one when it is known") in result["notes"]


def test_a_placeholder_birth_keeps_the_stored_one(cli, tmp_path):
    load(cli, flat(tmp_path, "101,R1,Amir Shah,04/09/2012,01/02/2024,12/03/2024,,,A. Khan,North"))
    load(cli, flat(tmp_path, "101,R1,Amir Shah,01/01/1900,01/02/2024,12/03/2024,,,A. Khan,North"))
    assert cli.rows("SELECT dob FROM child") == [("2012-09-04",)]


# -- (10) what spreadsheets do to data ---------------------------------------------------------------------------

def test_an_id_excel_made_a_number_is_the_same_child(cli, tmp_path):
    path = flat(tmp_path, "101,7.0,Amir Shah,04/09/2012,01/02/2024,12/03/2024,,,A. Khan,North",
                "101.0,8.00,Amir Shah,04/09/2012,01/02/2024,01/05/2024,,,A. Khan,North")
    load(cli, path)
    assert cli.rows("SELECT id FROM child") == [("101",)]
    assert cli.rows("SELECT source_key FROM event WHERE kind = 'review-held' ORDER BY date") == [
        ("reviews:reviews:101:7:review-held",), ("reviews:reviews:101:8:review-held",)]
    # next week the same file comes back as Excel saved it: the same children and events
    again = load(cli, flat(tmp_path, "101.0,7,Amir Shah,04/09/2012,01/02/2024,12/03/2024,,,A. Khan,North",
                           "101,8,Amir Shah,04/09/2012,01/02/2024,01/05/2024,,,A. Khan,North"))
    assert again["events"]["added"] == 0 and again["children"]["added"] == 0


def test_ids_read_through_another_table_are_normalised(cli, ssd):
    episodes = ssd / "ssd_cla_episodes.csv"
    lines = episodes.read_text().splitlines()
    head = lines[0].split(",")
    person = head.index("clae_person_id")
    edited = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[person] += ".0"
        edited.append(",".join(cells))
    episodes.write_text("\n".join(edited) + "\n")
    result = cli.json("import", "extract", ssd, "--map", "ssd")
    assert result["children"]["added"] == 5 and result["skipped"] == []
    assert all("." not in child_id for (child_id,) in cli.rows("SELECT id FROM child"))


@pytest.mark.parametrize("text, day", [
    ("2024-03-12T23:30:00Z", "2024-03-12"),         # GMT: London is UTC in March before the clocks go forward
    ("2024-06-30T23:30:00Z", "2024-07-01"),         # BST: 23:30 UTC is 00:30 the next day in London
    ("2024-06-30T23:30:00+00:00", "2024-07-01"),
    ("2024-06-30T23:30:00+01:00", "2024-06-30"),    # already London summer time
    ("2024-06-30T23:30:00", "2024-06-30"),          # no zone: a London time, its own date
    ("2024-06-30 23:30:00.000", "2024-06-30"),
])
def test_a_timestamp_is_its_london_date(cli, tmp_path, text, day):
    load(cli, flat(tmp_path, f"101,R1,Amir Shah,04/09/2012,01/02/2024,{text},,,A. Khan,North"), as_of="2024-12-01")
    assert cli.rows("SELECT date FROM event WHERE kind = 'review-held'") == [(day,)]


def test_a_timestamp_that_cannot_be_is_one_line(cli, tmp_path):
    result = load(cli, flat(tmp_path, "101,R1,Amir Shah,04/09/2012,01/02/2024,2024-06-30T25:30:00Z,,,A. Khan,North"),
                  ok=False)
    assert result.stderr.strip().startswith("Error: cla_reviews.csv row 2, field Review Date: not a real date")


# -- names are one line of text, in every importer as on the command line (issue 13) -----------------------------

def test_a_name_with_a_line_break_is_refused_naming_row_and_column(cli, tmp_path):
    cli("init")
    before = cli.digest()
    row = '101,R1,"Amir\nShah",04/09/2012,01/02/2024,12/03/2024,,PN1,A. Khan,North'
    result = load(cli, flat(tmp_path, row), ok=False)
    assert result.exit_code == 2
    assert result.stderr == ("Error: cla_reviews.csv row 2, field Child Name: holds a line break or another control "
                             "character (a name is one line of text)\n")
    assert "Amir" not in result.stderr
    assert cli.digest() == before


def test_a_huge_iro_name_is_refused(cli, tmp_path):
    cli("init")
    result = load(cli, flat(tmp_path, "101,R1,Amir Shah,04/09/2012,01/02/2024,12/03/2024,,PN1," + "K" * 300 + ",North"),
                  ok=False)
    assert result.exit_code == 2
    assert result.stderr == "Error: cla_reviews.csv row 2, field IRO: is 300 characters long (at most 200)\n"


def test_a_professionals_name_with_a_control_character_is_refused(cli, ssd):
    cli("init")
    professionals = ssd / "ssd_professionals.csv"
    professionals.write_text(professionals.read_text().replace("P100,S100,A. Khan", "P100,S100,A.\x1bKhan"))
    result = cli("import", "extract", ssd, "--map", "ssd", ok=False)
    assert result.exit_code == 2
    assert result.stderr == ("Error: ssd_professionals.csv row 2, field prof_professional_name: holds a line break or "
                             "another control character (a name is one line of text)\n")
