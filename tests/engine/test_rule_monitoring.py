"""Between reviews (RULES §7): the social worker's statutory visits (REG reg 28(2)) and the child's health
assessments (REG reg 7) and SDQ. Hand-checked dates.

"1 week" is 7 calendar days and "6 weeks" 42 (RULES §0); months by the corresponding date; working days
as REG reg 2. Visit deadlines never move off a weekend or a bank holiday: a visit may be made on any day.
"""

from __future__ import annotations

import pytest
from tests.engine.support import Child, D, events

ENTERED = ("entered-care", "2025-03-03")  # a Monday


# ---------------------------------------------------------------- visit.sw-first: within a week of each placement
@pytest.mark.parametrize("evs, as_of, due, status, met_on", [
    # 2025-03-03 + 7 days = Mon 2025-03-10
    pytest.param([ENTERED, ("sw-visit", "2025-03-07")], "2025-03-20", "2025-03-10", "met", "2025-03-07",
                 id="visited-in-the-week"),
    pytest.param([ENTERED, ("sw-visit", "2025-03-10")], "2025-03-20", "2025-03-10", "met", "2025-03-10",
                 id="visited-on-the-seventh-day"),
    pytest.param([ENTERED, ("sw-visit", "2025-03-12")], "2025-03-20", "2025-03-10", "met-late", "2025-03-12",
                 id="visited-two-days-late"),
    pytest.param([ENTERED], "2025-03-20", "2025-03-10", "overdue", None, id="not-visited-overdue"),
    pytest.param([ENTERED], "2025-03-05", "2025-03-10", "due", None, id="not-visited-yet-due"),
    # a weekend deadline stays where it lands: Sat 2025-03-01 + 7 = Sat 2025-03-08
    pytest.param([("entered-care", "2025-03-01")], "2025-03-20", "2025-03-08", "overdue", None,
                 id="saturday-deadline-does-not-roll"),
])
def test_first_visit_within_a_week_of_entering_care(evs, as_of, due, status, met_on):
    [o] = Child("england", events(*evs), as_of=as_of).of("visit.sw-first")
    assert (o.due, o.status.value, o.met_on) == (D(due), status, D(met_on) if met_on else None)
    assert (o.anchor_kind, o.anchor_date, o.owner, o.source) == ("entered-care", D(evs[0][1]), "social-worker",
                                                                 "REG reg 28(2)(a)")


def test_a_placement_change_restarts_the_first_visit_clock():
    # placement 1 from 2025-03-03 visited 03-07; placement 2 from Mon 2025-04-14: + 7 = 2025-04-21, and the
    # visit of 03-07 (in the earlier placement) does not count for it
    evs = events(ENTERED, ("sw-visit", "2025-03-07"), ("placement-change", "2025-04-14"))
    c = Child("england", evs, as_of="2025-04-25")
    first, second = c.of("visit.sw-first")
    assert (first.due, first.status.value, first.cycle) == (D("2025-03-10"), "met", "ep1.p1")
    assert (second.due, second.status.value, second.anchor_kind, second.cycle) == (
        D("2025-04-21"), "overdue", "placement-change", "ep1.p2")
    assert second.derivation.arithmetic == "2025-04-14 + 1 week = 2025-04-21"


def test_a_visit_on_the_day_of_a_move_is_the_new_placements():
    # moved Mon 2025-04-14 and visited there that day: placement 2's visit (due 2025-04-21), not placement 1's
    evs = events(ENTERED, ("sw-visit", "2025-03-07"), ("placement-change", "2025-04-14"), ("sw-visit", "2025-04-14"))
    c = Child("england", evs, as_of="2025-04-25")
    c.assert_met("visit.sw-first", "2025-04-21", "2025-04-14", nth=1)


def test_a_placement_ended_before_its_visit_fell_due_owes_none():
    # moved on Thu 2025-03-06, before 2025-03-10: placement 1 owes nothing; placement 2 due 03-06 + 7 = 03-13
    c = Child("england", events(ENTERED, ("placement-change", "2025-03-06")), as_of="2025-03-20")
    [o] = c.of("visit.sw-first")
    assert (o.due, o.status.value, o.anchor_date) == (D("2025-03-13"), "overdue", D("2025-03-06"))


