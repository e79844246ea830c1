"""Tasks around each review (RULES §2) and milestones (RULES §3): hand-checked dates."""

from __future__ import annotations

import pytest
from tests.engine.support import Child, events

from irocli.profiles import load

# Blackpool, first review held on its due date Wed 2025-01-22 (entered Fri 2024-12-20).
FIRST = [("entered-care", "2024-12-20"), ("review-held", "2025-01-22")]


@pytest.mark.parametrize(
    "rule, due",
    [
        ("task.consult-child", "2024-12-20"),  # 20 WD back: Jan 21..2 (14), Dec 31, 30, 27 (17), 24, 23, 20
        ("task.invitations", "2025-01-08"),  # 14 calendar days before
        ("task.sw-documents", "2025-01-17"),  # initial review: 3 WD before (Tue 21, Mon 20, Fri 17)
        ("task.iro-preparation", "2025-01-17"),  # 3 calendar days before: Sun 19 Jan, back to Fri 17
        ("task.iro-visit", "2025-01-21"),  # before the review
        ("task.decisions", "2025-01-29"),  # 5 WD after: 23, 24, 27, 28, 29
        ("task.care-plan-updated", "2025-02-05"),  # 10 WD after
        ("task.full-record", "2025-02-12"),  # 15 WD after
        ("task.record-distributed", "2025-02-19"),  # 20 WD after
    ],
)
def test_blackpool_tasks_around_the_first_review(rule, due):
    Child("blackpool", events(*FIRST), as_of="2025-01-23").assert_due(rule, due, nth=0)


def test_before_task_never_falls_before_care_began():
    # first review held early, 2025-06-27 (entered 2025-06-02): 20 WD back is 2025-05-30
    c = Child("blackpool", events(("entered-care", "2025-06-02"), ("review-held", "2025-06-27")), as_of="2025-07-01")
    c.assert_due("task.consult-child", "2025-06-02", "missed", nth=0)


def test_milestones_of_an_ended_episode_are_missed_not_overdue():
    evs = events(("entered-care", "2024-01-08"), ("review-held", "2024-02-02"), ("left-care", "2024-11-15"))
    c = Child("blackpool", evs, as_of="2026-11-23")
    assert {o.status.value for o in c.obs if o.rule.startswith("ms.") and o.rule != "ms.iro-before-first-review"} \
        == {"missed"}
    # an IRO chaired the first review: appointed by then (RULES §3)
    c.assert_met("ms.iro-before-first-review", "2024-02-02", "2024-02-02")
    assert not c.outcome.open() or all(o.rule.startswith("task.") for o in c.outcome.open())


def test_before_tasks_of_a_held_review_not_done_are_missed_not_overdue():
    c = Child("blackpool", events(*FIRST), as_of="2025-03-01")
    assert c.of("task.invitations")[0].status == "missed"
    assert all(o.status != "overdue" for o in c.obs if o.rule == "task.invitations" and o.due < c.obs[0].due)


def test_after_task_done_late_is_met_late():
    c = Child("blackpool", events(*FIRST, ("decisions-circulated", "2025-01-30")), as_of="2025-02-01")
    c.assert_met_late("task.decisions", "2025-01-29", "2025-01-30")


def test_after_task_not_done_stays_overdue_after_the_next_review():
    c = Child("blackpool", events(*FIRST, ("review-held", "2025-04-23")), as_of="2025-05-01")
    c.assert_due("task.record-distributed", "2025-02-19", "overdue", nth=0)


def test_after_task_window_closes_at_the_next_review():
    # record distributed after the second review counts for the second, not the first
    evs = events(*FIRST, ("review-held", "2025-04-23"), ("record-distributed", "2025-04-30"))
    c = Child("blackpool", evs, as_of="2025-05-01")
    c.assert_due("task.record-distributed", "2025-02-19", "overdue", nth=0)
    c.assert_met("task.record-distributed", "2025-05-22", "2025-04-30", nth=1)


def test_subsequent_review_sw_documents_5_working_days_before():
    # second review due 2025-01-22 + 91 days = 2025-04-23 (Wed); 5 WD back skipping Easter Monday
    # 21 Apr and Good Friday 18 Apr: Tue 22, Thu 17, Wed 16, Tue 15, Mon 14
    c = Child("blackpool", events(*FIRST), as_of="2025-02-01")
    c.assert_due("task.sw-documents", "2025-04-14", "due")


def test_before_tasks_count_back_from_the_booked_date():
    c = Child("blackpool", events(*FIRST, ("review-booked", "2025-04-15")), as_of="2025-02-01")
    c.assert_due("task.invitations", "2025-04-01", "due")  # 14 days before the booked day


