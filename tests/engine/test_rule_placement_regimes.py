"""Between reviews (RULES §7): a placement's own visiting regime (REG reg 28(3)-(5), the 2015 long-term
foster option, AAR reg 36(4)(a)), the review within 10 working days of placing with a parent (REG reg 19),
the expiry of a connected person's temporary approval (REG reg 24-25), the IRO told when a placement ends
(REG reg 14) and a remand (REG Part 8A). Hand-checked dates.

"1 week" is 7 calendar days, "4 weeks" 28, "6 weeks" 42, "16 weeks" 112 (RULES §0); visit deadlines never
move off a closed day. Working days as REG reg 2 (Easter 2025: Good Friday 18 April, Easter Monday 21 April;
Early May bank holiday Monday 5 May 2025).
"""

from __future__ import annotations

import pytest
from tests.engine.support import Child, D, assert_profile_fails, events

from irocli.engine import derive
from irocli.profiles import load

ENTERED = ("entered-care", "2025-03-03")  # a Monday
MOVED = ("placement-change", "2025-04-14")  # a Monday


def rows(c: Child, rule: str) -> list[tuple[str, str, str | None]]:
    """(due, status, met_on) of each obligation of a rule, in order."""
    return [(o.due.isoformat(), o.status.value, o.met_on.isoformat() if o.met_on else None) for o in c.of(rule)]


# ---------------------------------------------------------------- visit.sw-reg19: weekly until the first review
def test_placed_with_a_parent_weekly_until_the_first_review_then_six_weeks():
    evs = events(ENTERED, ("placed-with-parent", "2025-03-03"), ("sw-visit", "2025-03-07"), ("sw-visit", "2025-03-14"),
                 ("review-held", "2025-03-17"), ("sw-visit", "2025-03-20"))
    c = Child("england", evs, as_of="2025-04-01")
    assert rows(c, "visit.sw-reg19") == [
        ("2025-03-10", "met", "2025-03-07"),  # 03-03 + 7 days: the first visit
        ("2025-03-14", "met", "2025-03-14"),  # from 03-07: + 7 = 03-14, on or before the review of 03-17: weekly
        # from 03-14: + 7 = 03-21 falls after the review of 03-17, so 6 weeks: Mar 14 + 17 = Mar 31, + 25 = Apr 25
        ("2025-04-25", "met", "2025-03-20"),
        ("2025-05-01", "due", None),  # from 03-20 (after the review): + 42 = Mar 20 + 11 = Mar 31, + 31 = May 1
    ]
    # one visit, one obligation: the ordinary first visit and 6-weekly interval stand back
    c.assert_absent("visit.sw-first")
    c.assert_absent("visit.sw-interval")
    o = c.of("visit.sw-reg19")[1]
    assert (o.source, o.owner, o.anchor_kind, o.cycle) == ("REG reg 28(3)", "social-worker", "sw-visit", "ep1.p1.v1")
    assert o.derivation.arithmetic == ("placed-with-parent from 2025-03-03; visit 2025-03-07, the next due by the "
                                       "first review, held 2025-03-17; 2025-03-07 + 1 week = 2025-03-14")


def test_weekly_goes_on_while_no_review_is_held():
    # visits 03-07, 03-14, 03-21, no review: 03-21 + 7 = 03-28, overdue on 03-31
    evs = events(ENTERED, ("placed-with-parent", "2025-03-03"), ("sw-visit", "2025-03-07"), ("sw-visit", "2025-03-14"),
                 ("sw-visit", "2025-03-21"))
    c = Child("england", evs, as_of="2025-03-31")
    assert rows(c, "visit.sw-reg19")[-1] == ("2025-03-28", "overdue", None)
    assert c.of("visit.sw-reg19")[-1].derivation.arithmetic.startswith(
        "placed-with-parent from 2025-03-03; visit 2025-03-21, no review held since")


