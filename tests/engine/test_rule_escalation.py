"""Escalation ladders (RULES §5): hand-checked response, cap and 24-hour deadlines per profile."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.engine.support import Child, D

from irocli.domain import Event

OPEN_ID = 100


def esc(*steps):
    """steps: ("open", date, stage[, reason[, due]]), ("respond", date), ("escalate", date, to), ..."""
    evs, i = [Event("entered-care", D("2024-01-02"), id=1)], 1
    for step in steps:
        i += 1
        action, day = step[0], D(step[1])
        if action == "open":
            details = {"stage": step[2], "reason": step[3] if len(step) > 3 else "drift"}
            if len(step) > 4:
                details["due"] = step[4]
            evs.append(Event("escalation-opened", day, id=OPEN_ID, details=details))
            continue
        kind = {"respond": "escalation-response", "escalate": "escalation-escalated",
                "resolve": "escalation-resolved", "cafcass": "escalation-cafcass",
                "meeting": "escalation-meeting", "actions": "escalation-actions"}[action]
        details = {"escalation": OPEN_ID}
        if action == "escalate":
            details["to"] = step[2]
        evs.append(Event(kind, day, id=i, details=details))
    return evs


@pytest.mark.parametrize("profile", ["blackpool", "cpru", "knowsley", "england", "dudley"])
def test_stage_2_response_within_5_working_days(profile):
    c = Child(profile, esc(("open", "2025-03-03", "2")), as_of="2025-03-04")
    c.assert_due("esc.response", "2025-03-10", "due")  # Mon + 5 WD


def test_a_response_on_the_due_day_is_on_time_and_a_day_later_is_late():
    Child("blackpool", esc(("open", "2025-03-03", "1"), ("respond", "2025-03-10")), as_of="2025-03-20") \
        .assert_met("esc.response", "2025-03-10", "2025-03-10")
    Child("blackpool", esc(("open", "2025-03-03", "1"), ("respond", "2025-03-11")), as_of="2025-03-20") \
        .assert_met_late("esc.response", "2025-03-10", "2025-03-11")


def test_skipping_stages_starts_a_new_clock_at_the_named_stage():
    evs = esc(("open", "2025-03-03", "1"), ("escalate", "2025-03-12", "3"))
    c = Child("blackpool", evs, as_of="2025-03-13")
    first, third = c.of("esc.response")
    assert (first.due, first.status.value) == (D("2025-03-10"), "missed")  # stage 1 had no response
    assert (third.due, third.status.value) == (D("2025-03-19"), "due")  # Wed 12 + 5 WD


def test_overdue_when_no_response_by_the_due_day():
    c = Child("cpru", esc(("open", "2025-03-03", "1")), as_of="2025-03-11")
    c.assert_due("esc.response", "2025-03-10", "overdue")


def test_blackpool_informal_uses_the_agreed_timescale_or_none():
    Child("blackpool", esc(("open", "2025-03-03", "informal")), as_of="2025-03-04").assert_absent("esc.response")
    c = Child("blackpool", esc(("open", "2025-03-03", "informal", "drift", "2025-03-21")), as_of="2025-03-04")
    c.assert_due("esc.response", "2025-03-21", "due")


def test_knowsley_informal_default_is_5_calendar_days_and_cpru_5_working_days():
    Child("knowsley", esc(("open", "2025-03-03", "informal")), as_of="2025-03-04") \
        .assert_due("esc.response", "2025-03-08")
    Child("cpru", esc(("open", "2025-03-06", "informal")), as_of="2025-03-07") \
        .assert_due("esc.response", "2025-03-13")  # Thu + 5 WD


def test_knowsley_20_working_day_cap_crosses_christmas():
    # Mon 2025-12-08 + 20 WD: Christmas, Boxing Day and New Year's Day skipped = 2026-01-08
    c = Child("knowsley", esc(("open", "2025-12-08", "1")), as_of="2025-12-09")
    c.assert_due("esc.cap", "2026-01-08", "due")
    resolved = esc(("open", "2025-12-08", "1"), ("escalate", "2025-12-15", "2"), ("resolve", "2026-01-09"))
    Child("knowsley", resolved, as_of="2026-01-10").assert_met_late("esc.cap", "2026-01-08", "2026-01-09")


def test_knowsley_cap_runs_from_the_first_formal_stage():
    evs = esc(("open", "2025-12-01", "informal"), ("escalate", "2025-12-08", "1"))
    Child("knowsley", evs, as_of="2025-12-09").assert_due("esc.cap", "2026-01-08")


def test_blackpool_safeguarding_contact_within_24_hours():
    c = Child("blackpool", esc(("open", "2025-03-07", "1", "safeguarding")), as_of="2025-03-07")
    c.assert_due("esc.safeguarding", "2025-03-08", "due")
    Child("england", esc(("open", "2025-03-07", "1", "safeguarding")), as_of="2025-03-07").assert_absent(
        "esc.safeguarding")


def test_cpru_stage_2_meeting_actions_within_24_hours():
    on_time = esc(("open", "2025-03-03", "2"), ("meeting", "2025-03-12"), ("actions", "2025-03-13"))
    Child("cpru", on_time, as_of="2025-03-20").assert_met("esc.meeting-actions", "2025-03-13", "2025-03-13")
    late = esc(("open", "2025-03-03", "2"), ("meeting", "2025-03-12"), ("actions", "2025-03-14"))
    Child("cpru", late, as_of="2025-03-20").assert_met_late("esc.meeting-actions", "2025-03-13", "2025-03-14")


def test_resolving_closes_every_obligation():
    evs = esc(("open", "2025-03-03", "1"), ("resolve", "2025-03-05"))
    c = Child("blackpool", evs, as_of="2025-04-01")
    assert not [o for o in c.outcome.open() if o.rule.startswith("esc.")]


def test_cafcass_referral_closes_the_response_clock():
    evs = esc(("open", "2025-03-03", "4"), ("cafcass", "2025-03-05"))
    c = Child("blackpool", evs, as_of="2025-04-01")
    assert not [o for o in c.outcome.open() if o.rule.startswith("esc.")]


def test_explain_arithmetic_for_a_response():
    c = Child("blackpool", esc(("open", "2025-03-03", "1")), as_of="2025-03-04")
    [ob] = c.of("esc.response")
    assert "stage 1 started 2025-03-03 + 5 working days = 2025-03-10" in ob.derivation.arithmetic
    assert ob.due == dt.date(2025, 3, 10)
    # the due date is stated once (hand-checked: 3 March + 5 working days, no bank holiday, is 10 March)
    assert ob.derivation.arithmetic == (f"escalation {ob.cycle.removeprefix('esc').split('.')[0]}: "
                                        "stage 1 started 2025-03-03 + 5 working days = 2025-03-10")


def test_malformed_imported_details_never_break_a_report():
    evs = esc(("open", "2025-03-03", "1", "drift", "07/03/2025"), ("escalate", "2025-03-05", "None"))
    c = Child("blackpool", evs, as_of="2025-03-06")
    c.assert_due("esc.response", "2025-03-10", "due")  # the bad agreed date is ignored, stage 1 stands
