"""Where the picture ends (RULES §6) and the law as corrected (RULES §1.1, §2, §3): hand-checked dates.

Bank holidays used: Good Friday 2023-04-07, Easter Monday 2023-04-10, New Year's Day 2025-01-01,
Good Friday 2025-04-18, Easter Monday 2025-04-21.
"""

from __future__ import annotations

import pytest
from tests.engine.support import Child, D, events

W = ("history-known-from", "2023-04-01")  # the 2023-24 return's window opened


# -- one return is one window ---------------------------------------------------------------------


def test_in_care_since_2008_with_two_reviews_in_the_window_is_on_six_monthly_reviews():
    evs = events(("entered-care", "2008-06-02"), W, ("review-held", "2023-04-14"), ("review-held", "2023-10-12"))
    c = Child("england", evs, as_of="2024-04-30")
    c.assert_open_review("review.subsequent", "2024-04-12")  # 12 Oct 2023 + 6 months, not + 3
    assert not [o for o in c.obs if o.due < D("2023-04-01")], "nothing before the window is judged"


def test_no_review_in_the_window_is_due_six_months_after_the_day_before_it_opened():
    evs = events(("entered-care", "2008-06-02"), W)
    c = Child("england", evs, as_of="2024-04-30")
    c.assert_open_review("review.subsequent", "2023-09-30")  # 31 Mar 2023 + 6 months
    [r] = [o for o in c.obs if o.rule == "review.subsequent"]
    assert "history before 2023-04-01 is unknown" in r.derivation.arithmetic
    assert "2023-03-31 + 6 months = 2023-09-30" in r.derivation.arithmetic


def test_an_episode_begun_just_before_the_window_keeps_its_first_review_in_it():
    # 2023-03-20 + 20 WD: 9 in March, then 3-6, 11-14, 17-19 April (Easter 7 and 10 April) = 2023-04-19
    evs = events(("entered-care", "2023-03-20"), W)
    Child("england", evs, as_of="2023-04-30").assert_open_review("review.first", "2023-04-19")


def test_an_episode_whose_first_review_fell_before_the_window_is_due_its_second():
    # first due 2023-01-09 + 20 WD = 2023-02-06 (before the window); held any day up to 31 Mar:
    # the second is due at the latest 2023-03-31 + 3 months = 2023-06-30
    evs = events(("entered-care", "2023-01-09"), W)
    Child("england", evs, as_of="2023-07-03").assert_open_review("review.second", "2023-06-30")


def test_several_years_chain_from_the_earliest_window():
    evs = events(("entered-care", "2008-06-02"), ("history-known-from", "2022-04-01"),
                 ("review-held", "2022-05-10"), ("review-held", "2022-11-08"), W, ("review-held", "2023-05-05"))
    c = Child("england", evs, as_of="2023-06-01")
    c.assert_open_review("review.subsequent", "2023-11-05")  # the later window changes nothing
    c.assert_met("review.subsequent", "2022-11-10", "2022-11-08", nth=1)


def test_a_window_does_not_touch_an_episode_begun_inside_it():
    # 2 May + 20 WD: 3-31 May less the coronation (8 May) and 29 May bank holidays is 19; then 1 June
    evs = events(W, ("entered-care", "2023-05-02"))
    Child("england", evs, as_of="2023-05-03").assert_open_review("review.first", "2023-06-01")


# -- ages ---------------------------------------------------------------------------------------------


def test_nothing_is_due_from_the_18th_birthday_and_an_open_episode_is_a_data_problem():
    evs = events(("entered-care", "2023-01-09"), ("review-held", "2023-02-06"), ("review-held", "2023-05-04"))
    c = Child("england", evs, as_of="2024-06-01", dob="2005-09-01")  # 18 on 2023-09-01
    assert c.open_review() is None  # review.subsequent would be due 2023-11-04
    assert all(o.due < D("2023-09-01") for o in c.obs)
    [flag] = [f for f in c.outcome.flags if f.rule == "episode.past-18"]
    assert flag.date == D("2023-09-01") and "record left-care" in flag.message