def test_a_review_on_the_day_of_the_marker_is_not_the_first_review():
    # placed with a parent and reviewed the same day (03-03): weekly still runs from the visit of 03-07
    evs = events(ENTERED, ("placed-with-parent", "2025-03-03"), ("review-held", "2025-03-03"),
                 ("sw-visit", "2025-03-07"))
    c = Child("england", evs, as_of="2025-03-10")
    assert rows(c, "visit.sw-reg19")[-1] == ("2025-03-14", "due", None)


def test_a_placement_change_ends_the_regime_and_the_ordinary_visits_return():
    # placement 1 placed with a parent; placement 2 from Mon 2025-04-14 marks none: visit.sw-first due 04-21, and
    # its visit 04-16 starts 6 weeks (Apr 16 + 14 = Apr 30, + 28 = May 28)
    evs = events(ENTERED, ("placed-with-parent", "2025-03-03"), ("sw-visit", "2025-03-07"), MOVED,
                 ("sw-visit", "2025-04-16"))
    c = Child("england", evs, as_of="2025-05-01")
    assert [o.cycle for o in c.of("visit.sw-reg19")] == ["ep1.p1", "ep1.p1.v1"]
    c.assert_met("visit.sw-first", "2025-04-21", "2025-04-16")
    [o] = c.of("visit.sw-interval")
    assert (o.anchor_date, o.due, o.cycle) == (D("2025-04-16"), D("2025-05-28"), "ep1.p2.v1")


# ---------------------------------------------------------------- visit.sw-reg24: weekly, then 4-weekly
@pytest.mark.parametrize("marker", ["temporary-approval", "ico-at-home"])
def test_temporary_approval_weekly_until_the_first_review_then_four_weeks(marker):
    # placement 1 (03-03) visited 03-05 and 03-20 under the ordinary rules; placement 2 from Mon 2025-04-14 with a
    # connected person (or an interim care order at home) marked that day
    evs = events(ENTERED, ("sw-visit", "2025-03-05"), ("sw-visit", "2025-03-20"), MOVED, (marker, "2025-04-14"),
                 ("sw-visit", "2025-04-17"), ("sw-visit", "2025-04-24"), ("sw-visit", "2025-04-29"),
                 ("review-held", "2025-05-01"))
    c = Child("england", evs, as_of="2025-05-10")
    assert rows(c, "visit.sw-reg24") == [
        ("2025-04-21", "met", "2025-04-17"),  # 04-14 + 7 = Easter Monday 04-21 (a visit deadline does not move)
        ("2025-04-24", "met", "2025-04-24"),  # from 04-17: + 7 = 04-24, before the review of 05-01: weekly
        ("2025-05-01", "met", "2025-04-29"),  # from 04-24: + 7 = 05-01, the review's own day: still weekly
        ("2025-05-27", "due", None),  # from 04-29: + 7 = 05-06 is after the review: 4 weeks, Apr 29 + 28 = May 27
    ]
    assert c.of("visit.sw-reg24")[0].anchor_kind == marker
    assert c.of("visit.sw-reg24")[0].source == "REG reg 28(4)"
    # the ordinary rules: placement 1 only (first visit 03-10; 03-05 + 42 = 04-16, met 03-20; from 03-20 the
    # interval fell due 05-01, after the move, so nothing)
    assert [o.cycle for o in c.of("visit.sw-first")] == ["ep1.p1"]
    assert rows(c, "visit.sw-interval") == [("2025-04-16", "met", "2025-03-20")]


