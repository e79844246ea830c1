"""Between reviews (RULES §7): the placement plan (REG reg 9), the IRO told of each placement (REG reg 13)
and the return interview after a missing episode (DfE missing children guidance 2014). Hand-checked dates.

Working days as REG reg 2: "within 5 working days of D" is the 5th working day after D (D is day 0, RULES §0).
Bank holidays used: Christmas 2024 (Wed 25, Thu 26 December; Wed 1 January 2025), Easter 2025 (Good Friday
18 April, Easter Monday 21 April). Christmas Eve and 27-31 December are working days.
"""

from __future__ import annotations

import pytest
from tests.engine.support import Child, D, events

from irocli.engine import derive
from irocli.profiles import load

ENTERED = ("entered-care", "2025-03-03")  # a Monday
PLAN_RULES = [("ms.placement-plan", "placement-plan", "REG reg 9(1)-(2)"),
              ("notify.placement-iro", "iro-notified", "REG reg 13")]


# ---------------------------------------------------------------- ms.placement-plan, notify.placement-iro
@pytest.mark.parametrize("rule, kind, source", PLAN_RULES, ids=["ms.placement-plan", "notify.placement-iro"])
@pytest.mark.parametrize("entered, done, as_of, due, status", [
    # Mon 2025-03-03: Tue 4 (1), Wed 5 (2), Thu 6 (3), Fri 7 (4), Mon 10 (5) = 2025-03-10
    pytest.param("2025-03-03", "2025-03-05", "2025-03-20", "2025-03-10", "met", id="within-five-working-days"),
    pytest.param("2025-03-03", "2025-03-10", "2025-03-20", "2025-03-10", "met", id="on-the-fifth-working-day"),
    # recorded the day before the placement (Sun 2025-03-02): before it, so met
    pytest.param("2025-03-03", "2025-03-02", "2025-03-20", "2025-03-10", "met", id="the-day-before-meets-it"),
    # recorded Wed 2025-03-12, two days after 2025-03-10: met late
    pytest.param("2025-03-03", "2025-03-12", "2025-03-20", "2025-03-10", "met-late", id="met-late"),
    pytest.param("2025-03-03", None, "2025-03-20", "2025-03-10", "overdue", id="none-overdue"),
    pytest.param("2025-03-03", None, "2025-03-06", "2025-03-10", "due", id="none-yet-due"),
    # Easter 2025: Wed 2025-04-16: Thu 17 (1), Good Friday 18 and Easter Monday 21 closed, Tue 22 (2),
    # Wed 23 (3), Thu 24 (4), Fri 25 (5) = 2025-04-25
    pytest.param("2025-04-16", "2025-04-25", "2025-05-01", "2025-04-25", "met", id="easter-2025"),
    pytest.param("2025-04-16", None, "2025-05-01", "2025-04-25", "overdue", id="easter-2025-overdue"),
    # Christmas 2024: Mon 2024-12-23: Tue 24 (1, Christmas Eve works), Wed 25 and Thu 26 closed, Fri 27 (2),
    # Mon 30 (3), Tue 31 (4), Wed 1 January closed, Thu 2025-01-02 (5)
    pytest.param("2024-12-23", "2025-01-02", "2025-01-10", "2025-01-02", "met", id="christmas-2024"),
    pytest.param("2024-12-23", "2025-01-03", "2025-01-10", "2025-01-02", "met-late", id="christmas-2024-late"),
])
def test_within_five_working_days_of_entering_care(rule, kind, source, entered, done, as_of, due, status):
    evs = [("entered-care", entered)] + ([(kind, done)] if done else [])
    evs.sort(key=lambda e: e[1])
    [o] = Child("england", events(*evs), as_of=as_of).of(rule)
    assert (o.due, o.status.value, o.met_on) == (D(due), status, D(done) if done else None)
    assert (o.anchor_kind, o.anchor_date, o.owner, o.source) == ("entered-care", D(entered), "social-worker", source)


