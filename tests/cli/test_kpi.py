"""report kpi: every figure worked out by hand over a small england store; the views agree; the HTML renders."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

PERIOD = ("--from", "2025-01-01", "--to", "2025-03-31")


@pytest.fixture
def kpi_store(cli):
    """Six children under england; the period is 2025 Q1, as at 2025-03-31.

    Reviews (review.first = entered + 20 WD; review.second = held + 3 months):
      C1 entered 2024-12-02: first due 2025-01-02, held 2025-01-02        on time
      C2 entered 2024-12-16: first due 2025-01-16, held 2025-01-20        late by 4
      C3 entered 2025-03-10: first due 2025-04-07                         outside the period
      C4 held first 2024-11-11: second due 2025-02-11, not held           overdue, 48 days by 03-31
      C5 entered 2024-12-02: first due 2025-01-02, held 2025-01-06        late by 4; left care 2025-01-10
      C6 entered 2024-12-16: first due 2025-01-16, held 2025-01-15        on time
    """
    cli("init", "--profile", "england")
    for child, iro, team in [("C1", "A. Khan", "North"), ("C2", "A. Khan", "North"), ("C3", "A. Khan", "South"),
                             ("C4", "B. Okafor", "South"), ("C5", "B. Okafor", "South"),
                             ("C6", "B. Okafor", "North")]:
        cli("child", "add", child, "--name", f"Child {child}", "--iro", iro, "--team", team)
    for child, kind, day in [
        ("C1", "entered-care", "2024-12-02"), ("C1", "iro-visit", "2024-12-20"), ("C1", "review-held", "2025-01-02"),
        ("C1", "decisions-circulated", "2025-01-08"), ("C1", "record-distributed", "2025-02-03"),
        ("C2", "entered-care", "2024-12-16"), ("C2", "review-held", "2025-01-20"),
        ("C3", "entered-care", "2025-03-10"),
        ("C4", "entered-care", "2024-10-14"), ("C4", "review-held", "2024-11-11"),
        ("C4", "decisions-circulated", "2024-11-12"), ("C4", "record-distributed", "2024-11-20"),
        ("C5", "entered-care", "2024-12-02"), ("C5", "review-held", "2025-01-06"),
        ("C5", "decisions-circulated", "2025-01-09"), ("C5", "record-distributed", "2025-01-09"),
        ("C5", "left-care", "2025-01-10"),
        ("C6", "entered-care", "2024-12-16"), ("C6", "iro-visit", "2025-01-10"), ("C6", "review-held", "2025-01-15"),
        ("C6", "decisions-circulated", "2025-01-22"), ("C6", "record-distributed", "2025-02-12"),
    ]:
        cli("event", "add", child, kind, day)
    # escalations: E1 opened before the period, escalated to stage 1 and resolved in it;
    # E2 opened at stage 1 in it and still open; E3 opened and resolved informally in it
    e1 = cli("escalation", "open", "C2", "--reason", "drift", "--date", "2024-12-10").stdout.strip()
    cli("escalation", "escalate", e1, "--date", "2025-01-20", "--to-stage", "1")
    cli("escalation", "resolve", e1, "--date", "2025-02-10", "--outcome", "plan agreed")
    cli("escalation", "open", "C4", "--reason", "statutory", "--stage", "1", "--date", "2025-02-12")
    e3 = cli("escalation", "open", "C1", "--reason", "other", "--date", "2025-03-03").stdout.strip()
    cli("escalation", "resolve", e3, "--date", "2025-03-05", "--outcome", "done")
    return cli


def kpi_json(cli, *extra) -> dict:
    return json.loads(cli("report", "kpi", *PERIOD, *extra, "--format", "json").stdout)


def test_review_timeliness_per_review(kpi_store):
    # 5 reviews due in the period (C1, C2, C4, C5, C6): on time C1, C6 = 2/5 = 40.0%;
    # late C2, C5 = 2/5 = 40.0%; overdue C4 = 1/5 = 20.0%.
    # days late [4 (C2), 4 (C5), 48 (C4: 2025-02-11 to 2025-03-31)]: median 4, worst 48
    assert kpi_json(kpi_store)["reviews"] == {
        "due": 5, "on_time": 2, "late": 2, "overdue": 1, "pending": 0,
        "percent_on_time": 40.0, "percent_late": 40.0, "percent_overdue": 20.0,
        "days_late_median": 4, "days_late_worst": 48,
    }


def test_per_child_timeliness_states_its_denominator(kpi_store):
    report = kpi_json(kpi_store)
    # looked after >= 28 days in Q1: C1, C2, C4, C6 (C3 22 days from 03-10; C5 9 days, left 01-10) = 4;
    # each has a review due in Q1, so the denominator is 4; all on time: C1, C6 = 2/4 = 50.0%
    assert {k: v for k, v in report["children"].items() if k != "definition"} == {
        "looked_after_28_days": 4, "denominator": 4, "all_on_time": 2, "percent_all_on_time": 50.0}
    assert "at least 28 days" in report["children"]["definition"]
    table = kpi_store("report", "kpi", *PERIOD).stdout
    assert "all on time: 2 of 4 (50.0%); denominator: children looked after for at least 28 days" in table


def test_tasks_on_time_by_task(kpi_store):
    # task.iro-visit (R - 1 day): C1 met (visit 12-20 for 01-01), C2 missed (held 01-20, no visit),
    #   C4 overdue (due 02-10, second review not held), C5 missed, C6 met (01-10 for 01-14) -> 2/5 = 40.0%
    # task.decisions (held + 5 WD): C1 01-09 met 01-08, C2 01-27 overdue, C5 01-13 met 01-09,
    #   C6 01-22 met 01-22 -> 3/4 = 75.0%
    # task.record-distributed (held + 20 WD): C1 01-30 met late 02-03, C2 02-17 overdue, C5 02-03 met,
    #   C6 02-12 met -> 2/4 = 50.0%
    tasks = {r["task"]: r for r in kpi_json(kpi_store)["tasks"]}
    assert sorted(tasks) == ["task.decisions", "task.iro-visit", "task.record-distributed"]
    got = {t: (r["due"], r["on_time"], r["late"], r["missed_or_overdue"], r["percent_on_time"])
           for t, r in tasks.items()}
    assert got == {
        "task.iro-visit": (5, 2, 0, 3, 40.0),
        "task.decisions": (4, 3, 0, 1, 75.0),
        "task.record-distributed": (4, 2, 1, 1, 50.0),
    }


def test_caseload_against_the_handbook_band_and_escalations(kpi_store):
    report = kpi_json(kpi_store)
    # in care on 2025-03-31: A. Khan C1, C2, C3; B. Okafor C4, C6 (C5 left) - both below 50
    assert [(r["iro"], r["children"], r["band"]) for r in report["caseload"]] == [
        ("A. Khan", 3, "below"), ("B. Okafor", 2, "below")]
    assert report["caseload"][0]["band_low"] == 50 and report["caseload"][0]["band_high"] == 70
    # E3 opened and resolved informally; E2 opened at 1; E1 escalated to 1 and resolved there
    assert report["escalations"] == [
        {"stage": "informal", "opened": 1, "escalated_to": 0, "resolved": 1},
        {"stage": "1", "opened": 1, "escalated_to": 1, "resolved": 1},
    ]


def test_monthly_timeliness(kpi_store):
    # Jan: C1 met, C2 late, C5 late, C6 met = 2/4 = 50.0%; Feb: C4 overdue = 0/1; Mar: none due
    assert [(r["month"], r["due"], r["on_time"], r["percent_on_time"]) for r in kpi_json(kpi_store)["monthly"]] == [
        ("2025-01", 4, 2, 50.0), ("2025-02", 1, 0, 0.0), ("2025-03", 0, 0, None)]


def test_iro_filter(kpi_store):
    # A. Khan: C1 on time, C2 late (C3 none due) = 1/2 = 50.0%
    reviews = kpi_json(kpi_store, "--iro", "A. Khan")["reviews"]
    assert (reviews["due"], reviews["on_time"], reviews["percent_on_time"]) == (2, 1, 50.0)


def test_table_json_and_csv_agree(kpi_store):
    report = kpi_json(kpi_store)
    rows = list(csv.DictReader(io.StringIO(kpi_store("report", "kpi", *PERIOD, "--format", "csv").stdout)))
    table = kpi_store("report", "kpi", *PERIOD).stdout
    by = {(r["section"], r["key"], r["measure"]): r["value"] for r in rows}
    expected = {("reviews", "all", k): v for k, v in report["reviews"].items()}
    expected |= {("children", "all", k): v for k, v in report["children"].items()}
    expected |= {("tasks", r["task"], k): v for r in report["tasks"] for k, v in r.items() if k != "task"}
    expected |= {("caseload", r["iro"], k): v for r in report["caseload"] for k, v in r.items() if k != "iro"}
    expected |= {("escalations", r["stage"], k): v for r in report["escalations"] for k, v in r.items()
                 if k != "stage"}
    expected |= {("monthly", r["month"], k): v for r in report["monthly"] for k, v in r.items() if k != "month"}
    for key, value in expected.items():
        assert by[key] == ("" if value is None else str(value)), key
    assert {k for k in by if k[0] != "period"} == set(expected)
    # the table shows the same figures
    for needle in ("40.0%", "20.0%", "48", "task.record-distributed", "75.0%", "A. Khan", "below",
                   "2025-01", "2025-02", "Reviews held on time, by month", "█"):
        assert needle in table, needle
    assert "Review KPIs 2025-01-01 to 2025-03-31 (england)" in table


def test_bad_period_is_one_line(kpi_store):
    result = kpi_store("report", "kpi", "--from", "2025-04-01", "--to", "2025-03-31", ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --to 2025-03-31 is before --from 2025-04-01"


def test_html_is_self_contained_and_private(kpi_store, tmp_path):
    page = tmp_path / "kpi.html"
    result = kpi_store("report", "kpi", *PERIOD, "--format", "json", "--html", str(page))
    json.loads(result.stdout)  # stdout stays data
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "<style>" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text and "<script" not in text and "<link" not in text
    for needle in ("40.0%", "task.iro-visit", "A. Khan", "2 of 4 (50.0%)"):
        assert needle in text


def _chromium() -> str | None:
    found = shutil.which("chromium") or (Path("/usr/bin/chromium").exists() and "/usr/bin/chromium") or None
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    # CI runs as root on Debian: install it rather than skip
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, capture_output=True, timeout=1200)
    return shutil.which("chromium") or (Path("/usr/bin/chromium").exists() and "/usr/bin/chromium") or None


def test_html_renders_in_headless_chromium(kpi_store, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed, and cannot be installed here (needs root and apt-get)")
    page = tmp_path / "kpi.html"
    kpi_store("report", "kpi", *PERIOD, "--html", str(page))
    shot = tmp_path / "kpi.png"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,900",
         page.as_uri()],
        capture_output=True, timeout=120, check=False,
    )
    assert shot.exists(), "chromium wrote no screenshot"
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 900)
    # a blank white page compresses to well under 10 KB; tables, text and bars do not
    assert len(data) > 10_000, len(data)