# ---------------------------------------------------------------- visit.sw-care-order-home: a marker after the start
def test_a_care_order_at_home_dated_after_the_placement_starts_runs_from_the_order():
    # in care from Mon 03-03, visited 03-05; a care order with the child at home made Tue 2025-04-15
    evs = events(ENTERED, ("sw-visit", "2025-03-05"), ("care-order-at-home", "2025-04-15"), ("sw-visit", "2025-04-17"))
    c = Child("england", evs, as_of="2025-05-01")
    c.assert_met("visit.sw-first", "2025-03-10", "2025-03-05")  # the placement's start is before the order
    # from 03-05: + 42 = Mar 5 + 26 = Mar 31, + 16 = Apr 16; the next visit 04-17 is a day late. The visit of
    # 04-17 is made under the order's regime, so visit.sw-interval counts nothing from it
    assert rows(c, "visit.sw-interval") == [("2025-04-16", "met-late", "2025-04-17")]
    assert rows(c, "visit.sw-care-order-home") == [
        ("2025-04-22", "met", "2025-04-17"),  # 04-15 + 7: within a week of the order
        ("2025-05-29", "due", None),  # from 04-17: + 42 = Apr 17 + 13 = Apr 30, + 29 = May 29
    ]
    o = c.of("visit.sw-care-order-home")[0]
    assert (o.anchor_kind, o.anchor_date, o.source) == ("care-order-at-home", D("2025-04-15"), "REG reg 28(5)")


# ---------------------------------------------------------------- visit.adoptive: AAR reg 36(4)(a)
def test_adoptive_placement_weekly_until_the_first_review_then_nothing_derived():
    # moved to the adopters Mon 2025-06-02; first review (AAR reg 36(3)(a): 4 weeks) held Mon 06-30
    evs = events(ENTERED, ("sw-visit", "2025-03-05"), ("placement-change", "2025-06-02"),
                 ("placed-for-adoption", "2025-06-02"), ("sw-visit", "2025-06-06"), ("sw-visit", "2025-06-13"),
                 ("sw-visit", "2025-06-20"), ("sw-visit", "2025-06-27"), ("review-held", "2025-06-30"),
                 ("sw-visit", "2025-07-04"))
    c = Child("england", evs, as_of="2025-09-01")
    assert rows(c, "visit.adoptive") == [
        ("2025-06-09", "met", "2025-06-06"),  # 06-02 + 7
        ("2025-06-13", "met", "2025-06-13"),  # weekly: 06-06 + 7
        ("2025-06-20", "met", "2025-06-20"),
        ("2025-06-27", "met", "2025-06-27"),
        # from 06-27: + 7 = 07-04 is after the review of 06-30: "as the review decides", nothing derived
    ]
    assert c.of("visit.adoptive")[0].source == "AAR reg 36(4)(a)"
    # nor do the ordinary rules count on from the adoptive placement's visits
    assert [o.cycle for o in c.of("visit.sw-first")] == ["ep1.p1"]
    assert all(o.cycle.startswith("ep1.p1.") for o in c.of("visit.sw-interval"))


# ---------------------------------------------------------------- visit.sw-long-term-foster: 6 months once agreed
LONG_TERM = [("entered-care", "2024-01-15"), ("sw-visit", "2024-01-19"), ("long-term-foster", "2024-06-03")]


def test_agreed_six_monthly_visits_after_the_first_year():
    # agreed 2024-09-02, in force from the first anniversary 2025-01-15
    evs = events(*LONG_TERM, ("long-term-visits-agreed", "2024-09-02"), ("sw-visit", "2025-01-10"),
                 ("sw-visit", "2025-02-20"))
    c = Child("england", evs, as_of="2025-03-01")
    # 2025-01-10 is in the first year: visit.sw-interval, 6 weeks: Jan 10 + 21 = Jan 31, + 21 = Feb 21
    assert rows(c, "visit.sw-interval")[-1] == ("2025-02-21", "met", "2025-02-20")
    # 2025-02-20 + 6 months = 2025-08-20; no 3-month visit.sw-interval from it
    assert rows(c, "visit.sw-long-term-foster") == [("2025-08-20", "due", None)]
    assert [o.anchor_date for o in c.of("visit.sw-interval")] == [D("2024-01-19"), D("2025-01-10")]
    o = c.of("visit.sw-long-term-foster")[0]
    assert (o.source, str(o.offset)) == ("REG reg 28 as amended 2015 [confirm]", "6 months")