@pytest.mark.parametrize("rule, kind, source", PLAN_RULES, ids=["ms.placement-plan", "notify.placement-iro"])
def test_a_placement_change_restarts_it(rule, kind, source):
    # placement 1 from Mon 2025-03-03, done Tue 03-04 (due 03-10: met). Placement 2 from Mon 2025-04-14:
    # Tue 15 (1), Wed 16 (2), Thu 17 (3), Good Friday 18 and Easter Monday 21 closed, Tue 22 (4), Wed 23 (5)
    # = 2025-04-23; the event of 03-04 was placement 1's and does not count again
    c = Child("england", events(ENTERED, (kind, "2025-03-04"), ("placement-change", "2025-04-14")), as_of="2025-04-25")
    first, second = c.of(rule)
    assert (first.due, first.status.value, first.met_on, first.cycle) == (D("2025-03-10"), "met", D("2025-03-04"),
                                                                          "ep1.p1")
    assert (second.due, second.status.value, second.anchor_kind, second.cycle) == (
        D("2025-04-23"), "overdue", "placement-change", "ep1.p2")
    assert second.derivation.arithmetic == "2025-04-14 + 5 working days = 2025-04-23"


@pytest.mark.parametrize("rule, kind, source", PLAN_RULES, ids=["ms.placement-plan", "notify.placement-iro"])
def test_one_recorded_the_day_before_a_move_meets_the_new_placement(rule, kind, source):
    # placement 1 met on 03-04; recorded again Sun 2025-04-13, the day before the move of Mon 04-14: placement 2's
    # (due 2025-04-23, as above), met before it started
    evs = events(ENTERED, (kind, "2025-03-04"), (kind, "2025-04-13"), ("placement-change", "2025-04-14"))
    c = Child("england", evs, as_of="2025-04-25")
    c.assert_met(rule, "2025-03-10", "2025-03-04", nth=0)
    c.assert_met(rule, "2025-04-23", "2025-04-13", nth=1)


@pytest.mark.parametrize("rule, kind, source", PLAN_RULES, ids=["ms.placement-plan", "notify.placement-iro"])
def test_one_recorded_before_the_first_placements_own_is_not_the_next_ones(rule, kind, source):
    # recorded Fri 2025-02-28 and again Mon 03-03 (the day of entering care): the first meets placement 1
    # (before it); the earliest for placement 2 is the day after placement 1's start (03-04), so neither
    # counts for the move of 2025-04-14 (due 2025-04-23, overdue)
    evs = events((kind, "2025-02-28"), ENTERED, (kind, "2025-03-03"), ("placement-change", "2025-04-14"))
    c = Child("england", evs, as_of="2025-04-25")
    c.assert_met(rule, "2025-03-10", "2025-02-28", nth=0)
    c.assert_due(rule, "2025-04-23", "overdue", nth=1)


@pytest.mark.parametrize("rule, kind, source", PLAN_RULES, ids=["ms.placement-plan", "notify.placement-iro"])
@pytest.mark.parametrize("left, expected", [
    # left care Fri 2025-03-07, before the due date 2025-03-10, with none: nothing owed
    pytest.param("2025-03-07", [], id="left-before-due-nothing"),
    # left 2025-03-20, after it: missed (history), never overdue
    pytest.param("2025-03-20", [("2025-03-10", "missed")], id="left-after-due-missed"),
])
def test_it_ends_with_the_episode(rule, kind, source, left, expected):
    c = Child("england", events(ENTERED, ("left-care", left)), as_of="2025-06-01")
    assert [(o.due.isoformat(), o.status.value) for o in c.obs if o.rule == rule] == expected
    assert not [o for o in c.outcome.open() if o.rule == rule]
    out = derive("C1", events(ENTERED, ("left-care", left)), load("england"), D("2025-06-01"), history=False)
    assert not [o for o in out.obligations if o.rule == rule]


