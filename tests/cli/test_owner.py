"""Who acts (RULES §6, CONTRACT `owner`): in every view of due/overdue, and `--owner` to filter.

Hand-checked caseload (tests/cli/conftest.py, england profile) as of 2025-03-25, --within 40:
- social worker: C001 ms.care-plan (entered care 2024-12-20 + 10 WD = 2025-01-08, overdue) and
  C002 ms.care-plan (2025-03-03 + 10 WD = 2025-03-17, overdue): REG reg 4(2), the SW prepares the plan;
  the first statutory visits, none recorded (REG reg 28(2)(a)): C001 2024-12-20 + 7 days = 2024-12-27 and
  C002 2025-03-03 + 7 = 2025-03-10, both overdue; the placement plans (REG reg 9) and the IRO told of the
  placements (REG reg 13), none recorded, 5 working days after entering care: C001 2024-12-31 (Mon 23,
  Tue 24, Fri 27, Mon 30, Tue 31; Christmas and Boxing Day closed) and C002 2025-03-10, all overdue;
  the Personal Education Plans (DfE PEP guidance 2018; both of school age: C001 born 2012-05-01, Year 8;
  C002 born 2010-02-28, Year 10): C001 started + 10 WD = 2025-01-08 (Mon 23, Tue 24, Fri 27, Mon 30, Tue 31,
  Thu 2, Fri 3, Mon 6, Tue 7, Wed 8; 25, 26 Dec and 1 Jan closed) and complete + 20 WD = 2025-01-22 (DATES.md),
  both overdue, and its spring term review (C001 entered care in the autumn term; spring began 1 Jan) due by
  the term's last day, 2025-03-31; C002 started Mon 3 Mar + 10 WD = Mon 2025-03-17 (overdue) and complete
  + 20 WD = Mon 2025-03-31 (no bank holiday in March); spring is its entry term and summer has not begun.
- local authority: C002 ms.iro-before-first-review (open until the first review, due 2025-03-31); the
  initial health assessments (REG reg 7, + 20 WD): C001 2025-01-22 (overdue), C002 2025-03-31.
- iro: C001 task.record-distributed (2025-02-19, overdue), C002 task.iro-contact-child (2025-03-28),
  C002 review.first (2025-03-31), C001 task.iro-contact-child (the day before review.second on
  2025-04-22 is Easter Monday; it rolls back over the weekend and Good Friday to 2025-04-17)
  and C001 review.second (2025-04-22).
"""

from __future__ import annotations

import csv
import io
import json

ARGS = ("--as-of", "2025-03-25", "--within", "40")
SW = [("C001", "ms.care-plan", "2025-01-08"), ("C001", "visit.sw-first", "2024-12-27"),
      ("C002", "ms.care-plan", "2025-03-17"), ("C002", "visit.sw-first", "2025-03-10")]
SW_PLANS = [("C001", "ms.placement-plan", "2024-12-31"), ("C001", "notify.placement-iro", "2024-12-31"),
            ("C002", "ms.placement-plan", "2025-03-10"), ("C002", "notify.placement-iro", "2025-03-10")]
LA = [("C002", "ms.iro-before-first-review", "2025-03-31"), ("C001", "health.iha", "2025-01-22"),
      ("C002", "health.iha", "2025-03-31")]
PEP = [("C001", "ms.pep-start", "2025-01-08"), ("C001", "ms.pep", "2025-01-22"),
       ("C001", "ms.pep-review", "2025-03-31"), ("C002", "ms.pep-start", "2025-03-17"),
       ("C002", "ms.pep", "2025-03-31")]
PEP_OVERDUE = [("C001", "ms.pep-start", "2025-01-08"), ("C001", "ms.pep", "2025-01-22"),
               ("C002", "ms.pep-start", "2025-03-17")]
IRO = [("C001", "task.record-distributed", "2025-02-19"), ("C002", "task.iro-contact-child", "2025-03-28"),
       ("C002", "review.first", "2025-03-31"), ("C001", "task.iro-contact-child", "2025-04-17"),
       ("C001", "review.second", "2025-04-22")]


