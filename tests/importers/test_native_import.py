"""The native importer: all-or-nothing, idempotent, and shifting dates by whole weeks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clirunner import Cli, digest, rows
from irocli.domain import Child
from irocli.errors import BadInput
from irocli.importers.native import load_native
from irocli.store import Store

D = dt.date.fromisoformat

CHILDREN = """\
id,name,dob,iro,social_worker,team
C001,Sam Jones,2012-05-01,A. Khan,K. Doyle,North
C002,Ava Smith,,B. Okafor,,South
"""
EVENTS = """\
child_id,kind,date,meeting,note
C001,entered-care,2025-03-26,,
C001,review-held,2025-04-23,yes,first review
C001,review-held,2025-04-23,no,"same day, second entry"
C002,Entered-Care,2025-06-02,,
C002,iro-visit,2025-06-09,No,
"""


def write(directory: Path, children: str = CHILDREN, events: str = EVENTS, reference=None) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / "children.csv").write_text(children, encoding="utf-8")
    (directory / "events.csv").write_text(events, encoding="utf-8")
    if reference is not None:
        (directory / "reference_date.txt").write_text(reference + "\n", encoding="utf-8")
    return directory


def test_a_load_stores_every_child_and_event(store, tmp_path):
    counts = load_native(store, write(tmp_path / "data")).counts
    assert counts == {
        "children_added": 2,
        "children_updated": 0,
        "children_unchanged": 0,
        "events_added": 5,
        "events_unchanged": 0,
    }
    assert store.list_children() == [
        Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan", "K. Doyle", "North"),
        Child("C002", "Ava Smith", None, "B. Okafor", None, "South"),
    ]
    by_child = store.events_for(["C001", "C002"])
    assert [(e.kind, e.date, e.meeting, e.note) for e in by_child["C001"]] == [
        ("entered-care", D("2025-03-26"), True, None),
        ("review-held", D("2025-04-23"), True, "first review"),
        ("review-held", D("2025-04-23"), False, "same day, second entry"),
    ]
    assert [(e.kind, e.meeting) for e in by_child["C002"]] == [
        ("entered-care", True),
        ("iro-visit", False),
    ]
    keys = [r[0] for r in rows(store.url, "SELECT source_key FROM event ORDER BY id")]
    assert keys == [
        "native:C001:entered-care:2025-03-26:1",
        "native:C001:review-held:2025-04-23:1",
        "native:C001:review-held:2025-04-23:2",
        "native:C002:entered-care:2025-06-02:1",
        "native:C002:iro-visit:2025-06-09:1",
    ]


def test_loading_the_same_files_twice_adds_nothing(store, tmp_path):
    data = write(tmp_path / "data")
    load_native(store, data)
    assert load_native(store, data).counts == {
        "children_added": 0,
        "children_updated": 0,
        "children_unchanged": 2,
        "events_added": 0,
        "events_unchanged": 5,
    }
    assert sum(len(e) for e in store.events_for(["C001", "C002"]).values()) == 5


def test_a_reload_updates_changed_children_and_adds_only_new_events(store, tmp_path):
    load_native(store, write(tmp_path / "data"))
    changed = CHILDREN.replace(
        "C002,Ava Smith,,B. Okafor,,South", "C002,Ava Smith,,C. Walsh,,South"
    )
    more = EVENTS + "C002,review-held,2025-07-01,,\n"
    counts = load_native(store, write(tmp_path / "data", changed, more)).counts
    assert counts == {
        "children_added": 0,
        "children_updated": 1,
        "children_unchanged": 1,
        "events_added": 1,
        "events_unchanged": 5,
    }
    assert store.get_child("C002").iro == "C. Walsh"


def test_a_voided_event_is_not_brought_back_by_a_reload(store, tmp_path):
    data = write(tmp_path / "data")
    load_native(store, data)
    first = store.events_for(["C001"])["C001"][0]
    store.void_event(first.id, "entered in error")
    assert load_native(store, data).counts["events_added"] == 0
    assert first.id not in [e.id for e in store.events_for(["C001"])["C001"]]


@pytest.mark.parametrize(
    ("children", "events", "message"),
    [
        (
            CHILDREN,
            EVENTS.replace("2025-04-23,no", "23/04/2025,no"),
            "events.csv row 4: date '23/04/2025' is not a date (expected YYYY-MM-DD)",
        ),
        (
            CHILDREN,
            EVENTS.replace("C002,iro-visit", "C002,iro-vist"),
            "events.csv row 6, field kind: unknown event kind 'iro-vist'"
            " (see 'irocli event kinds'); did you mean iro-visit?",
        ),
        (
            CHILDREN,
            EVENTS.replace("yes,first", "maybe,first"),
            "events.csv row 3, field meeting: expected yes, no or blank",
        ),
        (
            CHILDREN,
            EVENTS.replace("C002,Entered", "C009,Entered"),
            "events.csv row 5, field child_id: unknown child C009",
        ),
        (
            CHILDREN.replace("2012-05-01", "2012-13-01"),
            EVENTS,
            "children.csv row 2: dob is not a date (expected YYYY-MM-DD)",
        ),
        (
            CHILDREN.replace("C002,Ava Smith", "C001,Ava Smith"),
            EVENTS,
            "children.csv row 3, field id: child C001 appears twice",
        ),
        (CHILDREN.replace("Ava Smith", ""), EVENTS, "children.csv row 3, field name: is empty"),
        (
            CHILDREN.replace("dob,", ""),
            EVENTS,
            "children.csv row 2: 6 fields, but the header has 5 columns",  # the shared reader's words
        ),
        ("id,dob\nC001,2012-01-01\n", EVENTS, "children.csv: missing column(s): name"),
        (CHILDREN.replace("Ava Smith", '"Ava\nSmith"'), EVENTS, "children.csv row 3, field name: holds a line break "
                                                               "or another control character (a name is one line "
                                                               "of text)"),
        (CHILDREN.replace("A. Khan", "A.\x01Khan"), EVENTS, "children.csv row 2, field iro: holds a line break or "
                                                           "another control character (a name is one line of text)"),
        (CHILDREN.replace("South", "S" * 5000), EVENTS, "children.csv row 3, field team: is 5,000 characters long "
                                                        "(at most 200)"),
    ],
    ids=[
        "date",
        "kind",
        "meeting",
        "unknown-child",
        "dob",
        "duplicate-id",
        "no-name",
        "width",
        "header",
        "line-break-in-name",
        "control-in-iro",
        "huge-team",
    ],
)
def test_a_bad_row_stops_the_load_and_writes_nothing(
    db_url, tmp_path, children, events, message
):
    with Store.open(db_url) as store:
        load_native(store, write(tmp_path / "before", CHILDREN, "child_id,kind,date\n"))
    before = digest(db_url)
    with Store.open(db_url) as store:
        with pytest.raises(BadInput) as caught:
            load_native(store, write(tmp_path / "data", children, events))
    assert str(caught.value) == message
    assert caught.value.exit_code == 2
    assert digest(db_url) == before


def test_an_event_for_a_child_already_stored_is_accepted(store, tmp_path):
    store.add_child(Child("C050", "Already Here"))
    counts = load_native(
        store, write(tmp_path / "data", events=EVENTS + "C050,iro-visit,2025-05-05,,\n")
    ).counts
    assert counts["events_added"] == 6
    assert [e.kind for e in store.events_for(["C050"])["C050"]] == ["iro-visit"]


# -- shifting dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shift_to", "days"),
    [
        ("2026-11-23", 0),  # the reference date itself
        ("2026-11-29", 0),  # six days on: still under a week
        ("2026-11-30", 7),
        ("2027-01-01", 35),  # 39 days, rounded down to 5 weeks
        ("2026-11-22", -7),  # one day back rounds down to a whole week back
        ("2026-11-16", -7),
        ("2026-11-15", -14),
    ],
)
def test_shift_moves_every_date_by_whole_weeks_rounded_down(store, tmp_path, shift_to, days):
    load_native(store, write(tmp_path / "data", reference="2026-11-23"), shift_to=D(shift_to))
    delta = dt.timedelta(days=days)
    assert store.get_child("C001").dob == D("2012-05-01") + delta
    assert store.get_child("C002").dob is None
    dates = [e.date for e in store.events_for(["C001"])["C001"]]
    assert dates == [D("2025-03-26") + delta, D("2025-04-23") + delta, D("2025-04-23") + delta]
    assert {d.weekday() for d in dates} == {D("2025-03-26").weekday()}  # Wednesdays stay Wednesdays


def test_a_shifted_reload_recognises_the_events_already_loaded(store, tmp_path):
    data = write(tmp_path / "data", reference="2026-11-23")
    load_native(store, data, shift_to=D("2027-01-01"))
    assert load_native(store, data, shift_to=D("2027-01-08")).counts["events_added"] == 0


def test_shifting_needs_the_reference_date(store, tmp_path):
    with pytest.raises(BadInput, match="reference_date.txt is missing"):
        load_native(store, write(tmp_path / "data"), shift_to=D("2027-01-01"))
    write(tmp_path / "bad", reference="23/11/2026")
    with pytest.raises(BadInput) as caught:
        load_native(store, tmp_path / "bad", shift_to=D("2027-01-01"))
    assert str(caught.value).startswith("reference_date.txt: reference date '23/11/2026' is not")
    assert store.list_children() == []


def test_a_missing_file_is_bad_input(store, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BadInput, match="children.csv is missing"):
        load_native(store, tmp_path / "empty")


# -- corrections, mistyped dates, placeholder births, spreadsheets ------------------------------------------

AS_OF = D("2025-12-01")
IDS_CHILDREN = "id,name,dob\nC001,Sam Jones,2012-05-01\n"


def ids_events(review_date: str) -> str:
    return ("event_id,child_id,kind,date,meeting,note\n"
            "E1,C001,entered-care,2025-03-26,,\n"
            f"E2,C001,review-held,{review_date},yes,\n")


def test_with_event_ids_a_corrected_date_replaces_the_event_it_corrects(db_url, tmp_path):
    cli = Cli(db_url)
    cli("init", "--profile", "england")
    with Store.open(db_url) as store:
        load_native(store, write(tmp_path / "one", IDS_CHILDREN, ids_events("2025-04-11")), as_of=AS_OF)
    assert _explain(cli, "C001")["review.second"]["due"] == "2025-07-11"
    with Store.open(db_url) as store:
        counts = load_native(store, write(tmp_path / "two", IDS_CHILDREN, ids_events("2025-04-22")), as_of=AS_OF).counts
        assert counts["events_added"] == 0 and counts["events_updated"] == 1
        reviews = [(s.event.date, s.voided) for s in store.list_events("C001") if s.event.kind == "review-held"]
        # one review counts, at the corrected date; 11 April stays listed, voided (issue 18: the import is undoable)
        assert reviews == [(D("2025-04-11"), True), (D("2025-04-22"), False)]
        again = load_native(store, write(tmp_path / "three", IDS_CHILDREN, ids_events("2025-04-22")),
                            as_of=AS_OF).counts
        assert again["events_added"] == 0 and again["events_updated"] == 0
    obligations = _explain(cli, "C001")
    assert obligations["review.first"]["met_on"] == "2025-04-22"  # 26 March + 20 working days = 24 April: met
    assert obligations["review.first"]["status"] == "met"
    assert obligations["review.second"]["due"] == "2025-07-22"  # 22 April + 3 months


def _explain(cli, child: str) -> dict:
    import json

    result = cli("explain", child, "--as-of", str(AS_OF), "--format", "json")
    return {o["obligation"]: o for o in json.loads(result.stdout)}


def test_without_event_ids_the_notes_say_events_are_keyed_by_content(store, tmp_path):
    notes = load_native(store, write(tmp_path / "data"), as_of=AS_OF).notes
    assert notes == ["5 event(s) from events.csv keyed by child, kind and date (events.csv has no event_id column), "
                     "so a date corrected in a later file adds a second event beside the first (void the wrong one: "
                     "irocli event void)"]


def test_an_event_id_given_twice_is_refused(store, tmp_path):
    events = ids_events("2025-04-22") + "E2,C001,iro-visit,2025-05-01,,\n"
    with pytest.raises(BadInput) as caught:
        load_native(store, write(tmp_path / "data", IDS_CHILDREN, events), as_of=AS_OF)
    assert str(caught.value) == "events.csv row 4, field event_id: event_id E2 appears twice (first at row 3)"
    assert store.list_children() == []


@pytest.mark.parametrize("line, message", [
    ("C001,review-held,2026-04-12,yes,",  # 2026 typed for 2025
     "events.csv row 7, field date: a date after the as-of date 2025-12-01 (expected one on or before it; "
     "review-held is not dated ahead)"),
    ("C001,iro-visit,2011-05-05,,",
     "events.csv row 7, field date: a date before the child's date of birth (expected iro-visit on or after it)"),
])
def test_a_mistyped_date_is_refused_and_nothing_is_written(db_url, tmp_path, line, message):
    with Store.open(db_url) as store:
        load_native(store, write(tmp_path / "before", CHILDREN, "child_id,kind,date\n"), as_of=AS_OF)
    before = digest(db_url)
    with Store.open(db_url) as store:
        with pytest.raises(BadInput) as caught:
            load_native(store, write(tmp_path / "data", events=EVENTS + line + "\n"), as_of=AS_OF)
    assert str(caught.value) == message and caught.value.exit_code == 2
    assert "2012-05-01" not in message
    assert digest(db_url) == before


def test_kinds_dated_ahead_or_before_birth_by_nature_are_accepted(store, tmp_path):
    events = EVENTS + "C001,review-booked,2026-01-10,,\nC001,strategy-discussion,2012-03-01,,\n"
    assert load_native(store, write(tmp_path / "data", events=events), as_of=AS_OF).counts["events_added"] == 7


def test_a_stored_childs_birth_is_checked(store, tmp_path):
    store.add_child(Child("C050", "Already Here", D("2015-01-01")))
    with pytest.raises(BadInput, match="row 7, field date: a date before the child's date of birth"):
        load_native(store, write(tmp_path / "data", events=EVENTS + "C050,iro-visit,2014-05-05,,\n"), as_of=AS_OF)


def test_a_birth_of_1900_01_01_is_unknown_and_noted(store, tmp_path):
    children = CHILDREN.replace("2012-05-01", "1900-01-01")
    notes = load_native(store, write(tmp_path / "data", children=children), as_of=AS_OF).notes
    assert store.get_child("C001").dob is None
    assert notes[0] == ("1 date(s) of birth of 1900-01-01 (a placeholder for 'not known') stored as unknown: record "
                        "the real one when it is known")


def test_excel_ids_and_zoned_timestamps(store, tmp_path):
    children = "id,name,dob\n101.0,Sam Jones,2012-05-01T00:00:00\n"
    events = ("child_id,kind,date\n"
              "101,entered-care,2025-03-12T23:30:00Z\n"  # GMT: the same day
              "101.00,review-held,2025-06-30T23:30:00Z\n"  # BST: 00:30 on 1 July in London
              "101,iro-visit,2025-06-30T23:30:00+01:00\n")
    load_native(store, write(tmp_path / "data", children, events), as_of=AS_OF)
    assert [c.id for c in store.list_children()] == ["101"]
    assert store.get_child("101").dob == D("2012-05-01")
    assert [(e.kind, e.date) for e in store.events_for(["101"])["101"]] == [
        ("entered-care", D("2025-03-12")), ("iro-visit", D("2025-06-30")), ("review-held", D("2025-07-01"))]
    # the same file as Excel saves it next time: nothing new
    plain = events.replace("101.00,", "101,")
    assert load_native(store, write(tmp_path / "again", children.replace("101.0", "101"), plain),
                       as_of=AS_OF).counts["events_added"] == 0


def test_a_birth_after_the_as_of_date_is_refused_without_quoting_it(store, tmp_path):
    children = CHILDREN.replace("2012-05-01", "2026-05-01")
    with pytest.raises(BadInput) as caught:
        load_native(store, write(tmp_path / "data", children=children), as_of=AS_OF)
    assert str(caught.value) == ("children.csv row 2, field dob: a date after the as-of date 2025-12-01 (expected one "
                                 "on or before it)")
    assert store.list_children() == []


# -- --dry-run and --skip-bad-rows, as import extract and import ssda903 have them -------------------------


def _as_written(lines: list[str], batch: int = 1) -> list[str]:
    """A dry run's summary lines as the real run says them (which names its import batch, the store's first)."""
    return [line.replace("would be ", "") for line in lines if line != "Dry run: nothing was written."] + [
        f"Import batch {batch} (`irocli import history`; take it back with `irocli import undo {batch}`)."]


def test_a_dry_run_writes_nothing_and_reports_the_counts_of_a_real_run(cli, tmp_path):
    data = write(tmp_path / "data")
    before = cli.digest()
    dry = cli("import", "native", data, "--dry-run")
    assert cli.digest() == before
    assert dry.stdout == ""
    assert dry.stderr.splitlines() == [
        "Read children.csv (children, 2 rows), events.csv (events, 5 rows)",
        "Children: 2 would be added, 0 would be updated, 0 would be unchanged",
        "Events: 5 would be added, 0 would be unchanged",
        "Note: 5 event(s) from events.csv keyed by child, kind and date (events.csv has no event_id column), so a "
        "date corrected in a later file adds a second event beside the first (void the wrong one: irocli event void)",
        "Dry run: nothing was written.",
    ]
    real = cli("import", "native", data)
    assert real.stderr.splitlines() == _as_written(dry.stderr.splitlines())
    assert cli.rows("SELECT COUNT(*) FROM child") == [(2,)] and cli.rows("SELECT COUNT(*) FROM event") == [(5,)]
    # a second file: one child changed, one event new; the dry run's counts are the real run's
    more = write(tmp_path / "more", CHILDREN.replace("B. Okafor", "C. Walsh"),
                 EVENTS + "C002,review-held,2025-07-01,,\n")
    before = cli.digest()
    dry = cli("import", "native", more, "--dry-run")
    assert cli.digest() == before
    assert "Children: 0 would be added, 1 would be updated, 1 would be unchanged" in dry.stderr.splitlines()
    real = cli("import", "native", more)
    assert real.stderr.splitlines() == _as_written(dry.stderr.splitlines(), batch=2)
    assert "Events: 1 added, 5 unchanged" in real.stderr.splitlines()


def test_a_dry_run_gives_the_counts_of_a_real_load(db_url, tmp_path):
    data = write(tmp_path / "data", IDS_CHILDREN, ids_events("2025-04-11"))
    with Store.open(db_url):
        pass  # a migrated, empty store
    before = digest(db_url)
    with Store.open(db_url) as store:
        dry = load_native(store, data, as_of=AS_OF, dry_run=True)
    assert digest(db_url) == before
    with Store.open(db_url) as store:
        real = load_native(store, data, as_of=AS_OF)
    assert dry.dry_run and not real.dry_run
    assert dry.counts == real.counts == {"children_added": 1, "children_updated": 0, "children_unchanged": 0,
                                         "events_added": 2, "events_updated": 0, "events_unchanged": 0}
    corrected = write(tmp_path / "corrected", IDS_CHILDREN, ids_events("2025-04-22"))
    before = digest(db_url)
    with Store.open(db_url) as store:
        dry = load_native(store, corrected, as_of=AS_OF, dry_run=True)
    assert digest(db_url) == before
    with Store.open(db_url) as store:
        assert load_native(store, corrected, as_of=AS_OF).counts == dry.counts
    assert dry.counts["events_updated"] == 1


def test_a_dry_run_with_no_store_yet_is_refused_and_creates_none(tmp_path):
    """Only init creates a store (CONTRACT): a dry run against a mistyped path says so."""
    fresh = Cli(tmp_path / "none" / "store.db")
    result = fresh("import", "native", write(tmp_path / "data"), "--dry-run", ok=False)
    assert result.exit_code == 3
    assert result.stderr == (f"Error: no irocli store at {tmp_path / 'none' / 'store.db'} (no such file): "
                             "create one with `irocli init`\n")
    assert not (tmp_path / "none").exists()


BAD_ROWS = (CHILDREN.replace("C002,Ava Smith,,", "C002,Ava Smith,2010-02-30,"),  # row 3: C002's birth
            EVENTS + "C001,iro-vist,2025-05-01,,\n"  # row 7
                     "C001,review-held,2025-05-02,maybe,\n")  # row 8; rows 5 and 6 are C002's
SKIPPED = [
    "Skipped: children.csv row 3: dob is not a date (expected YYYY-MM-DD)",
    "Skipped: events.csv row 5, field child_id: unknown child C002",
    "Skipped: events.csv row 6, field child_id: unknown child C002",
    "Skipped: events.csv row 7, field kind: unknown event kind 'iro-vist' (see 'irocli event kinds'); did you mean "
    "iro-visit?",
    "Skipped: events.csv row 8, field meeting: expected yes, no or blank",
]


def test_skip_bad_rows_leaves_out_exactly_the_bad_rows_and_names_each(cli, tmp_path):
    data = write(tmp_path / "data", *BAD_ROWS)
    before = cli.digest()
    stopped = cli("import", "native", data, ok=False)
    assert stopped.exit_code == 2 and cli.digest() == before
    assert stopped.stderr == "Error: children.csv row 3: dob is not a date (expected YYYY-MM-DD)\n"
    dry = cli("import", "native", data, "--skip-bad-rows", "--dry-run")
    assert cli.digest() == before
    result = cli("import", "native", data, "--skip-bad-rows")
    assert result.stderr.splitlines() == _as_written(dry.stderr.splitlines())
    assert [line for line in result.stderr.splitlines() if line.startswith("Skipped: ")] == SKIPPED
    assert result.stderr.splitlines()[len(SKIPPED):len(SKIPPED) + 4] == [
        "Read children.csv (children, 2 rows), events.csv (events, 7 rows)",
        "Children: 1 added, 0 updated, 0 unchanged",
        "Events: 3 added, 0 unchanged",
        "Skipped rows: 5 (listed above)",
    ]
    assert cli.rows("SELECT id FROM child") == [("C001",)]
    assert cli.events("C001") == [("entered-care", "2025-03-26"), ("review-held", "2025-04-23"),
                                  ("review-held", "2025-04-23")]
    again = cli("import", "native", data, "--skip-bad-rows")
    assert "Events: 0 added, 3 unchanged" in again.stderr.splitlines()


def test_skip_bad_rows_in_the_api_names_file_row_and_field(db_url, tmp_path):
    events = ids_events("2025-04-22") + ("E2,C001,iro-visit,2025-05-01,,\n"  # row 4: E2 again
                                         "E3,C001,review-held,2026-04-12,yes,\n"  # row 5: after the as-of date
                                         "E4,C001,iro-visit,2025-05-05,,\n")
    with Store.open(db_url):
        pass  # a migrated, empty store
    before = digest(db_url)
    with Store.open(db_url) as store:
        with pytest.raises(BadInput, match="events.csv row 4, field event_id: event_id E2 appears twice"):
            load_native(store, write(tmp_path / "data", IDS_CHILDREN, events), as_of=AS_OF)
    assert digest(db_url) == before
    with Store.open(db_url) as store:
        result = load_native(store, tmp_path / "data", as_of=AS_OF, skip_bad_rows=True)
        assert [e.as_dict() for e in result.skipped] == [
            {"file": "events.csv", "row": 4, "field": "event_id",
             "reason": "event_id E2 appears twice (first at row 3)"},
            {"file": "events.csv", "row": 5, "field": "date",
             "reason": "a date after the as-of date 2025-12-01 (expected one on or before it; review-held is not "
                       "dated ahead)"},
        ]
        assert result.counts["events_added"] == 3
        assert [(e.kind, e.date) for e in store.events_for(["C001"])["C001"]] == [
            ("entered-care", D("2025-03-26")), ("review-held", D("2025-04-22")), ("iro-visit", D("2025-05-05"))]


DETAILED = """\
child_id,kind,date,meeting,note,details
C001,entered-care,2025-03-26,,,"{""placement"": ""u4"", ""started"": ""on-or-before""}"
C001,sw-visit,2025-04-01,,,"{""seen-alone"": ""Yes""}"
C001,escalation-opened,2025-04-02,,,"{""key"": ""E1"", ""stage"": ""1"", ""reason"": ""drift""}"
"""


def test_declared_details_are_stored_as_written_and_other_kinds_details_pass(cli, tmp_path):
    cli("import", "native", write(tmp_path / "data", events=DETAILED))
    assert cli.rows("SELECT kind, details FROM event ORDER BY date") == [
        ("entered-care", '{"placement": "U4", "started": "on-or-before"}'), ("sw-visit", '{"seen-alone": "yes"}'),
        ("escalation-opened", '{"key": "E1", "reason": "drift", "stage": "1"}')]  # keys sorted by the store


@pytest.mark.parametrize("details, message", [
    ('"{""placement"": ""U9""}"', "events.csv row 2, field details: placement=u9: not one of A3, A4"),
    ('"{""placment"": ""U4""}"', "events.csv row 2, field details: placment: entered-care events carry no "
                                 "such detail (their details: placement)"),
    ('"{""placement"": 4}"', "events.csv row 2, field details: placement=4: not one of"),
    ('"{""started"": ""yesterday""}"', "events.csv row 2, field details: started: entered-care events carry "
                                       "no such detail"),
])
def test_a_bad_declared_detail_is_one_line_exit_2_and_nothing_written(cli, tmp_path, details, message):
    before = cli.digest()
    events = f"child_id,kind,date,meeting,note,details\nC001,entered-care,2025-03-26,,,{details}\n"
    result = cli("import", "native", write(tmp_path / "data", events=events), ok=False)
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert message in line, line
    assert cli.digest() == before


ALLOCATED = """\
child_id,kind,date,meeting,note,details
C001,entered-care,2025-03-26,,,
C001,iro-allocated,2025-03-27,,,"{""iro"": "" C.  Jones ""}"
C002,entered-care,2025-06-02,,,
C002,iro-allocated,2025-06-03,,IRO named on the child: D. Patel,
C002,iro-allocated,2025-06-01,,,
"""


def test_allocations_carry_their_iro_and_the_childs_iro_follows_the_latest(cli, tmp_path):
    """An iro-allocated event names its IRO in details (cleaned as names are), or in irocli's own note of the
    form "IRO named on the child: NAME"; the child's IRO is the latest allocation's, whatever children.csv says
    (C001: C. Jones of 2025-03-27, not A. Khan; C002: D. Patel, the unnamed allocation before it aside)."""
    cli("init")
    cli("import", "native", write(tmp_path / "data", events=ALLOCATED))
    assert cli.rows("SELECT child_id, date, details FROM event WHERE kind = 'iro-allocated' ORDER BY date") == [
        ("C001", "2025-03-27", '{"iro": "C. Jones"}'), ("C002", "2025-06-01", None),
        ("C002", "2025-06-03", '{"iro": "D. Patel"}')]
    assert cli.rows("SELECT id, iro FROM child ORDER BY id") == [("C001", "C. Jones"), ("C002", "D. Patel")]


def test_an_allocation_naming_no_one_is_a_bad_row(cli, tmp_path):
    cli("init")
    before = cli.digest()
    events = 'child_id,kind,date,meeting,note,details\nC001,iro-allocated,2025-03-26,,,"{""iro"": ""  ""}"\n'
    result = cli("import", "native", write(tmp_path / "data", events=events), ok=False)
    assert result.exit_code == 2
    assert result.stderr == "Error: events.csv row 2, field details: iro is empty\n"
    assert cli.digest() == before