def test_a_placement_ended_after_its_visit_fell_due_is_missed_not_overdue():
    # moved on 2025-03-20 with no visit: placement 1's (due 03-10) missed; placement 2's due 03-27
    c = Child("england", events(ENTERED, ("placement-change", "2025-03-20")), as_of="2025-04-01")
    c.assert_due("visit.sw-first", "2025-03-10", "missed", nth=0)
    c.assert_due("visit.sw-first", "2025-03-27", "overdue", nth=1)


def test_no_statutory_visits_for_a_series_of_short_breaks():
    # REG reg 48: reg 28 visits are for full-time care (short-break visits are agreed, not dated here)
    c = Child("england", events(("short-breaks-started", "2025-03-03"), ("sw-visit", "2025-03-05")), as_of="2025-06-01")
    c.assert_absent("visit.sw-first")
    c.assert_absent("visit.sw-interval")


# ---------------------------------------------------------------- visit.sw-interval: not more than 6 weeks apart
@pytest.mark.parametrize("visits, as_of, due, status, met_on", [
    # Fri 2025-03-07 + 42 days = Fri 2025-04-18 (Good Friday: a visit deadline does not move)
    pytest.param(["2025-03-07", "2025-04-17"], "2025-05-01", "2025-04-18", "met", "2025-04-17", id="on-time"),
    pytest.param(["2025-03-07", "2025-04-22"], "2025-05-01", "2025-04-18", "met-late", "2025-04-22", id="late"),
    pytest.param(["2025-03-07"], "2025-05-01", "2025-04-18", "overdue", None, id="overdue"),
    pytest.param(["2025-03-07"], "2025-04-01", "2025-04-18", "due", None, id="due"),
])
def test_visits_not_more_than_six_weeks_apart_in_the_first_year(visits, as_of, due, status, met_on):
    evs = events(ENTERED, *[("sw-visit", v) for v in visits])
    o = Child("england", evs, as_of=as_of).of("visit.sw-interval")[0]
    assert (o.due, o.status.value, o.met_on) == (D(due), status, D(met_on) if met_on else None)
    assert (o.anchor_kind, o.anchor_date, o.source) == ("sw-visit", D("2025-03-07"), "REG reg 28(2)(b)-(c)")


def test_each_visit_starts_the_next_interval():
    # 2025-04-17 + 42 days: April 17 + 13 = April 30, + 29 = 2025-05-29
    c = Child("england", events(ENTERED, ("sw-visit", "2025-03-07"), ("sw-visit", "2025-04-17")), as_of="2025-05-01")
    c.assert_met("visit.sw-interval", "2025-04-18", "2025-04-17", nth=0)
    c.assert_due("visit.sw-interval", "2025-05-29", "due", nth=1)
    assert c.of("visit.sw-interval")[1].cycle == "ep1.p1.v2"


def test_a_placement_change_ends_the_interval_and_restarts_the_first_visit():
    # visit 03-07 (next due 04-18); moved 2025-04-14, before it: nothing owed for placement 1; the new
    # placement's first visit is due 04-14 + 7 = 04-21, and its interval runs from that visit
    evs = events(ENTERED, ("sw-visit", "2025-03-07"), ("placement-change", "2025-04-14"), ("sw-visit", "2025-04-16"))
    c = Child("england", evs, as_of="2025-05-01")
    [o] = c.of("visit.sw-interval")
    # 2025-04-16 + 42 days = 2025-05-28
    assert (o.anchor_date, o.due, o.status.value, o.cycle) == (D("2025-04-16"), D("2025-05-28"), "due", "ep1.p2.v1")
    c.assert_met("visit.sw-first", "2025-04-21", "2025-04-16", nth=1)


# A long-term placement from Mon 2024-01-15; its first year ends on the anniversary 2025-01-15.
LONG_TERM = [("entered-care", "2024-01-15"), ("sw-visit", "2024-01-19"), ("long-term-foster", "2024-06-03")]