def test_a_review_due_the_day_before_the_18th_birthday_still_stands():
    evs = events(("entered-care", "2023-01-09"), ("review-held", "2023-02-06"))
    c = Child("england", evs, as_of="2023-05-01", dob="2005-05-07")  # second due 2023-05-06
    c.assert_open_review("review.second", "2023-05-06")


def test_iro_before_first_review_is_met_by_a_held_review():
    evs = events(("entered-care", "2025-01-06"), ("review-held", "2025-02-05"))  # held 2 days late
    c = Child("england", evs, as_of="2025-02-10")
    c.assert_met("ms.iro-before-first-review", "2025-02-05", "2025-02-05")  # judged on the day held


def test_iro_before_first_review_is_met_by_an_allocation_before_it_even_before_care():
    evs = events(("iro-allocated", "2024-12-20"), ("entered-care", "2025-01-06"))
    c = Child("england", evs, as_of="2025-01-10")
    c.assert_met("ms.iro-before-first-review", "2025-02-03", "2024-12-20")  # R = review.first due 3 Feb


# -- closed days --------------------------------------------------------------------------------------


def test_iro_speaks_to_the_child_the_working_day_before_a_monday_review():
    evs = events(("entered-care", "2024-12-02"), ("review-booked", "2025-01-06"))
    c = Child("england", evs, as_of="2024-12-03")
    [o] = c.of("task.iro-contact-child")
    assert (o.due, o.rolled_from) == (D("2025-01-03"), D("2025-01-05"))  # Sun 5 Jan back to Fri 3 Jan
    assert "2025-01-06 - 1 day = 2025-01-05, not a working day: moved back" in o.derivation.arithmetic


def test_preparation_never_falls_on_new_years_day():
    evs = events(("entered-care", "2024-12-02"), ("review-booked", "2025-01-04"))
    c = Child("blackpool", evs, as_of="2024-12-03")
    c.assert_due("task.iro-preparation", "2024-12-31")  # 4 Jan - 3 days = 1 Jan (bank holiday): Tue 31 Dec


def test_statutory_review_dates_never_move():
    # 2025-01-06 + 3 months = Sun 2025-04-06: the law sets that day
    evs = events(("short-breaks-started", "2025-01-06"))
    Child("england", evs, as_of="2025-01-07").assert_open_review("review.short-breaks", "2025-04-06")


def test_task_roll_is_profile_data(tmp_path):
    path = tmp_path / "noroll.toml"
    path.write_text('extends = "blackpool"\nname = "noroll"\ntask_roll = "none"\n')
    evs = events(("entered-care", "2024-12-02"), ("review-booked", "2025-01-04"))
    Child(str(path), evs, as_of="2024-12-03").assert_due("task.iro-preparation", "2025-01-01")


# -- short breaks (REG reg 48) ----------------------------------------------------------------------


def test_short_breaks_are_reviewed_within_3_months_then_6_monthly():
    evs = events(("short-breaks-started", "2025-01-06"), ("review-held", "2025-04-04"))
    c = Child("england", evs, as_of="2025-04-10")
    c.assert_met("review.short-breaks", "2025-04-06", "2025-04-04")
    c.assert_open_review("review.short-breaks-next", "2025-10-04")
    c.assert_absent("ms.care-plan")  # regs 5, 7, 9, 13 do not apply to reg 48 children


def test_full_time_care_after_short_breaks_starts_the_regular_sequence():
    evs = events(("short-breaks-started", "2025-01-06"), ("entered-care", "2025-02-03"))
    Child("england", evs, as_of="2025-02-04").assert_open_review("review.first", "2025-03-03")


# -- authority to place for adoption (AAR reg 36(1)) ---------------------------------------------------


def test_a_placement_order_after_the_first_review_does_not_restart_the_sequence():
    evs = events(("entered-care", "2025-01-06"), ("review-held", "2025-01-31"), ("placement-order", "2025-02-03"))
    Child("england", evs, as_of="2025-02-04").assert_open_review("review.second", "2025-04-30")


