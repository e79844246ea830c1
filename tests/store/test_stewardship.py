"""Issue 18, the write side on a real store of each backend: amending an event, import batches and undoing them,
and the history every change of a child's details leaves (migration 0007)."""

from __future__ import annotations

import datetime as dt
import getpass
import json

import pytest

from clirunner import rows
from irocli.domain import Child, Event
from irocli.errors import BadInput
from irocli.store.stewardship import BatchSource

D = dt.date.fromisoformat
AS_OF = D("2026-11-30")
ME = getpass.getuser()


def changes(store, child_id: str) -> list[tuple]:
    """(field, old, new, via, batch, by) of a child's history, oldest first."""
    return [tuple(r) for r in rows(store.url, "SELECT field, old, new, via, batch_id, changed_by FROM child_change "
                                              f"WHERE child_id = '{child_id}' ORDER BY id")]


def live(store, child_id: str) -> list[tuple]:
    """(kind, date, details) of a child's events that count, by date."""
    return [(s.event.kind, s.event.date.isoformat(), s.event.details)
            for s in store.list_events(child_id, include_voided=False)]


# -- child history ------------------------------------------------------------------------------------------------


def test_every_change_of_a_childs_details_is_kept_with_who_and_via_what(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan", None, "North"), allocated_on=D("2025-01-06"))
    store.update_child("C001", dob=D("2012-05-10"), team="South", name="Sam Jones")  # the name is unchanged
    store.transfer("A. Khan", "B. Okafor", D("2026-02-02"), as_of=AS_OF)
    store.rename_iro("B. Okafor", "Bea Okafor")
    store.update_child("C001", dob=dt.date(1900, 1, 1))  # the case systems' placeholder: unknown
    assert changes(store, "C001") == [
        ("added", None, None, "child add", None, ME),
        ("dob", "2012-05-01", "2012-05-10", "child update", None, ME),
        ("team", "North", "South", "child update", None, ME),
        ("iro", "A. Khan", "B. Okafor", "transfer", None, ME),
        ("iro", "B. Okafor", "Bea Okafor", "iro rename", None, ME),
        ("dob", "2012-05-10", None, "child update", None, ME),
    ]


def test_an_allocation_event_and_its_voiding_keep_the_iro_change_in_the_history(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan"), allocated_on=D("2025-01-06"))
    event_id = store.add_event("C001", "iro-allocated", D("2025-06-02"), details={"iro": "C. Jones"})
    store.void_event(event_id, "wrong child")
    assert changes(store, "C001")[1:] == [("iro", "A. Khan", "C. Jones", "allocation event", None, ME),
                                          ("iro", "C. Jones", "A. Khan", "allocation event", None, ME)]
    assert rows(store.url, f"SELECT voided_by FROM event WHERE id = {event_id}") == [(ME,)]


# -- amend --------------------------------------------------------------------------------------------------------


@pytest.fixture
def sam(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan"))
    store.add_event("C001", "entered-care", D("2025-01-06"))
    return store


def test_amend_voids_the_event_and_records_it_again_corrected_and_linked(sam):
    wrong = sam.add_event("C001", "review-held", D("2025-02-13"), note="first review",
                          details={"participation": "PN1"})
    right = sam.amend_event(wrong, "typed 13th for 3rd", date=D("2025-02-03"), as_of=AS_OF)
    assert right == wrong + 1
    old, new = sam.get_event(wrong), sam.get_event(right)
    assert (old.voided, old.void_reason, old.voided_by, old.amended_by) == (True, "typed 13th for 3rd", ME, right)
    assert (new.voided, new.amends, new.recorded_by, new.batch) == (False, wrong, ME, None)
    assert (new.event.kind, new.event.date, new.event.note, new.event.details) == (
        "review-held", D("2025-02-03"), "first review", {"participation": "PN1"})
    assert live(sam, "C001") == [("entered-care", "2025-01-06", None),
                                 ("review-held", "2025-02-03", {"participation": "PN1"})]
    chain = [(s.event.id, s.voided, s.amends, s.amended_by) for s in sam.list_events("C001", include_voided=True)]
    assert chain == [(1, False, None, None), (right, False, wrong, None), (wrong, True, None, right)]
    # the note alone, then cleared
    third = sam.amend_event(right, "note", note="chaired by A. Khan", as_of=AS_OF)
    assert sam.get_event(third).event.note == "chaired by A. Khan"
    fourth = sam.amend_event(third, "note", note="", as_of=AS_OF)
    assert (sam.get_event(fourth).event.note, sam.get_event(fourth).event.date) == (None, D("2025-02-03"))


@pytest.mark.parametrize("how, message", [
    ({"reason": " "}, "^a reason is needed to amend an event$"),
    ({"event_id": 99}, "^unknown event 99$"),
    ({"date": D("2025-02-13")}, "^nothing to amend: event 2 is already on 2025-02-13$"),
    ({"date": D("2026-12-01")}, "^review-held on 2026-12-01 for C001 is after 2026-11-30: only a booking"),
    ({"date": D("2011-05-01")}, "before"),
])
def test_an_amendment_the_rules_refuse_writes_nothing(sam, how, message):
    wrong = sam.add_event("C001", "review-held", D("2025-02-13"))
    before = rows(sam.url, "SELECT * FROM event ORDER BY id")
    args = {"event_id": wrong, "reason": "wrong day", "date": None, **how}
    with pytest.raises(BadInput, match=message):
        sam.amend_event(args.pop("event_id"), args.pop("reason"), as_of=AS_OF, **args)
    assert rows(sam.url, "SELECT * FROM event ORDER BY id") == before


def test_a_voided_event_cannot_be_amended_and_the_message_names_its_replacement(sam):
    wrong = sam.add_event("C001", "review-held", D("2025-02-13"))
    right = sam.amend_event(wrong, "wrong day", date=D("2025-02-03"), as_of=AS_OF)
    with pytest.raises(BadInput, match=f"^event {wrong} is voided: amend event {right}, which replaced it$"):
        sam.amend_event(wrong, "again", date=D("2025-02-04"), as_of=AS_OF)
    sam.void_event(right, "no review at all")
    with pytest.raises(BadInput, match=f"^event {right} is voided$"):
        sam.amend_event(right, "again", date=D("2025-02-04"), as_of=AS_OF)


def test_amending_an_allocation_keeps_the_iro_and_moves_its_day(sam):
    first = sam.add_event("C001", "iro-allocated", D("2025-01-06"), details={"iro": "A. Khan"})
    later = sam.add_event("C001", "iro-allocated", D("2025-05-01"), details={"iro": "B. Okafor"})
    assert sam.get_child("C001").iro == "B. Okafor"
    sam.amend_event(later, "allocated on the 1st of April", date=D("2025-04-01"), as_of=AS_OF)
    assert sam.get_child("C001").iro == "B. Okafor"
    assert [(s.event.date, s.event.details["iro"]) for s in sam.list_events("C001", include_voided=False)
            if s.event.id != 1] == [
        (D("2025-01-06"), "A. Khan"), (D("2025-04-01"), "B. Okafor")]
    assert first == 2


# -- import batches and undo --------------------------------------------------------------------------------------


def keyed(child_id: str, kind: str, day: str, key: str, details: dict | None = None) -> tuple[Event, str]:
    return Event(kind, D(day), None, child_id, True, None, details=details), key


def test_every_load_is_a_batch_with_its_files_hashes_and_counts(store, tmp_path):
    data = tmp_path / "extract.csv"
    data.write_bytes(b"abc")  # SHA-256 of "abc" (FIPS 180-2, appendix B.1)
    counts = store.bulk_load([Child("C001", "Sam Jones")], [keyed("C001", "entered-care", "2025-01-06", "k1")],
                             source=BatchSource("extract", [data], map_name="ssd", map_path=data))
    assert counts == {"children_added": 1, "children_updated": 0, "children_unchanged": 0, "events_added": 1,
                      "events_unchanged": 0} and counts.batch == 1
    [batch] = store.import_batches()
    abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert (batch["batch"], batch["kind"], batch["files"], batch["map"], batch["recorded_by"], batch["undone_at"]) == (
        1, "extract", [{"name": "extract.csv", "sha256": abc, "bytes": 3}], {"name": "ssd", "sha256": abc}, ME, None)
    assert batch["counts"] == dict(counts)
    assert rows(store.url, "SELECT batch_id, recorded_by FROM event") == [(1, ME)]
    assert changes(store, "C001") == [("added", None, None, "import", 1, ME)]
    # a dry run is no batch
    assert store.bulk_load([Child("C002", "Ava Smith")], [], dry_run=True).batch is None
    assert len(store.import_batches()) == 1


FIRST = [keyed("C001", "entered-care", "2025-01-06", "k:C001:care"),
         keyed("C001", "review-held", "2025-01-31", "k:C001:r1", {"participation": "PN1"}),
         keyed("C002", "entered-care", "2025-03-03", "k:C002:care")]
CHILDREN = [Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan", None, "North"),
            Child("C002", "Ava Smith", D("2010-02-28"), "A. Khan", None, "South")]


def test_undo_then_the_same_import_re_adds_exactly_what_it_removed(store):
    store.bulk_load(CHILDREN, FIRST)
    before = {cid: live(store, cid) for cid in ("C001", "C002")}
    keys = rows(store.url, "SELECT source_key FROM event WHERE voided_at IS NULL ORDER BY source_key")
    done = store.undo_import(1, reason="wrong file")
    assert (done.events_voided, done.events_restored, done.fields_restored, done.dependents) == (3, 0, [], [])
    assert {cid: live(store, cid) for cid in ("C001", "C002")} == {"C001": [], "C002": []}
    assert rows(store.url, "SELECT source_key, former_key, void_reason, voided_by FROM event ORDER BY id") == [
        (None, key, "import batch 1 undone: wrong file", ME) for key in
        ("k:C001:care", "k:C001:r1", "k:C002:care")]
    [batch] = store.import_batches()
    assert (batch["undone_by"], batch["undo_reason"]) == (ME, "wrong file") and batch["undone_at"] is not None
    assert [c.id for c in store.list_children()] == ["C001", "C002"]  # the children it added stay
    again = store.bulk_load(CHILDREN, FIRST)
    assert (again["events_added"], again["children_unchanged"], again.batch) == (3, 2, 2)
    assert {cid: live(store, cid) for cid in ("C001", "C002")} == before
    assert rows(store.url, "SELECT source_key FROM event WHERE voided_at IS NULL ORDER BY source_key") == keys
    with pytest.raises(BadInput, match="^import batch 1 was already undone on .* UTC by "):
        store.undo_import(1)
    with pytest.raises(BadInput, match=r"^no import batch 9 \(see `irocli import history`\)$"):
        store.undo_import(9)


def test_undo_sets_back_the_child_details_it_changed_and_brings_back_the_events_it_replaced(store):
    store.bulk_load(CHILDREN, FIRST)
    moved = [keyed("C001", "review-held", "2025-02-03", "k:C001:r1", {"participation": "PN1"})]
    second = store.bulk_load([Child("C001", "Sam Jones", D("2012-05-10"), None, None, "East")], moved, update=True)
    assert (second["children_updated"], second["events_updated"], second.batch) == (1, 1, 2)
    assert live(store, "C001")[1] == ("review-held", "2025-02-03", {"participation": "PN1"})
    assert changes(store, "C001")[1:] == [("dob", "2012-05-01", "2012-05-10", "import", 2, ME),
                                          ("team", "North", "East", "import", 2, ME)]
    done = store.undo_import(2)
    assert (done.events_voided, done.events_restored, done.fields_restored) == (1, 1, [("C001", "dob"),
                                                                                       ("C001", "team")])
    assert store.get_child("C001") == CHILDREN[0]
    assert live(store, "C001") == [("entered-care", "2025-01-06", None),
                                   ("review-held", "2025-01-31", {"participation": "PN1"})]
    assert rows(store.url, "SELECT id FROM event WHERE source_key = 'k:C001:r1' AND voided_at IS NULL") == [(2,)]
    assert changes(store, "C001")[3:] == [("dob", "2012-05-10", "2012-05-01", "import undo", 2, ME),
                                          ("team", "East", "North", "import undo", 2, ME)]


def test_undo_is_refused_when_a_later_batch_changed_what_it_changed_and_with_force_leaves_that(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), None, None, "North"))
    store.bulk_load([Child("C001", "Sam Jones", team="South")], FIRST[:1])
    store.bulk_load([Child("C001", "Sam Jones", team="East")], [])
    before = rows(store.url, "SELECT * FROM event ORDER BY id") + rows(store.url, "SELECT * FROM child")
    with pytest.raises(BadInput) as refused:
        store.undo_import(1)
    assert str(refused.value) == (
        f"import batch 1 cannot be undone: C001's team was changed since, by import (import batch 2 on "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d}); take that back first, or run again with --force to undo the rest "
        "and leave it")
    assert rows(store.url, "SELECT * FROM event ORDER BY id") + rows(store.url, "SELECT * FROM child") == before
    assert store.import_batches()[0]["undone_at"] is None
    done = store.undo_import(1, force=True)
    assert (done.events_voided, done.fields_restored, len(done.dependents)) == (1, [], 1)
    assert store.get_child("C001").team == "East"  # the later value stands
    assert live(store, "C001") == []
    # batch 2 undone too: the team goes back to what it was before either (batch 1's South is undone as well)
    store.undo_import(2)
    assert store.get_child("C001").team == "North"


