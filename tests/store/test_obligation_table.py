"""The obligation table kept current (issue 16): on both backends, after any writes in any order, what the
table holds equals a fresh derivation, and a report read from it equals the engine's answer as of any day."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

import irocli
from irocli.domain import Child, Event
from irocli.engine import derive
from irocli.errors import BadInput
from irocli.profiles import SHIPPED, load
from irocli.reports.compute import Notices, caseload, stale_message
from irocli.store import kept, queries
from irocli.store.kept import Keeper, fingerprint

PROFILE = load("blackpool")  # has a rule that lapses (task.tm-response: deemed agreed)
TODAY = dt.date(2026, 11, 30)
KINDS = ["entered-care", "left-care", "review-held", "review-booked", "review-adjourned", "placement-change",
         "iro-visit", "decisions-circulated", "tm-response", "record-distributed", "sw-visit", "health-assessment",
         "sdq", "pep", "pep-review", "iro-allocated", "placement-order", "remand", "secure-placement",
         "secure-ended", "history-known-from", "tracking-started", "strategy-discussion", "icpc-held", "rcpc-held",
         "cp-plan-ended", "placed-for-adoption", "short-breaks-started", "change-proposed", "review-directed"]
PROFILES = {name: load(name) for name in SHIPPED}
_ids = itertools.count(1)


def _comparable(ob) -> tuple:
    d = ob.derivation
    return (ob.child_id, ob.rule, ob.title, ob.source, ob.owner, ob.due, ob.status, ob.met_on, ob.anchor_kind,
            ob.anchor_date, d.offset, d.arithmetic, ob.cycle)


def _live(store, as_of, history=True, profile=PROFILE):
    out = []
    for child, events in store.iter_caseload():
        out += [_comparable(o) for o in derive(child.id, events, profile, as_of, dob=child.dob,
                                               history=history).obligations]
    return sorted(out, key=repr)


class Told(Notices):
    """Keeps what a report would have said about stale children."""

    def __init__(self):
        self.said: list[int] = []

    def stale(self, count):
        self.said.append(count)


def _read(store, as_of, history=True, told=None, profile=PROFILE):
    return sorted((_comparable(o) for _c, o in caseload(store, profile, as_of, history=history, notices=told)),
                  key=repr)


def _stored_fresh(store) -> list[str]:
    """Children whose stored rows differ from a fresh derivation (kept.compare)."""
    return store.kept_differences(10_000)[1]


days = st.integers(0, 6 * 365).map(lambda n: dt.date(2020, 1, 1) + dt.timedelta(days=n))
writes = st.lists(st.one_of(
    st.tuples(st.just("child"), st.dates(dt.date(2006, 1, 1), dt.date(2021, 12, 31))),
    st.tuples(st.just("event"), st.integers(0, 50), st.sampled_from(KINDS), days),
    st.tuples(st.just("void"), st.integers(0, 50)),
    st.tuples(st.just("dob"), st.integers(0, 50), st.dates(dt.date(2006, 1, 1), dt.date(2021, 12, 31))),
    st.tuples(st.just("import"), st.integers(0, 50), st.lists(st.tuples(st.sampled_from(KINDS), days), max_size=6)),
), min_size=1, max_size=12)


@pytest.fixture
def kept_store(store):
    store.keeper_factory = lambda: Keeper(PROFILE, TODAY)
    return store


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(plan=writes, as_of_days=st.lists(days, min_size=1, max_size=3), name=st.sampled_from(sorted(SHIPPED)))
def test_stored_obligations_always_equal_a_fresh_derivation(kept_store, plan, as_of_days, name):
    store = kept_store
    profile = PROFILES[name]
    store.keeper_factory, store._keeper = (lambda: Keeper(profile, TODAY)), None
    with store._engine.begin() as conn:  # each example starts from an empty store
        for table in ("obligation", "obligation_kept", "event", "iro_cover", "child_change", "import_batch",
                      "write_log", "child"):
            conn.execute(text(f"DELETE FROM {table}"))
    children: list[str] = []
    events: list[int] = []
    for step in plan:
        if step[0] == "child" or not children:
            cid = f"C{next(_ids):05d}"
            store.add_child(Child(cid, "Test Child", step[1] if step[0] == "child" else dt.date(2012, 5, 5)))
            children.append(cid)
            events.append(store.add_event(cid, "entered-care", dt.date(2021, 3, 1)))
        elif step[0] == "event":
            _, n, kind, day = step
            events.append(store.add_event(children[n % len(children)], kind, day))
        elif step[0] == "void" and events:
            store.void_event(events.pop(step[1] % len(events)), "entered in error")
        elif step[0] == "dob":
            with contextlib.suppress(BadInput):  # refused: an event would fall before it (nothing written)
                store.update_child(children[step[1] % len(children)], dob=step[2])
        elif step[0] == "import":
            cid = children[step[1] % len(children)]
            store.bulk_load([], [(Event(kind, day, child_id=cid), f"k{next(_ids)}") for kind, day in step[2]])
        assert _stored_fresh(store) == []
    for as_of in [*as_of_days, TODAY]:
        told = Told()
        assert _read(store, as_of, told=told, profile=profile) == _live(store, as_of, profile=profile)
        assert _read(store, as_of, history=False, profile=profile) == _live(store, as_of, history=False,
                                                                            profile=profile)
        assert told.said == []  # every child was kept by its writes: nothing derived live for being stale


def test_a_write_without_a_keeper_forgets_the_child_and_reports_derive_it_live(store):
    """A writer that cannot derive (no keeper) never leaves old rows behind: the child is derived live."""
    store.keeper_factory = lambda: Keeper(PROFILE, TODAY)
    store.add_child(Child("C1", "Ann Lee", dt.date(2015, 2, 3)))
    store.add_event("C1", "entered-care", dt.date(2025, 1, 6))
    assert store.kept_plan(fingerprint(PROFILE).key, TODAY).stale == frozenset()
    store.keeper_factory, store._keeper = None, None
    store.add_event("C1", "review-held", dt.date(2025, 2, 3))
    assert store.kept_plan(fingerprint(PROFILE).key, TODAY).stale == {"C1"}
    told = Told()
    rows = {o.rule: o.due for _c, o in caseload(store, PROFILE, TODAY, notices=told)}
    # first review held 2025-02-03: Blackpool's second is due 91 days on (25 + 31 + 30 + 5), 2025-05-05
    assert rows["review.second"] == dt.date(2025, 5, 5)
    assert told.said == [1]
    assert stale_message(1) == ("1 child's stored obligations are missing or were derived with another profile, "
                                "calendar or irocli: derived live; `irocli db refresh` stores them")


def test_the_table_holds_the_history_and_settles_status_when_read(store):
    """One child, hand-checked: entered care Mon 2025-01-06, so review.first is due 20 working days on, Mon
    2025-02-03; held that day, Blackpool's review.second is due 91 days on, 2025-05-05. Stored as "open" and
    "met", with no due/overdue in the table: the reader decides from its as-of day."""
    store.keeper_factory = lambda: Keeper(PROFILE, TODAY)
    store.add_child(Child("C1", "Ann Lee", dt.date(2015, 2, 3)))
    store.add_event("C1", "entered-care", dt.date(2025, 1, 6))
    store.add_event("C1", "review-held", dt.date(2025, 2, 3))
    with store._read() as conn:
        stored = {row[0]: row[4:7] for row in queries.kept_rows_for(conn, ["C1"])["C1"][0]}
    assert stored["review.first"] == (dt.date(2025, 2, 3), "met", dt.date(2025, 2, 3))
    assert stored["review.second"] == (dt.date(2025, 5, 5), "open", None)
    second = {o.rule: o for _c, o in caseload(store, PROFILE, dt.date(2025, 5, 4))}["review.second"]
    assert (second.status.value, second.days(dt.date(2025, 5, 4))) == ("due", 1)
    second = {o.rule: o for _c, o in caseload(store, PROFILE, dt.date(2025, 5, 6))}["review.second"]
    assert (second.status.value, second.days(dt.date(2025, 5, 6))) == ("overdue", -1)


def test_a_lapsing_task_is_open_until_due_then_deemed_met(store):
    """Blackpool's task.tm-response: decisions circulated Mon 2025-03-03, the team manager's response due 5
    working days on, Mon 2025-03-10; none recorded, so it is deemed agreed (met on its due date) from the 11th."""
    store.keeper_factory = lambda: Keeper(PROFILE, TODAY)
    store.add_child(Child("C1", "Ann Lee", dt.date(2015, 2, 3)))
    store.add_event("C1", "entered-care", dt.date(2025, 1, 6))
    store.add_event("C1", "decisions-circulated", dt.date(2025, 3, 3))

    def response(day):
        return {o.rule: o for _c, o in caseload(store, PROFILE, day, history=True)}["task.tm-response"]

    on_due = response(dt.date(2025, 3, 10))
    assert (on_due.due, on_due.status.value, on_due.met_on) == (dt.date(2025, 3, 10), "due", None)
    after = response(dt.date(2025, 3, 11))
    assert (after.status.value, after.met_on) == ("met", dt.date(2025, 3, 10))
    assert after.derivation.arithmetic.startswith("no response by the due date: deemed agreed; ")
    assert "task.tm-response" not in {o.rule for _c, o in caseload(store, PROFILE, dt.date(2025, 3, 11))}


def test_a_report_before_the_last_event_derives_that_child_live(store):
    """The table holds what is known now: as of a day before a recorded event, the child is derived live (the
    event is not yet known then), so the review it held is still open that day."""
    store.keeper_factory = lambda: Keeper(PROFILE, TODAY)
    store.add_child(Child("C1", "Ann Lee", dt.date(2015, 2, 3)))
    store.add_event("C1", "entered-care", dt.date(2025, 1, 6))
    store.add_event("C1", "review-held", dt.date(2025, 2, 3))
    plan = store.kept_plan(fingerprint(PROFILE).key, dt.date(2025, 2, 1))
    assert (plan.stale, plan.past) == (frozenset(), {"C1"})
    first = {o.rule: o for _c, o in caseload(store, PROFILE, dt.date(2025, 2, 1))}["review.first"]
    assert (first.due, first.status.value) == (dt.date(2025, 2, 3), "due")


def test_the_store_records_what_its_rows_were_derived_from(store):
    """meta holds the latest derivation's fingerprint and its parts: the profile's name and file hash, the
    bank-holiday table's hash and irocli's version with its engine's hash."""
    store.keeper_factory = lambda: Keeper(PROFILE, TODAY)
    store.add_child(Child("C1", "Ann Lee", dt.date(2015, 2, 3)))
    print_ = fingerprint(PROFILE)
    assert store.get_meta("obligations.fingerprint") == print_.key
    parts = dict(part.split("=", 1) for part in store.get_meta("obligations.derived_from").split("; "))
    assert parts["profile"] == f"blackpool:{PROFILE.digest[:16]}"
    assert parts["calendar"] == hashlib.sha256(kept.CALENDAR_TABLE.read_bytes()).hexdigest()[:16]
    assert parts["engine"].startswith(f"{irocli.__version__}:")