def test_agreement_after_the_first_year_runs_from_the_agreement():
    # agreed 2025-03-03: the visit of 02-20 is 3-monthly (long-term, after the year: 2025-05-20); that of
    # 2025-03-10 is 6-monthly: 2025-09-10
    evs = events(*LONG_TERM, ("sw-visit", "2025-02-20"), ("long-term-visits-agreed", "2025-03-03"),
                 ("sw-visit", "2025-03-10"))
    c = Child("england", evs, as_of="2025-03-20")
    assert rows(c, "visit.sw-interval")[-1] == ("2025-05-20", "met", "2025-03-10")
    assert rows(c, "visit.sw-long-term-foster") == [("2025-09-10", "due", None)]


def test_no_six_monthly_visits_in_a_placement_of_under_a_year():
    # moved 2024-06-03, agreed the same day; the placement's year ends 2025-06-03, so the visit of 2025-03-10 is
    # 6-weekly: Mar 10 + 21 = Mar 31, + 21 = Apr 21
    evs = events(("entered-care", "2024-01-15"), ("placement-change", "2024-06-03"),
                 ("long-term-visits-agreed", "2024-06-03"), ("sw-visit", "2025-03-10"))
    c = Child("england", evs, as_of="2025-03-20")
    c.assert_absent("visit.sw-long-term-foster")
    c.assert_due("visit.sw-interval", "2025-04-21", "due")


# ---------------------------------------------------------------- the precedence is data: yields_to
def test_a_profile_that_switches_a_regime_off_gets_the_ordinary_visits_back(tmp_path):
    path = tmp_path / "myla.toml"
    path.write_text('extends = "england"\n[rules."visit.sw-reg19"]\nenabled = false\n')
    evs = events(ENTERED, ("placed-with-parent", "2025-03-03"), ("sw-visit", "2025-03-07"))
    out = derive("C1", evs, load(str(path)), D("2025-03-20"))
    got = sorted((o.rule, o.due.isoformat()) for o in out.obligations if o.rule.startswith("visit."))
    # 03-03 + 7 = 03-10; 03-07 + 42 = Mar 7 + 24 = Mar 31, + 18 = Apr 18
    assert got == [("visit.sw-first", "2025-03-10"), ("visit.sw-interval", "2025-04-18")]


@pytest.mark.parametrize("text, where, message", [
    ('extends = "england"\n[rules."visit.sw-interval"]\nyields_to = ["visit.sw-reg91"]\n',
     "rules.visit.sw-interval.yields_to",
     "'visit.sw-reg91' is not a visit-regime rule of this profile; did you mean 'visit.sw-reg19'?"),
    ('extends = "england"\n[rules."notify.placement-end"]\nfollows = "visit.sw-interval"\n',
     "rules.notify.placement-end.follows",
     "'visit.sw-interval' is not a placement-start rule of this profile; did you mean 'visit.sw-first'?"),
    ('extends = "england"\n[rules."visit.sw-reg24"]\nregime = ["temporary-aproval"]\n',
     "rules.visit.sw-reg24.regime", "unknown event kind 'temporary-aproval'; did you mean 'temporary-approval'?"),
])
def test_a_bad_regime_key_names_file_and_key(tmp_path, text, where, message):
    assert_profile_fails(tmp_path, text, where, message)


def test_no_regime_visits_for_a_series_of_short_breaks():
    # REG reg 48(3)(c): intervals agreed with the IRO and parents; irocli derives none (visit.short-break)
    c = Child("england", events(("short-breaks-started", "2025-03-03"), ("placed-with-parent", "2025-03-03"),
                                ("sw-visit", "2025-03-05")), as_of="2025-06-01")
    c.assert_absent("visit.sw-reg19")
    assert "visit.short-break" not in load("england").rules


