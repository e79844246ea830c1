"""The review schedule (RULES §1, §1.1, §1.3): hand-checked dates per profile.

Every expected date below was counted by hand from the anchor (day 0 never counted); the
comments show the count where it crosses a month end or a bank holiday.
"""

from __future__ import annotations

import pytest
from tests.engine.support import Child, events


@pytest.mark.parametrize(
    "entered, due",
    [
        ("2024-12-20", "2025-01-22"),  # Christmas, Boxing Day, New Year
        ("2025-04-10", "2025-05-13"),  # Good Friday, Easter Monday, Early May
        ("2023-04-27", "2023-05-30"),  # 1 May, Coronation 8 May, Spring 29 May
        ("2022-09-01", "2022-09-30"),  # State funeral 19 Sep
        ("2025-03-01", "2025-03-28"),  # day 0 at a weekend
        ("2025-12-25", "2026-01-26"),  # day 0 is itself a bank holiday
        ("2026-12-24", "2027-01-26"),  # Boxing Day substitute Mon 28 Dec
        ("2027-12-23", "2028-01-25"),  # double substitutes, New Year substitute
    ],
    ids=lambda v: v,
)
@pytest.mark.parametrize("profile", ["england", "blackpool", "dudley", "knowsley", "cpru"])
def test_first_review_is_20_working_days_after_entering_care(profile, entered, due):
    c = Child(profile, events(("entered-care", entered)), as_of=entered)
    c.assert_open_review("review.first", due)


@pytest.mark.parametrize(
    "profile, second_due, subsequent_due",
    [
        # held 2025-01-22: +3 months; then held on that date +6 months
        ("england", "2025-04-22", "2025-10-22"),
        # +91 days: Jan 31 (9), Feb 28 (37), Mar 31 (68), Apr 23 (91); then +183: Oct 23
        ("blackpool", "2025-04-23", "2025-10-23"),
        # +90 days: Apr 22; then +180: May 31 (39), Jun 30 (69), ..., Sep 30 (161), Oct 19 (180)
        ("dudley", "2025-04-22", "2025-10-19"),
        ("knowsley", "2025-04-22", "2025-10-22"),
        ("cpru", "2025-04-22", "2025-10-22"),
    ],
)
def test_second_and_subsequent_reviews_chain_from_the_day_held(profile, second_due, subsequent_due):
    evs = [("entered-care", "2024-12-20"), ("review-held", "2025-01-22")]
    Child(profile, events(*evs), as_of="2025-02-01").assert_open_review("review.second", second_due)
    c = Child(profile, events(*evs, ("review-held", second_due)), as_of=second_due)
    c.assert_met("review.second", second_due, second_due)
    c.assert_open_review("review.subsequent", subsequent_due)


def test_chaining_uses_actual_dates_not_the_original_anchor():
    # DATES.md: held on each due date from 2025-01-31 -> 2025-04-30 -> 2025-10-30 (not 31 Oct)
    evs = events(("entered-care", "2024-12-31"), ("review-held", "2025-01-31"), ("review-held", "2025-04-30"))
    Child("england", evs, as_of="2025-05-01").assert_open_review("review.subsequent", "2025-10-30")


def test_late_review_is_met_late_and_the_next_counts_from_the_late_date():
    evs = events(("entered-care", "2024-12-20"), ("review-held", "2025-01-31"))
    c = Child("england", evs, as_of="2025-02-01")
    c.assert_met_late("review.first", "2025-01-22", "2025-01-31")
    c.assert_open_review("review.second", "2025-04-30")


def test_overdue_only_after_the_due_day():
    evs = events(("entered-care", "2024-12-20"))
    assert Child("england", evs, as_of="2025-01-22").open_review().status == "due"
    assert Child("england", evs, as_of="2025-01-23").open_review().status == "overdue"


def test_leaving_care_ends_reviews_and_re_entering_starts_a_new_first_review():
    evs = [("entered-care", "2024-01-02"), ("review-held", "2024-01-30"), ("left-care", "2024-06-01")]
    assert Child("england", events(*evs), as_of="2024-07-01").open_review() is None
    c = Child("england", events(*evs, ("entered-care", "2025-04-10")), as_of="2025-04-20")
    c.assert_open_review("review.first", "2025-05-13")


def test_adoption_order_ends_reviews():
    evs = events(("entered-care", "2024-01-02"), ("adoption-order", "2024-03-01"))
    assert Child("england", evs, as_of="2024-06-01").open_review() is None


BASE = [("entered-care", "2025-01-02"), ("review-held", "2025-01-30")]  # first review on time