def test_s19_consent_or_the_order_whichever_is_first_and_the_earlier_due_date_wins():
    evs = events(("entered-care", "2025-01-06"), ("review-held", "2025-01-31"), ("review-held", "2025-04-25"),
                 ("s19-consent", "2025-05-01"), ("placement-order", "2025-06-02"))
    c = Child("england", evs, as_of="2025-06-03")
    c.assert_open_review("review.placement-order", "2025-08-01")  # not 2025-09-02, nor 2025-10-25
    assert len(c.of("review.placement-order")) == 1


def test_booking_and_rebooking_keep_each_obligation_in_its_cycle():
    base = [("entered-care", "2025-01-06")]
    first = Child("blackpool", events(*base, ("review-booked", "2025-01-28")), as_of="2025-01-07")
    moved = Child("blackpool", events(*base, ("review-booked", "2025-01-28"), ("review-booked", "2025-01-30")),
                  as_of="2025-01-07")
    key = {(o.rule, o.cycle) for o in first.obs}
    assert key == {(o.rule, o.cycle) for o in moved.obs}
    assert ("task.invitations", "ep1.r1") in key
    assert first.of("task.invitations")[0].due != moved.of("task.invitations")[0].due


# -- adjournment holds in every profile (REG reg 36; RULES §1.3) --------------------------------------


@pytest.mark.parametrize("profile", ["england", "blackpool", "dudley", "knowsley", "cpru"])
def test_an_adjourned_review_is_completed_within_20_working_days_in_every_profile(profile):
    # entered 2025-01-06, first review held 2025-01-31; the second, scheduled Wed 2025-04-30, adjourned:
    # + 20 WD skipping 5 May and 26 May = 2025-05-30; a second adjournment is flagged, never silent
    evs = events(("entered-care", "2025-01-06"), ("review-held", "2025-01-31"), ("review-adjourned", "2025-04-30"),
                 ("review-adjourned", "2025-05-14"))
    c = Child(profile, evs, as_of="2025-05-15")
    c.assert_open_review("review.adjourned", "2025-05-30")
    assert [f.rule for f in c.outcome.flags] == ["review.adjourn-once"]


def test_milestones_by_review_number_are_not_judged_when_earlier_reviews_are_unknown():
    # the first review may have been held before the window: "IRO appointed before the first review"
    # and "permanence plan by the second review" cannot be placed
    evs = events(("entered-care", "2008-06-02"), W)
    c = Child("blackpool", evs, as_of="2024-04-30")
    c.assert_absent("ms.iro-before-first-review")
    c.assert_absent("ms.permanence-plan")
    # an episode whose first review falls in the window keeps them
    c = Child("blackpool", events(("entered-care", "2023-03-20"), W), as_of="2023-04-30")
    assert c.of("ms.iro-before-first-review")


def test_a_recorded_post_18_allocation_keeps_obligations_until_it_ends():
    # 002: the IRO Service Manager authorised the IRO to go on until 2024-03-31 (18 on 2023-09-01):
    # review.subsequent 2023-05-04 + 6 months = 2023-11-04 stands; nothing due from 2024-04-01
    evs = events(("entered-care", "2023-01-09"), ("review-held", "2023-02-06"), ("review-held", "2023-05-04"),
                 ("post-18-allocation", "2024-03-31"))
    c = Child("england", evs, as_of="2023-10-01", dob="2005-09-01")
    c.assert_open_review("review.subsequent", "2023-11-04")
    assert not [f for f in c.outcome.flags if f.rule == "episode.past-18"]
    later = Child("england", evs + events(("review-held", "2023-11-03")), as_of="2024-06-01", dob="2005-09-01")
    assert later.open_review() is None  # the next, 2024-05-03, falls after the allocation ended
    assert [f.date for f in later.outcome.flags if f.rule == "episode.past-18"] == [D("2024-04-01")]