def keys(rows):
    return sorted((r["child_id"], r["obligation"], r["due"]) for r in rows)


def test_owner_in_json_after_source_and_in_csv(caseload):
    rows = json.loads(caseload("due", *ARGS, "--format", "json").stdout)
    assert keys(rows) == sorted(SW + SW_PLANS + PEP + LA + IRO)
    for row in rows:
        names = list(row)
        assert names.index("owner") == names.index("source") + 1
    owners = {(r["child_id"], r["obligation"], r["due"]): r["owner"] for r in rows}
    assert {k for k, v in owners.items() if v == "social-worker"} == set(SW + SW_PLANS + PEP)
    assert {k for k, v in owners.items() if v == "local-authority"} == set(LA)
    assert {k for k, v in owners.items() if v == "iro"} == set(IRO)
    reader = list(csv.DictReader(io.StringIO(caseload("due", *ARGS, "--format", "csv").stdout)))
    header = list(reader[0])
    assert header.index("owner") == header.index("source") + 1
    assert {(r["child_id"], r["obligation"], r["due"]): r["owner"] for r in reader} == owners


def test_owner_column_in_the_table(caseload):
    table = caseload("due", *ARGS).stdout
    assert "Owner" in table
    lines = [ln for ln in table.splitlines() if "2025-01-08" in ln]  # the care plan and the PEP started
    assert len(lines) == 2 and all("C001" in line and "social-worker" in line for line in lines)
    [line] = [ln for ln in table.splitlines() if "2025-02-19" in ln]
    assert "C001" in line and line.rstrip(" │").endswith("iro")


def test_table_fits_120_columns(caseload):
    from clirunner import Cli

    narrow = Cli(caseload.url)
    narrow.runner.env["COLUMNS"] = "120"
    table = narrow("due", *ARGS).stdout
    assert max(len(line) for line in table.splitlines()) <= 120
    assert "social-worker" in table and "local-authority" in table  # never cut short


def test_owner_iro_is_the_iros_own_list(caseload):
    rows = json.loads(caseload("due", *ARGS, "--owner", "iro", "--format", "json").stdout)
    assert keys(rows) == sorted(IRO)
    late = json.loads(caseload("overdue", "--as-of", "2025-03-25", "--owner", " Social-Worker ",
                               "--format", "json").stdout)
    assert keys(late) == sorted(SW + SW_PLANS + PEP_OVERDUE)
    table = caseload("overdue", "--as-of", "2025-03-25", "--owner", "iro").stdout
    assert "2025-02-19" in table and "2025-01-08" not in table


def test_owner_filter_and_fail_on_overdue(caseload):
    # as of 2025-01-09 nothing of the IRO's is overdue; the SW's care plan, first visit (2024-12-27), placement
    # plan and IRO notification (2024-12-31) and the PEP started (2025-01-08) are
    assert caseload("overdue", "--as-of", "2025-01-09", "--owner", "iro", "--fail-on-overdue").exit_code == 0
    late = caseload("overdue", "--as-of", "2025-01-09", "--owner", "social-worker", "--fail-on-overdue",
                    "--format", "json", ok=False)
    assert late.exit_code == 1
    assert keys(json.loads(late.stdout)) == sorted(SW[:2] + SW_PLANS[:2] + PEP[:1])


def test_unknown_owner_is_exit_2_with_the_profiles_owners(caseload):
    result = caseload("due", "--owner", "social worker", ok=False)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "unknown owner 'social worker'" in line
    assert "iro, " in line and "social-worker" in line and "local-authority" in line


def test_child_show_json_has_owner(caseload):
    shown = json.loads(caseload("child", "show", "C001", "--as-of", "2025-03-25", "--format", "json").stdout)
    obligations = shown["obligations"] if isinstance(shown, dict) else shown
    by = {o["obligation"]: o for o in obligations}
    assert by["ms.care-plan"]["owner"] == "social-worker"
    assert by["task.record-distributed"]["owner"] == "iro"
