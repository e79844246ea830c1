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


@pytest.mark.parametrize("profile, opened_at, source", [
    # Blackpool stage 1 cites its own paragraph of seeds/000, not the ladder
    ("blackpool", "1", "000 Stage 1 - Formal Issues resolution"),
    ("cpru", "2", "001 DRP stage 2: response within 5 working days; actions from the meeting within 24 hours"),
    ("knowsley", "informal", "003 Informal Outcome Resolution 3"),
    # england's default ladder gives its stages no source: the rule's own is cited
    ("england", "1", "profile escalation ladder"),
])
def test_explain_cites_the_stage_source_for_a_stage_response(profile, opened_at, source):
    c = Child(profile, esc(("open", "2025-03-03", opened_at)), as_of="2025-03-04")
    [ob] = c.of("esc.response")
    assert ob.source == source


def test_a_later_stage_cites_its_own_source_and_the_cap_its_rule():
    # Knowsley: opened at stage 1 on Mon 3 Mar 2025, escalated to 2 on Wed 12 Mar
    evs = esc(("open", "2025-03-03", "1"), ("escalate", "2025-03-12", "2"))
    c = Child("knowsley", evs, as_of="2025-03-13")
    [two] = [o for o in c.of("esc.response") if o.cycle.endswith(".2")]
    assert (two.due, two.source) == (D("2025-03-19"), "003 Stage 2: aiming for 5 working days")  # Wed 12 + 5 WD
    # the cap (20 WD from stage 1 on Mon 3 Mar: 31 Mar) keeps the rule's source
    [cap] = c.of("esc.cap")
    assert (cap.due, cap.source) == (D("2025-03-31"), "003 Formal Outcome Resolution 1 and 5: within 20 working days")


def test_the_cpru_stage_2_meeting_actions_cite_the_stage():
    evs = esc(("open", "2025-03-03", "2"), ("meeting", "2025-03-06"))
    [ob] = Child("cpru", evs, as_of="2025-03-06").of("esc.meeting-actions")
    assert (ob.due, ob.source) == (D("2025-03-07"), "001 DRP stage 2: response within 5 working days; "
                                   "actions from the meeting within 24 hours")


def test_the_engine_names_the_field_never_a_cli_option():
    from irocli.engine.escalations import StageError, build, check_escalate, ladder, parse_stage
    from irocli.profiles import load

    lad = ladder(load("blackpool"))
    with pytest.raises(StageError) as caught:
        parse_stage("9", lad)
    assert str(caught.value) == "stage must be one of informal, 1, 2, 3, 4 (got '9')"
    assert str(caught.value.naming("--stage")) == "--stage must be one of informal, 1, 2, 3, 4 (got '9')"
    [opened] = build(esc(("open", "2025-03-03", "2")), "C1").values()
    with pytest.raises(StageError) as caught:
        check_escalate(opened, lad, "1")
    assert str(caught.value) == f"escalation {OPEN_ID} is at stage 2: to_stage must be a later stage"
    assert str(caught.value.naming("--to-stage")) == (f"escalation {OPEN_ID} is at stage 2: "
                                                      "--to-stage must be a later stage")
    with pytest.raises(StageError) as caught:
        check_escalate(opened, lad, "{x}")
    assert str(caught.value) == "to_stage must be one of informal, 1, 2, 3, 4 (got '{x}')"
