"""Children, events and settings through the Store API, on a real store of each backend."""

from __future__ import annotations

import datetime as dt
import getpass

import pytest

from clirunner import rows
from irocli.domain import Child, Event
from irocli.errors import BadInput, StoreUnavailable
from irocli.store import StoredEvent

D = dt.date.fromisoformat
SAM = Child("C001", "Sam Jones", D("2012-05-01"), "A. Khan", "K. Doyle", "North")
AVA = Child("C002", "Ava Smith", D("2010-02-28"), "A. Khan", None, "South")
LEO = Child("C003", "Leo Brown", None, "B. Okafor", None, "North")


def count(store, table: str) -> int:
    return rows(store.url, f"SELECT count(*) FROM {table}")[0][0]


# -- children ---------------------------------------------------------------------------------


def test_a_child_added_is_the_child_read_back(store):
    store.add_child(SAM)
    assert store.get_child("C001") == SAM


def test_adding_a_child_twice_is_bad_input(store):
    store.add_child(SAM)
    with pytest.raises(BadInput, match="^child C001 already exists$"):
        store.add_child(Child("C001", "Someone Else"))
    assert count(store, "child") == 1
    assert store.get_child("C001") == SAM


def test_an_unknown_child_is_bad_input(store):
    with pytest.raises(BadInput, match="^unknown child C009$") as caught:
        store.get_child("C009")
    assert caught.value.exit_code == 2


def test_update_changes_only_the_fields_given(store):
    store.add_child(SAM)
    [(before,)] = rows(store.url, "SELECT updated_at FROM child")
    updated = store.update_child("C001", team="South", iro=None, dob=D("2012-05-02"))
    assert updated == Child("C001", "Sam Jones", D("2012-05-02"), "A. Khan", "K. Doyle", "South")
    assert store.get_child("C001") == updated
    [(after,)] = rows(store.url, "SELECT updated_at FROM child")
    assert after > before


def test_update_of_an_unknown_child_is_bad_input(store):
    with pytest.raises(BadInput, match="^unknown child C404$"):
        store.update_child("C404", name="Nobody")


def test_update_with_a_field_children_do_not_have_is_a_programming_error(store):
    store.add_child(SAM)
    with pytest.raises(TypeError, match="colour"):
        store.update_child("C001", colour="blue")


def test_children_are_listed_by_id_and_filtered_by_iro_and_team(store):
    for child in (LEO, SAM, AVA):
        store.add_child(child)
    assert store.list_children() == [SAM, AVA, LEO]
    assert store.list_children(iro="A. Khan") == [SAM, AVA]
    assert store.list_children(team="North") == [SAM, LEO]
    assert store.list_children(iro="A. Khan", team="North") == [SAM]
    with pytest.raises(BadInput, match=r"^no child in the store has IRO 'Nobody' \(known: A\. Khan, B\. Okafor\)$"):
        store.list_children(iro="Nobody")


# -- events -----------------------------------------------------------------------------------


def test_events_are_listed_by_date_then_id_with_who_recorded_them(store):
    store.add_child(SAM)
    later = store.add_event("C001", "review-held", D("2025-01-22"), note="first review")
    first = store.add_event("C001", "entered-care", D("2024-12-20"))
    same_day = store.add_event(
        "C001", "review-adjourned", D("2025-01-22"), meeting=False, recorded_by="A. Khan"
    )
    assert later < first < same_day
    listed = store.list_events("C001")
    assert [s.event for s in listed] == [
        Event("entered-care", D("2024-12-20"), first, "C001", True, None),
        Event("review-held", D("2025-01-22"), later, "C001", True, "first review"),
        Event("review-adjourned", D("2025-01-22"), same_day, "C001", False, None),
    ]
    assert [s.recorded_by for s in listed] == [getpass.getuser(), getpass.getuser(), "A. Khan"]
    now = dt.datetime.now(dt.UTC)
    assert all(now - dt.timedelta(minutes=1) < s.recorded_at <= now for s in listed)
    assert not any(s.voided for s in listed)


def test_an_event_for_an_unknown_child_is_bad_input_and_not_written(store):
    with pytest.raises(BadInput, match="^unknown child C009$"):
        store.add_event("C009", "entered-care", D("2025-01-01"))
    assert count(store, "event") == 0
    with pytest.raises(BadInput, match="^unknown child C009$"):
        store.list_events("C009")


def test_a_repeated_source_key_is_bad_input(store):
    store.add_child(SAM)
    store.add_event("C001", "entered-care", D("2025-01-01"), source_key="x:1")
    with pytest.raises(BadInput, match="source key x:1 is already recorded"):
        store.add_event("C001", "entered-care", D("2025-01-01"), source_key="x:1")
    assert count(store, "event") == 1