def test_blackpool_placement_move_restarts_the_sequence():
    # second due 2025-01-30 + 91 days = 2025-05-01; move 2025-03-03 + 20 WD = 2025-03-31
    c = Child("blackpool", events(*BASE, ("placement-change", "2025-03-03")), as_of="2025-03-10")
    c.assert_open_review("review.placement-change", "2025-03-31")
    # held 2025-03-28: the restarted sequence's second step, 91 days: Apr 30 (33), May 31 (64), Jun 27 (91)
    c = Child("blackpool", events(*BASE, ("placement-change", "2025-03-03"), ("review-held", "2025-03-28")),
              as_of="2025-04-01")
    c.assert_met("review.placement-change", "2025-03-31", "2025-03-28")
    c.assert_met("review.second", "2025-05-01", "2025-03-28", nth=0)
    c.assert_open_review("review.second", "2025-06-27")


def test_placement_move_is_not_a_trigger_in_england():
    c = Child("england", events(*BASE, ("placement-change", "2025-03-03")), as_of="2025-03-10")
    c.assert_open_review("review.second", "2025-04-30")


def test_earliest_requirement_is_the_open_review():
    # move 2025-04-10 + 20 WD = 2025-05-13 is later than the regular second review 2025-05-01
    c = Child("blackpool", events(*BASE, ("placement-change", "2025-04-10")), as_of="2025-04-11")
    c.assert_open_review("review.second", "2025-05-01")


def test_placement_order_review_within_3_months_then_6_monthly():
    evs = [("entered-care", "2024-01-02"), ("review-held", "2024-01-30"), ("review-held", "2024-04-30"),
           ("placement-order", "2024-06-10")]
    c = Child("england", events(*evs), as_of="2024-06-11")
    c.assert_open_review("review.placement-order", "2024-09-10")  # earlier than subsequent 2024-10-30
    c = Child("england", events(*evs, ("review-held", "2024-09-10")), as_of="2024-09-11")
    c.assert_open_review("review.subsequent", "2025-03-10")


def test_placement_order_after_placement_for_adoption_does_not_restart():
    evs = events(("entered-care", "2024-01-02"), ("review-held", "2024-01-30"), ("review-held", "2024-04-30"),
                 ("placed-for-adoption", "2024-06-01"), ("placement-order", "2024-06-10"))
    Child("england", evs, as_of="2024-06-11").assert_open_review("review.placed-for-adoption", "2024-06-29")


@pytest.mark.parametrize("entered, first, second, placed, due", [
    ("2024-06-03", "2024-07-01", "2024-10-01", "2025-02-01", "2025-03-01"),
    ("2023-06-01", "2023-06-28", "2023-09-28", "2024-02-15", "2024-03-14"),  # leap February
])
def test_placed_for_adoption_first_review_in_4_weeks(entered, first, second, placed, due):
    evs = events(("entered-care", entered), ("review-held", first), ("review-held", second),
                 ("placed-for-adoption", placed))
    Child("england", evs, as_of=placed).assert_open_review("review.placed-for-adoption", due)


def test_placed_for_adoption_then_3_months_then_6_months():
    evs = [("entered-care", "2024-06-03"), ("review-held", "2024-07-01"), ("review-held", "2024-10-01"),
           ("placed-for-adoption", "2025-02-01"),
           ("review-held", "2025-03-01")]
    Child("england", events(*evs), as_of="2025-03-02").assert_open_review("review.adoption-second", "2025-06-01")
    c = Child("england", events(*evs, ("review-held", "2025-06-01")), as_of="2025-06-02")
    c.assert_open_review("review.subsequent", "2025-12-01")


PO = [("entered-care", "2024-01-02"), ("review-held", "2024-01-30"), ("review-held", "2024-04-30"),
      ("placement-order", "2024-05-15"), ("review-held", "2024-08-15")]


def test_blackpool_placement_order_9_month_check_attaches_to_the_review_after_it():
    # PO 2024-05-15 + 9 months = 2025-02-15. After the PO review held 2024-08-15 the next is
    # +183 days = 2025-02-14 (Aug 31 16, ..., Jan 31 169, Feb 14 183): before the check, so the
    # one after, if held on time: 2025-02-14 + 183 days = 2025-08-16.
    c = Child("blackpool", events(*PO), as_of="2024-12-01")
    c.assert_due("review.po-9-months", "2025-08-16", "due")
    c = Child("blackpool", events(*PO, ("review-held", "2025-02-20")), as_of="2025-03-01")
    c.assert_met_late("review.po-9-months", "2025-02-14", "2025-02-20")