@pytest.mark.parametrize("left, expected", [
    # left care 2025-03-09, before the first visit fell due (03-10): nothing owed
    pytest.param("2025-03-09", [], id="left-before-due-nothing"),
    # left 2025-03-20, after it, never visited: missed (history), never overdue
    pytest.param("2025-03-20", [("2025-03-10", "missed", None)], id="left-after-due-missed"),
])
def test_a_regime_ends_with_the_episode(left, expected):
    c = Child("england", events(ENTERED, ("placed-with-parent", "2025-03-03"), ("left-care", left)), as_of="2025-06-01")
    assert [(o.due.isoformat(), o.status.value, o.met_on) for o in c.obs if o.rule == "visit.sw-reg19"] == expected
    assert not [o for o in c.outcome.open() if o.rule.startswith("visit.")]


def test_the_due_list_keeps_only_the_open_regime_visit():
    evs = events(ENTERED, ("placed-with-parent", "2025-03-03"), ("sw-visit", "2025-03-07"), ("sw-visit", "2025-03-14"))
    out = derive("C1", evs, load("england"), D("2025-03-24"), history=False)
    # from 03-14: + 7 = 03-21, overdue; nothing else of the visits
    assert [(o.rule, o.due.isoformat(), o.status.value) for o in out.obligations if o.rule.startswith("visit.")] == [
        ("visit.sw-reg19", "2025-03-21", "overdue")]


# ---------------------------------------------------------------- review.reg19: within 10 working days
@pytest.mark.parametrize("placed, held, as_of, due, status", [
    # Mon 2025-03-03: Tue 4, Wed 5, Thu 6, Fri 7, Mon 10, Tue 11, Wed 12, Thu 13, Fri 14, Mon 17 (10)
    pytest.param("2025-03-03", "2025-03-17", "2025-03-20", "2025-03-17", "met", id="on-the-tenth-working-day"),
    pytest.param("2025-03-03", None, "2025-03-20", "2025-03-17", "overdue", id="overdue"),
    # Easter 2025, placed Wed 04-16: Thu 17 (1), Good Friday 18 and Easter Monday 21 closed, Tue 22 (2), Wed 23,
    # Thu 24, Fri 25 (5), Mon 28, Tue 29, Wed 30, Thu 1 May (9), Fri 2 May (10) = 2025-05-02
    pytest.param("2025-04-16", "2025-05-02", "2025-05-06", "2025-05-02", "met", id="easter-2025"),
    pytest.param("2025-04-16", "2025-05-06", "2025-05-10", "2025-05-02", "met-late", id="easter-2025-late"),
    pytest.param("2025-04-16", None, "2025-04-30", "2025-05-02", "due", id="easter-2025-due"),
])
def test_review_within_ten_working_days_of_placing_with_a_parent(placed, held, as_of, due, status):
    if placed == "2025-03-03":
        # placed with a parent on entering care Mon 2025-03-03 (the first review's own date, 20 WD, is 03-31)
        evs = [ENTERED, ("placed-with-parent", placed)]
    else:
        # in care from Mon 2025-01-06; reviews held 01-31 and 04-10 (the next, 6 months on, 2025-10-10); then
        # moved home to a parent before the assessment
        evs = [("entered-care", "2025-01-06"), ("review-held", "2025-01-31"), ("review-held", "2025-04-10"),
               ("placement-change", placed), ("placed-with-parent", placed)]
    if held:
        evs.append(("review-held", held))
    c = Child("england", events(*evs), as_of=as_of)
    o = c.of("review.reg19")[-1]
    assert (o.due, o.status.value, o.source) == (D(due), status, "REG reg 19 [confirm]")
    assert o.derivation.arithmetic == f"{placed} + 10 working days = {due}"
    if status in ("due", "overdue"):
        c.assert_open_review("review.reg19", due)


