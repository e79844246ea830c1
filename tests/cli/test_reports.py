"""due, overdue and explain: the contract's JSON and CSV, and the table, from the same call."""

from __future__ import annotations

import csv
import io
import json

# the contract's keys, and "cover" (the IRO covering the child, or null) appended by issue 17
CONTRACT_KEYS = {"child_id", "obligation", "title", "due", "status", "days", "anchor", "iro", "team", "source", "owner",
                 "cover"}


def test_due_json_matches_the_contract(caseload):
    rows = json.loads(caseload("due", "--as-of", "2025-03-25", "--format", "json").stdout)
    assert rows, "nothing due"
    assert all(set(r) == CONTRACT_KEYS for r in rows)
    assert rows == sorted(rows, key=lambda r: (r["due"], r["child_id"]))
    by = {(r["child_id"], r["obligation"]): r for r in rows}
    first = by[("C002", "review.first")]
    assert first == {
        "child_id": "C002", "obligation": "review.first", "title": "First review", "due": "2025-03-31",
        "status": "due", "days": 6, "anchor": {"kind": "entered-care", "date": "2025-03-03"},
        "iro": "A. Khan", "team": "North", "source": "REG reg 33(1)", "owner": "iro", "cover": None,
    }
    # C001's first-review record was never sent: 2025-01-22 + 20 WD = 2025-02-19, overdue by 34 days
    late = by[("C001", "task.record-distributed")]
    assert (late["due"], late["status"], late["days"]) == ("2025-02-19", "overdue", -34)


def test_table_json_and_csv_show_the_same_rows(caseload):
    args = ("due", "--as-of", "2025-03-25", "--within", "40")
    rows = json.loads(caseload(*args, "--format", "json").stdout)
    table = caseload(*args).stdout
    reader = list(csv.DictReader(io.StringIO(caseload(*args, "--format", "csv").stdout)))
    assert [(r["child_id"], r["obligation"], r["due"]) for r in rows] == [
        (r["child_id"], r["obligation"], r["due"]) for r in reader]
    assert reader[0].keys() >= {"anchor_kind", "anchor_date", "days", "status"}
    for r in rows:
        assert r["due"] in table and r["child_id"] in table
    assert "overdue" in table.lower() or "late" in table


def test_due_on_the_day_itself_is_due_with_zero_days(caseload):
    rows = json.loads(caseload("due", "--as-of", "2025-03-31", "--format", "json").stdout)
    [row] = [r for r in rows if (r["child_id"], r["obligation"]) == ("C002", "review.first")]
    assert (row["status"], row["days"]) == ("due", 0)


def test_due_filters_by_iro_and_team(caseload):
    okafor = json.loads(caseload("due", "--as-of", "2025-05-01", "--iro", "B. Okafor", "--format", "json").stdout)
    assert {r["child_id"] for r in okafor} == {"C003"}
    north = json.loads(caseload("due", "--as-of", "2025-05-01", "--team", "North", "--format", "json").stdout)
    assert {r["child_id"] for r in north} == {"C001", "C002"}


def test_overdue_and_fail_on_overdue(caseload):
    # C001 (entered 2024-12-20) visited by the social worker within the week (REG reg 28(2)(a), due 12-27)
    caseload("event", "add", "C001", "sw-visit", "2024-12-23")
    # ... and its placement plan (REG reg 9) and the IRO told (reg 13) within 5 working days (due 2024-12-31)
    caseload("event", "add", "C001", "placement-plan", "2024-12-23")
    caseload("event", "add", "C001", "iro-notified", "2024-12-23")
    clean = caseload("overdue", "--as-of", "2025-01-01", "--fail-on-overdue", "--format", "json")
    assert json.loads(clean.stdout) == []
    late = caseload("overdue", "--as-of", "2025-06-01", "--fail-on-overdue", "--format", "json", ok=False)
    assert late.exit_code == 1
    rows = json.loads(late.stdout)
    assert rows and all(r["status"] == "overdue" and r["days"] < 0 for r in rows)


def test_one_open_review_per_child(caseload):
    rows = json.loads(caseload("due", "--as-of", "2025-12-01", "--within", "400", "--format", "json").stdout)
    reviews = [r["child_id"] for r in rows if r["obligation"].startswith("review.")]
    assert sorted(reviews) == sorted(set(reviews))


