"""Issue 18's reads through the Store, on each backend: Store.child_history and Store.audit (queries.child_changes,
queries.audit_entries) for the writes the CLI tests do not reach: an import undo setting a field back, a voided
allocation event, a cover, keyed events written with no import batch. Expected values written out by hand."""

from __future__ import annotations

import datetime as dt
import getpass

import pytest
import sqlalchemy as sa

from irocli.domain import Child
from irocli.errors import BadInput
from irocli.reports.stewardship import audit_detail, audit_window, dob_changed
from irocli.store.stewardship import BatchSource

USER = getpass.getuser()
D = dt.date.fromisoformat
WIDE = (dt.datetime(2000, 1, 1), dt.datetime(2200, 1, 1))  # every write


def changes(store, child_id: str) -> list[tuple]:
    return [(c.field, c.old, c.new, c.via, c.batch, c.by) for c in store.child_history(child_id)]


def test_an_unknown_child_has_no_history(store):
    with pytest.raises(BadInput, match="^unknown child C404$"):
        store.child_history("C404")


def test_an_import_undo_sets_the_field_back_and_says_so(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), None, None, "North"))
    load = store.bulk_load([Child("C001", "Sam Jones", D("2012-05-02"), None, None, "East")], [],
                           source=BatchSource("native"))
    store.undo_import(load.batch, reason="wrong file")
    assert changes(store, "C001") == [
        ("added", None, None, "child add", None, USER),
        ("dob", "2012-05-01", "2012-05-02", "import", 1, USER),
        ("team", "North", "East", "import", 1, USER),
        ("dob", "2012-05-02", "2012-05-01", "import undo", 1, USER),
        ("team", "East", "North", "import undo", 1, USER),
    ]
    # the date of birth changed twice: child show marks the latest (back to 2012-05-01, was 2012-05-02)
    mark = dob_changed(store.child_history("C001"))
    assert (mark["was"], mark["via"], mark["by"]) == ("2012-05-02", "import undo", USER)
    # the audit: the child added, the import (one row: its field changes are its own) and its undoing, with each
    # field the undo set back (a person's write: listed, as an iro rename's are)
    entries = store.audit(*WIDE)
    assert [(e.action, e.child, e.batch) for e in entries] == [
        ("child added", "C001", None), ("import", None, 1), ("import undone", None, 1), ("child changed", "C001", 1),
        ("child changed", "C001", 1)]
    assert audit_detail(entries[1]) == ("native: no files; children added 0, children updated 1, "
                                        "children unchanged 0, events added 0, events unchanged 0")
    assert audit_detail(entries[2]) == "native import undone; reason: wrong file"


def test_a_voided_allocation_event_changes_the_iro_via_the_event(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), None, None, None))
    first = store.add_event("C001", "iro-allocated", D("2025-01-08"), details={"iro": "A. Khan"}, as_of=D("2025-12-01"))
    second = store.add_event("C001", "iro-allocated", D("2025-06-02"), details={"iro": "B. Okafor"},
                             as_of=D("2025-12-01"))
    store.void_event(second, "entered against the wrong child")
    assert changes(store, "C001") == [
        ("added", None, None, "child add", None, USER),
        ("iro", None, "A. Khan", "allocation event", None, USER),
        ("iro", "A. Khan", "B. Okafor", "allocation event", None, USER),
        ("iro", "B. Okafor", "A. Khan", "allocation event", None, USER),
    ]
    entries = store.audit(*WIDE)
    assert [(e.action, e.event, e.facts.get("field")) for e in entries] == [
        ("child added", None, "added"),
        ("event added", first, None), ("child changed", None, "iro"),
        ("event added", second, None), ("child changed", None, "iro"),
        ("event voided", second, None), ("child changed", None, "iro"),
    ]
    assert [audit_detail(e) for e in entries][-2:] == [
        "iro-allocated on 2025-06-02; reason: entered against the wrong child", "iro via allocation event"]


def test_a_cover_is_one_row_per_child_with_its_days(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan", None, None), allocated_on=D("2025-01-08"))
    store.cover("A. Khan", "B. Okafor", D("2026-12-01"), D("2026-12-14"))
    entries = [e for e in store.audit(*WIDE) if e.action == "cover recorded"]
    assert [(e.child, e.who, audit_detail(e)) for e in entries] == [("C001", USER, "cover 2026-12-01 to 2026-12-14")]


def test_keyed_events_with_no_batch_are_one_row_per_instant(store, db_url):
    """Events imported before migration 0007 carry a source key and no batch: one row, not one per event."""
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), None, None, None))
    ids = [store.add_event("C001", kind, D(day), source_key=f"old:{n}", as_of=D("2025-12-01"))
           for n, (kind, day) in enumerate([("entered-care", "2025-01-06"), ("review-held", "2025-02-03")])]
    engine = sa.create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}", poolclass=sa.pool.NullPool)
    with engine.begin() as conn:  # as one import wrote them: one instant
        conn.execute(sa.text("UPDATE event SET recorded_at = :t WHERE source_key IS NOT NULL").bindparams(
            sa.bindparam("t", type_=sa.DateTime())), {"t": dt.datetime(2025, 3, 1, 12)})
    engine.dispose()
    entries = [e for e in store.audit(*WIDE) if e.action == "import"]
    assert [(e.at, e.child, e.event, e.batch, e.facts) for e in entries] == [
        (dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC), "C001", None, None,
         {"count": 2, "children": 1, "first": ids[0], "last": ids[1]})]
    assert audit_detail(entries[0]) == (f"2 keyed events (events {ids[0]}–{ids[1]}) of 1 child, no import batch "
                                        "(imported before migration 0007, or by a script)")


@pytest.mark.parametrize("start, end, low, high", [
    # winter: London is UTC
    ("2026-01-10", "2026-01-10", dt.datetime(2026, 1, 10), dt.datetime(2026, 1, 11)),
    # summer: London is UTC + 1, so its days start at 23:00 UTC the day before
    ("2026-06-28", "2026-06-30", dt.datetime(2026, 6, 27, 23), dt.datetime(2026, 6, 30, 23)),
    # 2026-03-29 the clocks go forward: the London day is 23 hours
    ("2026-03-29", "2026-03-29", dt.datetime(2026, 3, 29), dt.datetime(2026, 3, 29, 23)),
])
def test_the_audit_window_is_of_london_days(start, end, low, high):
    assert audit_window(D(start), D(end)) == (low, high)


def test_an_audit_window_ending_before_it_starts_names_both_fields():
    with pytest.raises(BadInput, match=r"^to 2026-06-01 is before from 2026-06-02$"):
        audit_window(D("2026-06-02"), D("2026-06-01"))


def test_an_amendment_of_the_note_alone_says_so(store):
    store.add_child(Child("C001", "Sam Jones", D("2012-05-01"), None, None, None))
    old = store.add_event("C001", "review-held", D("2025-02-03"), note="first", as_of=D("2025-12-01"))
    new = store.amend_event(old, "wrong note", note="second", as_of=D("2025-12-01"))
    entries = [e for e in store.audit(*WIDE) if e.action.startswith("event")]
    assert [(e.action, e.event, audit_detail(e)) for e in entries] == [
        ("event added", old, "review-held on 2025-02-03"),
        ("event amended", new, f"amends event {old} (review-held on 2025-02-03, note changed); reason: wrong note")]
