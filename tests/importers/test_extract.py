"""`irocli import extract FILE… --map`: case-system extracts, columns and codes mapped by a TOML map."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from importer_support import FLAT, Cli

# -- the shipped ssd map over the made-up SSD extract ---------------------------------------------------


def test_the_ssd_extract_loads_children_allocations_and_events(cli, ssd):
    result = cli.json("import", "extract", ssd, "--map", "ssd")
    assert result["children"] == {"added": 5, "updated": 0, "unchanged": 0}
    assert result["events"]["added"] == 40 and result["skipped"] == []  # 35 + one tracking-started per child
    assert any("placeholder" in note for note in result["notes"])
    assert any("2 row(s) of children with no events" in note for note in result["notes"])
    # names from ssd_person; the current IRO and social worker (names via ssd_professionals) and team
    assert cli.rows("SELECT id, name, dob, iro, social_worker, team FROM child ORDER BY id") == [
        ("1001", "Maya Patel", "2013-02-11", "A. Khan", "K. Doyle", "North"),
        ("1002", "Oliver Hughes", "2009-08-30", "A. Khan", "J. Reid", "South"),  # B. Okafor's ended 2025-05-30
        ("1003", "Ruby Clarke", "2019-05-19", "B. Okafor", None, None),
        ("1004", "Noah Evans", "2011-12-02", "B. Okafor", "K. Doyle", "North"),
        ("1005", "Isla Murphy", "2016-03-09", "B. Okafor", None, None),
    ]
    # entered-care once although three rows give it; descriptions and "P - …" read as codes
    assert cli.events("1001") == [
        ("entered-care", "2025-03-10"), ("iro-allocated", "2025-03-12"), ("review-held", "2025-04-04"),
        ("system-review-due", "2025-04-07"), ("placement-change", "2025-06-16"), ("review-held", "2025-07-03"),
        ("tracking-started", "2025-07-03"), ("system-review-due", "2025-07-04"), ("system-review-due", "2026-01-02"),
    ]
    # tracking starts at each child's last imported date; the case system's due dates lie ahead, so not them
    assert cli.rows("SELECT child_id, date, source_key FROM event WHERE kind = 'tracking-started' ORDER BY 1") == [
        ("1001", "2025-07-03", "ssd:tracking:1001"), ("1002", "2025-09-01", "ssd:tracking:1002"),
        ("1003", "2026-01-19", "ssd:tracking:1003"), ("1004", "2025-07-14", "ssd:tracking:1004"),
        ("1005", "2026-01-07", "ssd:tracking:1005"),
    ]
    # Eclipse-style reviews with no person id reach the child through clar_cla_id
    assert [e for e in cli.events("1002") if e[0] == "review-held"] == [
        ("review-held", "2024-12-02"), ("review-held", "2025-03-03"), ("review-held", "2025-09-01")]
    assert ("left-care", "2026-01-19") in cli.events("1003")  # a description without its commas
    # 1900-01-01 is a placeholder: entered-care comes from the RNE S episode; a cancelled review is no review
    assert cli.events("1004")[:2] == [("entered-care", "2023-06-05"), ("iro-allocated", "2023-06-07")]
    assert [d for k, d in cli.events("1004") if k == "review-held"] == ["2025-01-20", "2025-07-14"]
    assert cli.rows("SELECT details FROM event WHERE source_key = 'ssd:reviews:V7002:review-held'") == [
        ('{"participation": "PN1"}',)]
    # each IRO involvement is an allocation naming its IRO (ssd_professionals' names): 1002's history has both
    assert cli.rows("SELECT child_id, date, details FROM event WHERE kind = 'iro-allocated' ORDER BY 1, 2") == [
        ("1001", "2025-03-12", '{"iro": "A. Khan"}'), ("1002", "2024-11-06", '{"iro": "B. Okafor"}'),
        ("1002", "2025-06-02", '{"iro": "A. Khan"}'), ("1003", "2025-09-17", '{"iro": "B. Okafor"}'),
        ("1004", "2023-06-07", '{"iro": "B. Okafor"}'), ("1005", "2026-01-07", '{"iro": "B. Okafor"}')]

    again = cli.json("import", "extract", ssd, "--map", "ssd")
    assert again["children"]["added"] == 0 and again["events"] == {"added": 0, "updated": 0, "unchanged": 40}


def test_a_corrected_row_updates_its_event(cli, ssd):
    cli("import", "extract", ssd, "--map", "ssd")
    reviews = ssd / "ssd_cla_reviews.csv"
    reviews.write_text(reviews.read_text().replace("V7011,C9004,1004,2025-07-21 00:00:00.000,2025-07-14",
                                                   "V7011,C9004,1004,2025-07-21 00:00:00.000,15/07/2025"))
    result = cli.json("import", "extract", ssd, "--map", "ssd")
    # the review, and 1004's tracking-started: that review was its last date
    assert result["events"] == {"added": 0, "updated": 2, "unchanged": 38}
    assert [d for k, d in cli.events("1004") if k == "review-held"] == ["2025-01-20", "2025-07-15"]
    assert [d for k, d in cli.events("1004") if k == "tracking-started"] == ["2025-07-15"]


def test_files_can_come_one_table_at_a_time(cli, ssd):
    cli("import", "extract", ssd / "ssd_person.csv", ssd / "ssd_cla_episodes.csv", "--map", "ssd")
    cli("import", "extract", ssd / "ssd_cla_reviews.csv", ssd / "ssd_cla_episodes.csv", "--map", "ssd")
    assert cli.rows("SELECT COUNT(*) FROM child") == [(5,)]
    assert len([e for e in cli.events("1002") if e[0] == "review-held"]) == 3


def test_a_dry_run_writes_nothing(cli, ssd):
    before = cli.digest()
    result = cli("import", "extract", ssd, "--map", "ssd", "--dry-run")
    assert "Events: 40 would be added" in result.stderr and cli.digest() == before


# -- between reviews: visits, health checks, SDQs, missing episodes (tests/data/ssd_between_reviews) ----

BETWEEN = Path(__file__).parents[1] / "data" / "ssd_between_reviews"


@pytest.fixture
def between(tmp_path) -> Path:
    """A writable copy of the made-up SSD extract of what happens between reviews."""
    target = tmp_path / "between"
    target.mkdir()
    for path in BETWEEN.glob("*.csv"):
        (target / path.name).write_bytes(path.read_bytes())
    return target


def _by_date(cli, child: str) -> list[tuple[str, str]]:
    return sorted(cli.events(child), key=lambda e: (e[1], e[0]))


def test_visits_health_sdq_and_missing_rows_become_events(cli, between):
    result = cli.json("import", "extract", between, "--map", "ssd")
    assert result["children"]["added"] == 2 and result["skipped"] == []
    # 3001: entered care; visits SV1, SV2 and SV3, where the child was not seen (SV3 has no person id: its
    # period of care C8001 gives 3001); HC1 a completed initial health assessment (HC2 a dental check: no;
    # HC6 planned for 2099: no); SQ1; MS1 returned 2025-03-02 (MS2 still missing: no return, no event)
    assert _by_date(cli, "3001") == [
        ("entered-care", "2025-01-06"), ("sw-visit", "2025-01-10"), ("health-assessment", "2025-02-03"),
        ("sw-visit", "2025-02-20"), ("missing-episode", "2025-03-02"), ("sdq", "2025-03-05"),
        ("sw-visit-not-seen", "2025-04-01"), ("tracking-started", "2025-04-01"),
    ]
    # 3002: SV4 (dd/mm/YYYY); HC3 refused (a recorded exception), HC4 completed (HC5 surveillance, HC7
    # cancelled and undated: no); SQ2 (score a placeholder); MS4 returned 2025-04-07 (MS3 "Away": none owed)
    assert _by_date(cli, "3002") == [
        ("entered-care", "2024-09-02"), ("sdq", "2024-10-01"), ("health-assessment-declined", "2025-03-01"),
        ("sw-visit", "2025-03-10"), ("health-assessment", "2025-03-20"), ("missing-episode", "2025-04-07"),
        ("tracking-started", "2025-04-07"),
    ]
    assert result["events"]["added"] == 8 + 7
    details = dict(cli.rows("SELECT source_key, details FROM event WHERE details IS NOT NULL"))
    assert json.loads(details["ssd:visits:SV2:sw-visit"]) == {"seen-alone": "no"}
    assert json.loads(details["ssd:visits:SV4:sw-visit"]) == {"seen-alone": "no"}  # "No"
    assert [e["details"] for e in cli.json("event", "list", "3001") if e["kind"] == "sw-visit"] == [
        "seen-alone=yes", "seen-alone=no"]
    assert json.loads(details["ssd:sdq:SQ1:sdq"]) == {"score": "14"}
    assert "ssd:sdq:SQ2:sdq" not in details
    assert json.loads(details["ssd:missing:MS1:missing-episode"]) == {"rhi_offered": "Y", "rhi_accepted": "N"}
    # the SSD says a return interview was offered and accepted but not when: none is invented
    assert cli.rows("SELECT COUNT(*) FROM event WHERE kind = 'return-interview'") == [(0,)]

    again = cli.json("import", "extract", between, "--map", "ssd")
    assert again["events"] == {"added": 0, "updated": 0, "unchanged": 15}


def test_imported_visits_and_health_assessments_are_judged_in_the_imported_history(cli, between):
    # The extract carried sw-visit and health-assessment events, so the rules they complete are judged
    # though tracking starts at 3001's last imported day (2025-04-01); tasks around reviews are not.
    cli("import", "extract", between, "--map", "ssd")
    rows = {(r["obligation"], r["due"]): r["status"] for r in cli.json("explain", "3001", "--as-of", "2025-06-01")}
    # SV2 2025-02-20 + 6 weeks = 2025-04-03 (8 in Feb, 31 in Mar, 3 in Apr); SV3 did not see the child:
    # no visit since, overdue
    assert rows[("visit.sw-interval", "2025-04-03")] == "overdue"
    # entered care Mon 2025-01-06 + 20 working days = 2025-02-03: HC1 that day
    assert rows[("health.iha", "2025-02-03")] == "met"
    # the first review (2025-01-06 + 20 working days = 2025-02-03) is judged as always; the care plan task
    # (ms.care-plan, completed by care-plan, which the extract does not carry) is silenced before 04-01
    assert not [k for k in rows if k[0] == "ms.care-plan"]
    # 3002 refused on 2025-03-01 then was assessed 03-20 (aged 15): 2025-03-20 + 12 months = 2026-03-20
    rows = {(r["obligation"], r["due"]): r for r in cli.json("explain", "3002", "--as-of", "2025-06-01")}
    assert rows[("health.rha", "2026-03-20")]["status"] == "due"


@pytest.mark.parametrize("name, old, new, message", [
    ("ssd_cla_visits.csv", "SV2,C8001,3001,2025-02-20", "SV2,C8001,3001,2025-02-30",
     "ssd_cla_visits.csv row 3, field clav_cla_visit_date: not a real date"),
    ("ssd_cla_visits.csv", "10/03/2025", "10/03/25",
     "ssd_cla_visits.csv row 5, field clav_cla_visit_date: a 2-digit year"),
    ("ssd_cla_visits.csv", "Yes,No", "Perhaps,No", "ssd_cla_visits.csv row 5, field clav_cla_visit_seen: unknown code"),
    # a type of health check the map does not list is an error naming the row, never silently dropped
    ("ssd_cla_health.csv", "Dental Check", "Podiatry", "ssd_cla_health.csv row 3, field clah_health_check_type: "
     "unknown code (expected HA, OTHER"),
    ("ssd_cla_health.csv", "2025-03-20 00:00:00.000,Completed", "NULL,Completed",
     "ssd_cla_health.csv row 5, field clah_health_check_date: is blank"),
    ("ssd_missing.csv", ",Away,", ",Gone,", "ssd_missing.csv row 4, field miss_missing_episode_type: unknown code"),
])
def test_a_bad_between_reviews_row_is_exit_2_naming_file_row_and_field(cli, between, name, old, new, message):
    path = between / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    before = cli.digest()
    result = cli("import", "extract", between, "--map", "ssd", ok=False)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and message in line, result.stderr
    assert "Ward" not in line and "Singh" not in line
    assert cli.digest() == before


# -- the flat one-row-per-review example map ----------------------------------------------------------


def test_the_flat_map_reads_messy_values(cli):
    result = cli.json("import", "extract", FLAT, "--map", "one-row-per-review")
    assert result["children"]["added"] == 3 and result["events"]["added"] == 14  # 11 + 3 tracking-started
    assert cli.rows("SELECT id, name, dob, iro, team FROM child ORDER BY id") == [
        ("2001", "Amir Shah", "2012-09-04", "A. Khan", "North"),
        ("2002", "Lily Brooks", "2020-01-17", "B. Okafor", "South"),
        ("2003", "Sami Ali", "2014-11-11", "B. Okafor", "South"),
    ]
    # the tracking key shares the map's key_prefix ("reviews") with its events, and sorts after them
    assert cli.events("2001") == [
        ("entered-care", "2025-03-03"), ("review-held", "2025-03-31"), ("review-held", "2025-06-27"),
        ("system-review-due", "2025-06-30"), ("review-held", "2025-12-22"), ("tracking-started", "2025-12-22"),
        ("system-review-due", "2025-12-27"), ("system-review-due", "2026-06-22"),
    ]
    assert cli.events("2003") == [("entered-care", "2026-01-12"), ("tracking-started", "2026-01-12"),
                                  ("system-review-due", "2026-02-09")]
    assert cli.rows("SELECT source_key, date FROM event WHERE child_id = '2002' AND kind = 'tracking-started'") == [
        ("reviews:tracking:2002", "2025-09-29")]
    codes = [json.loads(d)["participation"] for (d,) in cli.rows(
        "SELECT details FROM event WHERE kind = 'review-held' ORDER BY child_id, date")]
    assert codes == ["PN1", "PN4", "PN5", "PN0"]  # "PN1 - …", a description, "pn5", "Under 4"


def _flat(tmp_path, old: str, new: str):
    path = tmp_path / "cla_reviews.csv"
    text = FLAT.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return path


def _ssd_edit(name: str, old: str, new: str):
    def apply(ssd):
        path = ssd / name
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new, 1))
        return ssd
    return apply


FLAT_BROKEN = [
    ("2-digit year", ("03/03/2025,31/03/2025,30/06/2025", "03/03/2025,31/03/25,30/06/2025"),
     "cla_reviews.csv row 2, field Review Date: a 2-digit year (expected dd/mm/YYYY or YYYY-MM-DD or "
     "YYYY-MM-DD hh:mm:ss)"),
    ("unknown code", ("Attends but makes no contribution", "Sings a song"),
     "cla_reviews.csv row 3, field Participation: unknown code (expected PN0, PN1"),
    ("unknown short code", ("pn5", "PN9"), "cla_reviews.csv row 4, field Participation: unknown code 'PN9'"),
    ("rows disagree", ("04/09/2012,03/03/2025,22/12/2025", "05/09/2012,03/03/2025,22/12/2025"),
     "cla_reviews.csv row 4, field Date of Birth: child 2001: differs from row 2 (expected the same value)"),
    ("blank required date", ("2003,Sami Ali,11/11/2014,12/01/2026", "2003,Sami Ali,11/11/2014,"),
     "cla_reviews.csv row 6, field CLA Start Date: is blank (expected a date"),
    ("placeholder in a required date", ("2003,Sami Ali,11/11/2014,12/01/2026", "2003,Sami Ali,11/11/2014,1900-01-01"),
     "cla_reviews.csv row 6, field CLA Start Date: is blank"),
    ("a date after the as-of date", ("2003,Sami Ali,11/11/2014,12/01/2026", "2003,Sami Ali,11/11/2014,12/01/2099"),
     "cla_reviews.csv row 6, field CLA Start Date: a date after the as-of date 2026-11-23"),
    ("not a real date", ("01/09/2025,29/09/2025", "01/09/2025,31/09/2025"),
     "cla_reviews.csv row 5, field Review Date: not a real date"),
    ("no child id", ("2003,Sami Ali", ",Sami Ali"), "cla_reviews.csv row 6, field Person ID: is blank"),
    ("header matching no table", ("Person ID,Child Name", "Child,Child Name"),
     "cla_reviews.csv row 1: the header matches no table of map one-row-per-review (nearest is reviews: "
     "missing Person ID)"),
]


@pytest.mark.parametrize("case, edit, message", FLAT_BROKEN, ids=[c[0] for c in FLAT_BROKEN])
def test_a_bad_flat_row_is_one_line_exit_2_and_nothing_written(cli, tmp_path, case, edit, message):
    path = _flat(tmp_path, *edit)
    before = cli.digest()
    result = cli("import", "extract", path, "--map", "one-row-per-review", "--as-of", "2026-11-23", ok=False)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.stderr
    for personal in ("Amir", "Sami", "Lily", "Sings", "31/03/25", "05/09/2012", "12/01/2099", "31/09/2025"):
        assert personal not in result.stderr
    assert cli.digest() == before


SSD_BROKEN = [
    ("orphan review", _ssd_edit("ssd_cla_reviews.csv", "V7008,C9003,1003,", "V7008,C9003,1999,"),
     "ssd_cla_reviews.csv row 9, field clar_cla_person_id: unknown child 1999 (not in this import or the store)"),
    ("period of care not found", _ssd_edit("ssd_cla_reviews.csv", "V7004,C9002,NULL", "V7004,C9999,NULL"),
     "ssd_cla_reviews.csv row 5, field clar_cla_id: C9999 is not in the episodes file (clae_cla_id)"),
    ("duplicate child", _ssd_edit("ssd_person.csv", "1002,L-1002", "1001,L-1002"),
     "ssd_person.csv row 3, field pers_person_id: child 1001 appears twice (first at row 2)"),
    ("unknown episode reason", _ssd_edit("ssd_cla_episodes.csv", ",S,N2,", ",Z,N2,"),
     "ssd_cla_episodes.csv row 5, field clae_cla_episode_start_reason: unknown code 'Z'"),
    ("SQL datetime with a 2-digit year", _ssd_edit("ssd_cla_reviews.csv", "2025-10-13 00:00:00.000,2025-10-13",
                                                   "2025-10-13 00:00:00.000,13/10/25"),
     "ssd_cla_reviews.csv row 9, field clar_cla_review_date: a 2-digit year"),
    ("a column the map needs is missing", _ssd_edit("ssd_cla_episodes.csv", "clae_cla_episode_ceased_date,",
                                                    "ceased,"),
     "ssd_cla_episodes.csv row 1: column clae_cla_episode_ceased_date is missing (map ssd, table episodes)"),
]


@pytest.mark.parametrize("case, edit, message", SSD_BROKEN, ids=[c[0] for c in SSD_BROKEN])
def test_a_bad_ssd_row_is_one_line_exit_2_and_nothing_written(cli, ssd, case, edit, message):
    before = cli.digest()
    result = cli("import", "extract", edit(ssd), "--map", "ssd", ok=False)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Patel" not in result.stderr and "13/10/25" not in result.stderr
    assert cli.digest() == before


@pytest.mark.parametrize("content, message", [
    (b"", "cla_reviews.csv: the file is empty: no header row"),
    ("Person ID,CLA Start Date,Review Date\n".encode("utf-16"), "cla_reviews.csv: not UTF-8 text"),
    (b"Person ID,CLA Start Date,Review Date\n", "cla_reviews.csv: has a header row but no data rows"),
    (b"Person ID,CLA Start Date,Review Date\n2001,03/03/2025,\xe9t\xe9\n", "cla_reviews.csv row 2: not UTF-8 text"),
])
def test_unreadable_files_are_one_line(cli, tmp_path, content, message):
    path = tmp_path / "cla_reviews.csv"
    path.write_bytes(content)
    before = cli.digest()
    result = cli("import", "extract", path, "--map", "one-row-per-review", ok=False)
    [line] = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and line.startswith(f"Error: {message}"), result.stderr
    assert cli.digest() == before


def test_a_bom_is_fine(cli, tmp_path):
    path = tmp_path / "cla_reviews.csv"
    path.write_text("\ufeff" + FLAT.read_text(), encoding="utf-8")
    assert cli.json("import", "extract", path, "--map", "one-row-per-review")["children"]["added"] == 3


def test_skip_bad_rows_loads_the_rest(cli, tmp_path):
    path = _flat(tmp_path, "2002,Lily Brooks,17/01/2020,", "2002,Lily Brooks,17/01/20,")
    result = cli("import", "extract", path, "--map", "one-row-per-review", "--skip-bad-rows")
    assert "Skipped: cla_reviews.csv row 5, field Date of Birth: a 2-digit year" in result.stderr
    assert cli.rows("SELECT id FROM child ORDER BY id") == [("2001",), ("2003",)]


# -- map files --------------------------------------------------------------------------------------


def test_a_user_map_by_path_one_row_per_event(cli, tmp_path):
    mine = tmp_path / "mosaic-events.toml"
    mine.write_text(textwrap.dedent('''\
        name = "mosaic-events"
        title = "One row per event"
        [settings]
        date_formats = ["dd/mm/YYYY"]
        nulls = ["", "NULL"]
        [tables.events]
        columns = ["PERSON_ID", "STEP", "COMPLETED"]
        child = "PERSON_ID"
        id = "STEP_ID"
        [tables.events.child_fields]
        name = ["FIRST", "LAST"]
        [[tables.events.events]]
        kind_column = "STEP"
        kinds = { "LAC START" = "entered-care", "LAC REVIEW" = "review-held", "IRO VISIT" = "iro-visit" }
        date = "COMPLETED"
        note = "NOTE"
        '''))
    data = tmp_path / "steps.csv"
    data.write_text("PERSON_ID,FIRST,LAST,STEP_ID,STEP,COMPLETED,NOTE\n"
                    "77,Zoe,Grant,s1,LAC Start,06/01/2025,\n"
                    "77,Zoe,Grant,s2,IRO visit,20/01/2025,at school\n"
                    "77,Zoe,Grant,s3,LAC review,03/02/2025,NULL\n")
    result = cli.json("import", "extract", data, "--map", mine)
    assert result["events"]["added"] == 4  # 3 + tracking-started
    assert cli.events("77") == [("entered-care", "2025-01-06"), ("iro-visit", "2025-01-20"),
                                ("review-held", "2025-02-03"), ("tracking-started", "2025-02-03")]
    assert cli.rows("SELECT name FROM child") == [("Zoe Grant",)]
    assert cli.rows("SELECT note FROM event WHERE kind = 'iro-visit'") == [("at school",)]
    assert cli.rows("SELECT source_key FROM event ORDER BY id")[0] == ("mosaic-events:events:s1:entered-care",)
    data.write_text(data.read_text() + "77,Zoe,Grant,s4,Panel,03/03/2025,\n")
    bad = cli("import", "extract", data, "--map", mine, ok=False)
    assert bad.exit_code == 2 and "steps.csv row 5, field STEP: unknown code 'PANEL'" in bad.stderr


@pytest.mark.parametrize("text, message", [
    ('name = "x"\n', "mine.toml: tables: is required"),
    ("this is not toml", "mine.toml: not valid TOML"),
    ('[tables.t]\ncolumns = ["a"]\nchild = "a"\ncolour = "blue"\n', "mine.toml: tables.t.colour: unknown key"),
    ('[tables.t]\ncolumns = ["a"]\nchild = "a"\n[[tables.t.events]]\nkind = "reviewed"\ndate = "b"\n',
     "mine.toml: tables.t.events[1].kind: unknown event kind 'reviewed'"),
    ('[settings]\ndate_formats = ["mm/dd/yy"]\n[tables.t]\ncolumns = ["a"]\nchild = "a"\n',
     "mine.toml: settings.date_formats: unknown date format 'mm/dd/yy'"),
    ('[tables.t]\ncolumns = ["a"]\n', "mine.toml: tables.t.child: is required"),
    ('[tables.t]\ncolumns = ["a"]\nchild = "a"\n[[tables.t.events]]\nkind = "review-held"\ndate = "b"\nkey = "id"\n',
     "mine.toml: tables.t.events[1].key: expected 'date', or 'id' when the table names its id or identity"),
])
def test_a_bad_map_is_one_line_naming_file_and_key(cli, tmp_path, text, message):
    mine = tmp_path / "mine.toml"
    mine.write_text(text)
    result = cli("import", "extract", FLAT, "--map", mine, ok=False)
    [line] = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and line.startswith(f"Error: {message}"), result.stderr


def test_an_unknown_map_name_lists_the_shipped_ones(cli):
    result = cli("import", "extract", FLAT, "--map", "carefirst", ok=False)
    assert result.exit_code == 2
    assert "unknown map 'carefirst' (shipped: one-row-per-review, ssd; or give a .toml path)" in result.stderr


def test_import_maps_lists_the_shipped_maps(tmp_path):
    data = json.loads(Cli(tmp_path / "s.db")("import", "maps", "--format", "json").stdout)
    assert [m["name"] for m in data] == ["one-row-per-review", "ssd"]


def test_an_extract_that_covers_a_period_marks_where_its_history_begins(cli, tmp_path):
    # RULES §6 for extracts: the map (covers_from) or --covers-from says what period the file covers
    result = cli.json("import", "extract", FLAT, "--map", "one-row-per-review", "--covers-from", "2025-06-01")
    assert result["events"]["added"] == 14 + 3  # one history-known-from per child with events
    marks = cli.rows("SELECT child_id, date FROM event WHERE kind = 'history-known-from' ORDER BY child_id")
    assert marks == [("2001", "2025-06-01"), ("2002", "2025-06-01"), ("2003", "2025-06-01")]
    again = cli.json("import", "extract", FLAT, "--map", "one-row-per-review", "--covers-from", "2025-06-01")
    assert again["events"]["added"] == 0
    assert "history before 2025-06-01 is unknown" in cli("explain", "2001", "--as-of", "2026-01-05").stdout
    shipped = Path(__file__).parents[2] / "src" / "irocli" / "importers" / "maps" / "one-row-per-review.toml"
    own = tmp_path / "own.toml"
    own.write_text('covers_from = "2025-06-01"\n' + shipped.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli.json("import", "extract", FLAT, "--map", str(own), "--dry-run")["events"]["unchanged"] == 17
    bad = tmp_path / "bad.toml"
    bad.write_text('covers_from = "June"\n' + shipped.read_text(encoding="utf-8"), encoding="utf-8")
    failed = cli("import", "extract", FLAT, "--map", str(bad), ok=False)
    assert failed.exit_code == 2 and "covers_from" in failed.stderr
