"""Child protection conferences (RULES §4): hand-checked dates, england and dudley."""

from __future__ import annotations

import pytest
from tests.engine.support import Child, events

SD = ("strategy-discussion", "2025-04-04")  # Fri before Easter


def test_icpc_within_15_working_days_of_a_strategy_discussion_before_easter():
    # DATES.md: 2025-04-04 + 15 WD (Good Friday 18 Apr, Easter Monday 21 Apr) = 2025-04-29
    Child("england", events(SD), as_of="2025-04-05").assert_due("cp.icpc", "2025-04-29", "due")


@pytest.mark.parametrize("sd, due", [("2023-04-28", "2023-05-23"), ("2024-12-13", "2025-01-08"),
                                     ("2022-09-09", "2022-10-03"), ("2027-12-10", "2028-01-05")])
def test_icpc_dates_table(sd, due):
    Child("england", events(("strategy-discussion", sd)), as_of=sd).assert_due("cp.icpc", due)


def test_icpc_held_late_is_met_late_and_starts_the_review_conferences():
    c = Child("england", events(SD, ("icpc-held", "2025-04-30")), as_of="2025-05-01")
    c.assert_met_late("cp.icpc", "2025-04-29", "2025-04-30")
    c.assert_due("cp.first-rcpc", "2025-07-30", "due")  # 3 months after the ICPC held


def test_review_conferences_chain_from_the_day_held():
    evs = events(SD, ("icpc-held", "2025-04-29"), ("rcpc-held", "2025-07-29"))
    c = Child("england", evs, as_of="2025-08-01")
    c.assert_met("cp.first-rcpc", "2025-07-29", "2025-07-29")
    c.assert_due("cp.rcpc", "2026-01-29", "due")


def test_plan_ending_stops_review_conferences():
    evs = events(SD, ("icpc-held", "2025-04-29"), ("cp-plan-ended", "2025-06-01"))
    c = Child("england", evs, as_of="2025-08-01")
    c.assert_absent("cp.first-rcpc")


@pytest.mark.parametrize("anchor, due", [("first", "2025-04-29"), ("last", "2025-05-06")])
def test_which_strategy_discussion_anchors_the_icpc_is_a_profile_setting(tmp_path, anchor, due):
    # last: 2025-04-10 + 15 WD skipping Good Friday, Easter Monday and 5 May = 2025-05-06
    path = tmp_path / "wt.toml"
    path.write_text(f'extends = "england"\nname = "wt"\n[cp]\nicpc_anchor = "{anchor}"\n')
    c = Child(str(path), events(SD, ("strategy-discussion", "2025-04-10")), as_of="2025-04-11")
    [icpc] = c.of("cp.icpc")
    assert str(icpc.due) == due


def test_a_child_on_a_plan_and_looked_after_has_both_clocks():
    evs = events(("entered-care", "2025-04-01"), SD, ("icpc-held", "2025-04-29"))
    c = Child("england", evs, as_of="2025-04-30")
    c.assert_open_review("review.first", "2025-05-01")  # 20 WD after 1 Apr across Easter
    c.assert_due("cp.first-rcpc", "2025-07-29", "due")


@pytest.mark.parametrize(
    "rule, due",
    [
        ("cp.icpc-steps.convening-form", "2025-04-08"),  # by day 3: Fri + 2 WD
        ("cp.icpc-steps.date-and-chair", "2025-04-09"),  # by day 4
        ("cp.icpc-steps.invitations", "2025-04-10"),  # by day 5
        ("cp.icpc-steps.quoracy-4", "2025-04-25"),  # 4 days before the ICPC due 29 Apr
        ("cp.icpc-steps.quoracy-3", "2025-04-25"),  # Sat 26 Apr: back to Fri (RULES §6)
    ],
)
def test_dudley_icpc_convening_steps(rule, due):
    Child("dudley", events(SD), as_of="2025-04-05").assert_due(rule, due, "due")


@pytest.mark.parametrize(
    "rule, due",
    [
        ("cp.rcpc-steps.invite-list", "2025-07-09"),  # 20 days before the RCPC due 29 Jul
        ("cp.rcpc-steps.follow-up", "2025-07-14"),
        ("cp.rcpc-steps.invitations", "2025-07-16"),
        ("cp.rcpc-steps.quoracy-4", "2025-07-25"),
        ("cp.rcpc-steps.quoracy-3", "2025-07-25"),  # Sat 26 Jul: back to Fri
        ("cp.rcpc-steps.quoracy-2", "2025-07-25"),  # Sun 27 Jul: back to Fri
        ("cp.rcpc-steps.quoracy-1", "2025-07-28"),
        ("cp.plan-follow-up", "2025-05-29"),  # first month of the plan
    ],
)
def test_dudley_rcpc_convening_steps(rule, due):
    Child("dudley", events(SD, ("icpc-held", "2025-04-29")), as_of="2025-05-01").assert_due(rule, due, "due")


def test_quoracy_checks_count_only_on_or_after_their_own_day():
    evs = events(SD, ("icpc-held", "2025-04-29"), ("quoracy-checked", "2025-07-25"))
    c = Child("dudley", evs, as_of="2025-07-25")
    c.assert_met("cp.rcpc-steps.quoracy-4", "2025-07-25", "2025-07-25")
    c.assert_due("cp.rcpc-steps.quoracy-3", "2025-07-25", "due")  # Sat 26 -> Fri 25