@pytest.mark.parametrize("visit, long_term, due, interval", [
    # the day before the anniversary: still the first year, 6 weeks: Jan 14 + 17 = Jan 31, + 25 = 2025-02-25
    pytest.param("2025-01-14", True, "2025-02-25", "6 weeks", id="day-before-anniversary-6-weeks"),
    # on the anniversary, long-term: 3 months, 2025-01-15 -> 2025-04-15
    pytest.param("2025-01-15", True, "2025-04-15", "3 months", id="on-anniversary-3-months"),
    # after it: 2025-02-20 + 3 months = 2025-05-20
    pytest.param("2025-02-20", True, "2025-05-20", "3 months", id="after-anniversary-3-months"),
    # not designated long-term: 6 weeks still, Feb 20 + 8 = Feb 28, + 34 = 2025-04-03
    pytest.param("2025-02-20", False, "2025-04-03", "6 weeks", id="not-long-term-6-weeks"),
    # a month end maps to the corresponding date: 2025-11-30 + 3 months = 2026-02-28 (no 30 February)
    pytest.param("2025-11-30", True, "2026-02-28", "3 months", id="month-end-corresponding-date"),
])
def test_after_the_first_year_a_long_term_placement_is_visited_three_monthly(visit, long_term, due, interval):
    evs = [e for e in LONG_TERM if long_term or e[0] != "long-term-foster"] + [("sw-visit", visit)]
    o = Child("england", events(*evs), as_of="2026-03-01").of("visit.sw-interval")[-1]
    assert (o.anchor_date, o.due, str(o.offset)) == (D(visit), D(due), interval)
    assert o.derivation.arithmetic.endswith(f"{visit} + {interval} = {due}")


def test_the_basis_says_why_the_long_term_interval_applies():
    c = Child("england", events(*LONG_TERM, ("sw-visit", "2025-02-20")), as_of="2025-03-01")
    o = c.of("visit.sw-interval")[-1]
    assert o.derivation.arithmetic == (
        "placement from 2024-01-15; visit 2025-02-20 on or after 2025-01-15 (1 year from its start), "
        "long-term-foster from 2024-06-03; 2025-02-20 + 3 months = 2025-05-20")


def test_long_term_designation_of_an_earlier_placement_does_not_carry_over():
    # designated 2023-02-01 in placement 1; placement 2 from 2024-02-01, its first year to 2025-02-01; a
    # visit 2025-03-03 after it, not long-term: 6 weeks, Mar 3 + 28 = Mar 31, + 14 = 2025-04-14
    evs = events(("entered-care", "2023-01-02"), ("long-term-foster", "2023-02-01"),
                 ("placement-change", "2024-02-01"), ("sw-visit", "2025-03-03"))
    c = Child("england", evs, as_of="2025-03-10")
    c.assert_due("visit.sw-interval", "2025-04-14", "due")


@pytest.mark.parametrize("left, expected", [
    # left care 2025-04-30, after the visit due 2025-04-18: missed (history), never overdue
    pytest.param("2025-04-30", [("visit.sw-interval", "2025-04-18", "missed")], id="left-after-due-missed"),
    # left 2025-04-10, before it fell due: nothing owed
    pytest.param("2025-04-10", [], id="left-before-due-nothing"),
])
def test_visits_end_with_the_episode(left, expected):
    c = Child("england", events(ENTERED, ("sw-visit", "2025-03-07"), ("left-care", left)), as_of="2025-06-01")
    got = [(o.rule, o.due.isoformat(), o.status.value) for o in c.obs if o.rule == "visit.sw-interval"]
    assert got == expected
    assert not [o for o in c.outcome.open() if o.rule.startswith("visit.")]


def test_re_entering_care_starts_a_new_first_visit():
    # left 2025-04-10, re-entered Mon 2025-06-02: + 7 = 2025-06-09
    evs = events(ENTERED, ("sw-visit", "2025-03-07"), ("left-care", "2025-04-10"), ("entered-care", "2025-06-02"))
    c = Child("england", evs, as_of="2025-06-05")
    c.assert_due("visit.sw-first", "2025-06-09", "due", nth=-1)
    assert c.of("visit.sw-first")[-1].cycle == "ep2.p1"