@pytest.mark.parametrize("rule, kind, source", PLAN_RULES, ids=["ms.placement-plan", "notify.placement-iro"])
def test_one_from_an_earlier_episode_does_not_meet_a_new_one(rule, kind, source):
    # done 03-04 in episode 1 (left 2025-04-10); re-entered Mon 2025-06-02: Tue 3 (1), Wed 4 (2), Thu 5 (3),
    # Fri 6 (4), Mon 9 (5) = 2025-06-09, not met by the earlier episode's
    evs = events(ENTERED, (kind, "2025-03-04"), ("left-care", "2025-04-10"), ("entered-care", "2025-06-02"))
    c = Child("england", evs, as_of="2025-06-12")
    c.assert_due(rule, "2025-06-09", "overdue", nth=-1)
    assert c.of(rule)[-1].cycle == "ep2.p1"


@pytest.mark.parametrize("rule, kind, source", PLAN_RULES, ids=["ms.placement-plan", "notify.placement-iro"])
def test_the_due_list_keeps_only_the_open_placements(rule, kind, source):
    # placement 1 (2025-03-03) never done; placement 2 from Mon 2025-05-05: Tue 6, Wed 7, Thu 8, Fri 9, Mon 12 (5)
    evs = events(ENTERED, ("placement-change", "2025-05-05"))
    out = derive("C1", evs, load("england"), D("2025-05-20"), history=False)
    assert [(o.due.isoformat(), o.status.value) for o in out.obligations if o.rule == rule] == [
        ("2025-05-12", "overdue")]


@pytest.mark.parametrize("rule, kind, source", PLAN_RULES, ids=["ms.placement-plan", "notify.placement-iro"])
def test_none_for_a_series_of_short_breaks(rule, kind, source):
    # REG reg 48: regs 9 and 13 do not apply to short breaks
    c = Child("england", events(("short-breaks-started", "2025-03-03"), ("placement-change", "2025-03-10")),
              as_of="2025-06-01")
    c.assert_absent(rule)


def test_the_window_is_checked_per_type(tmp_path):
    from tests.engine.support import assert_profile_fails

    assert_profile_fails(tmp_path, '''
extends = "england"
[rules."ms.placement-plan"]
window = "on-the-day"
''', "rules.ms.placement-plan.window", "must be one of before-start")


# ---------------------------------------------------------------- ms.return-interview: within 72 hours of returning
@pytest.mark.parametrize("returned, interview, as_of, due, status", [
    # Fri 2025-03-07 + 3 days = Mon 2025-03-10
    pytest.param("2025-03-07", "2025-03-09", "2025-03-20", "2025-03-10", "met", id="within-72-hours"),
    pytest.param("2025-03-07", "2025-03-10", "2025-03-20", "2025-03-10", "met", id="on-the-third-day"),
    pytest.param("2025-03-07", "2025-03-12", "2025-03-20", "2025-03-10", "met-late", id="met-late"),
    pytest.param("2025-03-07", None, "2025-03-20", "2025-03-10", "overdue", id="overdue"),
    pytest.param("2025-03-07", None, "2025-03-08", "2025-03-10", "due", id="not-yet-due"),
    # 72 hours run through closed days (roll = false): Wed 2025-03-05 + 3 = Sat 2025-03-08, not moved
    pytest.param("2025-03-05", None, "2025-03-20", "2025-03-08", "overdue", id="saturday-stays"),
    # Easter 2025: Tue 04-15 + 3 = Good Friday 2025-04-18, not moved; held Tue 04-22: 4 days late
    pytest.param("2025-04-15", "2025-04-22", "2025-05-01", "2025-04-18", "met-late", id="easter-2025"),
    # Christmas 2024: Mon 12-23 + 3 = Thu 2024-12-26 (Boxing Day), not moved; held Sat 12-28: late
    pytest.param("2024-12-23", "2024-12-28", "2025-01-10", "2024-12-26", "met-late", id="christmas-2024"),
])
def test_return_interview_within_72_hours(returned, interview, as_of, due, status):
    evs = [("entered-care", "2024-06-03"), ("missing-episode", returned)] + (
        [("return-interview", interview)] if interview else [])
    [o] = Child("england", events(*evs), as_of=as_of).of("ms.return-interview")
    assert (o.due, o.status.value, o.met_on) == (D(due), status, D(interview) if interview else None)
    assert (o.anchor_kind, o.anchor_date, o.owner, o.source) == (
        "missing-episode", D(returned), "local-authority", "DfE missing children guidance 2014 [confirm]")