def test_a_voided_event_stays_listed_but_no_longer_counts(store):
    store.add_child(SAM)
    kept = store.add_event("C001", "entered-care", D("2024-12-20"))
    wrong = store.add_event("C001", "review-held", D("2025-01-02"))
    voided = store.void_event(wrong, "  wrong child  ")
    assert voided == Event("review-held", D("2025-01-02"), wrong, "C001", True, None)

    listed = store.list_events("C001")
    assert [(s.event.id, s.voided, s.void_reason) for s in listed] == [
        (kept, False, None),
        (wrong, True, "wrong child"),
    ]
    assert isinstance(listed[1], StoredEvent) and listed[1].voided_at.tzinfo == dt.UTC
    assert [s.event.id for s in store.list_events("C001", include_voided=False)] == [kept]
    assert [e.id for e in store.events_for(["C001"])["C001"]] == [kept]
    assert [[e.id for e in events] for _, events in store.iter_caseload()] == [[kept]]
    assert store.get_event(wrong).void_reason == "wrong child"


def test_voiding_twice_or_an_unknown_event_or_without_reason_is_bad_input(store):
    store.add_child(SAM)
    event_id = store.add_event("C001", "entered-care", D("2024-12-20"))
    with pytest.raises(BadInput, match="^a reason is needed to void an event$"):
        store.void_event(event_id, "  ")
    store.void_event(event_id, "duplicate")
    with pytest.raises(BadInput, match=f"^event {event_id} is already voided$"):
        store.void_event(event_id, "again")
    assert store.get_event(event_id).void_reason == "duplicate"
    with pytest.raises(BadInput, match="^unknown event 999$"):
        store.void_event(999, "typo")
    with pytest.raises(BadInput, match="^unknown event 999$"):
        store.get_event(999)


def test_events_for_gives_each_child_asked_for_its_events_in_order(store):
    for child in (SAM, AVA, LEO):
        store.add_child(child)
    b = store.add_event("C002", "review-held", D("2025-03-01"))
    a = store.add_event("C002", "entered-care", D("2025-02-01"))
    c = store.add_event("C001", "entered-care", D("2025-02-01"))
    result = store.events_for(["C002", "C003", "C001", "C002"])
    assert list(result) == ["C002", "C003", "C001"]
    assert [e.id for e in result["C002"]] == [a, b]
    assert result["C003"] == []
    assert [e.id for e in result["C001"]] == [c]
    assert store.events_for([]) == {}


# -- settings ---------------------------------------------------------------------------------


def test_meta_values_are_set_overwritten_and_read(store):
    assert store.get_meta("profile") is None
    store.set_meta("profile", "england")
    store.set_meta("profile", "blackpool")
    store.set_meta("other", "x")
    assert store.get_meta("profile") == "blackpool"
    assert store.get_meta("other") == "x"


# -- names and dates as people type them --------------------------------------------------------


def test_every_write_path_stores_names_clean(store):
    store.add_child(Child("C001", "Sam Jones", None, " A.  Khan ", "K. Doyle\t", " North"))
    store.update_child("C001", team="  North   West ")
    store.bulk_load([Child("C002", "Ava Smith", D("1900-01-01"), "a. khan  ", "   ", "South ")], [])
    assert store.list_children() == [Child("C001", "Sam Jones", None, "A. Khan", "K. Doyle", "North West"),
                                     Child("C002", "Ava Smith", None, "A. Khan", None, "South")]  # as already spelled
    # an import with the same names untidy changes nothing
    counts = store.bulk_load([Child("C001", "Sam Jones", None, "A. Khan  ", None, "North  West")], [])
    assert counts["children_unchanged"] == 1


def test_names_match_trimmed_and_case_folded(store):
    store.add_child(Child("C001", "Sam Jones", None, "A. Khan", None, "Straße"))
    store.add_child(Child("C002", "Ava Smith", None, "a. khan", None, "North"))  # two spellings, one IRO
    assert [c.id for c in store.list_children(iro="  A.   KHAN ")] == ["C001", "C002"]
    assert [c.id for c in store.list_children(team="STRASSE")] == ["C001"]  # casefold, not lower()
    assert [c.id for c, _ in store.iter_caseload(iro="a. Khan", team="north")] == ["C002"]
    with pytest.raises(BadInput, match=r"^no child in the store has team 'Nroth' \(known: North, Straße\)$"):
        store.list_children(team="Nroth")


def test_event_dates_are_checked_only_when_entered(store):
    store.add_child(SAM)  # born 2012-05-01
    today = D("2025-03-25")
    with pytest.raises(BadInput, match="after 2025-03-25"):
        store.add_event("C001", "review-held", D("2025-03-26"), as_of=today)
    with pytest.raises(BadInput, match="before the child's date of birth"):
        store.add_event("C001", "iro-visit", D("2012-04-30"), as_of=today)
    assert store.list_events("C001") == []
    store.add_event("C001", "review-booked", D("2025-04-30"), as_of=today)
    store.add_event("C001", "icpc-held", D("2012-04-30"), as_of=today)
    store.add_event("C001", "iro-visit", D("2012-04-30"))  # history, not entry: db check reports it
    assert len(store.list_events("C001")) == 3


def test_bulk_load_is_one_transaction(store):
    """A failure inside the write (here a foreign key) leaves the children unwritten too."""
    orphan = (Event("entered-care", D("2025-01-01"), None, "C999"), "t:orphan")
    with pytest.raises(StoreUnavailable, match="FOREIGN KEY constraint failed|violates foreign key constraint"):
        store.bulk_load([Child("C001", "Sam Jones")], [orphan])
    assert store.list_children() == []