def test_the_due_list_keeps_only_the_open_visit():
    from irocli.engine import derive
    from irocli.profiles import load

    evs = events(ENTERED, ("sw-visit", "2025-03-07"), ("sw-visit", "2025-04-17"), ("placement-change", "2025-05-05"))
    out = derive("C1", evs, load("england"), D("2025-05-20"), history=False)
    # placement 2 from 2025-05-05: first visit due 05-12, overdue; placement 1's interval (due 05-29) ended
    assert [(o.rule, o.due.isoformat(), o.status.value) for o in out.obligations if o.rule.startswith("visit.")] \
        == [("visit.sw-first", "2025-05-12", "overdue")]


def test_visits_before_tracking_started_are_not_judged():
    # imported history: the 2024 placement's visits were never recorded here
    evs = events(("entered-care", "2024-01-15"), ("tracking-started", "2025-03-01"), ("sw-visit", "2025-03-05"))
    c = Child("england", evs, as_of="2025-03-10")
    c.assert_absent("visit.sw-first")
    c.assert_due("visit.sw-interval", "2025-04-16", "due")  # 2025-03-05 + 42 days: Mar 5 + 26 = Mar 31, + 16


# ---------------------------------------------------------------- health.iha: within 20 working days of entering care
@pytest.mark.parametrize("evs, as_of, due, status, met_on", [
    # Mon 2025-03-03 + 20 working days = Mon 2025-03-31 (no bank holiday between)
    pytest.param([ENTERED, ("health-assessment", "2025-03-28")], "2025-04-10", "2025-03-31", "met", "2025-03-28",
                 id="on-time"),
    pytest.param([ENTERED, ("health-assessment", "2025-04-02")], "2025-04-10", "2025-03-31", "met-late",
                 "2025-04-02", id="late"),
    pytest.param([ENTERED], "2025-04-10", "2025-03-31", "overdue", None, id="overdue"),
    # Easter: Tue 2025-04-08; 9, 10, 11, 14, 15, 16, 17 (7), Good Friday 18 and Easter Monday 21 closed,
    # 22, 23, 24, 25, 28, 29, 30 (14), May 1, 2 (16), early May bank holiday Mon 5 closed, 6, 7, 8, 9 (20)
    pytest.param([("entered-care", "2025-04-08")], "2025-04-10", "2025-05-09", "due", None, id="over-easter"),
    # Christmas: Fri 2024-12-20; 23, 24 (2), 25 and 26 closed, 27, 30, 31 (5), 1 Jan closed, Jan 2, 3, 6..10,
    # 13..17, 20, 21, 22 (20)
    pytest.param([("entered-care", "2024-12-20")], "2025-01-02", "2025-01-22", "due", None, id="over-christmas"),
    # a placement change does not restart it: the first assessment of the episode is the initial one
    pytest.param([ENTERED, ("placement-change", "2025-03-10"), ("health-assessment", "2025-03-20")], "2025-04-10",
                 "2025-03-31", "met", "2025-03-20", id="placement-change-does-not-restart"),
])
def test_initial_health_assessment_within_20_working_days(evs, as_of, due, status, met_on):
    [o] = Child("england", events(*evs), as_of=as_of).of("health.iha")
    assert (o.due, o.status.value, o.met_on) == (D(due), status, D(met_on) if met_on else None)
    assert (o.anchor_kind, o.owner, o.source) == ("entered-care", "local-authority",
                                                  "REG reg 7; health and wellbeing guidance 2015")
    assert o.derivation.arithmetic == f"{evs[0][1]} + 20 working days = {due}"


@pytest.mark.parametrize("left, expected", [
    pytest.param("2025-03-20", [], id="left-before-due-nothing"),
    pytest.param("2025-04-15", [("2025-03-31", "missed")], id="left-after-due-missed"),
])
def test_initial_health_assessment_ends_with_the_episode(left, expected):
    c = Child("england", events(ENTERED, ("left-care", left)), as_of="2025-06-01")
    assert [(o.due.isoformat(), o.status.value) for o in c.obs if o.rule == "health.iha"] == expected


