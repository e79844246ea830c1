"""The main tables at a fixed width: rows written by hand in, the exact text a person reads out.

A Console of width 100 writing to a string, no colour (Rich's tests/render.py): what the table says,
where it wraps and what it leaves out, independent of the terminal running the tests.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap

from rich.console import Console

from irocli.domain import Child, Flag
from irocli.reports import render
from irocli.reports.child import ChildPage

AS_OF = dt.date(2025, 3, 25)
KHAN = Child("C001", "Sam Jones", dt.date(2012, 5, 1), "A. Khan", "J. Smith", "North")


def rendered(renderable) -> str:
    """The renderable as a 100-column terminal without colour shows it (the padding at line ends dropped)."""
    out = io.StringIO()
    Console(width=100, file=out, color_system=None, theme=render.THEME, highlight=False).print(renderable)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


def expected(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def obligation(child_id, rule, title, due, status, days, *, iro="A. Khan", owner="iro", met_on=None, **extra):
    """A row as reports.rows.obligation_row makes it."""
    row = {"child_id": child_id, "obligation": rule, "title": title, "due": due, "status": status, "days": days,
           "anchor": {"kind": "review-held", "date": "2025-01-22"}, "iro": iro, "team": "North",
           "source": "REG reg 33(2)(b)", "owner": owner, **extra}
    if met_on:
        row["met_on"] = met_on
    return row


DUE_ROWS = [
    obligation("C002", "review.first", "First review", "2025-03-31", "due", 6),
    obligation("C001", "task.invitations", "Invitations sent", "2025-03-10", "overdue", -15, owner="social-worker"),
    obligation("C001", "review.second", "Second review", "2025-04-22", "due", 28, iro="B. Okafor"),
]


def test_due_table_lists_due_when_child_obligation_iro_owner_then_counts():
    rows = sorted(DUE_ROWS, key=lambda r: r["due"])
    table = render.due_report(rows, title="Due", as_of=AS_OF, within=28, names={"C001": "SJ", "C002": "AS"})
    assert rendered(table) == expected("""
        Due as of 2025-03-25
        ┏━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
        ┃ Due        ┃ When     ┃ Child   ┃ Obligation                         ┃ IRO       ┃ Owner         ┃
        ┡━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
        │ 2025-03-10 │ 15d late │ C001 SJ │ Invitations sent  task.invitations │ A. Khan   │ social-worker │
        │ 2025-03-31 │ in 6d    │ C002 AS │ First review  review.first         │ A. Khan   │ iro           │
        │ 2025-04-22 │ in 28d   │ C001 SJ │ Second review  review.second       │ B. Okafor │ iro           │
        └────────────┴──────────┴─────────┴────────────────────────────────────┴───────────┴───────────────┘
        3 obligations for 2 children: 1 overdue, 1 due within 7 days
        """)


def test_overdue_for_one_iro_leaves_out_the_iro_column_and_the_due_soon_count():
    rows = [DUE_ROWS[1]]
    table = render.due_report(rows, title="Overdue", as_of=AS_OF, within=None, iro="a.  khan", names={"C001": "SJ"})
    assert rendered(table) == expected("""
        Overdue as of 2025-03-25 — a. khan
        ┏━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
        ┃ Due        ┃ When     ┃ Child   ┃ Obligation                         ┃ Owner         ┃
        ┡━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
        │ 2025-03-10 │ 15d late │ C001 SJ │ Invitations sent  task.invitations │ social-worker │
        └────────────┴──────────┴─────────┴────────────────────────────────────┴───────────────┘
        1 obligation for 1 child: 1 overdue
        """)


def test_an_empty_due_list_is_one_sentence():
    assert rendered(render.due_report([], title="Due", as_of=AS_OF, within=14, team="north", owner="iro")) == (
        "Nothing overdue or due within 14 days for team north, owner iro as of 2025-03-25.\n")


def test_child_show_page():
    events = [
        {"id": 1, "date": "2024-12-20", "kind": "entered-care", "meeting": None, "note": None,
         "recorded_at": "2024-12-20T09:15:00+00:00", "recorded_by": "jsmith", "voided_at": None, "void_reason": None},
        {"id": 2, "date": "2025-01-22", "kind": "review-held", "meeting": False, "note": "by video [remote]",
         "recorded_at": "2025-06-02T16:40:09+00:00", "recorded_by": "akhan", "voided_at": None, "void_reason": None},
        {"id": 3, "date": "2025-01-23", "kind": "review-held", "meeting": True, "note": None,
         "recorded_at": "2025-01-23T10:00:00", "recorded_by": "akhan", "voided_at": "2025-01-24T10:00:00",
         "void_reason": "entered twice"},
    ]
    obligations = [
        obligation("C001", "review.first", "First review", "2025-01-22", "met", -62, met_on="2025-01-22"),
        obligation("C001", "task.decisions", "Decisions circulated", "2025-01-27", "met-late", -57,
                   met_on="2025-01-30"),
        obligation("C001", "task.invitations", "Invitations sent", "2025-03-25", "due", 0),
        obligation("C001", "review.second", "Second review", "2025-04-22", "due", 28),
    ]
    flags = [Flag("review.adjourn-once", dt.date(2025, 2, 1), "this review was already adjourned")]
    page = ChildPage(KHAN, AS_OF, "england", events, obligations, flags)
    assert rendered(render.child_page(page)) == expected("""
        Child          C001  Sam Jones
        Date of birth  2012-05-01
        IRO            A. Khan
        Social worker  J. Smith
        Team           North
        Profile        england
        As of          2025-03-25

        ! review.adjourn-once: this review was already adjourned
        Timeline
        ┏━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Id ┃ Date       ┃ Kind         ┃ Note                          ┃ Recorded                   ┃
        ┡━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ 1  │ 2024-12-20 │ entered-care │                               │ 2024-12-20 09:15 by jsmith │
        │ 2  │ 2025-01-22 │ review-held  │ no meeting; by video [remote] │ 2025-06-02 17:40 by akhan  │
        │ 3  │ 2025-01-23 │ review-held  │ VOIDED: entered twice         │ 2025-01-23 10:00 by akhan  │
        └────┴────────────┴──────────────┴───────────────────────────────┴────────────────────────────┘
        Open obligations
        ┏━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Due        ┃ Status     ┃ Obligation                         ┃
        ┡━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ 2025-03-25 │ due today  │ Invitations sent  task.invitations │
        │ 2025-04-22 │ due in 28d │ Second review  review.second       │
        └────────────┴────────────┴────────────────────────────────────┘
        History (met, late, missed)
        ┏━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┓
        ┃ Due        ┃ Status      ┃ Obligation                           ┃ Done       ┃
        ┡━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━┩
        │ 2025-01-22 │ met         │ First review  review.first           │ 2025-01-22 │
        │ 2025-01-27 │ met 3d late │ Decisions circulated  task.decisions │ 2025-01-30 │
        └────────────┴─────────────┴──────────────────────────────────────┴────────────┘
        """)


def test_explain_shows_the_arithmetic_with_its_sign_kept_and_the_source():
    rows = [
        {**obligation("C001", "review.second", "Second review", "2025-04-22", "due", 28),
         "offset": "6 months", "arithmetic": "review-held 2025-01-22 + 3 months = 2025-04-22"},
        {**obligation("C001", "task.invitations", "Invitations sent", "2025-03-10", "overdue", -15,
                      source="Blackpool IRO procedure 4.2"),
         "offset": "-20 working days", "arithmetic": "review due 2025-04-07 - 20 working days = 2025-03-10"},
    ]
    flags = [Flag("review.adjourn-once", dt.date(2025, 2, 1), "this review was already adjourned")]

    class Profile:
        name, title = "england", "England (national minimum)"

    assert rendered(render.explain_report("C001", Profile, AS_OF, rows, flags)) == expected("""
        C001: obligations under profile england (England (national minimum)) as of 2025-03-25
        ┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Obligation       ┃ Due        ┃ Status  ┃ Arithmetic                ┃ Source                     ┃
        ┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ review.second    │ 2025-04-22 │ due     │ review-held 2025-01-22 +3 │ REG reg 33(2)(b)           │
        │                  │            │         │ months = 2025-04-22       │                            │
        │ task.invitations │ 2025-03-10 │ overdue │ review due 2025-04-07 −20 │ Blackpool IRO procedure    │
        │                  │            │         │ working days = 2025-03-10 │ 4.2                        │
        └──────────────────┴────────────┴─────────┴───────────────────────────┴────────────────────────────┘
        ! review.adjourn-once: this review was already adjourned
        """)


def escalation(esc_id, child_id, stage, status, due, *, days_at_stage, reason="drift", iro="A. Khan",
               resolved=None):
    return {"escalation_id": esc_id, "child_id": child_id, "stage": stage, "opened": "2025-03-03",
            "stage_started": "2025-03-03", "response_due": due, "status": status, "days": None, "reason": reason,
            "iro": iro, "team": "North", "days_at_stage": days_at_stage, "responder": "Team manager",
            "resolved": resolved, "outcome": None}


def test_escalation_list_keeps_ids_and_dates_whole():
    rows = [
        escalation(12, "C001", "1", "overdue", "2025-03-10", days_at_stage=22),
        escalation(7, "C002", "informal", "open", "2025-03-28", days_at_stage=4, reason="recommendations"),
        escalation(30, "C003", "2", "cafcass", None, days_at_stage=40, iro=None),
        escalation(3, "C001", "3", "resolved", "2025-02-20", days_at_stage=9, resolved="2025-03-01"),
    ]
    assert rendered(render.escalation_list(rows, AS_OF, open_only=False)) == expected("""
        Escalations as of 2025-03-25
        ┏━━━━┳━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━┓
        ┃ Id ┃ Child ┃ Stage    ┃ Days at stage ┃ Response due ┃ Status        ┃ Reason          ┃ IRO     ┃
        ┡━━━━╇━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━┩
        │ 12 │ C001  │ 1        │ 22            │ 2025-03-10   │ response      │ drift           │ A. Khan │
        │    │       │          │               │              │ overdue       │                 │         │
        │ 7  │ C002  │ informal │ 4             │ 2025-03-28   │ open          │ recommendations │ A. Khan │
        │ 30 │ C003  │ 2        │ 40            │ -            │ referred to   │ drift           │ -       │
        │    │       │          │               │              │ Cafcass       │                 │         │
        │ 3  │ C001  │ 3        │ 9             │ 2025-02-20   │ resolved      │ drift           │ A. Khan │
        │    │       │          │               │              │ 2025-03-01    │                 │         │
        └────┴───────┴──────────┴───────────────┴──────────────┴───────────────┴─────────────────┴─────────┘
        """)


def test_an_empty_escalation_list_names_its_filters():
    assert rendered(render.escalation_list([], AS_OF, open_only=True, iro="a. khan", team="north")) == (
        "No open escalations for a. khan, team north as of 2025-03-25.\n")


KPI = {
    "period": {"from": "2024-04-01", "to": "2025-03-31", "profile": "england", "as_of": "2025-03-25",
               "caseload_on": "2025-03-25"},
    "reviews": {"due": 4, "on_time": 3, "late": 1, "overdue": 0, "pending": 1, "percent_on_time": 75.0,
                "percent_late": 25.0, "percent_overdue": 0.0, "days_late_median": 6, "days_late_worst": 6,
                "due_in_period": 5, "definition": "..."},
    "children": {"looked_after_28_days": 2, "denominator": 2, "all_on_time": 1, "percent_all_on_time": 50.0,
                 "definition": "children looked after for at least 28 days in the period up to 2025-03-25 with a "
                               "review due in it and not pending; on time = every such review held by its due date"},
    "tasks": [{"task": "task.invitations", "title": "Invitations sent", "due": 2, "on_time": 1, "late": 0,
               "missed_or_overdue": 1, "percent_on_time": 50.0, "pending": 0, "due_in_period": 2}],
    "timeliness": [
        {"group": "visits", "title": "Social worker visits (statutory)", "prefixes": "visit.",
         "rules": "visit.sw-first, visit.sw-interval", "due_in_period": 3, "pending": 1, "due": 2, "on_time": 1,
         "late": 1, "missed_or_overdue": 0, "percent_on_time": 50.0, "definition": "...",
         "source": "REG reg 28; RULES §7"},
        {"group": "peps", "title": "Personal Education Plans", "prefixes": "ms.pep", "rules": "", "due_in_period": 0,
         "pending": 0, "due": 0, "on_time": 0, "late": 0, "missed_or_overdue": 0, "percent_on_time": None,
         "definition": "...", "source": "DfE PEP guidance 2018 [confirm]; RULES §7"},
    ],
    "caseload": [{"iro": "A. Khan", "children": 72, "band": "above", "band_low": 50, "band_high": 70,
                  "source": "IRO Handbook (2010) para 7.15"}],
    "escalations": [],
    "monthly": [
        {"month": "2025-01", "due": 2, "on_time": 2, "late": 0, "overdue": 0, "pending": 0, "percent_on_time": 100.0},
        {"month": "2025-02", "due": 2, "on_time": 1, "late": 1, "overdue": 0, "pending": 0, "percent_on_time": 50.0},
        {"month": "2025-03", "due": 0, "on_time": 0, "late": 0, "overdue": 0, "pending": 1, "percent_on_time": None},
    ],
    "settings": {"min_days_looked_after": 28, "caseload_band_low": 50, "caseload_band_high": 70,
                 "caseload_source": "IRO Handbook (2010) para 7.15"},
}


def _codes(pn0=0, pn1=0, pn7=0, none=0, **rest) -> dict:
    """A participation row by hand: the counts given (PN2-PN6 none), shares of held, took part PN1-PN6 of PN1-PN7."""
    held = pn0 + pn1 + pn7 + none
    counts = {"pn0": pn0, "pn1": pn1, "pn2": 0, "pn3": 0, "pn4": 0, "pn5": 0, "pn6": 0, "pn7": pn7}
    return {"held": held, **counts, "not_recorded": none,
            **{f"percent_{k}": round(100 * v / held, 1) if held else None for k, v in counts.items()},
            "percent_not_recorded": round(100 * none / held, 1) if held else None, **rest}


# held: 2 PN1 (Jan), 1 PN7 (Feb), 1 with no code (Mar): 4 held, took part 2 of 3 = 66.7%
KPI["participation"] = {
    "all": _codes(pn1=2, pn7=1, none=1, participated=2, aged_4_plus=3, percent_participated=66.7),
    "by_iro": [{"iro": "A. Khan", **_codes(pn1=2, pn7=1, none=1, participated=2, aged_4_plus=3,
                                           percent_participated=66.7)}],
    "by_team": [{"team": "North", **_codes(pn1=2, pn7=1, none=1, participated=2, aged_4_plus=3,
                                            percent_participated=66.7)}],
    "definition": "...",
}
KPI["team_monthly"] = [
    {"team": "North", "month": "2025-01", "held": 2, "participated": 2, "aged_4_plus": 2, "percent_participated": 100.0,
     "due": 2, "on_time": 2, "late": 0, "overdue": 0, "pending": 0, "percent_on_time": 100.0},
    {"team": "North", "month": "2025-02", "held": 1, "participated": 0, "aged_4_plus": 1, "percent_participated": 0.0,
     "due": 2, "on_time": 1, "late": 1, "overdue": 0, "pending": 0, "percent_on_time": 50.0},
    {"team": "North", "month": "2025-03", "held": 1, "participated": 0, "aged_4_plus": 0,
     "percent_participated": None, "due": 0, "on_time": 0, "late": 0, "overdue": 0, "pending": 1,
     "percent_on_time": None},
]


def test_kpi_tables_sections_then_the_monthly_bars_and_the_team_trend():
    assert rendered(render.kpi_report(KPI, "Review KPIs 2024-04-01 to 2025-03-31 (england) as of 2025-03-25")) == (
        expected("""
        Review KPIs 2024-04-01 to 2025-03-31 (england) as of 2025-03-25
        Reviews on time: 3 of 4 (75.0%); denominator: on time + late + overdue = 3 + 1 + 0. Pending: 1 due
        on or after 2025-03-25 and not held, not counted.
        Children whose reviews were all on time: 1 of 2 (50.0%); denominator: children looked after for at
        least 28 days in the period up to 2025-03-25 with a review due in it and not pending; on time =
        every such review held by its due date (2 looked after ≥ 28 days).
        Figures in time: each counts the obligations due in the period of the rules it names (by rule id
        prefix); on time = met on or before the due date; met late, missed, or not met and due before
        2025-03-25 are not in time; pending (due on or after 2025-03-25, not met) are not counted.
        Children took part in 2 of 3 reviews held of children aged 4 or over (66.7%): attended (PN1-PN4) or
        had their views conveyed (PN5, PN6). Not counted: 0 under 4 (PN0), 1 with no code recorded (of 4
        held).
        Reviews due in the period (per review)
        ┏━━━━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━┳━━━━━━━┳━━━━━━┳━━━━━━━━┳━━━━━━━┳━━━━━━━━┳━━━━━━━┳━━━━━━━━┳━━━━━━━┓
        ┃               ┃       ┃        ┃       ┃      ┃        ┃       ┃        ┃       ┃ Days   ┃ Days  ┃
        ┃               ┃       ┃        ┃ On    ┃      ┃        ┃ % on  ┃        ┃ %     ┃ late   ┃ late  ┃
        ┃ Due in period ┃ Pend… ┃ Count… ┃ time  ┃ Late ┃ Overd… ┃ time  ┃ % late ┃ over… ┃ median ┃ worst ┃
        ┡━━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━╇━━━━━━━╇━━━━━━╇━━━━━━━━╇━━━━━━━╇━━━━━━━━╇━━━━━━━╇━━━━━━━━╇━━━━━━━┩
        │ 5             │ 1     │ 4      │ 3     │ 1    │ 0      │ 75.0% │ 25.0%  │ 0.0%  │ 6      │ 6     │
        └───────────────┴───────┴────────┴───────┴──────┴────────┴───────┴────────┴───────┴────────┴───────┘
        Children whose reviews were all on time (per child)
        ┏━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
        ┃ Looked after ≥ 28 days ┃ Denominator ┃ All on time ┃ % all on time ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
        │ 2                      │ 2           │ 1           │ 50.0%         │
        └────────────────────────┴─────────────┴─────────────┴───────────────┘
        Tasks due in the period
        ┏━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━┳━━━━━━━━┳━━━━━━┳━━━━━━━━━┳━━━━━━━━┓
        ┃         ┃                  ┃               ┃        ┃         ┃        ┃      ┃ Missed  ┃        ┃
        ┃         ┃                  ┃               ┃        ┃         ┃ On     ┃      ┃ or      ┃ % on   ┃
        ┃ Task    ┃ Rule             ┃ Due in period ┃ Pendi… ┃ Counted ┃ time   ┃ Late ┃ overdue ┃ time   ┃
        ┡━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━╇━━━━━━━━╇━━━━━━╇━━━━━━━━━╇━━━━━━━━┩
        │ Invita… │ task.invitations │ 2             │ 0      │ 2       │ 1      │ 0    │ 1       │ 50.0%  │
        │ sent    │                  │               │        │         │        │      │         │        │
        └─────────┴──────────────────┴───────────────┴────────┴─────────┴────────┴──────┴─────────┴────────┘
        Figures inspectors ask for: in time, due in the period
        ┏━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┓
        ┃                ┃               ┃         ┃         ┃         ┃      ┃ Missed or      ┃           ┃
        ┃ Figure         ┃ Due in period ┃ Pending ┃ Counted ┃ On time ┃ Late ┃ overdue        ┃ % on time ┃
        ┡━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━┩
        │ Social worker  │ 3             │ 1       │ 2       │ 1       │ 1    │ 0              │ 50.0%     │
        │ visits         │               │         │         │         │      │                │           │
        │ (statutory)    │               │         │         │         │      │                │           │
        │ Personal       │ 0             │ 0       │ 0       │ 0       │ 0    │ 0              │ n/a       │
        │ Education      │               │         │         │         │      │                │           │
        │ Plans          │               │         │         │         │      │                │           │
        └────────────────┴───────────────┴─────────┴─────────┴─────────┴──────┴────────────────┴───────────┘
        What each figure counts
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Figure                         ┃ Rules                          ┃ Source                         ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ Social worker visits           │ visit.sw-first,                │ REG reg 28; RULES §7           │
        │ (statutory)                    │ visit.sw-interval              │                                │
        │ Personal Education Plans       │ none in this profile           │ DfE PEP guidance 2018          │
        │                                │                                │ [confirm]; RULES §7            │
        └────────────────────────────────┴────────────────────────────────┴────────────────────────────────┘
        Caseload per IRO at 2025-03-25
        ┏━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ IRO     ┃ Children in care ┃ Band 50–70 ┃ Source                        ┃
        ┡━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ A. Khan │ 72               │ above      │ IRO Handbook (2010) para 7.15 │
        └─────────┴──────────────────┴────────────┴───────────────────────────────┘
        Escalations in the period, by stage: none.
        Reviews by month
        ┏━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┓
        ┃ Month   ┃ Counted ┃ On time ┃ Late ┃ Overdue ┃ Pending ┃ % on time ┃
        ┡━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━┩
        │ 2025-01 │ 2       │ 2       │ 0    │ 0       │ 0       │ 100.0%    │
        │ 2025-02 │ 2       │ 1       │ 1    │ 0       │ 0       │ 50.0%     │
        │ 2025-03 │ 0       │ 0       │ 0    │ 0       │ 1       │ n/a       │
        └─────────┴─────────┴─────────┴──────┴─────────┴─────────┴───────────┘
        Participation in reviews held 2024-04-01 to 2025-03-25
        ┏━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┓
        ┃ Code ┃ The child                                                           ┃ Reviews ┃ % of held ┃
        ┡━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━┩
        │ PN0  │ child aged under 4 at the time of the review                        │ 0       │ 0.0%      │
        │ PN1  │ attends and speaks for self                                         │ 2       │ 50.0%     │
        │ PN2  │ attends; an advocate or the IRO speaks for them                     │ 0       │ 0.0%      │
        │ PN3  │ attends and conveys views non-verbally (symbolically)               │ 0       │ 0.0%      │
        │ PN4  │ attends but makes no contribution                                   │ 0       │ 0.0%      │
        │ PN5  │ does not attend; briefs an advocate or the IRO                      │ 0       │ 0.0%      │
        │ PN6  │ does not attend; views conveyed by other media (written, phone,     │ 0       │ 0.0%      │
        │      │ text, audio/video, an app)                                          │         │           │
        │ PN7  │ does not attend and views not conveyed                              │ 1       │ 25.0%     │
        │ -    │ no code recorded                                                    │ 1       │ 25.0%     │
        └──────┴─────────────────────────────────────────────────────────────────────┴─────────┴───────────┘
        Participation by IRO (None: no code recorded; % took part: PN1-PN6 of PN1-PN7)
        ┏━━━━━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━━┳━━━━━━┳━━━━━━━━━━━━━┓
        ┃ IRO     ┃ PN0 ┃ PN1 ┃ PN2 ┃ PN3 ┃ PN4 ┃ PN5 ┃ PN6 ┃ PN7 ┃ None ┃ Held ┃ % took part ┃
        ┡━━━━━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━━╇━━━━━━╇━━━━━━━━━━━━━┩
        │ A. Khan │ 0   │ 2   │ 0   │ 0   │ 0   │ 0   │ 0   │ 1   │ 1    │ 4    │ 66.7%       │
        └─────────┴─────┴─────┴─────┴─────┴─────┴─────┴─────┴─────┴──────┴──────┴─────────────┘
        Participation by team
        ┏━━━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━━┳━━━━━━┳━━━━━━━━━━━━━┓
        ┃ Team  ┃ PN0 ┃ PN1 ┃ PN2 ┃ PN3 ┃ PN4 ┃ PN5 ┃ PN6 ┃ PN7 ┃ None ┃ Held ┃ % took part ┃
        ┡━━━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━━╇━━━━━━╇━━━━━━━━━━━━━┩
        │ North │ 0   │ 2   │ 0   │ 0   │ 0   │ 0   │ 0   │ 1   │ 1    │ 4    │ 66.7%       │
        └───────┴─────┴─────┴─────┴─────┴─────┴─────┴─────┴─────┴──────┴──────┴─────────────┘
        Reviews by team and month (held and took part: reviews held that month; on time: reviews due
        that month)
        ┏━━━━━━━┳━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┓
        ┃ Team  ┃ Month   ┃ Held ┃ Took part ┃ Aged 4+ ┃ % took part ┃ Counted ┃ On time ┃ % on time ┃
        ┡━━━━━━━╇━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━┩
        │ North │ 2025-01 │ 2    │ 2         │ 2       │ 100.0%      │ 2       │ 2       │ 100.0%    │
        │ North │ 2025-02 │ 1    │ 0         │ 1       │ 0.0%        │ 2       │ 1       │ 50.0%     │
        │ North │ 2025-03 │ 1    │ 0         │ 0       │ n/a         │ 0       │ 0       │ n/a       │
        └───────┴─────────┴──────┴───────────┴─────────┴─────────────┴─────────┴─────────┴───────────┘
        Reviews held on time, by month
         2025-01  ████████████████████████████████████████  100.0%  2/2 on time
         2025-02  ████████████████████░░░░░░░░░░░░░░░░░░░░   50.0%  1/2 on time
         2025-03  ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░     n/a  none due, 1 pending
        Trend by team, month by month, 2025-01 to 2025-03
        On time: % of the reviews due that month held by their due date; took part: % of the reviews held
        that month of children aged 4+ coded PN1-PN6. ▁ 0% … █ 100%; · none to count.
         Team   On time       Took part
         North  █▅·      3/4  █▁·        2/3
        """))


def caseload_row(child_id, initials, **fields):
    """A row as reports.caseload.child_row makes it (rows.CASELOAD_FIELDS), nothing open unless given."""
    return {"child_id": child_id, "initials": initials, "iro": "A. Khan", "team": "North", "looked_after": True,
            "review_due": None, "review_booked": None, "review_days": None, "own": 0, "own_overdue": 0,
            "to_chase": 0, "to_chase_overdue": 0, "last_visit": None, "last_contact": None,
            "escalation_stage": None, "escalations_open": 0, "cp_status": "none", "problems": [], **fields}


CASELOAD = [
    caseload_row("C002", "AS", review_due="2025-03-18", review_days=-7, own=2, own_overdue=2, to_chase=3,
                 to_chase_overdue=1, last_contact="2025-03-01", escalation_stage="2", escalations_open=2,
                 cp_status="CP plan"),
    caseload_row("C001", "SJ", review_due="2025-03-25", review_booked="2025-03-24", review_days=0, own=1,
                 last_visit="2025-02-10", last_contact="2025-03-10", escalation_stage="informal", escalations_open=1),
    caseload_row("C003", "LB", iro="B. Okafor", team="South", to_chase=1, last_visit="2025-01-15",
                 last_contact="2025-01-15", cp_status="ICPC awaited",
                 problems=["open episode past 18", "no date of birth"]),
]


def test_caseload_table_with_the_iro_under_each_child():
    """Second lines: the IRO, the day booked, how many late, a contact after the visit (none: "no visit"), the CP
    status under the escalation; a contact on the visit's day is not repeated; no open review is "-"."""
    assert rendered(render.caseload_table(CASELOAD, AS_OF)) == expected("""
        Caseload as of 2025-03-25
        Child      Review due                             Visit
        IRO        booked      When     Yours   To chase  contact     Esc., CP    Problems
        ────────────────────────────────────────────────────────────────────────────────────
        C002 AS    2025-03-18  7d late  2       3         no visit    stage 2     -
        A. Khan                         2 late  1 late    2025-03-01  (of 2)
                                                                      CP plan
        C001 SJ    2025-03-25  today    1       0         2025-02-10  informal    -
        A. Khan    2025-03-24                             2025-03-10
        C003 LB    -           -        0       1         2025-01-15  ICPC        open
        B. Okafor                                                     awaited     episode
                                                                                  past 18,
                                                                                  no date of
                                                                                  birth
        3 children
        """)


def test_caseload_table_of_one_iro_and_empty():
    assert rendered(render.caseload_table(CASELOAD[:2], AS_OF, iro="A. Khan")) == expected("""
        Caseload for A. Khan as of 2025-03-25
                 Review due                             Visit
        Child    booked      When     Yours   To chase  contact     Esc., CP    Problems
        ────────────────────────────────────────────────────────────────────────────────
        C002 AS  2025-03-18  7d late  2       3         no visit    stage 2     -
                                      2 late  1 late    2025-03-01  (of 2)
                                                                    CP plan
        C001 SJ  2025-03-25  today    1       0         2025-02-10  informal    -
                 2025-03-24                             2025-03-10
        2 children
        """)
    assert rendered(render.caseload_table([], AS_OF, team="North")) == (
        "No children on the caseload for team North as of 2025-03-25.\n")