def test_each_missing_episode_has_its_own_return_interview():
    # returned Fri 03-07 (due Mon 03-10), interviewed 03-08; returned again Fri 2025-03-21 (+ 3 = Mon 03-24):
    # no interview since, overdue; the interview of 03-08 counts only for the first
    evs = events(ENTERED, ("missing-episode", "2025-03-07"), ("return-interview", "2025-03-08"),
                 ("missing-episode", "2025-03-21"))
    c = Child("england", evs, as_of="2025-03-31")
    c.assert_met("ms.return-interview", "2025-03-10", "2025-03-08", nth=0)
    c.assert_due("ms.return-interview", "2025-03-24", "overdue", nth=1)


def test_no_return_interview_open_after_the_episode_of_care_ended():
    # returned Fri 03-07 (due Mon 03-10), none held, left care 2025-03-20: missed, nothing open
    evs = events(ENTERED, ("missing-episode", "2025-03-07"), ("left-care", "2025-03-20"))
    c = Child("england", evs, as_of="2025-04-01")
    c.assert_due("ms.return-interview", "2025-03-10", "missed")
    assert not [o for o in c.outcome.open() if o.rule == "ms.return-interview"]


@pytest.mark.parametrize("rule, kind", [("ms.placement-plan", "placement-plan"),
                                        ("notify.placement-iro", "iro-notified")])
def test_a_plan_or_notice_just_before_a_move_is_the_moves(rule, kind):
    # entered Mon 2025-01-06 (+ 5 WD = 01-13); moved Mon 2025-02-03 (+ 5 WD = 02-10). Made Fri 01-31: after the
    # first placement's due date and within 5 working days before the move (from Mon 01-27): the move's, made
    # before it; the first placement, which had none, is missed (history)
    c = Child("england", events(("entered-care", "2025-01-06"), (kind, "2025-01-31"),
                                ("placement-change", "2025-02-03")), as_of="2025-02-20")
    assert [(o.due.isoformat(), o.status.value, o.met_on) for o in c.of(rule)] == [
        ("2025-01-13", "missed", None), ("2025-02-10", "met", D("2025-01-31"))]


@pytest.mark.parametrize("made, first, second", [
    # made Fri 01-24, before the lead window (from Mon 01-27): the first placement's, late; the move has none
    pytest.param("2025-01-24", ("met-late", "2025-01-24"), ("overdue", None), id="before-the-lead-window"),
    # made Wed 01-08, before the first placement's due date (01-13): the first placement's, whatever follows
    pytest.param("2025-01-08", ("met", "2025-01-08"), ("overdue", None), id="in-time-for-the-first"),
])
def test_otherwise_it_is_the_placement_it_was_made_in(made, first, second):
    c = Child("england", events(("entered-care", "2025-01-06"), ("iro-notified", made),
                                ("placement-change", "2025-02-03")), as_of="2025-02-20")
    got = [(o.status.value, o.met_on.isoformat() if o.met_on else None) for o in c.of("notify.placement-iro")]
    assert got == [first, second]