def test_undo_is_refused_when_a_hand_entry_depends_on_it(store):
    store.bulk_load(CHILDREN, FIRST)
    visit = store.add_event("C002", "iro-visit", D("2025-04-01"))
    with pytest.raises(BadInput, match=(f"^import batch 1 cannot be undone: C002, which it added, has event {visit} "
                                        r"recorded since \(" + ME + " on .*")):
        store.undo_import(1)
    store.void_event(visit, "not a visit")
    amended = store.amend_event(2, "held on the 30th", date=D("2025-01-30"), as_of=AS_OF)
    with pytest.raises(BadInput, match=f"^import batch 1 cannot be undone: its event 2 was amended since, now event "
                                       f"{amended} "):
        store.undo_import(1)
    store.void_event(amended, "no review")
    store.update_child("C001", team="West")
    store.bulk_load([Child("C001", "Sam Jones", team="East")], [])  # batch 2 changes what the hand changed
    store.undo_import(1)  # the team was not batch 1's change (it added the child): nothing depends now
    assert live(store, "C001") == [] and store.get_child("C001").team == "East"
    by_hand = store.bulk_load([], [keyed("C001", "entered-care", "2025-01-06", "k:C001:care")])
    assert by_hand["events_added"] == 1  # its key was released by the undo


def test_a_batch_changing_a_field_a_hand_change_changed_since_is_refused(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), None, None, "North"))
    store.bulk_load([Child("C001", "Sam Jones", team="South")], [])
    store.update_child("C001", team="West")
    with pytest.raises(BadInput, match=f"^import batch 1 cannot be undone: C001's team was changed since, by child "
                                       rf"update \({ME} on "):
        store.undo_import(1)