def test_placement_order_check_not_needed_once_placed():
    c = Child("blackpool", events(*PO, ("placed-for-adoption", "2024-12-01")), as_of="2025-03-01")
    c.assert_absent("review.po-9-months")


DUDLEY = [("entered-care", "2025-01-02"), ("review-held", "2025-01-30")]  # second due +90 = 2025-04-30


def test_adjourned_review_completed_within_20_working_days_and_dated_as_scheduled():
    # adjourned Wed 2025-04-30 + 20 WD, skipping 5 May and 26 May = 2025-05-30
    c = Child("dudley", events(*DUDLEY, ("review-adjourned", "2025-04-30")), as_of="2025-05-10")
    c.assert_open_review("review.adjourned", "2025-05-30")
    c = Child("dudley", events(*DUDLEY, ("review-adjourned", "2025-04-30"), ("review-held", "2025-05-20")),
              as_of="2025-05-21")
    c.assert_met("review.adjourned", "2025-05-30", "2025-05-20")
    c.assert_met("review.second", "2025-04-30", "2025-04-30")
    # next counts from 2025-04-30 (as scheduled): +180 days = 2025-10-27
    c.assert_open_review("review.subsequent", "2025-10-27")


def test_a_second_adjournment_is_flagged_and_ignored():
    evs = events(*DUDLEY, ("review-adjourned", "2025-04-30"), ("review-adjourned", "2025-05-14"))
    c = Child("dudley", evs, as_of="2025-05-15")
    assert [f.rule for f in c.outcome.flags] == ["review.adjourn-once"]
    c.assert_open_review("review.adjourned", "2025-05-30")


def test_review_booked_after_its_due_date_is_flagged_until_authorised():
    evs = [*DUDLEY, ("review-booked", "2025-05-07")]
    c = Child("dudley", events(*evs), as_of="2025-04-20")
    c.assert_due("review.rearranged-outside", "2025-04-30", "due")
    c = Child("dudley", events(*evs, ("review-authorised", "2025-04-22")), as_of="2025-04-23")
    c.assert_met("review.rearranged-outside", "2025-04-30", "2025-04-22")


def test_review_booked_in_time_needs_no_authorisation():
    c = Child("dudley", events(*DUDLEY, ("review-booked", "2025-04-28")), as_of="2025-04-20")
    c.assert_absent("review.rearranged-outside")


@pytest.mark.parametrize("kind, rule", [("review-directed", "review.directed"),
                                        ("change-proposed", "review.before-change")])
def test_directed_and_before_change_reviews_are_requirements_met_by_the_next_review(kind, rule):
    c = Child("england", events(*BASE, (kind, "2025-03-14")), as_of="2025-03-01")
    c.assert_open_review(rule, "2025-03-14")
    c = Child("england", events(*BASE, (kind, "2025-03-14"), ("review-held", "2025-03-14")), as_of="2025-03-15")
    c.assert_met(rule, "2025-03-14", "2025-03-14")
    c.assert_met("review.second", "2025-04-30", "2025-03-14")
    c.assert_open_review("review.subsequent", "2025-09-14")


def test_long_term_foster_needs_a_review_meeting_at_least_yearly():
    evs = events(("entered-care", "2023-01-02"), ("review-held", "2023-01-30"), ("long-term-foster", "2023-06-01"),
                 ("review-held", "2023-07-01"), ("review-held", "2024-01-01"), ("review-held", "2024-07-15"),
                 meeting_off={4})
    c = Child("blackpool", evs, as_of="2024-08-01")
    ltf = c.of("review.long-term-foster")
    assert [(str(o.due), o.status.value, str(o.met_on)) for o in ltf] == [
        ("2024-06-01", "met", "2023-07-01"),
        ("2024-07-01", "met-late", "2024-07-15"),  # 2024-01-01 was held without a meeting
        ("2025-07-15", "due", "None"),
    ]


def test_one_open_review_obligation_at_most_with_many_requirements():
    evs = events(*BASE, ("placement-change", "2025-02-03"), ("review-directed", "2025-03-20"),
                 ("change-proposed", "2025-04-01"))
    c = Child("blackpool", evs, as_of="2025-02-10")
    c.assert_open_review("review.placement-change", "2025-03-03")  # 2025-02-03 + 20 WD


def test_review_outside_an_episode_is_flagged():
    c = Child("england", events(("review-held", "2025-01-30")), as_of="2025-02-01")
    assert c.open_review() is None
    assert [f.rule for f in c.outcome.flags] == ["episode"]