def test_no_health_assessments_for_a_series_of_short_breaks():
    # REG reg 48: reg 7 does not apply
    c = Child("england", events(("short-breaks-started", "2025-03-03"), ("health-assessment", "2025-03-05")),
              as_of="2026-06-01", dob="2020-01-01")
    for rule in ("health.iha", "health.rha", "health.sdq"):
        c.assert_absent(rule)


# ---------------------------------------------------------------- health.rha: 6-monthly before the 5th birthday
# Born 2020-06-10: 5th birthday 2025-06-10. In care from 2024-10-01.
UNDER_5 = "2020-06-10"


@pytest.mark.parametrize("last, dob, due, interval", [
    # 2024-11-01 + 6 months = 2025-05-01, before the 5th birthday: 6 months
    pytest.param("2024-11-01", UNDER_5, "2025-05-01", "6 months", id="before-5th-birthday-6-months"),
    # 2024-12-09 + 6 months = 2025-06-09, the day before it: 6 months
    pytest.param("2024-12-09", UNDER_5, "2025-06-09", "6 months", id="day-before-birthday-6-months"),
    # 2024-12-10 + 6 months = 2025-06-10, the birthday itself, not before it: 12 months, 2025-12-10
    pytest.param("2024-12-10", UNDER_5, "2025-12-10", "12 months", id="on-the-birthday-12-months"),
    # 2025-01-15 + 6 months = 2025-07-15, after it: 12 months, 2026-01-15
    pytest.param("2025-01-15", UNDER_5, "2026-01-15", "12 months", id="birthday-between-12-months"),
    # aged 12: 2024-11-01 + 12 months = 2025-11-01
    pytest.param("2024-11-01", "2012-05-01", "2025-11-01", "12 months", id="older-child-12-months"),
    # month end, corresponding date: 2024-10-31 + 6 months = 2025-04-30 (born 2021-01-01: 5 on 2026-01-01)
    pytest.param("2024-10-31", "2021-01-01", "2025-04-30", "6 months", id="month-end-corresponding-date"),
])
def test_review_health_assessment_six_or_twelve_months_after_the_last(last, dob, due, interval):
    evs = events(("entered-care", "2024-10-01"), ("health-assessment", "2024-10-20"), ("health-assessment", last))
    o = Child("england", evs, as_of="2025-03-01", dob=dob).of("health.rha")[-1]
    assert (o.anchor_kind, o.anchor_date, o.due, str(o.offset), o.source) == (
        "health-assessment", D(last), D(due), interval, "REG reg 7")
    assert o.derivation.arithmetic.endswith(f"{last} + {interval} = {due}")


def test_the_5th_birthday_between_two_health_assessments():
    # 2024-11-01 + 6 months = 2025-05-01 (met 2025-04-28); 2025-04-28 + 6 months = 2025-10-28 is after the
    # birthday 2025-06-10, so 12 months: 2026-04-28
    evs = events(("entered-care", "2024-10-01"), ("health-assessment", "2024-11-01"),
                 ("health-assessment", "2025-04-28"))
    c = Child("england", evs, as_of="2025-05-01", dob=UNDER_5)
    c.assert_met("health.rha", "2025-05-01", "2025-04-28", nth=0)
    c.assert_due("health.rha", "2026-04-28", "due", nth=1)
    assert c.of("health.rha")[1].derivation.arithmetic == (
        "2025-04-28 + 6 months is not before the birthday at 5 years (2025-06-10): 12 months; "
        "2025-04-28 + 12 months = 2026-04-28")
    # the first of the episode was the initial one: 2024-10-01 + 20 working days = 2024-10-29, met 11-01 late
    c.assert_met_late("health.iha", "2024-10-29", "2024-11-01")