def test_undo_of_an_allocation_gives_the_child_back_its_iro(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan"), allocated_on=D("2025-01-06"))
    store.bulk_load([], [keyed("C001", "iro-allocated", "2025-06-02", "k:alloc", {"iro": "C. Jones"})])
    assert store.get_child("C001").iro == "C. Jones"
    store.undo_import(1)
    assert store.get_child("C001").iro == "A. Khan"
    assert changes(store, "C001")[1:] == [("iro", "A. Khan", "C. Jones", "import", 1, ME),
                                          ("iro", "C. Jones", "A. Khan", "import undo", 1, ME)]
    assert json.loads(rows(store.url, "SELECT counts FROM import_batch")[0][0])["events_added"] == 1


# -- from the new-user check: the kinds of fault found, each held --------------------------------------------------


def test_an_amendment_of_an_amendment_still_depends_on_the_batch(store):
    store.bulk_load(CHILDREN, FIRST)
    once = store.amend_event(2, "held on the 30th", date=D("2025-01-30"), as_of=AS_OF)
    twice = store.amend_event(once, "held on the 29th", date=D("2025-01-29"), as_of=AS_OF)
    with pytest.raises(BadInput, match=f"^import batch 1 cannot be undone: its event 2 was amended since, now event "
                                       f"{twice} "):
        store.undo_import(1)


def test_a_hand_event_amended_on_a_child_the_batch_added_still_depends_on_it(store):
    store.bulk_load(CHILDREN, FIRST)
    visit = store.add_event("C002", "iro-visit", D("2025-04-01"))
    moved = store.amend_event(visit, "the 2nd", date=D("2025-04-02"), as_of=AS_OF)
    with pytest.raises(BadInput, match=f"^import batch 1 cannot be undone: C002, which it added, has event {moved} "):
        store.undo_import(1)


def test_undoing_a_later_batch_never_brings_back_an_undone_batchs_events(store):
    store.bulk_load(CHILDREN, FIRST)
    store.bulk_load([], [keyed("C001", "review-held", "2025-02-03", "k:C001:r1", {"participation": "PN1"})],
                    update=True)
    done = store.undo_import(1, force=True)  # its review was replaced by batch 2: left
    assert (done.events_voided, len(done.dependents)) == (2, 1)
    again = store.undo_import(2)
    assert (again.events_voided, again.events_restored) == (1, 0)
    assert live(store, "C001") == [] and live(store, "C002") == []
    # every key of both batches is free again: the first file imported once more adds all three
    assert store.bulk_load(CHILDREN, FIRST)["events_added"] == 3


def test_an_import_naming_the_iro_a_transfer_replaced_changes_nothing(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan"), allocated_on=D("2025-01-06"))
    store.transfer("A. Khan", "B. Okafor", D("2026-02-02"), as_of=AS_OF)
    history = changes(store, "C001")
    counts = store.bulk_load([Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan")], [])
    assert (counts["children_unchanged"], counts["children_updated"]) == (1, 0)
    assert changes(store, "C001") == history and store.get_child("C001").iro == "B. Okafor"


def test_a_file_differing_from_a_persons_correction_is_held_and_said(store):
    store.bulk_load(CHILDREN, FIRST, update=True)
    store.amend_event(2, "held on the 30th", date=D("2025-01-30"), as_of=AS_OF)
    moved = [keyed("C001", "review-held", "2025-02-04", "k:C001:r1", {"participation": "PN1"})]
    counts = store.bulk_load([], moved, update=True)
    assert (counts["events_unchanged"], counts["events_added"], counts.held) == (1, 0, [2])
    assert [e[1] for e in live(store, "C001")] == ["2025-01-06", "2025-01-30"]  # the person's date stands
    # the file as it first was still brings the review the person corrected: said again, until the case system agrees
    assert store.bulk_load([], FIRST[1:2], update=True).held == [2]
    assert store.bulk_load([], FIRST[:1], update=True).held == []  # a row no one corrected: nothing to say


def test_an_iro_rename_and_the_profile_set_are_in_the_audit(store):
    from irocli.store import queries

    store.set_meta("profile", "england")
    store.set_meta("profile", "england")  # the same again: no write
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan"), allocated_on=D("2025-01-06"))
    store.rename_iro("A. Khan", "Aisha Khan")
    logged = rows(store.url, "SELECT action, detail, by FROM write_log ORDER BY id")
    assert [(a, json.loads(d), b) for a, d, b in logged] == [
        ("profile set", {"old": None, "new": "england"}, ME),
        ("iro renamed", {"old": ["A. Khan"], "new": "Aisha Khan", "children": 1, "allocations": 1, "covers": 0,
                         "covers_dropped": 0}, ME)]
    with store._read() as conn:
        actions = [e.action for e in queries.audit_entries(conn, dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1))]
    assert actions == ["profile set", "child added", "event added", "child changed", "iro renamed"]  # one instant


def test_who_is_never_a_name_with_a_control_character(monkeypatch):
    import pwd

    from irocli.store.records import os_user

    for hostile in ("x\ny", "evil\x1b[31mRED", "tab\there"):
        monkeypatch.setenv("LOGNAME", hostile)
        assert os_user() == pwd.getpwuid(__import__("os").getuid()).pw_name
    monkeypatch.setenv("LOGNAME", "jdoe")
    assert os_user() == "jdoe"


def test_an_undo_dry_run_lists_what_depends_and_writes_nothing(store):
    store.bulk_load(CHILDREN, FIRST)
    first = store.add_event("C002", "iro-visit", D("2025-04-01"))
    second = store.add_event("C001", "iro-visit", D("2025-04-02"))
    before = rows(store.url, "SELECT * FROM event ORDER BY id") + rows(store.url, "SELECT * FROM import_batch")
    done = store.undo_import(1, dry_run=True)
    found = [(d["what"], d["child"], d["event"], d["batch"], d["by"]) for d in done.dependents]
    assert (done.events_voided, found) == (3, [("recorded", "C002", first, None, ME),
                                               ("recorded", "C001", second, None, ME)])
    assert rows(store.url, "SELECT * FROM event ORDER BY id") + rows(store.url, "SELECT * FROM import_batch") == before


def test_undoing_in_any_order_ends_with_the_values_before_the_undone_batches(store):
    """Three batches change one child's date of birth; the second undone (forced: the third changed it since), then
    the third: the child has the first batch's value, whichever order (the second tester's fault 1)."""
    first, second, third = (Child("C001", "Sam Jones", D(day)) for day in ("2013-02-11", "2013-02-12", "2013-02-13"))
    for child in (first, second, third):
        store.bulk_load([child], [])
    store.undo_import(2, force=True)
    assert store.get_child("C001").dob == D("2013-02-13")  # the third's change stands until it is undone
    store.undo_import(3)
    assert store.get_child("C001").dob == D("2013-02-11")
    assert changes(store, "C001")[-1] == ("dob", "2013-02-13", "2013-02-11", "import undo", 3, ME)


def test_undoing_an_allocation_after_an_iro_rename_follows_the_history_and_is_no_dependency(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan"), allocated_on=D("2025-01-06"))
    store.bulk_load([], [keyed("C001", "iro-allocated", "2026-11-02", "k:alloc", {"iro": "B. Okafor"})])
    store.rename_iro("A. Khan", "Aisha Khan")
    store.rename_iro("B. Okafor", "Bea Okafor")
    done = store.undo_import(1)  # no --force needed: the IRO follows the allocation history
    assert (done.dependents, done.fields_restored) == ([], [])
    assert store.get_child("C001").iro == "Aisha Khan"  # the allocation left, as renamed


def test_amending_a_voided_event_names_the_live_end_of_its_chain(sam):
    wrong = sam.add_event("C001", "review-held", D("2025-02-13"))
    second = sam.amend_event(wrong, "a", date=D("2025-02-12"), as_of=AS_OF)
    third = sam.amend_event(second, "b", date=D("2025-02-11"), as_of=AS_OF)
    with pytest.raises(BadInput, match=f"^event {wrong} is voided: amend event {third}, which replaced it$"):
        sam.amend_event(wrong, "c", date=D("2025-02-10"), as_of=AS_OF)
    sam.void_event(third, "no review")
    with pytest.raises(BadInput, match=f"^event {wrong} is voided: it was amended by event {third}, voided too$"):
        sam.amend_event(wrong, "c", date=D("2025-02-10"), as_of=AS_OF)


def test_an_escalations_opening_is_not_amended(sam):
    opened = sam.add_event("C001", "escalation-opened", D("2025-03-03"), details={"stage": "informal"})
    with pytest.raises(BadInput, match=f"^event {opened} opens escalation {opened}, which its later steps name"):
        sam.amend_event(opened, "a", date=D("2025-03-04"), as_of=AS_OF)