def test_team_manager_silence_is_deemed_agreement_not_overdue():
    evs = events(*FIRST, ("decisions-circulated", "2025-01-24"))  # Fri + 5 WD = Fri 2025-01-31
    c = Child("blackpool", evs, as_of="2025-01-30")
    c.assert_due("task.tm-response", "2025-01-31", "due")
    c = Child("blackpool", evs, as_of="2025-02-10")
    c.assert_met("task.tm-response", "2025-01-31", "2025-01-31")


def test_visit_recorded_within_2_working_days():
    evs = events(*FIRST, ("iro-visit", "2025-01-15"), ("visit-recorded", "2025-01-20"))
    Child("blackpool", evs, as_of="2025-01-21").assert_met_late("task.visit-recorded", "2025-01-17", "2025-01-20")


def test_england_carries_only_the_handbook_tasks():
    c = Child("england", events(*FIRST), as_of="2025-01-23")
    assert {o.rule for o in c.obs if o.rule.startswith("task.")} == {
        "task.decisions", "task.record-distributed", "task.iro-contact-child"}


DUDLEY = [("entered-care", "2025-01-02"), ("review-held", "2025-01-30")]  # second due 2025-04-30


def test_dudley_progress_review_at_the_midpoint():
    # 2025-01-30 .. 2025-04-30 is 90 days; midpoint +45 days = Sun 2025-03-16, on to Mon 17 (RULES §6)
    c = Child("dudley", events(*DUDLEY), as_of="2025-02-01")
    c.assert_due("task.progress-review", "2025-03-17", "due")
    c = Child("dudley", events(*DUDLEY, ("progress-review", "2025-03-20")), as_of="2025-03-21")
    c.assert_met_late("task.progress-review", "2025-03-17", "2025-03-20")


def test_dudley_iro_contact_met_by_a_visit():
    c = Child("dudley", events(*DUDLEY, ("iro-visit", "2025-04-10")), as_of="2025-04-11")
    # 10 days before 30 Apr is Easter Sunday 2025-04-20; Good Friday is closed too: Thu 17 Apr
    c.assert_met("task.iro-contact-child", "2025-04-17", "2025-04-10")


def test_dudley_sw_iro_discussion_is_15_calendar_days():
    Child("dudley", events(*DUDLEY), as_of="2025-02-01").assert_due("task.sw-iro-discussion", "2025-04-15")


def test_dudley_notification_and_allocation():
    evs = events(("entered-care", "2025-01-02"), ("notified", "2025-01-03"))
    c = Child("dudley", evs, as_of="2025-01-04")
    c.assert_met("ms.notification", "2025-01-03", "2025-01-03")
    c.assert_due("ms.iro-allocated", "2025-01-08", "due")  # Fri 3 Jan + 3 WD


def test_dudley_pep_within_20_working_days():
    # now england's school-age-start rule (DfE PEP guidance 2018) under dudley's 004 source: of school age (aged
    # 10) when care began, so it needs a date of birth; DATES.md ✓: 2024-12-20 + 20 WD = 2025-01-22
    c = Child("dudley", events(("entered-care", "2024-12-20")), as_of="2024-12-21", dob="2014-05-01")
    c.assert_due("ms.pep", "2025-01-22", "due")


def test_care_plan_within_10_working_days():
    # DATES.md: 2025-12-19 + 10 WD = 2026-01-07
    c = Child("england", events(("entered-care", "2025-12-19")), as_of="2025-12-20")
    c.assert_due("ms.care-plan", "2026-01-07", "due")


def test_permanence_plan_by_the_second_review():
    c = Child("blackpool", events(*FIRST), as_of="2025-02-01")
    c.assert_due("ms.permanence-plan", "2025-04-23", "due")


def test_iro_appointed_before_the_first_review():
    evs = events(("entered-care", "2024-12-20"), ("iro-allocated", "2024-12-23"))
    Child("england", evs, as_of="2025-01-01").assert_met("ms.iro-before-first-review", "2025-01-22", "2024-12-23")


@pytest.mark.parametrize(
    "dob, entered, due",
    [
        ("2010-02-28", "2024-01-02", "2026-05-28"),  # 16 on 2026-02-28, + 3 months
        ("2008-08-31", "2024-01-02", "2024-11-30"),  # 16 on 2024-08-31, + 3 months
        ("2008-08-31", "2024-07-01", "2024-12-30"),  # eligible later: 2024-07-01 + 13 weeks = 2024-09-30
    ],
)
def test_pathway_needs_assessment(dob, entered, due):
    c = Child("england", events(("entered-care", entered)), as_of="2025-06-01", dob=dob)
    c.assert_due("ms.pathway", due)


