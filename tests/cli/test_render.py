# ruff: noqa: E501  (the screens are 160 columns wide, as the tests run them)
"""Every view read as its user reads it: the whole table, at a fixed width (COLUMNS=160, no colour).

The expected screens are written out by hand and checked against the rules (dates in the comments);
a change to any word, column or count shows here. Lines are compared without trailing spaces (Rich
pads a title to its table's width). Two things depend on when the test runs and are masked with
strings of the same width, so the layout is still compared: the time an event was recorded
("YYYY-MM-DD hh:mm by tester") and the day `child add` recorded the IRO allocation ("today-date").
"""

from __future__ import annotations

import re
import textwrap

import pytest

from clirunner import execute
from irocli.cli._context import today


@pytest.fixture
def screen(cli, monkeypatch):
    """Three children under england, a voided event, a review held without a meeting, one escalation
    resolved and one overdue; events recorded by "tester"."""
    monkeypatch.setenv("LOGNAME", "tester")  # getpass.getuser(): who records, by default
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01", "--iro", "A. Khan", "--team", "North")
    cli("child", "add", "C002", "--name", "Ava Smith", "--dob", "2010-02-28", "--iro", "A. Khan", "--team", "North")
    cli("child", "add", "C003", "--name", "Leo Brown", "--dob", "2015-09-09", "--iro", "B. Okafor", "--team", "South")
    # ids 1-3: the IRO allocations recorded by child add
    for args in [
        ("C001", "entered-care", "2024-12-20"),  # 4: first review 20 working days on: 2025-01-22
        ("C001", "review-held", "2025-01-22", "--no-meeting", "--note", "paper review"),  # 5: second due 2025-04-22
        ("C001", "decisions-circulated", "2025-01-27"),  # 6
        ("C002", "entered-care", "2025-03-03"),  # 7: first review 2025-03-31
        ("C003", "entered-care", "2025-04-10"),  # 8
        ("C001", "iro-visit", "2025-01-10"),  # 9, voided below
    ]:
        cli("event", "add", *args)
    cli("event", "void", "9", "--reason", "entered twice")
    cli("escalation", "open", "C001", "--reason", "drift", "--stage", "1", "--date", "2025-03-03",
        "--impact", "plan drifting")  # 10
    cli("escalation", "respond", "10", "--date", "2025-03-07", "--note", "plan agreed")  # 11
    cli("escalation", "resolve", "10", "--date", "2025-03-12", "--outcome", "permanence plan agreed")  # 12
    cli("escalation", "open", "C002", "--reason", "placement", "--date", "2025-03-10", "--due", "2025-03-20")  # 13
    return cli


def shown(cli, *args, code: int = 0) -> str:
    result = cli(*args, ok=False)
    assert result.exit_code == code, (result.exit_code, result.stderr)
    text = "\n".join(line.rstrip() for line in result.stdout.splitlines())
    text = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} by tester", "YYYY-MM-DD hh:mm by tester", text)
    return text.replace(today().isoformat(), "today-date")