@pytest.mark.parametrize("evs, as_of, status, met_on", [
    pytest.param([("health-assessment", "2025-11-20")], "2025-12-01", "met-late", "2025-11-20", id="late"),
    pytest.param([], "2025-12-01", "overdue", None, id="overdue"),
    pytest.param([("left-care", "2025-11-10")], "2025-12-01", "missed", None, id="left-after-due-missed"),
])
def test_review_health_assessment_met_late_overdue_or_missed(evs, as_of, status, met_on):
    # aged 12: 2024-11-01 + 12 months = 2025-11-01
    base = [("entered-care", "2024-10-01"), ("health-assessment", "2024-11-01")]
    o = Child("england", events(*base, *evs), as_of=as_of, dob="2012-05-01").of("health.rha")[0]
    assert (o.due, o.status.value, o.met_on) == (D("2025-11-01"), status, D(met_on) if met_on else None)


def test_no_review_health_assessment_without_a_date_of_birth():
    evs = events(("entered-care", "2024-10-01"), ("health-assessment", "2024-11-01"))
    c = Child("england", evs, as_of="2025-12-01")
    c.assert_absent("health.rha")


# ---------------------------------------------------------------- health.sdq: at least yearly, aged 4 to 16
@pytest.mark.parametrize("dob, evs, as_of, expected", [
    # born 2021-05-10, in care from 2023-01-09: 4 on 2025-05-10, first SDQ by 2026-05-10
    pytest.param("2021-05-10", [("entered-care", "2023-01-09")], "2025-06-01", [("2026-05-10", "due", None)],
                 id="starts-at-4"),
    # born 2016-09-09, in care from 2025-04-10 (aged 8): 2026-04-10; SDQ 2026-03-01, next 2027-03-01
    pytest.param("2016-09-09", [("entered-care", "2025-04-10"), ("sdq", "2026-03-01")], "2026-04-01",
                 [("2026-04-10", "met", "2026-03-01"), ("2027-03-01", "due", None)], id="yearly-from-each-sdq"),
    pytest.param("2016-09-09", [("entered-care", "2025-04-10"), ("sdq", "2026-04-20")], "2026-05-01",
                 [("2026-04-10", "met-late", "2026-04-20"), ("2027-04-20", "due", None)], id="late"),
    pytest.param("2016-09-09", [("entered-care", "2025-04-10")], "2026-05-01", [("2026-04-10", "overdue", None)],
                 id="overdue"),
    # born 2009-06-15: 17 on 2026-06-15; in care from 2020-01-06 (aged 10): first by 2021-01-06, met late by
    # the SDQ of 2025-06-14; next 2025-06-14 + 12 months = 2026-06-14, still aged 16: due
    pytest.param("2009-06-15", [("entered-care", "2020-01-06"), ("sdq", "2025-06-14")], "2025-07-01",
                 [("2021-01-06", "met-late", "2025-06-14"), ("2026-06-14", "due", None)], id="last-one-due-at-16"),
    # SDQ 2025-06-20: next would be 2026-06-20, after the 17th birthday: none
    pytest.param("2009-06-15", [("entered-care", "2020-01-06"), ("sdq", "2025-06-20")], "2025-07-01",
                 [("2021-01-06", "met-late", "2025-06-20")], id="stops-at-17th-birthday"),
    # entered care at 16 (2025-12-01): 2026-12-01 is after the 17th birthday: none
    pytest.param("2009-06-15", [("entered-care", "2025-12-01")], "2025-12-10", [], id="entered-at-16-none"),
    # left care 2026-02-01 before the first fell due: none
    pytest.param("2016-09-09", [("entered-care", "2025-04-10"), ("left-care", "2026-02-01")], "2026-05-01", [],
                 id="left-before-due-nothing"),
])
def test_sdq_at_least_yearly_from_4_to_16(dob, evs, as_of, expected):
    c = Child("england", events(*evs), as_of=as_of, dob=dob)
    got = [(o.due.isoformat(), o.status.value, o.met_on.isoformat() if o.met_on else None)
           for o in c.obs if o.rule == "health.sdq"]
    assert got == expected
    assert all((o.owner, o.source) == ("social-worker", "health and wellbeing guidance 2015")
               for o in c.obs if o.rule == "health.sdq")