def test_age_milestones_show_from_a_year_ahead():
    evs = events(("entered-care", "2024-01-02"))
    Child("england", evs, as_of="2025-02-27", dob="2010-02-28").assert_absent("ms.pathway")  # 16 in 366 days
    Child("england", evs, as_of="2025-02-28", dob="2010-02-28").assert_due("ms.pathway", "2026-05-28", "due")


def test_dudley_pathway_start_at_15_and_a_half():
    c = Child("dudley", events(("entered-care", "2020-01-02")), as_of="2023-06-01", dob="2008-08-31")
    c.assert_due("ms.pathway-start", "2024-02-29")


def test_staying_put_at_the_first_review_after_16():
    evs = events(("entered-care", "2025-06-02"), ("review-held", "2025-06-30"))
    c = Child("blackpool", evs, as_of="2025-07-01", dob="2009-08-01")  # 16 on 2025-08-01
    c.assert_due("ms.staying-put", "2025-09-29", "due")  # 2025-06-30 + 91 days


@pytest.mark.parametrize("leap, birthday", [("feb-28", "2025-02-28"), ("mar-01", "2025-03-01")])
def test_a_29_february_birthday_in_a_non_leap_year_is_a_profile_choice(tmp_path, leap, birthday):
    path = tmp_path / "leap.toml"
    path.write_text(f'''extends = "england"
name = "leap"
leap_birthday = "{leap}"
[rules."ms.seventeen"]
type = "age"
title = "Seventeenth birthday"
age = "17 years"
offset = "0 days"
completed_by = ["left-care"]
source = "test"
''')
    from tests.engine.support import D

    from irocli.engine import derive

    out = derive("C1", events(("entered-care", "2020-01-02")), load(str(path)), D("2025-06-01"), dob=D("2008-02-29"))
    [ob] = [o for o in out.obligations if o.rule == "ms.seventeen"]
    assert ob.due == D(birthday)


def test_imported_history_raises_no_tasks_up_to_the_tracking_day_but_reviews_stand():
    evs = events(("entered-care", "2025-02-03"), ("review-held", "2025-03-03"), ("review-held", "2025-06-02"),
                 ("tracking-started", "2025-06-02"), ("review-held", "2025-12-01"))
    c = Child("blackpool", evs, as_of="2026-03-01")
    decisions = c.of("task.decisions")
    assert [str(o.anchor_date) for o in decisions] == ["2025-12-01"]  # only the review after tracking
    c.assert_absent("ms.care-plan")
    assert [o.rule for o in c.obs if o.rule.startswith("review.")][:2] == ["review.first", "review.second"]


# -- the two rules no table had (issue 14): every shipped rule id has a hand-checked test ----------------------

@pytest.mark.parametrize("held, due", [
    ("2025-01-22", "2025-01-29"),  # Wed + 5 working days: Thu 23, Fri 24, Mon 27, Tue 28, Wed 29
    ("2025-04-17", "2025-04-28"),  # Maundy Thursday: Good Friday 18 and Easter Monday 21 are bank holidays;
                                   # Tue 22, Wed 23, Thu 24, Fri 25, Mon 28
    ("2025-12-23", "2026-01-02"),  # Tue: Christmas 25, Boxing Day 26 closed; Wed 24, Mon 29, Tue 30, Wed 31,
                                   # (Thu 1 Jan closed) Fri 2
])
def test_dudley_monitoring_form_five_working_days_after_each_review(held, due):
    c = Child("dudley", events(("entered-care", "2024-11-01"), ("review-held", held)), as_of=held)
    c.assert_due("task.monitoring-form", due, "due", nth=-1)


def test_dudley_monitoring_form_met_by_the_form():
    evs = events(("entered-care", "2024-12-20"), ("review-held", "2025-01-22"), ("monitoring-form", "2025-01-28"))
    Child("dudley", evs, as_of="2025-02-10").assert_met("task.monitoring-form", "2025-01-29", "2025-01-28", nth=0)


def test_blackpool_twin_track_plan_by_the_third_review():
    # entered Fri 2024-12-20; first review held 2025-01-22; second due 91 days on: 2025-04-23, held then;
    # the third (subsequent) due 183 days on: Apr 23 + 7 = Apr 30, + 31 + 30 + 31 + 31 + 30 = Sep 30, + 23 = Oct 23
    held = [("entered-care", "2024-12-20"), ("review-held", "2025-01-22"), ("review-held", "2025-04-23")]
    Child("blackpool", events(*held), as_of="2025-06-01").assert_due("ms.twin-track", "2025-10-23", "due")
    met = events(*held, ("twin-track", "2025-09-01"))
    Child("blackpool", met, as_of="2025-09-02").assert_met("ms.twin-track", "2025-10-23", "2025-09-01")