def screen_text(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def test_due_counts_day_0_to_7_as_due_within_7_days_as_the_rows_do(screen):
    # As of Mon 2025-03-24, --within 7 runs to Mon 2025-03-31 (day 7) inclusive. C002's first review
    # and the IRO's appointment fall on it ("in 7d"); speaking to the child the day before (Sun 30th,
    # moved back to Fri 28th) is "in 4d".
    # Overdue: C001's care plan (2024-12-20 + 10 working days over Christmas = 2025-01-08, 75 days),
    # its review record (2025-01-22 + 20 working days = 2025-02-19, 33 days), C002's care plan
    # (2025-03-03 + 10 working days = 2025-03-17) and the agreed response to escalation 13 (2025-03-20).
    # RULES §7: no social worker's visit recorded within a week of entering care (C001 2024-12-20 + 7 days =
    # 2024-12-27, C002 2025-03-03 + 7 = 2025-03-10: overdue) and C001's initial health assessment
    # (2024-12-20 + 20 working days = 2025-01-22, as its first review) overdue; C002's (2025-03-31) in 7d.
    # No placement plan (REG reg 9) nor IRO told of the placement (REG reg 13) recorded, each due 5 working
    # days after entering care: C001 2024-12-31 (Mon 23, Tue 24, Fri 27, Mon 30, Tue 31: Christmas and Boxing
    # Day closed; 83 days) and C002 2025-03-10 (Tue 4 .. Mon 10; 14 days), four more overdue rows.
    # The Personal Education Plan (DfE PEP guidance 2018; both of school age): C001 started 2024-12-20 + 10 WD =
    # 2025-01-08 (75 days) and complete + 20 WD = 2025-01-22 (61 days), overdue, and its spring term review
    # (spring began 1 Jan; C001 came into care in the autumn term) due on the term's last day 2025-03-31 (in 7d);
    # C002 started Mon 2025-03-03 + 10 WD = 2025-03-17 (7 days late) and complete + 20 WD = 2025-03-31 (in 7d).
    # 14 overdue, 6 due within 7 days.
    assert shown(screen, "due", "--as-of", "2025-03-24", "--within", "7") == screen_text("""
        Due as of 2025-03-24
        ┏━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
        ┃ Due        ┃ When     ┃ Child   ┃ Obligation                                                                   ┃ IRO     ┃ Owner           ┃
        ┡━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
        │ 2024-12-27 │ 87d late │ C001 SJ │ Social worker visits the child in a new placement  visit.sw-first            │ A. Khan │ social-worker   │
        │ 2024-12-31 │ 83d late │ C001 SJ │ Placement plan prepared  ms.placement-plan                                   │ A. Khan │ social-worker   │
        │ 2024-12-31 │ 83d late │ C001 SJ │ IRO told of the placement  notify.placement-iro                              │ A. Khan │ social-worker   │
        │ 2025-01-08 │ 75d late │ C001 SJ │ Care plan prepared  ms.care-plan                                             │ A. Khan │ social-worker   │
        │ 2025-01-08 │ 75d late │ C001 SJ │ Personal Education Plan started  ms.pep-start                                │ A. Khan │ social-worker   │
        │ 2025-01-22 │ 61d late │ C001 SJ │ Initial health assessment  health.iha                                        │ A. Khan │ local-authority │
        │ 2025-01-22 │ 61d late │ C001 SJ │ Personal Education Plan complete  ms.pep                                     │ A. Khan │ social-worker   │
        │ 2025-02-19 │ 33d late │ C001 SJ │ Review record sent to the child and attendees  task.record-distributed       │ A. Khan │ iro             │
        │ 2025-03-10 │ 14d late │ C002 AS │ Placement plan prepared  ms.placement-plan                                   │ A. Khan │ social-worker   │
        │ 2025-03-10 │ 14d late │ C002 AS │ IRO told of the placement  notify.placement-iro                              │ A. Khan │ social-worker   │
        │ 2025-03-10 │ 14d late │ C002 AS │ Social worker visits the child in a new placement  visit.sw-first            │ A. Khan │ social-worker   │
        │ 2025-03-17 │ 7d late  │ C002 AS │ Care plan prepared  ms.care-plan                                             │ A. Khan │ social-worker   │
        │ 2025-03-17 │ 7d late  │ C002 AS │ Personal Education Plan started  ms.pep-start                                │ A. Khan │ social-worker   │
        │ 2025-03-20 │ 4d late  │ C002 AS │ Response due at this escalation stage  esc.response                          │ A. Khan │ local-authority │
        │ 2025-03-28 │ in 4d    │ C002 AS │ IRO speaks to the child in private before the review  task.iro-contact-child │ A. Khan │ iro             │
        │ 2025-03-31 │ in 7d    │ C001 SJ │ Personal Education Plan reviewed this term  ms.pep-review                    │ A. Khan │ social-worker   │
        │ 2025-03-31 │ in 7d    │ C002 AS │ Initial health assessment  health.iha                                        │ A. Khan │ local-authority │
        │ 2025-03-31 │ in 7d    │ C002 AS │ IRO appointed before the first review  ms.iro-before-first-review            │ A. Khan │ local-authority │
        │ 2025-03-31 │ in 7d    │ C002 AS │ Personal Education Plan complete  ms.pep                                     │ A. Khan │ social-worker   │
        │ 2025-03-31 │ in 7d    │ C002 AS │ First review  review.first                                                   │ A. Khan │ iro             │
        └────────────┴──────────┴─────────┴──────────────────────────────────────────────────────────────────────────────┴─────────┴─────────────────┘
        20 obligations for 2 children: 14 overdue, 6 due within 7 days
    """)
    # nothing to list is a sentence, not an empty grid; JSON and CSV stay data
    assert shown(screen, "due", "--as-of", "2025-01-01", "--iro", "B. Okafor") == (
        "Nothing overdue or due within 28 days for B. Okafor as of 2025-01-01.")
    assert screen.json("due", "--as-of", "2025-01-01", "--iro", "B. Okafor") == []
    csv = screen("due", "--as-of", "2025-01-01", "--iro", "B. Okafor", "--format", "csv").stdout
    assert csv.splitlines() == ["child_id,obligation,title,due,status,days,anchor_kind,anchor_date,iro,team,source,"
                                "owner,met_on,cover"]  # cover appended (issue 17)


def test_overdue_for_one_iro(screen):
    # The fourteen overdue rows of the due test, a day later; no IRO column (one IRO asked for) and no
    # "due within" count (nothing in this report is due).
    assert shown(screen, "overdue", "--as-of", "2025-03-25", "--iro", "A. Khan") == screen_text("""
        Overdue as of 2025-03-25 — A. Khan
        ┏━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
        ┃ Due        ┃ When     ┃ Child   ┃ Obligation                                                             ┃ Owner           ┃
        ┡━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
        │ 2024-12-27 │ 88d late │ C001 SJ │ Social worker visits the child in a new placement  visit.sw-first      │ social-worker   │
        │ 2024-12-31 │ 84d late │ C001 SJ │ Placement plan prepared  ms.placement-plan                             │ social-worker   │
        │ 2024-12-31 │ 84d late │ C001 SJ │ IRO told of the placement  notify.placement-iro                        │ social-worker   │
        │ 2025-01-08 │ 76d late │ C001 SJ │ Care plan prepared  ms.care-plan                                       │ social-worker   │
        │ 2025-01-08 │ 76d late │ C001 SJ │ Personal Education Plan started  ms.pep-start                          │ social-worker   │
        │ 2025-01-22 │ 62d late │ C001 SJ │ Initial health assessment  health.iha                                  │ local-authority │
        │ 2025-01-22 │ 62d late │ C001 SJ │ Personal Education Plan complete  ms.pep                               │ social-worker   │
        │ 2025-02-19 │ 34d late │ C001 SJ │ Review record sent to the child and attendees  task.record-distributed │ iro             │
        │ 2025-03-10 │ 15d late │ C002 AS │ Placement plan prepared  ms.placement-plan                             │ social-worker   │
        │ 2025-03-10 │ 15d late │ C002 AS │ IRO told of the placement  notify.placement-iro                        │ social-worker   │
        │ 2025-03-10 │ 15d late │ C002 AS │ Social worker visits the child in a new placement  visit.sw-first      │ social-worker   │
        │ 2025-03-17 │ 8d late  │ C002 AS │ Care plan prepared  ms.care-plan                                       │ social-worker   │
        │ 2025-03-17 │ 8d late  │ C002 AS │ Personal Education Plan started  ms.pep-start                          │ social-worker   │
        │ 2025-03-20 │ 5d late  │ C002 AS │ Response due at this escalation stage  esc.response                    │ local-authority │
        └────────────┴──────────┴─────────┴────────────────────────────────────────────────────────────────────────┴─────────────────┘
        14 obligations for 2 children: 14 overdue
    """)
    assert shown(screen, "overdue", "--as-of", "2025-01-01", "--iro", "B. Okafor") == (
        "Nothing overdue for B. Okafor as of 2025-01-01.")


def test_explain_keeps_each_sign_with_its_number(screen):
    # 2025-03-31 - 1 day is Sunday the 30th, moved back to Friday the 28th: the minus stays "−1",
    # never a "-" left at a line's end. C002 turns 16 on 2026-02-28: pathway plan 3 months on.
    # RULES §7: visit 2025-03-03 + 1 week; initial health assessment + 20 working days; aged 15, SDQ 12 months on;
    # placement plan and IRO told of the placement, each 2025-03-03 + 5 working days = Mon 2025-03-10 (due today).
    # The PEP (born 2010-02-28: reception 2014-15 from 2014-09-01, Year 11 2025-26 to 2026-07-31) started
    # + 10 working days = 2025-03-17 and complete + 20 = 2025-03-31; no term review yet (spring is the term care
    # began in, and summer has not begun).
    assert shown(screen, "explain", "C002", "--as-of", "2025-03-10") == screen_text("""
        C002: obligations under profile england (England (national floor: REG, AAR, IRO Handbook)) as of 2025-03-10
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Obligation                 ┃ Due        ┃ Status ┃ Arithmetic                                          ┃ Source                                              ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ ms.placement-plan          │ 2025-03-10 │ due    │ 2025-03-03 +5 working days = 2025-03-10             │ REG reg 9(1)-(2)                                    │
        │ notify.placement-iro       │ 2025-03-10 │ due    │ 2025-03-03 +5 working days = 2025-03-10             │ REG reg 13                                          │
        │ visit.sw-first             │ 2025-03-10 │ due    │ 2025-03-03 +1 week = 2025-03-10                     │ REG reg 28(2)(a)                                    │
        │ ms.care-plan               │ 2025-03-17 │ due    │ 2025-03-03 +10 working days = 2025-03-17            │ REG reg 4(2)                                        │
        │ ms.pep-start               │ 2025-03-17 │ due    │ of school age 2014-09-01 to 2026-07-31; 2025-03-03  │ DfE PEP guidance 2018 (Promoting the education of   │
        │                            │            │        │ +10 working days = 2025-03-17                       │ looked-after children) [confirm]                    │
        │ esc.response               │ 2025-03-20 │ due    │ escalation 13: timescale agreed when opened:        │ profile escalation ladder                           │
        │                            │            │        │ 2025-03-20                                          │                                                     │
        │ task.iro-contact-child     │ 2025-03-28 │ due    │ R = review.first due 2025-03-31; 2025-03-31 −1 day  │ REG reg 36(1)(b); IRO Handbook paras 3.33-3.34      │
        │                            │            │        │ = 2025-03-30, not a working day: moved back to the  │                                                     │
        │                            │            │        │ previous working day 2025-03-28                     │                                                     │
        │ health.iha                 │ 2025-03-31 │ due    │ 2025-03-03 +20 working days = 2025-03-31            │ REG reg 7; health and wellbeing guidance 2015       │
        │ ms.iro-before-first-review │ 2025-03-31 │ due    │ before the first review (review.first due           │ Children Act 1989 s25A(2)                           │
        │                            │            │        │ 2025-03-31)                                         │                                                     │
        │ ms.pep                     │ 2025-03-31 │ due    │ of school age 2014-09-01 to 2026-07-31; 2025-03-03  │ DfE PEP guidance 2018 (Promoting the education of   │
        │                            │            │        │ +20 working days = 2025-03-31                       │ looked-after children) [confirm]                    │
        │ review.first               │ 2025-03-31 │ due    │ 2025-03-03 +20 working days = 2025-03-31            │ REG reg 33(1)                                       │
        │ health.sdq                 │ 2026-03-03 │ due    │ aged 4 years on 2014-02-28, 17 years on 2027-02-28; │ health and wellbeing guidance 2015                  │
        │                            │            │        │ 2025-03-03 +12 months = 2026-03-03                  │                                                     │
        │ ms.pathway                 │ 2026-05-28 │ due    │ aged 16 years on 2026-02-28; 2026-02-28 +3 months = │ REG reg 42(1)                                       │
        │                            │            │        │ 2026-05-28                                          │                                                     │
        └────────────────────────────┴────────────┴────────┴─────────────────────────────────────────────────────┴─────────────────────────────────────────────────────┘
    """)


def test_child_show(screen):
    # As of 2025-02-01: care plan 24 days late; the review record (2025-02-19) in 18 days; the second
    # review 2025-01-22 + 3 months = 2025-04-22, in 80 days; speaking to the child the day before is
    # Easter Monday, moved back over Good Friday to Thursday 2025-04-17. The first review's "day before"
    # (2025-01-21) passed with no contact recorded: missed. Open rows have no "Done" column.
    # RULES §7: the first visit (2024-12-27) and initial health assessment (2025-01-22) overdue; aged 12,
    # an SDQ 12 months after entering care (2025-12-20); the placement plan and the IRO told of the placement
    # (2024-12-20 + 5 working days = 2024-12-31, over Christmas and Boxing Day) overdue, 32 days. The PEP started
    # (2025-01-08, 24 days) and complete (2025-01-22, 10 days) overdue; the spring term's review due 2025-03-31,
    # in 58 days (27 of February after the 1st, 31 of March).
    assert shown(screen, "child", "show", "C001", "--as-of", "2025-02-01") == screen_text("""
        Child          C001  Sam Jones
        Date of birth  2012-05-01
        IRO            A. Khan
        Social worker  -
        Team           North
        Profile        england
        As of          2025-02-01

        Timeline
        ┏━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Id ┃ Date       ┃ Kind                 ┃ Note                     ┃ Recorded                   ┃
        ┡━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ 4  │ 2024-12-20 │ entered-care         │                          │ YYYY-MM-DD hh:mm by tester │
        │ 9  │ 2025-01-10 │ iro-visit            │ VOIDED: entered twice    │ YYYY-MM-DD hh:mm by tester │
        │ 5  │ 2025-01-22 │ review-held          │ no meeting; paper review │ YYYY-MM-DD hh:mm by tester │
        │ 6  │ 2025-01-27 │ decisions-circulated │                          │ YYYY-MM-DD hh:mm by tester │
        │ 10 │ 2025-03-03 │ escalation-opened    │                          │ YYYY-MM-DD hh:mm by tester │
        │ 11 │ 2025-03-07 │ escalation-response  │ plan agreed              │ YYYY-MM-DD hh:mm by tester │
        │ 12 │ 2025-03-12 │ escalation-resolved  │                          │ YYYY-MM-DD hh:mm by tester │
        │ 1  │ today-date │ iro-allocated        │ iro=A. Khan              │ YYYY-MM-DD hh:mm by tester │
        └────┴────────────┴──────────────────────┴──────────────────────────┴────────────────────────────┘
        Open obligations
        ┏━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Due        ┃ Status            ┃ Obligation                                                                   ┃
        ┡━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ 2024-12-27 │ overdue, 36d late │ Social worker visits the child in a new placement  visit.sw-first            │
        │ 2024-12-31 │ overdue, 32d late │ Placement plan prepared  ms.placement-plan                                   │
        │ 2024-12-31 │ overdue, 32d late │ IRO told of the placement  notify.placement-iro                              │
        │ 2025-01-08 │ overdue, 24d late │ Care plan prepared  ms.care-plan                                             │
        │ 2025-01-08 │ overdue, 24d late │ Personal Education Plan started  ms.pep-start                                │
        │ 2025-01-22 │ overdue, 10d late │ Initial health assessment  health.iha                                        │
        │ 2025-01-22 │ overdue, 10d late │ Personal Education Plan complete  ms.pep                                     │
        │ 2025-02-19 │ due in 18d        │ Review record sent to the child and attendees  task.record-distributed       │
        │ 2025-03-31 │ due in 58d        │ Personal Education Plan reviewed this term  ms.pep-review                    │
        │ 2025-04-17 │ due in 75d        │ IRO speaks to the child in private before the review  task.iro-contact-child │
        │ 2025-04-22 │ due in 80d        │ Second review  review.second                                                 │
        │ 2025-12-20 │ due in 322d       │ Strengths and Difficulties Questionnaire  health.sdq                         │
        └────────────┴───────────────────┴──────────────────────────────────────────────────────────────────────────────┘
        History (met, late, missed)
        ┏━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┓
        ┃ Due        ┃ Status ┃ Obligation                                                                   ┃ Done       ┃
        ┡━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━┩
        │ 2025-01-21 │ missed │ IRO speaks to the child in private before the review  task.iro-contact-child │            │
        │ 2025-01-22 │ met    │ IRO appointed before the first review  ms.iro-before-first-review            │ 2025-01-22 │
        │ 2025-01-22 │ met    │ First review  review.first                                                   │ 2025-01-22 │
        │ 2025-01-29 │ met    │ Decisions recorded and circulated  task.decisions                            │ 2025-01-27 │
        └────────────┴────────┴──────────────────────────────────────────────────────────────────────────────┴────────────┘
    """)
    # C003 came into care on 2025-04-10: on 2025-04-01 nothing is open or done yet, and it says so
    assert shown(screen, "child", "show", "C003", "--as-of", "2025-04-01").endswith(screen_text("""
        Open obligations: none as of 2025-04-01.
        History: nothing met, late or missed yet.
    """))


def test_child_list(screen):
    assert shown(screen, "child", "list") == screen_text("""
        Children
        ┏━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━┓
        ┃ Id   ┃ Name      ┃ Date of birth ┃ IRO       ┃ Social worker ┃ Team  ┃
        ┡━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━┩
        │ C001 │ Sam Jones │ 2012-05-01    │ A. Khan   │ -             │ North │
        │ C002 │ Ava Smith │ 2010-02-28    │ A. Khan   │ -             │ North │
        │ C003 │ Leo Brown │ 2015-09-09    │ B. Okafor │ -             │ South │
        └──────┴───────────┴───────────────┴───────────┴───────────────┴───────┘
        3 children
    """)
    assert shown(screen, "child", "list", "--team", "South") == screen_text("""
        Children for team South
        ┏━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━┓
        ┃ Id   ┃ Name      ┃ Date of birth ┃ IRO       ┃ Social worker ┃ Team  ┃
        ┡━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━┩
        │ C003 │ Leo Brown │ 2015-09-09    │ B. Okafor │ -             │ South │
        └──────┴───────────┴───────────────┴───────────┴───────────────┴───────┘
        1 child
    """)


def test_child_list_of_an_empty_store_is_a_sentence(cli):
    cli("init")
    assert shown(cli, "child", "list") == "No children in the store."
    assert cli.json("child", "list") == []


def test_event_list(screen):
    # "no meeting" only where it means something (a review); the voided event stays, marked
    assert shown(screen, "event", "list", "C001") == screen_text("""
        Events for C001
        ┏━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Id ┃ Date       ┃ Kind                 ┃ Note                     ┃ Recorded                   ┃
        ┡━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ 4  │ 2024-12-20 │ entered-care         │                          │ YYYY-MM-DD hh:mm by tester │
        │ 9  │ 2025-01-10 │ iro-visit            │ VOIDED: entered twice    │ YYYY-MM-DD hh:mm by tester │
        │ 5  │ 2025-01-22 │ review-held          │ no meeting; paper review │ YYYY-MM-DD hh:mm by tester │
        │ 6  │ 2025-01-27 │ decisions-circulated │                          │ YYYY-MM-DD hh:mm by tester │
        │ 10 │ 2025-03-03 │ escalation-opened    │                          │ YYYY-MM-DD hh:mm by tester │
        │ 11 │ 2025-03-07 │ escalation-response  │ plan agreed              │ YYYY-MM-DD hh:mm by tester │
        │ 12 │ 2025-03-12 │ escalation-resolved  │                          │ YYYY-MM-DD hh:mm by tester │
        │ 1  │ today-date │ iro-allocated        │ iro=A. Khan              │ YYYY-MM-DD hh:mm by tester │
        └────┴────────────┴──────────────────────┴──────────────────────────┴────────────────────────────┘
    """)
    meeting = {e["kind"]: e["meeting"] for e in screen.json("event", "list", "C001")}
    assert meeting["review-held"] is False and meeting["entered-care"] is None and meeting["iro-visit"] is None


def test_event_list_of_a_child_with_none_is_a_sentence(cli):
    cli("init")
    cli("child", "add", "C009", "--name", "Kim Lee", "--dob", "2012-05-01")
    assert shown(cli, "event", "list", "C009") == "No events recorded for C009."


def test_escalation_show_resolved_stops_counting(screen):
    # Opened at stage 1 on 2025-03-03, answered 2025-03-07, resolved 2025-03-12: 9 days at the
    # stage, however late it is read; no days to a response already given.
    assert shown(screen, "escalation", "show", "10", "--as-of", "2025-03-25") == screen_text("""
        Escalation                         10 for C001
        IRO                                A. Khan
        Team                               North
        Reason                             drift
        Opened                             2025-03-03
        Status                             resolved on 2025-03-12
        Current stage                      Stage 1: Team Manager
        At this stage since                2025-03-03 (9 days, until resolved)
        Response from Team Manager         received 2025-03-07
        Outcome                            permanence plan agreed
        Impact on the child                plan drifting
        Actions requested                  -
        Discussion with the social worker  -

        Stages
        ┏━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━┓
        ┃ Stage                 ┃ Started    ┃ Response   ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━┩
        │ Stage 1: Team Manager │ 2025-03-03 │ 2025-03-07 │
        └───────────────────────┴────────────┴────────────┘
    """)
    [row] = [r for r in screen.json("escalation", "list", "--as-of", "2025-12-31") if r["escalation_id"] == 10]
    assert (row["status"], row["days"], row["days_at_stage"]) == ("resolved", None, 9)


def test_escalation_show_open_and_overdue(screen):
    # Informal, the response agreed for 2025-03-20; read on 2025-03-25: 15 days at the stage, 5 late
    assert shown(screen, "escalation", "show", "13", "--as-of", "2025-03-25") == screen_text("""
        Escalation                         13 for C002
        IRO                                A. Khan
        Team                               North
        Reason                             placement
        Opened                             2025-03-10
        Status                             open, response overdue
        Current stage                      Informal: IRO with social worker / team manager
        At this stage since                2025-03-10 (15 days)
        Response from Team Manager         due 2025-03-20: 5 days late
        Impact on the child                -
        Actions requested                  -
        Discussion with the social worker  -

        Stages
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
        ┃ Stage                                           ┃ Started    ┃ Response      ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
        │ Informal: IRO with social worker / team manager │ 2025-03-10 │ none recorded │
        └─────────────────────────────────────────────────┴────────────┴───────────────┘
    """)


def test_escalation_list(screen):
    # overdue first; the resolved one's days at its stage stop at its resolution (9, not 22);
    # its response was due 2025-03-03 + 5 working days = 2025-03-10
    assert shown(screen, "escalation", "list", "--as-of", "2025-03-25") == screen_text("""
        Escalations as of 2025-03-25
        ┏━━━━┳━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━┓
        ┃ Id ┃ Child ┃ Stage    ┃ Days at stage ┃ Response due ┃ Status              ┃ Reason    ┃ IRO     ┃
        ┡━━━━╇━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━┩
        │ 13 │ C002  │ informal │ 15            │ 2025-03-20   │ response overdue    │ placement │ A. Khan │
        │ 10 │ C001  │ 1        │ 9             │ 2025-03-10   │ resolved 2025-03-12 │ drift     │ A. Khan │
        └────┴───────┴──────────┴───────────────┴──────────────┴─────────────────────┴───────────┴─────────┘
    """)
    assert shown(screen, "escalation", "list", "--open", "--as-of", "2025-03-01") == (
        "No open escalations as of 2025-03-01.")
    assert screen.json("escalation", "list", "--open", "--as-of", "2025-03-01") == []


def test_report_kpi_terminal(screen):
    # January to March 2025 as of 1 April. Reviews due: C001's first (2025-01-22, held that day) and
    # C002's (2025-03-31, not held: 1 day overdue). Tasks: C001's decisions (met), its review record
    # (overdue), and the IRO speaking to each child before the review (C001's missed, C002's overdue).
    # In care on 31 March: C001 and C002 (C003 came in on 10 April): A. Khan 2, below the band, not red.
    # Figures: visits - C001's first due 2024-12-27 (outside), C002's 03-03 + 1 week = 03-10, none: overdue
    # (0 of 1); health - C001's IHA 2024-12-20 + 20 WD (25, 26 Dec and 1 Jan closed) = 01-22 and C002's
    # 03-03 + 20 WD = 03-31, neither held: 0 of 2; SDQs first due a year after entering care: none; PEPs, both
    # of school age - C001 (12) started by 12-20 + 10 WD (23, 24, 27, 30, 31 Dec, 2, 3, 6, 7, 8 Jan) = 01-08,
    # complete by 01-22, reviewed in the spring term by 03-31 (the autumn term care began in owes none); C002
    # (15) started by 03-03 + 10 WD = 03-17, complete by 03-31: none recorded, 0 of 5; IRO told - C001's
    # 12-20 + 5 WD = 12-31 (outside), C002's 03-03 + 5 WD = 03-10, never told: 0 of 1 (no placement ended).
    # Participation: one review held in the period (C001's, 2025-01-22) with no code: 1 held, none recorded (100%),
    # nobody aged 4+ with a code (n/a); A. Khan, team North. North by month: January 1 held, C001's review due
    # and on time; February nothing; March C002's review due 03-31 and overdue (0 of 1).
    assert shown(screen, "report", "kpi", "--from", "2025-01-01", "--to", "2025-03-31",
                 "--as-of", "2025-04-01") == screen_text("""
        Review KPIs 2025-01-01 to 2025-03-31 (england) as of 2025-04-01
        Reviews on time: 1 of 2 (50.0%); denominator: on time + late + overdue = 1 + 0 + 1. Pending: 0 due on or after 2025-04-01 and not held, not counted.
        Children whose reviews were all on time: 1 of 2 (50.0%); denominator: children looked after for at least 28 days in the period up to 2025-03-31 with a review
        due in it and not pending; on time = every such review held by its due date (2 looked after ≥ 28 days).
        Figures in time: each counts the obligations due in the period of the rules it names (by rule id prefix); on time = met on or before the due date; met late,
        missed, or not met and due before 2025-04-01 are not in time; pending (due on or after 2025-04-01, not met) are not counted.
        Children took part in 0 of 0 reviews held of children aged 4 or over (n/a): attended (PN1-PN4) or had their views conveyed (PN5, PN6). Not counted: 0 under 4
        (PN0), 1 with no code recorded (of 1 held).
        Reviews due in the period (per review)
        ┏━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
        ┃ Due in period ┃ Pending ┃ Counted ┃ On time ┃ Late ┃ Overdue ┃ % on time ┃ % late ┃ % overdue ┃ Days late median ┃ Days late worst ┃
        ┡━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
        │ 2             │ 0       │ 2       │ 1       │ 0    │ 1       │ 50.0%     │ 0.0%   │ 50.0%     │ 1                │ 1               │
        └───────────────┴─────────┴─────────┴─────────┴──────┴─────────┴───────────┴────────┴───────────┴──────────────────┴─────────────────┘
        Children whose reviews were all on time (per child)
        ┏━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
        ┃ Looked after ≥ 28 days ┃ Denominator ┃ All on time ┃ % all on time ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
        │ 2                      │ 2           │ 1           │ 50.0%         │
        └────────────────────────┴─────────────┴─────────────┴───────────────┘
        Tasks due in the period
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┓
        ┃ Task                                          ┃ Rule                    ┃ Due in period ┃ Pending ┃ Counted ┃ On time ┃ Late ┃ Missed or overdue ┃ % on time ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━┩
        │ Decisions recorded and circulated             │ task.decisions          │ 1             │ 0       │ 1       │ 1       │ 0    │ 0                 │ 100.0%    │
        │ IRO speaks to the child in private before the │ task.iro-contact-child  │ 2             │ 0       │ 2       │ 0       │ 0    │ 2                 │ 0.0%      │
        │ review                                        │                         │               │         │         │         │      │                   │           │
        │ Review record sent to the child and attendees │ task.record-distributed │ 1             │ 0       │ 1       │ 0       │ 0    │ 1                 │ 0.0%      │
        └───────────────────────────────────────────────┴─────────────────────────┴───────────────┴─────────┴─────────┴─────────┴──────┴───────────────────┴───────────┘
        Figures inspectors ask for: in time, due in the period
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┓
        ┃ Figure                                ┃ Due in period ┃ Pending ┃ Counted ┃ On time ┃ Late ┃ Missed or overdue ┃ % on time ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━┩
        │ Social worker visits (statutory)      │ 1             │ 0       │ 1       │ 0       │ 0    │ 1                 │ 0.0%      │
        │ Health assessments (initial, review)  │ 2             │ 0       │ 2       │ 0       │ 0    │ 2                 │ 0.0%      │
        │ SDQs                                  │ 0             │ 0       │ 0       │ 0       │ 0    │ 0                 │ n/a       │
        │ Personal Education Plans              │ 5             │ 0       │ 5       │ 0       │ 0    │ 5                 │ 0.0%      │
        │ IRO told of placements and their ends │ 1             │ 0       │ 1       │ 0       │ 0    │ 1                 │ 0.0%      │
        └───────────────────────────────────────┴───────────────┴─────────┴─────────┴─────────┴──────┴───────────────────┴───────────┘
        What each figure counts
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Figure                                ┃ Rules                                                      ┃ Source                                                  ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ Social worker visits (statutory)      │ visit.adoptive, visit.sw-care-order-home, visit.sw-first,  │ REG reg 28; RULES §7                                    │
        │                                       │ visit.sw-interval, visit.sw-long-term-foster,              │                                                         │
        │                                       │ visit.sw-reg19, visit.sw-reg24                             │                                                         │
        │ Health assessments (initial, review)  │ health.iha, health.rha                                     │ REG reg 7; health and wellbeing guidance 2015; RULES §7 │
        │ SDQs                                  │ health.sdq                                                 │ health and wellbeing guidance 2015; RULES §7            │
        │ Personal Education Plans              │ ms.pep, ms.pep-review, ms.pep-start                        │ DfE PEP guidance 2018 [confirm]; RULES §7               │
        │ IRO told of placements and their ends │ notify.placement-end, notify.placement-iro                 │ REG regs 13-14; RULES §7                                │
        └───────────────────────────────────────┴────────────────────────────────────────────────────────────┴─────────────────────────────────────────────────────────┘
        Caseload per IRO at 2025-03-31
        ┏━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ IRO     ┃ Children in care ┃ Band 50–70 ┃ Source                        ┃
        ┡━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ A. Khan │ 2                │ below      │ IRO Handbook (2010) para 7.15 │
        └─────────┴──────────────────┴────────────┴───────────────────────────────┘
        Escalations in the period, by stage
        ┏━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━┓
        ┃ Stage    ┃ Opened ┃ Escalated to ┃ Resolved ┃
        ┡━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━┩
        │ informal │ 1      │ 0            │ 0        │
        │ 1        │ 1      │ 0            │ 1        │
        └──────────┴────────┴──────────────┴──────────┘
        Reviews by month
        ┏━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┓
        ┃ Month   ┃ Counted ┃ On time ┃ Late ┃ Overdue ┃ Pending ┃ % on time ┃
        ┡━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━┩
        │ 2025-01 │ 1       │ 1       │ 0    │ 0       │ 0       │ 100.0%    │
        │ 2025-02 │ 0       │ 0       │ 0    │ 0       │ 0       │ n/a       │
        │ 2025-03 │ 1       │ 0       │ 0    │ 1       │ 0       │ 0.0%      │
        └─────────┴─────────┴─────────┴──────┴─────────┴─────────┴───────────┘
        Participation in reviews held 2025-01-01 to 2025-03-31
        ┏━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┓
        ┃ Code ┃ The child                                                                                  ┃ Reviews ┃ % of held ┃
        ┡━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━┩
        │ PN0  │ child aged under 4 at the time of the review                                               │ 0       │ 0.0%      │
        │ PN1  │ attends and speaks for self                                                                │ 0       │ 0.0%      │
        │ PN2  │ attends; an advocate or the IRO speaks for them                                            │ 0       │ 0.0%      │
        │ PN3  │ attends and conveys views non-verbally (symbolically)                                      │ 0       │ 0.0%      │
        │ PN4  │ attends but makes no contribution                                                          │ 0       │ 0.0%      │
        │ PN5  │ does not attend; briefs an advocate or the IRO                                             │ 0       │ 0.0%      │
        │ PN6  │ does not attend; views conveyed by other media (written, phone, text, audio/video, an app) │ 0       │ 0.0%      │
        │ PN7  │ does not attend and views not conveyed                                                     │ 0       │ 0.0%      │
        │ -    │ no code recorded                                                                           │ 1       │ 100.0%    │
        └──────┴────────────────────────────────────────────────────────────────────────────────────────────┴─────────┴───────────┘
        Participation by IRO (None: no code recorded; % took part: PN1-PN6 of PN1-PN7)
        ┏━━━━━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━━┳━━━━━━┳━━━━━━━━━━━━━┓
        ┃ IRO     ┃ PN0 ┃ PN1 ┃ PN2 ┃ PN3 ┃ PN4 ┃ PN5 ┃ PN6 ┃ PN7 ┃ None ┃ Held ┃ % took part ┃
        ┡━━━━━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━━╇━━━━━━╇━━━━━━━━━━━━━┩
        │ A. Khan │ 0   │ 0   │ 0   │ 0   │ 0   │ 0   │ 0   │ 0   │ 1    │ 1    │ n/a         │
        └─────────┴─────┴─────┴─────┴─────┴─────┴─────┴─────┴─────┴──────┴──────┴─────────────┘
        Participation by team
        ┏━━━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━┳━━━━━━┳━━━━━━┳━━━━━━━━━━━━━┓
        ┃ Team  ┃ PN0 ┃ PN1 ┃ PN2 ┃ PN3 ┃ PN4 ┃ PN5 ┃ PN6 ┃ PN7 ┃ None ┃ Held ┃ % took part ┃
        ┡━━━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━╇━━━━━━╇━━━━━━╇━━━━━━━━━━━━━┩
        │ North │ 0   │ 0   │ 0   │ 0   │ 0   │ 0   │ 0   │ 0   │ 1    │ 1    │ n/a         │
        └───────┴─────┴─────┴─────┴─────┴─────┴─────┴─────┴─────┴──────┴──────┴─────────────┘
        Reviews by team and month (held and took part: reviews held that month; on time: reviews due
        that month)
        ┏━━━━━━━┳━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┓
        ┃ Team  ┃ Month   ┃ Held ┃ Took part ┃ Aged 4+ ┃ % took part ┃ Counted ┃ On time ┃ % on time ┃
        ┡━━━━━━━╇━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━┩
        │ North │ 2025-01 │ 1    │ 0         │ 0       │ n/a         │ 1       │ 1       │ 100.0%    │
        │ North │ 2025-02 │ 0    │ 0         │ 0       │ n/a         │ 0       │ 0       │ n/a       │
        │ North │ 2025-03 │ 0    │ 0         │ 0       │ n/a         │ 1       │ 0       │ 0.0%      │
        └───────┴─────────┴──────┴───────────┴─────────┴─────────────┴─────────┴─────────┴───────────┘
        Reviews held on time, by month
         2025-01  ████████████████████████████████████████  100.0%  1/1 on time
         2025-02  ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░     n/a  none due
         2025-03  ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░    0.0%  0/1 on time
        Trend by team, month by month, 2025-01 to 2025-03
        On time: % of the reviews due that month held by their due date; took part: % of the reviews held that month of children aged 4+ coded PN1-PN6. ▁ 0% … █ 100%; ·
        none to count.
         Team   On time       Took part
         North  █·▁      1/2  ···        0/0
    """)
    # a period with no escalation says so in a sentence, not an empty table
    assert "Escalations in the period, by stage: none." in shown(
        screen, "report", "kpi", "--from", "2025-01-01", "--to", "2025-02-28", "--as-of", "2025-04-01")


def test_plan(screen):
    # C002's first review (due 2025-03-31) planned for Friday 2025-03-28, as of 2025-03-20: speaking
    # to the child the day before is 2025-03-27, in 7 days (due soon). Held that day: second review
    # 3 months on (2025-06-28, in 100 days); decisions 5 working days on (2025-04-04); the record
    # 20 working days on, over Easter (18 and 21 April): 2025-04-29.
    assert shown(screen, "plan", "C002", "--review-on", "2025-03-28", "--as-of", "2025-03-20") == screen_text("""
        Child        C002 AS
        Profile      england
        As of        2025-03-20
        Open review  First review (review.first) due 2025-03-31
        Review on    2025-03-28 (in time; as asked)

        Before the review (counted back from 2025-03-28)
        ┏━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Due        ┃ State ┃ Obligation                                                           ┃ Arithmetic                                                       ┃
        ┡━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ 2025-03-27 │ in 7d │ IRO speaks to the child in private before the review                 │ R = review booked for 2025-03-28; 2025-03-28 −1 day = 2025-03-27 │
        │            │       │ task.iro-contact-child                                               │                                                                  │
        └────────────┴───────┴──────────────────────────────────────────────────────────────────────┴──────────────────────────────────────────────────────────────────┘
        After a review held on 2025-03-28
        ┏━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Due        ┃ State           ┃ Obligation                                                    ┃ Arithmetic                                                    ┃
        ┡━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ 2025-06-28 │ in 100d         │ Second review  review.second                                  │ 2025-03-28 +3 months = 2025-06-28                             │
        │ 2025-03-28 │ done 2025-03-28 │ IRO appointed before the first review                         │ before the first review (review held 2025-03-28); due         │
        │            │                 │ ms.iro-before-first-review                                    │ 2025-03-28                                                    │
        │ 2025-04-04 │ in 15d          │ Decisions recorded and circulated  task.decisions             │ 2025-03-28 +5 working days = 2025-04-04                       │
        │ 2025-04-29 │ in 40d          │ Review record sent to the child and attendees                 │ 2025-03-28 +20 working days = 2025-04-29                      │
        │            │                 │ task.record-distributed                                       │                                                               │
        └────────────┴─────────────────┴───────────────────────────────────────────────────────────────┴───────────────────────────────────────────────────────────────┘
        Every task before the review can still be done in time.
    """)


def test_holidays(screen):
    from irocli.engine._bank_holidays import package_version

    # England and Wales 2025: Easter Sunday 20 April; Christmas Thursday, Boxing Day Friday
    assert shown(screen, "holidays", "--year", "2025") == screen_text(f"""
        Days closed in 2025 under profile england (weekends not listed)
        ┏━━━━━━━━━━━━┳━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓
        ┃ Date       ┃ Day ┃ Name                     ┃ Source       ┃
        ┡━━━━━━━━━━━━╇━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩
        │ 2025-01-01 │ Wed │ New Year's Day           │ bank holiday │
        │ 2025-04-18 │ Fri │ Good Friday              │ bank holiday │
        │ 2025-04-21 │ Mon │ Easter Monday            │ bank holiday │
        │ 2025-05-05 │ Mon │ May Day                  │ bank holiday │
        │ 2025-05-26 │ Mon │ Spring Bank Holiday      │ bank holiday │
        │ 2025-08-25 │ Mon │ Late Summer Bank Holiday │ bank holiday │
        │ 2025-12-25 │ Thu │ Christmas Day            │ bank holiday │
        │ 2025-12-26 │ Fri │ Boxing Day               │ bank holiday │
        └────────────┴─────┴──────────────────────────┴──────────────┘
        Bank holidays from the holidays package {package_version()} (GB, subdiv ENG).
    """)


def test_db_check_table(screen):
    # an event dated the day before C001's birth, as another tool could write it: found by ids only
    execute(screen.url, "INSERT INTO event (child_id, kind, date, meeting, recorded_at) "
                        "VALUES ('C001', 'entered-care', '2012-04-30', TRUE, '2021-02-03 10:00:00')")
    assert screen("db", "check", ok=False).stderr == "2 problems found.\n"  # and C001's stored obligations
    screen("db", "refresh", "--all")  # store C001's obligations from what the other tool wrote
    result = screen("db", "check", ok=False)
    assert result.exit_code == 1 and result.stderr == "1 problem found.\n"
    title, table = shown(screen, "db", "check", code=1).split("\n", 1)
    assert title.startswith("Problems found in ")
    assert table == screen_text("""
        ┏━━━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃ Check        ┃ Child ┃ Event ┃ Detail                                                                       ┃
        ┡━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │ before-birth │ C001  │ 14    │ event 14 (entered-care 2012-04-30) is dated before the child's date of birth │
        └──────────────┴───────┴───────┴──────────────────────────────────────────────────────────────────────────────┘
    """)


def test_a_narrow_terminal_never_cuts_an_escalations_id_child_stage_or_reason(caseload):
    """`escalation list` at 80 columns: ids, child ids, stages, dates and reasons whole (an IRO acts
    on them); statuses and names wrap."""
    from irocli.cli import app

    caseload("escalation", "open", "C001", "--reason", "recommendations", "--date", "2025-05-02")
    result = caseload.runner.invoke(app, ["escalation", "list", "--as-of", "2025-06-01"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    listing = result.stdout
    assert "…" not in listing and all(len(line) <= 80 for line in listing.splitlines())
    assert "│ C001  │ informal │" in listing and "│ recommendations │" in listing and "│ 2025-05-12   │" in listing


@pytest.mark.parametrize("within, days", [("3", "3 days"), ("1", "1 day"), ("60", "7 days")])
def test_the_summary_never_counts_past_the_rows_listed(screen, within, days):
    # --within under 7 lists rows up to that day: the summary says so and counts them; over 7 it counts the
    # week's rows (those highlighted), as the default does
    rows = screen.json("due", "--as-of", "2025-03-24", "--within", within)
    soon = sum(1 for r in rows if r["status"] == "due" and r["days"] <= int(days.split()[0]))
    overdue = sum(1 for r in rows if r["status"] == "overdue")
    last = shown(screen, "due", "--as-of", "2025-03-24", "--within", within).splitlines()[-1]
    assert last.endswith(f": {overdue} overdue, {soon} due within {days}"), last