def test_a_direction_recorded_before_a_review_is_met_by_it():
    from tests.engine.support import D

    from irocli.domain import Event

    evs = [*events(("entered-care", "2025-01-06"), ("review-held", "2025-01-31"), ("review-held", "2025-07-10")),
           Event("review-directed", D("2025-07-17"), id=9, known_on=D("2025-07-01"))]
    c = Child("blackpool", evs, as_of="2025-09-01")
    c.assert_met("review.directed", "2025-07-17", "2025-07-10")
    c.assert_open_review("review.subsequent", "2026-01-09")  # 2025-07-10 + 183 days


def test_a_direction_recorded_after_the_last_review_stays_open():
    from tests.engine.support import D

    from irocli.domain import Event

    evs = [*events(("entered-care", "2025-01-06"), ("review-held", "2025-01-31"), ("review-held", "2025-07-10")),
           Event("review-directed", D("2025-07-17"), id=9, known_on=D("2025-07-12"))]
    Child("blackpool", evs, as_of="2025-07-13").assert_open_review("review.directed", "2025-07-17")
    # and with an as-of before it was recorded, it is not yet known
    Child("blackpool", evs, as_of="2025-07-11").assert_open_review("review.subsequent", "2026-01-09")


def test_a_booking_recorded_before_an_earlier_review_belongs_to_that_review():
    from tests.engine.support import D

    from irocli.domain import Event

    evs = [*events(("entered-care", "2025-01-06"), ("review-held", "2025-01-31"), ("review-held", "2025-07-25")),
           Event("review-booked", D("2025-08-01"), id=9, known_on=D("2025-07-01"))]
    c = Child("blackpool", evs, as_of="2025-07-28")
    assert not [o for o in c.outcome.open() if o.rule in ("task.invitations", "task.iro-visit")
                and o.status == "overdue"]
    c.assert_open_review("review.subsequent", "2026-01-24")  # 2025-07-25 + 183 days


# --- regressions found in review ---------------------------------------------------------------

def test_a_booking_recorded_on_the_day_of_a_review_is_for_the_next_one():
    from tests.engine.support import D

    from irocli.domain import Event

    evs = [*events(("entered-care", "2025-01-06"), ("review-held", "2025-02-03")),
           Event("review-booked", D("2025-04-28"), id=9, known_on=D("2025-02-03"))]
    c = Child("blackpool", evs, as_of="2025-02-04")
    c.assert_absent("review.rearranged-outside")  # 2025-04-28 is inside the 91 days (05-05)
    c.assert_due("task.invitations", "2025-04-14", "due")  # 14 days before the booked day


def test_leaving_and_re_entering_care_on_the_same_day_starts_a_new_episode():
    evs = events(("entered-care", "2025-01-06"), ("review-held", "2025-02-03"), ("left-care", "2025-03-03"),
                 ("entered-care", "2025-03-03"))
    Child("england", evs, as_of="2025-03-05").assert_open_review("review.first", "2025-03-31")


def test_a_review_recorded_twice_on_one_day_counts_once():
    evs = events(("entered-care", "2025-01-06"), ("review-held", "2025-02-03"), ("review-held", "2025-02-03"),
                 ("decisions-circulated", "2025-02-04"))
    c = Child("england", evs, as_of="2025-12-01")
    assert [f.rule for f in c.outcome.flags] == ["review.duplicate"]
    c.assert_open_review("review.second", "2025-05-03")
    assert not [o for o in c.outcome.open() if o.rule == "task.decisions"]


def test_authorisation_flag_ends_with_the_episode_and_with_a_booking_in_time():
    from tests.engine.support import D

    from irocli.domain import Event

    base = events(("entered-care", "2025-01-06"), ("left-care", "2025-02-10"))
    late = Event("review-booked", D("2025-02-20"), id=9, known_on=D("2025-01-10"))
    assert not Child("england", [*base, late], as_of="2025-12-01").outcome.open()
    rebooked = Event("review-booked", D("2025-01-30"), id=10, known_on=D("2025-01-12"))
    c = Child("england", [base[0], late, rebooked], as_of="2025-01-13")
    c.assert_absent("review.rearranged-outside")


def test_the_flags_about_a_review_are_not_review_requirements():
    from irocli.engine import REVIEW_TYPES
    from irocli.profiles import load

    rules = load("blackpool").rules
    for rule_id in ("review.rearranged-outside", "review.po-9-months", "review.long-term-foster"):
        assert rules[rule_id].type not in REVIEW_TYPES
    assert rules["review.directed"].type in REVIEW_TYPES