def test_explain_prints_rule_source_and_arithmetic(caseload):
    rows = json.loads(caseload("explain", "C002", "--as-of", "2025-03-10", "--format", "json").stdout)
    [first] = [r for r in rows if r["obligation"] == "review.first"]
    assert first["arithmetic"] == "2025-03-03 + 20 working days = 2025-03-31"
    assert first["source"] == "REG reg 33(1)"
    table = caseload("explain", "C002", "--as-of", "2025-03-10").stdout
    # the table keeps each sign with its number, so a wrapped cell never ends a line on a lone "-"
    assert "2025-03-03 +20 working days = 2025-03-31" in table


def test_explain_cites_reg_28_for_a_visit(caseload):
    # C002 entered care Mon 2025-03-03: the social worker visits within a week (+ 7 days = 2025-03-10),
    # then within 6 weeks of each visit (2025-03-07 + 42 days = 2025-04-18)
    caseload("event", "add", "C002", "sw-visit", "2025-03-07")
    rows = json.loads(caseload("explain", "C002", "--as-of", "2025-03-20", "--format", "json").stdout)
    by = {r["obligation"]: r for r in rows}
    first, interval = by["visit.sw-first"], by["visit.sw-interval"]
    assert (first["source"], first["owner"], first["status"]) == ("REG reg 28(2)(a)", "social-worker", "met")
    assert first["arithmetic"] == "2025-03-03 + 1 week = 2025-03-10"
    assert interval["source"] == "REG reg 28(2)(b)-(c)" and interval["due"] == "2025-04-18"
    assert interval["arithmetic"].endswith("2025-03-07 + 6 weeks = 2025-04-18")
    assert "REG reg 28" in caseload("explain", "C002", "--as-of", "2025-03-20").stdout


def test_explain_cites_reg_28_4_for_a_temporary_approval(caseload):
    # C002 moved Mon 2025-04-14 to a connected person approved temporarily that day (REG reg 24): visited
    # within a week (+ 7 = Easter Monday 2025-04-21, not moved), then weekly while no review is held since
    # (2025-04-17 + 7 days = 2025-04-24); the temporary approval runs 16 weeks (+ 112 days = 2025-08-04)
    for kind, day in [("placement-change", "2025-04-14"), ("temporary-approval", "2025-04-14"),
                      ("sw-visit", "2025-04-17")]:
        caseload("event", "add", "C002", kind, day)
    rows = json.loads(caseload("explain", "C002", "--as-of", "2025-04-20", "--format", "json").stdout)
    regime = [r for r in rows if r["obligation"] == "visit.sw-reg24"]
    assert [(r["due"], r["status"], r["source"], r["owner"]) for r in regime] == [
        ("2025-04-21", "met", "REG reg 28(4)", "social-worker"),
        ("2025-04-24", "due", "REG reg 28(4)", "social-worker")]
    assert regime[1]["arithmetic"] == ("temporary-approval from 2025-04-14; visit 2025-04-17, no review held since; "
                                       "2025-04-17 + 1 week = 2025-04-24")
    [expiry] = [r for r in rows if r["obligation"] == "placement.reg24-expiry"]
    assert (expiry["due"], expiry["source"]) == ("2025-08-04", "REG reg 24-25")
    # the visit made under the regime starts no 6-weekly visit.sw-interval
    assert not [r for r in rows if r["obligation"] == "visit.sw-interval"]
    assert "REG reg 28(4)" in caseload("explain", "C002", "--as-of", "2025-04-20").stdout


def test_profile_option_changes_the_rules(caseload):
    rows = json.loads(caseload("--profile", "blackpool", "due", "--as-of", "2025-02-01", "--within", "120",
                               "--iro", "A. Khan", "--format", "json").stdout)
    [second] = [r for r in rows if (r["child_id"], r["obligation"]) == ("C001", "review.second")]
    assert second["due"] == "2025-04-23"  # 91 days, not 3 months


def test_csv_is_safe_against_formula_injection(cli):
    cli("init")
    cli.add_child_as_imported("=HYPERLINK(1)", "X Y", "2012-05-01", iro="@evil", team="+team")
    cli("event", "add", "=HYPERLINK(1)", "entered-care", "2025-01-06")
    out = cli("due", "--as-of", "2025-01-07", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["child_id"] == "'=HYPERLINK(1)" and r["iro"] == "'@evil" and r["team"] == "'+team"
                        for r in rows)


def test_as_of_today_is_the_same_as_no_as_of(caseload):
    # CONTRACT: --as-of and every date option accept `today` (Europe/London)
    plain = json.loads(caseload("due", "--format", "json").stdout)
    assert json.loads(caseload("due", "--as-of", "today", "--format", "json").stdout) == plain
    assert json.loads(caseload("overdue", "--as-of", "Today", "--format", "json").stdout) == json.loads(
        caseload("overdue", "--format", "json").stdout)