def test_inquorate_conference_needs_a_report_within_4_days():
    evs = events(SD, ("icpc-held", "2025-04-29"), ("conference-inquorate", "2025-07-29"))
    # 4 days after is Sat 2 Aug: on to Mon 4 Aug (RULES §6)
    Child("dudley", evs, as_of="2025-07-30").assert_due("cp.inquorate-report", "2025-08-04", "due")


def test_england_has_no_convening_steps():
    c = Child("england", events(SD), as_of="2025-04-05")
    assert not [o for o in c.obs if o.rule.startswith("cp.icpc-steps")]


def test_a_second_icpc_replaces_the_first_plans_review_clock():
    evs = events(SD, ("icpc-held", "2025-04-29"), ("icpc-held", "2025-05-01"))
    c = Child("england", evs, as_of="2025-05-02")
    assert [str(o.due) for o in c.outcome.open() if o.rule == "cp.first-rcpc"] == ["2025-08-01"]


def test_an_enquiry_ending_without_a_conference_closes_the_icpc_deadline():
    c = Child("england", events(SD, ("no-icpc", "2025-04-20")), as_of="2025-12-01")
    c.assert_absent("cp.icpc")


def test_dudley_icpc_steps_close_with_the_conference_and_follow_up_with_the_plan():
    evs = events(("strategy-discussion", "2025-03-03"), ("icpc-held", "2025-03-20"), ("cp-plan-ended", "2025-04-03"))
    c = Child("dudley", evs, as_of="2025-12-01")
    assert not [o.rule for o in c.outcome.open()]
    assert {o.status.value for o in c.obs if o.rule.startswith(("cp.icpc-steps", "cp.plan-follow-up"))} == {"missed"}


# ---------------------------------------------------------------- cp.core-group (RULES §7)
@pytest.mark.parametrize("icpc, due", [
    ("2025-12-19", "2026-01-07"),  # DATES.md ✓: Christmas, Boxing Day, New Year
    # Wed 2024-03-27: Thu 28 (1), Good Friday 29 and Easter Monday 1 Apr closed, Tue 2-Fri 5 (5), Mon 8-Fri 12 (10)
    ("2024-03-27", "2024-04-12"),
    # Wed 2026-12-23: Thu 24 (1), Christmas Fri 25 and Boxing Day substitute Mon 28 closed, Tue 29-Thu 31 (4),
    # New Year Fri 1 Jan closed, Mon 4-Fri 8 (9), Mon 11 (10)
    ("2026-12-23", "2027-01-11"),
    # Fri 2023-05-05: the Coronation Mon 8 May closed, Tue 9-Fri 12 (4), Mon 15-Fri 19 (9), Mon 22 (10)
    ("2023-05-05", "2023-05-22"),
])
def test_first_core_group_within_10_working_days_of_the_icpc(icpc, due):
    c = Child("england", events(("icpc-held", icpc)), as_of=icpc)
    c.assert_due("cp.core-group", due, "due")
    [o] = c.of("cp.core-group")
    assert (o.anchor_kind, o.owner, o.source) == (
        "icpc-held", "social-worker",
        "Working Together (first core group within 10 working days of the ICPC) [confirm]")


def test_core_group_met_late_and_missed_when_the_plan_ends_first():
    # ICPC Tue 2025-04-29 + 10 WD: Wed 30 (1), Thu 1, Fri 2 May (3), Early May bank holiday Mon 5 closed, Tue 6-Fri 9
    # (7), Mon 12, Tue 13, Wed 14 (10)
    held = [SD, ("icpc-held", "2025-04-29")]
    Child("england", events(*held, ("core-group", "2025-05-14")), as_of="2025-06-01").assert_met(
        "cp.core-group", "2025-05-14", "2025-05-14")
    Child("england", events(*held, ("core-group", "2025-05-16")), as_of="2025-06-01").assert_met_late(
        "cp.core-group", "2025-05-14", "2025-05-16")
    ended = Child("england", events(*held, ("cp-plan-ended", "2025-05-20")), as_of="2025-06-01")
    ended.assert_due("cp.core-group", "2025-05-14", "missed")
    Child("england", events(*held), as_of="2025-06-01").assert_due("cp.core-group", "2025-05-14", "overdue")


def test_a_new_plan_needs_its_own_first_core_group():
    # the core group of 2025-05-06 met the first plan's; the plan ended, and a new ICPC Mon 2025-09-01 + 10 WD
    # (no bank holiday) = Mon 15 Sep
    evs = events(("icpc-held", "2025-04-29"), ("core-group", "2025-05-06"), ("cp-plan-ended", "2025-07-01"),
                 ("icpc-held", "2025-09-01"))
    c = Child("england", evs, as_of="2025-09-02")
    c.assert_met("cp.core-group", "2025-05-14", "2025-05-06", nth=0)
    c.assert_due("cp.core-group", "2025-09-15", "due", nth=1)


def test_a_pre_birth_plan_has_its_core_group_before_the_birth():
    import datetime as dt

    from irocli.domain import date_fault

    # born 2025-06-01; pre-birth ICPC 2025-04-29, core group 2025-05-09: both may precede the birth
    assert date_fault("core-group", dt.date(2025, 5, 9), dt.date(2025, 7, 1), dt.date(2025, 6, 1)) is None
    evs = events(SD, ("icpc-held", "2025-04-29"), ("core-group", "2025-05-09"))
    Child("england", evs, as_of="2025-07-01", dob="2025-06-01").assert_met("cp.core-group", "2025-05-14", "2025-05-09")