def test_db_check_compares_with_the_stored_rows_own_horizon(store):
    """A school-age child kept on 2026-11-30 has its PEP term reviews derived to 2027-12-01 (a year and a day
    on). Checked a month later, the spring term beginning 2028-01-01 is within a fresh year's horizon but not
    the stored one: that is not a difference (db check would cry wolf every term), while a changed event is."""
    store.keeper_factory = lambda: Keeper(PROFILE, TODAY)
    store.add_child(Child("C1", "Ann Lee", dt.date(2015, 2, 3)))
    store.add_event("C1", "entered-care", dt.date(2025, 1, 6))
    with store._read() as conn:
        [(_rows, kept_row)] = queries.kept_rows_for(conn, ["C1"]).values()
        assert (kept_row[2], kept_row[3]) == (dt.date(2028, 1, 1), dt.date(2027, 12, 1))  # valid_until, horizon
    store.keeper_factory, store._keeper = (lambda: Keeper(PROFILE, dt.date(2027, 1, 15))), None
    assert store.kept_differences(10) == (1, [])
    with store._engine.begin() as conn:  # an event changed behind irocli's back
        conn.execute(text("UPDATE event SET date = '2025-01-13' WHERE kind = 'entered-care'"))
    assert store.kept_differences(10) == (1, ["C1"])
