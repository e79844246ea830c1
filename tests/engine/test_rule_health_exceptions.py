"""Health assessments made before care began, and a competent child's recorded refusal (RULES §7: no
initial health assessment is needed for a child assessed in the 3 months before; REG reg 7). Hand-checked
dates: months by the corresponding date, working days as REG reg 2."""

from __future__ import annotations

import pytest
from tests.engine.support import Child, D, events

ENTERED = ("entered-care", "2025-03-03")  # a Monday; + 20 working days = Mon 2025-03-31


@pytest.mark.parametrize("before, met_on", [
    # 3 months before Mon 2025-03-03 is 2024-12-03: an assessment from that day to 2025-03-02 stands for it
    pytest.param("2024-12-03", "2024-12-03", id="first-day-of-the-three-months"),
    pytest.param("2025-03-02", "2025-03-02", id="the-day-before-care-began"),
    pytest.param("2024-12-02", None, id="a-day-too-early-does-not-count"),
])
def test_an_assessment_in_the_three_months_before_care_stands_for_the_initial_one(before, met_on):
    [o] = Child("england", events(("health-assessment", before), ENTERED), as_of="2025-04-10").of("health.iha")
    assert (o.due, o.met_on) == (D("2025-03-31"), D(met_on) if met_on else None)
    assert o.status.value == ("met" if met_on else "overdue")
    if met_on:
        assert f"{before} is within the 3 months before the episode began (2024-12-03 to 2025-03-03)" in \
            o.derivation.arithmetic


@pytest.mark.parametrize("assessed, status, met_on", [
    # in care 2024-11-01 to 2025-01-10, assessed in that episode; back Mon 2025-03-03 (+ 20 WD = 2025-03-31):
    # the three months before run from 2024-12-03, whichever authority's care the child was in then
    pytest.param("2024-11-20", "overdue", None, id="assessed-before-the-three-months"),
    pytest.param("2024-12-20", "met", "2024-12-20", id="assessed-in-an-earlier-episode-within-them"),
])
def test_the_lookback_reaches_into_an_earlier_episode(assessed, status, met_on):
    evs = events(("entered-care", "2024-11-01"), ("health-assessment", assessed), ("left-care", "2025-01-10"),
                 ENTERED)
    c = Child("england", evs, as_of="2025-04-10")
    o = [o for o in c.of("health.iha") if o.anchor_date == D("2025-03-03")][0]
    assert (o.due, o.status.value, o.met_on) == (D("2025-03-31"), status, D(met_on) if met_on else None)


def test_review_assessments_count_on_from_the_one_before_care():
    # aged 12: the assessment of 2025-01-15 stood for the initial one; + 12 months = 2026-01-15
    c = Child("england", events(("health-assessment", "2025-01-15"), ENTERED), as_of="2025-04-10", dob="2012-05-01")
    [o] = c.of("health.rha")
    assert (o.anchor_kind, o.anchor_date, o.due, o.status.value) == (
        "health-assessment", D("2025-01-15"), D("2026-01-15"), "due")


@pytest.mark.parametrize("declined, status", [
    pytest.param("2025-03-28", "met", id="declined-in-time"),
    pytest.param("2025-04-02", "met-late", id="declined-after-the-due-date"),
])
def test_a_competent_childs_refusal_stands_for_the_initial_assessment(declined, status):
    c = Child("england", events(ENTERED, ("health-assessment-declined", declined)), as_of="2025-04-10",
              dob="2010-06-01")
    [o] = c.of("health.iha")
    assert (o.due, o.status.value, o.met_on) == (D("2025-03-31"), status, D(declined))
    # the next is counted on from the refusal, and the explanation names it: 2025-03-28 + 12 months
    [r] = c.of("health.rha")
    assert (r.anchor_kind, r.anchor_date, r.due) == ("health-assessment-declined", D(declined),
                                                     D(declined).replace(year=2026))


def test_a_visit_that_did_not_see_the_child_is_not_a_statutory_visit():
    # Mon 2025-03-03 + 7 days = 2025-03-10; the call of 03-05 did not see the child; the visit of 03-12 is late
    c = Child("england", events(ENTERED, ("sw-visit-not-seen", "2025-03-05"), ("sw-visit", "2025-03-12")),
              as_of="2025-03-20")
    c.assert_met_late("visit.sw-first", "2025-03-10", "2025-03-12")


def test_an_import_that_carried_visits_has_them_judged_before_tracking_started():
    # entered Mon 2025-03-03, visited 03-07 (+ 6 weeks = 04-18), tracking from 2025-05-01: an import that
    # carried sw-visit events has the interval judged (overdue), one that did not has it silenced
    from irocli.domain import Event

    def child(carried):
        evs = events(ENTERED, ("sw-visit", "2025-03-07"))
        evs.append(Event("tracking-started", D("2025-05-01"), id=9, details={"carried": carried} if carried else None))
        return Child("england", evs, as_of="2025-06-01")

    assert [(o.due, o.status.value) for o in child(["entered-care", "sw-visit"]).of("visit.sw-interval")] == [
        (D("2025-04-18"), "overdue")]
    child(["entered-care"]).assert_absent("visit.sw-interval")
    child(None).assert_absent("visit.sw-interval")


@pytest.mark.parametrize("end", ["left-care", "adoption-order"])
def test_a_same_day_stay_raises_nothing(end):
    # CA 1989 s22(2): entered and left care on Tue 2026-03-03, nothing open before: never looked after (RULES §7)
    c = Child("england", events(("entered-care", "2026-03-03"), (end, "2026-03-03")), as_of="2026-04-20",
              dob="2012-01-01")
    assert c.obs == []
    assert [(f.rule, f.date) for f in c.outcome.flags] == [("episode", D("2026-03-03"))]


def test_leaving_and_coming_back_the_same_day_is_a_new_episode_not_a_same_day_stay():
    # in care from Mon 2025-03-03; left and re-entered on Mon 2025-03-10: RULES §1 (re-entering starts a new
    # episode), not a same-day stay (nothing dropped, no flag of one): the new episode's care plan is due
    # 03-10 + 10 WD = 03-24, open (not missed: the day the first episode ended is the new one's)
    c = Child("england", events(ENTERED, ("left-care", "2025-03-10"), ("entered-care", "2025-03-10")),
              as_of="2025-03-20", dob="2012-01-01")
    assert not [f for f in c.outcome.flags if "24 hours" in f.message]
    c.assert_open_review("review.first", "2025-04-07")  # 03-10 + 20 WD
    assert [(o.due, o.status.value) for o in c.of("ms.care-plan")] == [(D("2025-03-17"), "missed"),
                                                                       (D("2025-03-24"), "due")]
