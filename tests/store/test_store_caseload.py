"""iter_caseload: every child in id order with its live events, streamed, filtered."""

from __future__ import annotations

import datetime as dt
import inspect
import tracemalloc

import pytest

from irocli.domain import Child, Event
from irocli.errors import BadInput
from irocli.store import queries

D = dt.date.fromisoformat


def seed(store, n_children: int, events_each: int) -> None:
    children = [
        Child(f"C{i:05d}", f"Child {i}", D("2012-01-01"), f"IRO{i % 3}", None, f"T{i % 2}")
        for i in range(n_children)
    ]
    events = [
        (
            Event("review-held", D("2020-01-01") + dt.timedelta(days=30 * k), None, c.id),
            f"t:{c.id}:{k}",
        )
        for c in children
        for k in range(events_each)
    ]
    store.bulk_load(reversed(children), events)


def test_children_come_in_id_order_with_events_by_date_then_id(store):
    store.add_child(Child("C002", "Ava Smith", iro="A. Khan", team="South"))
    store.add_child(Child("C001", "Sam Jones", iro="A. Khan", team="North"))
    store.add_child(Child("C003", "Leo Brown", iro="B. Okafor", team="North"))
    late = store.add_event("C001", "review-held", D("2025-02-01"))
    early = store.add_event("C001", "entered-care", D("2025-01-01"))
    tie = store.add_event("C001", "iro-visit", D("2025-02-01"), meeting=False)
    other = store.add_event("C003", "entered-care", D("2025-03-03"))
    dropped = store.add_event("C003", "review-held", D("2025-04-01"))
    store.void_event(dropped, "entered in error")

    stream = store.iter_caseload()
    assert inspect.isgenerator(stream)
    result = [
        (child.id, [(e.id, e.kind, e.date, e.meeting) for e in events]) for child, events in stream
    ]
    assert result == [
        (
            "C001",
            [
                (early, "entered-care", D("2025-01-01"), True),
                (late, "review-held", D("2025-02-01"), True),
                (tie, "iro-visit", D("2025-02-01"), False),
            ],
        ),
        ("C002", []),
        ("C003", [(other, "entered-care", D("2025-03-03"), True)]),
    ]
    first_child, _ = next(iter(store.iter_caseload()))
    assert first_child == Child("C001", "Sam Jones", None, "A. Khan", None, "North")


def test_filters_by_iro_team_and_child_ids_combine(store):
    seed(store, 12, 2)

    def ids(**filters):
        return [child.id for child, _ in store.iter_caseload(**filters)]

    assert ids(iro="IRO1") == ["C00001", "C00004", "C00007", "C00010"]
    assert ids(team="T0") == ["C00000", "C00002", "C00004", "C00006", "C00008", "C00010"]
    assert ids(iro="IRO1", team="T0") == ["C00004", "C00010"]
    assert ids(child_ids=["C00011", "C00003", "C99999"]) == ["C00003", "C00011"]
    assert ids(iro="IRO0", child_ids=["C00003", "C00004"]) == ["C00003"]
    assert ids(child_ids=[]) == []
    with pytest.raises(BadInput, match="no child in the store has IRO 'nobody'"):
        store.iter_caseload(iro="nobody")  # at the call, before anything streams


def test_more_child_ids_than_one_query_takes_stay_in_order_and_complete(store):
    n = queries.CHUNK * 2 + 7
    seed(store, n, 1)
    wanted = [f"C{i:05d}" for i in range(n - 1, -1, -1)]
    got = [(child.id, len(events)) for child, events in store.iter_caseload(child_ids=wanted)]
    assert got == [(f"C{i:05d}", 1) for i in range(n)]


def test_stopping_early_releases_the_connection(store):
    seed(store, 5, 3)
    stream = store.iter_caseload()
    child, _events = next(stream)
    stream.close()
    assert child.id == "C00000"
    store.set_meta("after", "break")  # a write still gets the lock
    assert store.get_meta("after") == "break"


def test_the_caseload_streams_rather_than_loading_every_row(store):
    seed(store, 2000, 20)  # 40,000 events
    tracemalloc.start()
    try:
        seen = 0
        for _child, events in store.iter_caseload():
            seen += len(events)
        _, streamed_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        everything = list(store.iter_caseload())
        _, held_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 40_000 and sum(len(e) for _, e in everything) == 40_000
    assert streamed_peak < held_peak / 3, (streamed_peak, held_peak)