# ---------------------------------------------------------------- placement.reg24-expiry: 16 weeks, once 8 more
@pytest.mark.parametrize("more, as_of, due, status, met_on", [
    # Mon 2025-03-03 + 112 days: Mar 3 + 28 = Mar 31, + 30 = Apr 30, + 31 = May 31, + 23 = Mon 2025-06-23
    pytest.param([("foster-approved", "2025-06-20")], "2025-07-01", "2025-06-23", "met", "2025-06-20", id="approved"),
    pytest.param([("foster-approved", "2025-06-25")], "2025-07-01", "2025-06-23", "met-late", "2025-06-25",
                 id="approved-late"),
    pytest.param([], "2025-07-01", "2025-06-23", "overdue", None, id="expired-overdue"),
    pytest.param([], "2025-06-01", "2025-06-23", "due", None, id="running"),
    # extended 06-16: 06-23 + 56 days = Jun 23 + 7 = Jun 30, + 31 = Jul 31, + 18 = Mon 2025-08-18
    pytest.param([("approval-extended", "2025-06-16")], "2025-07-01", "2025-08-18", "due", None, id="extended"),
    pytest.param([("approval-extended", "2025-06-23")], "2025-07-01", "2025-08-18", "due", None,
                 id="extended-on-the-expiry-day"),
    # an extension recorded after the approval expired does not revive it
    pytest.param([("approval-extended", "2025-06-24")], "2025-07-01", "2025-06-23", "overdue", None,
                 id="extended-too-late"),
    # one extension only: a second adds nothing
    pytest.param([("approval-extended", "2025-06-16"), ("approval-extended", "2025-08-11")], "2025-08-20",
                 "2025-08-18", "overdue", None, id="second-extension-adds-nothing"),
])
def test_temporary_approval_expires_after_sixteen_weeks(more, as_of, due, status, met_on):
    evs = events(ENTERED, ("temporary-approval", "2025-03-03"), *more)
    [o] = Child("england", evs, as_of=as_of).of("placement.reg24-expiry")
    assert (o.due, o.status.value, o.met_on) == (D(due), status, D(met_on) if met_on else None)
    assert (o.owner, o.source) == ("local-authority", "REG reg 24-25")


def test_the_extension_is_explained():
    c = Child("england", events(ENTERED, ("temporary-approval", "2025-03-03"), ("approval-extended", "2025-06-16")),
              as_of="2025-07-01")
    o = c.of("placement.reg24-expiry")[0]
    assert (o.anchor_kind, o.anchor_date) == ("approval-extended", D("2025-06-23"))
    assert o.derivation.arithmetic == ("temporary-approval 2025-03-03 + 16 weeks = 2025-06-23; approval-extended on "
                                       "2025-06-16; 2025-06-23 + 8 weeks = 2025-08-18")


@pytest.mark.parametrize("end, expected", [
    # the child moved (04-14) or left care (05-01) before the expiry of 06-23: nothing owed
    pytest.param(MOVED, [], id="moved-before-expiry"),
    pytest.param(("left-care", "2025-05-01"), [], id="left-before-expiry"),
    # left care 2025-07-01, after the expiry, never approved: missed, never overdue
    pytest.param(("left-care", "2025-07-01"), [("2025-06-23", "missed", None)], id="left-after-expiry-missed"),
])
def test_the_approval_ends_with_the_placement(end, expected):
    c = Child("england", events(ENTERED, ("temporary-approval", "2025-03-03"), end), as_of="2025-08-01")
    got = [(o.due.isoformat(), o.status.value, None) for o in c.obs if o.rule == "placement.reg24-expiry"]
    assert got == expected


def test_an_approval_marked_after_the_placement_starts_counts_from_its_own_day():
    # approved temporarily Mon 2025-03-10, a week into the placement: + 112 days = Mon 2025-06-30
    c = Child("england", events(ENTERED, ("temporary-approval", "2025-03-10")), as_of="2025-04-01")
    c.assert_due("placement.reg24-expiry", "2025-06-30", "due")


