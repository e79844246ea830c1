"""The native importer: all-or-nothing, idempotent, and shifting dates by whole weeks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clirunner import Cli, digest, rows
from irocli.domain import Child, Event
from irocli.errors import BadInput, StoreUnavailable
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
    counts = load_native(store, write(tmp_path / "data"))
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
    assert load_native(store, data) == {
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
    counts = load_native(store, write(tmp_path / "data", changed, more))
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
    assert load_native(store, data)["events_added"] == 0
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
            "children.csv row 2: more fields than the header has columns",
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
    )
    assert counts["events_added"] == 6
    assert [e.kind for e in store.events_for(["C050"])["C050"]] == ["iro-visit"]


def test_bulk_load_is_one_transaction(store):
    """A failure inside the write (here a foreign key) leaves the children unwritten too."""
    orphan = (Event("entered-care", D("2025-01-01"), None, "C999"), "t:orphan")
    with pytest.raises(StoreUnavailable, match="FOREIGN KEY constraint failed|violates foreign key constraint"):
        store.bulk_load([Child("C001", "Sam Jones")], [orphan])
    assert store.list_children() == []


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
    assert load_native(store, data, shift_to=D("2027-01-08"))["events_added"] == 0


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
        counts = load_native(store, write(tmp_path / "two", IDS_CHILDREN, ids_events("2025-04-22")), as_of=AS_OF)
        assert counts["events_added"] == 0 and counts["events_updated"] == 1
        reviews = [(s.event.date, s.voided) for s in store.list_events("C001") if s.event.kind == "review-held"]
        assert reviews == [(D("2025-04-22"), False)]  # one review, at the corrected date; 11 April is gone
        again = load_native(store, write(tmp_path / "three", IDS_CHILDREN, ids_events("2025-04-22")), as_of=AS_OF)
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
    notes: list[str] = []
    load_native(store, write(tmp_path / "data"), as_of=AS_OF, notes=notes)
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
    assert load_native(store, write(tmp_path / "data", events=events), as_of=AS_OF)["events_added"] == 7


def test_a_stored_childs_birth_is_checked(store, tmp_path):
    store.add_child(Child("C050", "Already Here", D("2015-01-01")))
    with pytest.raises(BadInput, match="row 7, field date: a date before the child's date of birth"):
        load_native(store, write(tmp_path / "data", events=EVENTS + "C050,iro-visit,2014-05-05,,\n"), as_of=AS_OF)


def test_a_birth_of_1900_01_01_is_unknown_and_noted(store, tmp_path):
    children = CHILDREN.replace("2012-05-01", "1900-01-01")
    notes: list[str] = []
    load_native(store, write(tmp_path / "data", children=children), as_of=AS_OF, notes=notes)
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
                       as_of=AS_OF)["events_added"] == 0


def test_a_birth_after_the_as_of_date_is_refused_without_quoting_it(store, tmp_path):
    children = CHILDREN.replace("2012-05-01", "2026-05-01")
    with pytest.raises(BadInput) as caught:
        load_native(store, write(tmp_path / "data", children=children), as_of=AS_OF)
    assert str(caught.value) == ("children.csv row 2, field dob: a date after the as-of date 2025-12-01 (expected one "
                                 "on or before it)")
    assert store.list_children() == []