def test_one_notice_before_a_move_tells_of_the_old_placements_end_too():
    # the notice of Fri 01-31 is the move's: it also tells of the first placement's end (due the move day 02-03)
    c = Child("england", events(("entered-care", "2025-01-06"), ("iro-notified", "2025-01-31"),
                                ("placement-change", "2025-02-03")), as_of="2025-02-20")
    [end] = c.of("notify.placement-end")
    assert (end.due, end.status.value, end.met_on) == (D("2025-02-03"), "met", D("2025-01-31"))


def test_a_notice_just_before_the_next_move_is_not_the_last_moves_late_one():
    # entered Mon 2026-01-05 (told that day); moved Mon 02-02 (+ 5 WD = 02-09, nobody told); told Fri 02-27,
    # within 5 working days before the move of Mon 03-02 (from Mon 02-23): that move's notice, for the second
    # placement's end (03-02) and the third's start (03-09). The move of 02-02 was told of neither way: missed
    c = Child("england", events(("entered-care", "2026-01-05"), ("iro-notified", "2026-01-05"),
                                ("placement-change", "2026-02-02"), ("iro-notified", "2026-02-27"),
                                ("placement-change", "2026-03-02")), as_of="2026-03-20")
    got = [(o.rule, o.due.isoformat(), o.status.value, o.met_on.isoformat() if o.met_on else None)
           for o in c.obs if o.rule.startswith("notify.")]
    assert sorted(got) == sorted([
        ("notify.placement-iro", "2026-01-12", "met", "2026-01-05"),
        ("notify.placement-end", "2026-02-02", "missed", None),
        ("notify.placement-iro", "2026-02-09", "missed", None),
        ("notify.placement-end", "2026-03-02", "met", "2026-02-27"),
        ("notify.placement-iro", "2026-03-09", "met", "2026-02-27"),
    ])


def test_a_notice_on_the_move_day_tells_of_the_end_whatever_follows():
    # in care from Mon 2026-03-02 (told that day); moves Mon 03-09 (nobody told), Mon 03-16 (told that day),
    # Mon 03-23. The notice of 03-16 tells of the second placement's end (due 03-16) and the third's start
    # (03-16 + 5 WD = 03-23); the following move of 03-23 was told of by nothing ahead of it
    c = Child("england", events(("entered-care", "2026-03-02"), ("iro-notified", "2026-03-02"),
                                ("placement-change", "2026-03-09"), ("iro-notified", "2026-03-16"),
                                ("placement-change", "2026-03-16"), ("placement-change", "2026-03-23")),
              as_of="2026-03-25")
    ends = [(o.due.isoformat(), o.status.value, o.met_on) for o in c.of("notify.placement-end")]
    assert ends[1] == ("2026-03-16", "met", D("2026-03-16"))
    starts = {o.due.isoformat(): (o.status.value, o.met_on) for o in c.of("notify.placement-iro")}
    assert starts["2026-03-23"] == ("met", D("2026-03-16"))


@pytest.mark.parametrize("evs", [
    pytest.param([("entered-care", "2025-01-06"), ("placement-plan", "2025-01-06"), ("entered-care", "2025-03-03"),
                  ("placement-plan", "2025-03-03")], id="re-entered-with-no-left-care"),
    pytest.param([("entered-care", "2025-01-06"), ("placement-plan", "2025-01-06"), ("left-care", "2025-03-03"),
                  ("entered-care", "2025-03-03"), ("placement-plan", "2025-03-03")], id="left-and-re-entered-that-day"),
])
def test_a_plan_on_the_first_day_of_a_new_episode_counts_for_it(evs):
    # the new episode from Mon 2025-03-03: + 5 WD = 03-10, the plan of 03-03 meets it (the day the old one
    # ended is the new one's)
    c = Child("england", events(*evs), as_of="2025-04-30", dob="2010-01-01")
    last = c.of("ms.placement-plan")[-1]
    assert (last.due, last.status.value, last.met_on) == (D("2025-03-10"), "met", D("2025-03-03"))