# ---------------------------------------------------------------- notify.placement-end: REG reg 14
@pytest.mark.parametrize("notices, end_row, start_row", [
    # one notice on the move day tells of both: the old placement's end (due 04-14) and the new one's start
    # (04-14 + 5 WD: Tue 15, Wed 16, Thu 17, Good Friday and Easter Monday closed, Tue 22, Wed 23 = 04-23)
    pytest.param(["2025-04-14"], ("2025-04-14", "met", "2025-04-14"), ("2025-04-23", "met", "2025-04-14"),
                 id="one-notice-on-the-move-day"),
    # told before the move (Thu 04-10, within the old placement): both met by it
    pytest.param(["2025-04-10"], ("2025-04-14", "met", "2025-04-10"), ("2025-04-23", "met", "2025-04-10"),
                 id="one-notice-before-the-move"),
    # told two days after: the end late, the start within its 5 working days
    pytest.param(["2025-04-16"], ("2025-04-14", "met-late", "2025-04-16"), ("2025-04-23", "met", "2025-04-16"),
                 id="told-after-the-move"),
    # not told: both overdue on 04-25
    pytest.param([], ("2025-04-14", "overdue", None), ("2025-04-23", "overdue", None), id="not-told"),
])
def test_the_iro_told_of_a_move(notices, end_row, start_row):
    # placement 1 notified 03-05 (within 5 WD of 03-03): that notice is its start's, not its end's
    evs = events(ENTERED, ("iro-notified", "2025-03-05"), *[("iro-notified", d) for d in notices if d < "2025-04-14"],
                 MOVED, *[("iro-notified", d) for d in notices if d >= "2025-04-14"])
    c = Child("england", evs, as_of="2025-04-25")
    assert rows(c, "notify.placement-end") == [end_row]
    assert rows(c, "notify.placement-iro") == [("2025-03-10", "met", "2025-03-05"), start_row]
    o = c.of("notify.placement-end")[0]
    assert (o.anchor_kind, o.anchor_date, o.cycle, o.owner, o.source) == (
        "placement-change", D("2025-04-14"), "ep1.p1", "social-worker", "REG reg 14(2)-(4)")
    assert o.derivation.arithmetic == "placement from 2025-03-03 ends 2025-04-14; 2025-04-14 + 0 days = 2025-04-14"


def test_a_later_move_notice_does_not_tell_of_an_earlier_end():
    # moved 04-14 untold; moved again Mon 2025-09-01, told that day: that notice is the second placement's end
    # (due 09-01, met) and the third's start, never the first's end, which was missed once the child left the
    # placement it moved to (its window ran to 08-31)
    evs = events(ENTERED, ("iro-notified", "2025-03-05"), MOVED, ("placement-change", "2025-09-01"),
                 ("iro-notified", "2025-09-01"))
    c = Child("england", evs, as_of="2025-09-05")
    assert rows(c, "notify.placement-end") == [("2025-04-14", "missed", None), ("2025-09-01", "met", "2025-09-01")]


def test_an_open_placement_owes_no_end_notice():
    c = Child("england", events(ENTERED, ("iro-notified", "2025-03-05")), as_of="2025-06-01")
    c.assert_absent("notify.placement-end")


@pytest.mark.parametrize("notice, expected", [
    pytest.param("2025-05-29", ("2025-06-01", "met", "2025-05-29"), id="told-before-leaving"),
    # not told by the day the episode ended: missed (history), never overdue
    pytest.param(None, ("2025-06-01", "missed", None), id="not-told-missed"),
])
def test_leaving_care_ends_the_last_placement(notice, expected):
    evs = [ENTERED, ("iro-notified", "2025-03-05")] + ([("iro-notified", notice)] if notice else [])
    c = Child("england", events(*evs, ("left-care", "2025-06-01")), as_of="2025-06-10")
    assert rows(c, "notify.placement-end") == [expected]
    assert c.of("notify.placement-end")[0].anchor_kind == "left-care"
    out = derive("C1", events(*evs, ("left-care", "2025-06-01")), load("england"), D("2025-06-10"), history=False)
    assert not [o for o in out.obligations if o.rule == "notify.placement-end"]


def test_the_due_list_shows_an_untold_move():
    evs = events(ENTERED, ("iro-notified", "2025-03-05"), MOVED)
    out = derive("C1", evs, load("england"), D("2025-04-25"), history=False)
    assert [(o.rule, o.due.isoformat(), o.status.value) for o in out.obligations if o.rule == "notify.placement-end"] \
        == [("notify.placement-end", "2025-04-14", "overdue")]


# ---------------------------------------------------------------- remand: REG Part 8A
def test_a_remand_starts_a_placement_for_the_visits_plans_and_notices():
    # in care from 03-03; remanded on Mon 2025-05-05 (Early May bank holiday): the visit within a week (05-12);
    # the detention placement plan (dpp) in place of the placement plan within 5 WD of a closed day 0: Tue 6 (1),
    # Wed 7, Thu 8, Fri 9, Mon 12 (5) = 2025-05-12; the IRO told of the end of placement 1 that day
    evs = events(ENTERED, ("placement-plan", "2025-03-04"), ("iro-notified", "2025-03-04"),
                 ("remand", "2025-05-05"), ("iro-notified", "2025-05-05"), ("dpp", "2025-05-07"))
    c = Child("england", evs, as_of="2025-05-14")
    first = c.of("visit.sw-first")[-1]
    assert (first.due, first.status.value, first.anchor_kind) == (D("2025-05-12"), "overdue", "remand")
    c.assert_met("ms.placement-plan", "2025-05-12", "2025-05-07")
    c.assert_met("notify.placement-iro", "2025-05-12", "2025-05-05")
    c.assert_met("notify.placement-end", "2025-05-05", "2025-05-05")


def test_a_remand_restarts_the_review_clock():
    # in care from Mon 2025-01-06, reviews held 01-31 and 04-10; remanded Mon 2025-05-05 (a bank holiday, day 0):
    # the first review again within 20 working days: May 6-9 (4), 12-16 (9), 19-23 (14), Spring bank holiday
    # Mon 26 closed, 27-30 (18), Mon 2 June (19), Tue 3 June (20) = 2025-06-03 (not the 6-monthly 2025-10-10)
    evs = events(("entered-care", "2025-01-06"), ("review-held", "2025-01-31"), ("review-held", "2025-04-10"),
                 ("remand", "2025-05-05"))
    c = Child("england", evs, as_of="2025-05-14")
    c.assert_open_review("review.first", "2025-06-03")
    assert c.open_review().anchor_kind == "remand"


def test_a_remand_outside_care_makes_the_child_looked_after():
    # LASPO 2012 s104 [confirm]: remanded Mon 2025-10-06 with no episode open: the review and visit clocks run
    # from it (REG Part 8A). First review 20 WD = 2025-11-03; visit within a week = 10-13, made 10-09, next
    # 10-09 + 6 weeks = 11-20; the detention placement plan within 5 WD = 10-13
    c = Child("england", events(("remand", "2025-10-06"), ("sw-visit", "2025-10-09")), as_of="2025-10-10",
              dob="2009-03-10")
    c.assert_open_review("review.first", "2025-11-03")
    c.assert_met("visit.sw-first", "2025-10-13", "2025-10-09")
    c.assert_due("visit.sw-interval", "2025-11-20", "due")
    [plan] = c.of("ms.placement-plan")
    assert (plan.due, plan.anchor_kind) == (D("2025-10-13"), "remand")
    assert [o.anchor_kind for o in c.of("health.iha")] == ["remand"]


def test_a_remand_in_care_is_a_placement_start_not_a_new_episode():
    # in care from 2025-03-03, reviewed 03-28 and 06-20 (next by 12-20); remanded Mon 2025-10-06: the review
    # sequence restarts (first review 20 WD on, 11-03) in the same episode, and a new placement starts its visit
    # clock (10-13)
    c = Child("england", events(("entered-care", "2025-03-03"), ("review-held", "2025-03-28"),
                                ("review-held", "2025-06-20"), ("remand", "2025-10-06")), as_of="2025-10-10",
              dob="2009-03-10")
    assert len(c.outcome.obligations) and len({o.cycle.split(".")[0] for o in c.of("visit.sw-first")}) == 1
    c.assert_open_review("review.first", "2025-11-03")
    c.assert_due("visit.sw-first", "2025-10-13", "due")
