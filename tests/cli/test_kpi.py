"""report kpi: every figure worked out by hand over a small england store; the views agree; the HTML renders."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

PERIOD = ("--from", "2025-01-01", "--to", "2025-03-31", "--as-of", "2025-03-31")


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
        cli("child", "add", child, "--name", f"Child {child}", "--dob", "2012-05-01", "--iro", iro, "--team", team)
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
    reviews = kpi_json(kpi_store)["reviews"]
    assert reviews.pop("definition") == ("percentages of on time + late + overdue (held, or due before 2025-03-31 "
                                         "and not held); pending (due on or after 2025-03-31, not held) are not "
                                         "counted")
    assert reviews == {
        "due": 5, "on_time": 2, "late": 2, "overdue": 1, "pending": 0, "due_in_period": 5,
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
    # task.iro-contact-child (R - 1 day, a closed day moved back to the working day before, RULES §6):
    #   C1 R 01-02 - 1 = New Year's Day, moved to 2024-12-31: outside the period;
    #   C2 missed (held Mon 01-20, due Fri 01-17, no visit), C4 overdue (due 02-10, second review not held),
    #   C5 missed (held Mon 01-06, due Fri 01-03), C6 met (01-10 for 01-14) -> 1/4 = 25.0%
    # task.decisions (held + 5 WD): C1 01-09 met 01-08, C2 01-27 overdue, C5 01-13 met 01-09,
    #   C6 01-22 met 01-22 -> 3/4 = 75.0%
    # task.record-distributed (held + 20 WD): C1 01-30 met late 02-03, C2 02-17 overdue, C5 02-03 met,
    #   C6 02-12 met -> 2/4 = 50.0%
    tasks = {r["task"]: r for r in kpi_json(kpi_store)["tasks"]}
    assert sorted(tasks) == ["task.decisions", "task.iro-contact-child", "task.record-distributed"]
    got = {t: (r["due"], r["on_time"], r["late"], r["missed_or_overdue"], r["percent_on_time"])
           for t, r in tasks.items()}
    assert got == {
        "task.iro-contact-child": (4, 1, 0, 3, 25.0),
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
    expected |= {("timeliness", r["group"], k): v for r in report["timeliness"] for k, v in r.items()
                 if k != "group"}
    expected |= {("caseload", r["iro"], k): v for r in report["caseload"] for k, v in r.items() if k != "iro"}
    expected |= {("escalations", r["stage"], k): v for r in report["escalations"] for k, v in r.items()
                 if k != "stage"}
    expected |= {("monthly", r["month"], k): v for r in report["monthly"] for k, v in r.items() if k != "month"}
    expected |= {("settings", "all", k): v for k, v in report["settings"].items()}
    part = report["participation"]
    expected |= {("participation", "all", k): v for k, v in part["all"].items()}
    expected[("participation", "all", "definition")] = part["definition"]
    expected |= {("participation_iro", r["iro"], k): v for r in part["by_iro"] for k, v in r.items() if k != "iro"}
    expected |= {("participation_team", r["team"], k): v for r in part["by_team"] for k, v in r.items()
                 if k != "team"}
    expected |= {("team_monthly", f"{r['team']} {r['month']}", k): v for r in report["team_monthly"]
                 for k, v in r.items() if k not in ("team", "month")}
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
    for needle in ("40.0%", "task.iro-contact-child", "A. Khan", "2 of 4 (50.0%)"):
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


# ------------------------------------------------------------------ --as-of: on time, late, overdue, pending
#
# One child under england, entered care Monday 2025-01-06. review.first = 20 working days later:
# Jan 7-10 (4), 13-17 (9), 20-24 (14), 27-31 (19), Mon Feb 3 (20) = 2025-02-03 (no England and Wales
# bank holiday between 1 January and Good Friday 18 April 2025). The period always runs to a date a
# year past the real today, so "--to in the future" holds whenever the tests run; the figures depend
# only on --as-of.
FUTURE = (dt.date.today() + dt.timedelta(days=400)).isoformat()


@pytest.fixture
def entered_jan6(cli):
    cli("init", "--profile", "england")
    cli("child", "add", "K1", "--name", "Kay One", "--dob", "2012-05-01", "--iro", "A. Khan")
    cli("event", "add", "K1", "entered-care", "2025-01-06")
    return cli


def as_of_json(cli, as_of: str) -> dict:
    return json.loads(cli("report", "kpi", "--from", "2025-01-01", "--to", FUTURE, "--as-of", as_of,
                          "--format", "json").stdout)


def verdicts(section: dict) -> tuple:
    return (section["due_in_period"], section["on_time"], section["late"], section["overdue"], section["pending"],
            section["due"], section["percent_on_time"])


def test_review_not_yet_due_is_pending_not_overdue(entered_jan6):
    # as of 2025-01-20 review.first (due 2025-02-03) is two weeks away: pending, nothing to divide by;
    # task.iro-contact-child (R - 1 day = Sun 2025-02-02, moved back to Fri 01-31) pending too;
    # 15 days looked after (01-06..01-20) < 28
    report = as_of_json(entered_jan6, "2025-01-20")
    assert report["period"] == {"from": "2025-01-01", "to": FUTURE, "profile": "england", "as_of": "2025-01-20",
                                "caseload_on": "2025-01-20"}
    reviews = report["reviews"]
    assert verdicts(reviews) == (1, 0, 0, 0, 1, 0, None)
    assert (reviews["percent_late"], reviews["percent_overdue"], reviews["days_late_worst"]) == (None, None, None)
    assert [(r["task"], r["pending"], r["due"], r["missed_or_overdue"]) for r in report["tasks"]] == [
        ("task.iro-contact-child", 1, 0, 0)]
    assert (report["children"]["looked_after_28_days"], report["children"]["denominator"]) == (0, 0)
    feb = next(r for r in report["monthly"] if r["month"] == "2025-02")
    assert (feb["due"], feb["overdue"], feb["pending"], feb["percent_on_time"]) == (0, 0, 1, None)
    assert [(r["iro"], r["children"]) for r in report["caseload"]] == [("A. Khan", 1)]


def test_due_on_the_as_of_date_itself_is_still_pending(entered_jan6):
    assert verdicts(as_of_json(entered_jan6, "2025-02-03")["reviews"]) == (1, 0, 0, 0, 1, 0, None)


def test_pending_in_every_view(entered_jan6, tmp_path):
    args = ("report", "kpi", "--from", "2025-01-01", "--to", FUTURE, "--as-of", "2025-01-20")
    line = ("Reviews on time: 0 of 0 (n/a); denominator: on time + late + overdue = 0 + 0 + 0. "
            "Pending: 1 due on or after 2025-01-20 and not held, not counted.")
    page = tmp_path / "kpi.html"
    table = entered_jan6(*args, "--html", str(page)).stdout
    assert " ".join(table.split()).count(line) == 1  # the table may wrap the line
    assert f"Review KPIs 2025-01-01 to {FUTURE} (england) as of 2025-01-20" in table
    assert "n/a" in table and "Pending" in table
    assert line in page.read_text()
    rows = list(csv.DictReader(io.StringIO(entered_jan6(*args, "--format", "csv").stdout)))
    by = {(r["section"], r["key"], r["measure"]): r["value"] for r in rows}
    assert (by[("reviews", "all", "pending")], by[("reviews", "all", "overdue")],
            by[("reviews", "all", "percent_on_time")]) == ("1", "0", "")
    assert by[("tasks", "task.iro-contact-child", "pending")] == "1"
    assert by[("monthly", "2025-02", "pending")] == "1"
    assert by[("period", "all", "as_of")] == "2025-01-20"


def test_not_held_after_its_due_date_is_overdue(entered_jan6):
    # as of 2025-02-04 review.first (due 02-03) is 1 day overdue: 0 of 1 on time; the visit (due 02-02)
    # is overdue too; 30 days looked after (01-06..02-04), so the child is in the per-child denominator
    report = as_of_json(entered_jan6, "2025-02-04")
    reviews = report["reviews"]
    assert verdicts(reviews) == (1, 0, 0, 1, 0, 1, 0.0)
    assert (reviews["percent_overdue"], reviews["days_late_median"], reviews["days_late_worst"]) == (100.0, 1, 1)
    assert [(r["task"], r["pending"], r["due"], r["missed_or_overdue"]) for r in report["tasks"]] == [
        ("task.iro-contact-child", 0, 1, 1)]
    children = report["children"]
    assert (children["looked_after_28_days"], children["denominator"], children["all_on_time"]) == (1, 1, 0)


def test_held_late(entered_jan6):
    # held 2025-02-05, 2 days after 02-03: late; review.second = 02-05 + 3 months = 2025-05-05, pending
    # as of 2025-02-10; task.decisions = 02-05 + 5 WD = 02-12 and record-distributed + 20 WD = 03-05 pending
    entered_jan6("event", "add", "K1", "review-held", "2025-02-05")
    report = as_of_json(entered_jan6, "2025-02-10")
    reviews = report["reviews"]
    assert verdicts(reviews) == (2, 0, 1, 0, 1, 1, 0.0)
    assert (reviews["percent_late"], reviews["days_late_median"], reviews["days_late_worst"]) == (100.0, 2, 2)
    tasks = {r["task"]: (r["pending"], r["due"], r["on_time"], r["missed_or_overdue"]) for r in report["tasks"]}
    # the visit before the first review (R = held 02-05, due 02-04) was never made: missed
    assert tasks == {"task.iro-contact-child": (1, 1, 0, 1), "task.decisions": (1, 0, 0, 0),
                     "task.record-distributed": (1, 0, 0, 0)}


def test_held_early_is_on_time_even_before_its_due_date(entered_jan6):
    # held 2025-01-31, before its due date 02-03 and before the as-of 02-01: on time, not pending;
    # review.second = 01-31 + 3 months = 2025-04-30 (no 31 April): pending; 1 of 1 = 100.0%.
    # 27 days looked after (01-06..02-01) < 28: no child in the per-child denominator yet
    entered_jan6("event", "add", "K1", "iro-visit", "2025-01-29")
    entered_jan6("event", "add", "K1", "review-held", "2025-01-31")
    report = as_of_json(entered_jan6, "2025-02-01")
    assert verdicts(report["reviews"]) == (2, 1, 0, 0, 1, 1, 100.0)
    apr = next(r for r in report["monthly"] if r["month"] == "2025-04")
    assert (apr["pending"], apr["due"]) == (1, 0)
    tasks = {r["task"]: (r["pending"], r["due"], r["on_time"]) for r in report["tasks"]}
    # visits: before the first review met 01-29 (due 01-30); before the second (due 04-29) pending
    assert tasks["task.iro-contact-child"] == (1, 1, 1)
    assert (report["children"]["looked_after_28_days"], report["children"]["denominator"]) == (0, 0)


def test_a_later_as_of_sees_what_happened_after_the_period(entered_jan6):
    # period January-February 2025 judged as of 2025-03-10: the review held 02-05 is late; the
    # second review (due 05-05) is outside the period; the caseload is taken on --to, 02-28
    entered_jan6("event", "add", "K1", "review-held", "2025-02-05")
    report = json.loads(entered_jan6("report", "kpi", "--from", "2025-01-01", "--to", "2025-02-28",
                                     "--as-of", "2025-03-10", "--format", "json").stdout)
    assert verdicts(report["reviews"]) == (1, 0, 1, 0, 0, 1, 0.0)
    assert report["period"]["caseload_on"] == "2025-02-28"


def test_events_after_the_as_of_date_are_not_known(entered_jan6):
    # the review held 2025-02-05 is not known on 2025-02-04: review.first is overdue then, not late
    entered_jan6("event", "add", "K1", "review-held", "2025-02-05")
    assert verdicts(as_of_json(entered_jan6, "2025-02-04")["reviews"]) == (1, 0, 0, 1, 0, 1, 0.0)


def test_period_defaults_to_the_reporting_year_up_to_as_of(entered_jan6):
    # --to defaults to --as-of; --from to 1 April of the reporting year that holds it
    report = json.loads(entered_jan6("report", "kpi", "--as-of", "2025-02-04", "--format", "json").stdout)
    assert (report["period"]["from"], report["period"]["to"]) == ("2024-04-01", "2025-02-04")
    assert verdicts(report["reviews"]) == (1, 0, 0, 1, 0, 1, 0.0)


def test_bad_as_of_is_one_line(entered_jan6):
    result = entered_jan6("report", "kpi", "--as-of", "2025-02-30", ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --as-of '2025-02-30' is not a date (expected YYYY-MM-DD)"


def test_html_paints_only_a_caseload_above_the_band_red(kpi_store, tmp_path):
    import re

    page = tmp_path / "kpi.html"
    kpi_store("report", "kpi", *PERIOD, "--html", str(page))
    text = page.read_text()
    # A. Khan 3 and B. Okafor 2: both below 50, which is not a problem in itself (a part-time IRO)
    assert text.count('<td class="band-below">below</td>') == 2
    css = dict(re.findall(r"^(\.band-[^{]+)\{([^}]*)\}", text, re.M))
    assert "#a30000" in css[".band-above "]
    assert "#a30000" not in css[".band-below, .band-within "]


@pytest.mark.parametrize(("min_days", "counted"), [
    # K1 is looked after all of 2025 Q1: 1 Jan to 31 Mar counted inclusively = 31 + 28 + 31 = 90 days
    (90, 1),
    (91, 0),
])
def test_an_authoritys_kpi_settings_reach_the_figures_and_the_labels(cli, tmp_path, min_days, counted):
    profile = tmp_path / "northshire.toml"
    profile.write_text(f'extends = "england"\n[kpi]\nmin_days_looked_after = {min_days}\n'
                       'min_days_source = "Northshire scorecard 2025"\n'
                       'caseload_band = [2, 2]\ncaseload_source = "Northshire IRO service plan 2025"\n')
    cli("init", "--profile", str(profile))
    for child, entered in [("K1", "2024-12-02"), ("K2", "2025-03-10")]:
        cli("child", "add", child, "--name", f"Child {child}", "--dob", "2012-05-01", "--iro", "A. Khan")
        cli("event", "add", child, "entered-care", entered)
    report = kpi_json(cli)
    assert report["settings"] == {"min_days_looked_after": min_days, "caseload_band_low": 2, "caseload_band_high": 2,
                                  "caseload_source": "Northshire IRO service plan 2025"}
    assert report["children"]["looked_after_28_days"] == counted
    assert f"at least {min_days} days" in report["children"]["definition"]
    # both in care on 31 Mar: A. Khan carries 2, inside a band of exactly 2
    assert [(r["iro"], r["children"], r["band"], r["source"]) for r in report["caseload"]] == [
        ("A. Khan", 2, "within", "Northshire IRO service plan 2025")]
    table = cli("report", "kpi", *PERIOD).stdout
    assert f"looked after ≥ {min_days} days" in table
    assert "Band 2–2" in table
    assert "≥ 28 days" not in table and "50–70" not in table


# ------------------------------------------------------------------ figures inspectors ask for (issue 15)
#
# Northshire extends england with its own PEP rule, ms.pep-northshire (entered care + 20 working days,
# met by a pep), and counts it as the PEP figure (an authority's own [kpi.groups.peps]). Period
# 2025 Q1 (01-01 to 03-31) as of Thu 2025-03-20: due on or after 03-20 and not met is pending.
# Every child born 2012-05-01 (12: RHA yearly, SDQ from entering care). No bank holiday in Q1 but 1 Jan.
#
# V1 (A. Khan) entered Mon 01-06; iro-notified 01-07; sw-visit 01-10, 02-28; pep 01-30; health 02-10
#   visit.sw-first   01-06 + 1 week = 01-13, met 01-10                          on time
#   visit.sw-interval 01-10 + 6 weeks = Fri 02-21, met 02-28                     late
#                    02-28 + 6 weeks = 04-11                                     outside the period
#   notify           01-06 + 5 WD = Mon 01-13, told 01-07                        on time
#   health.iha       01-06 + 20 WD = Mon 02-03, assessed 02-10                   late
#   health.rha       02-10 + 12 months = 2026-02-10                              outside
#   ms.pep-northshire 01-06 + 20 WD = 02-03, pep 01-30                           on time
# V2 (A. Khan) entered Mon 2024-12-02; sw-visit 2024-12-05; placement-change Mon 02-17; sw-visit 02-21;
#   iro-notified 02-26
#   placement 1: visit.sw-first 12-09 (outside); visit.sw-interval 12-05 + 6 weeks = Thu 01-16, no
#     visit before the placement ended 02-16                                     missed
#   placement 2: visit.sw-first 02-17 + 1 week = 02-24, met 02-21               on time
#     visit.sw-interval 02-21 + 6 weeks = 04-04                                  outside
#   notify placement 1 12-09 (outside); placement 2 02-17 + 5 WD = Mon 02-24, told 02-26   late
#   health.iha 12-02 + 20 WD: Dec 3-6 (4), 9-13 (9), 16-20 (14), 23-24 (16), 27 (17), 30-31 (19),
#     Thu 2 Jan (20; 25-26 Dec and 1 Jan are bank holidays) = 01-02, none        overdue
#   ms.pep-northshire 01-02 likewise, none                                       overdue
#   health.sdq 12-02 + 12 months = 2025-12-02                                    outside
# V3 (B. Okafor) iro-notified Fri 02-28; entered Mon 03-03; nothing else
#   visit.sw-first 03-03 + 1 week = 03-10, none                                  overdue (still open)
#   notify 03-03 + 5 WD = 03-10, told 02-28 before the placement (window before-start)  on time
#   health.iha 03-03 + 20 WD = Mon 03-31, none, due after 03-20                  pending
#   ms.pep-northshire 03-31 likewise                                             pending
# V4 (B. Okafor) entered 2023-06-01; health 2024-02-15, 2025-02-14; sdq 2024-03-10, 2025-03-12;
#   sw-visit 2025-01-20, 2025-03-03 (the 2023 rules fell due in 2023: outside)
#   visit.sw-interval 01-20 + 6 weeks = 03-03, met 03-03 (on the due date)       on time
#                    (placement > 1 year but never marked long-term: still 6 weeks)
#   health.rha 2024-02-15 + 6 months is after the 5th birthday: + 12 months = Sat 2025-02-15
#     (calendar months, never moved), met 02-14                                  on time
#   health.sdq 2023-06-01 + 12 months = 2024-06-01 (outside); 2024-03-10 + 12 months = 2025-03-10,
#     met 03-12                                                                  late
# V5 (B. Okafor) entered Mon 03-17
#   visit.sw-first 03-17 + 1 week = 03-24                                        pending
#   notify 03-17 + 5 WD = 03-24                                                  pending
#   health.iha, ms.pep-northshire 03-17 + 20 WD = 04-14                          outside
#
# visits:   on time V1, V2, V4; late V1; missed V2, overdue V3 = 3 of 6 = 50.0%; pending V5 -> 7 due
# health:   on time V4 (rha); late V1; overdue V2 = 1 of 3 = 33.3%; pending V3 -> 4 due
# sdq:      late V4 = 0 of 1 = 0.0%
# peps:     on time V1; overdue V2 = 1 of 2 = 50.0%; pending V3 -> 3 due
#   notify.placement-end: V2's first placement ends with the move on 02-17 (due that day), told 02-26  late
# notified: on time V1, V3; late V2 (the new placement, and the old one's end) = 2 of 4 = 50.0%;
#   pending V5 -> 5 due
AS_OF_0320 = ("--from", "2025-01-01", "--to", "2025-03-31", "--as-of", "2025-03-20")
NORTHSHIRE = '''extends = "england"
[rules."ms.pep-northshire"]
type = "after-event"
title = "Personal Education Plan (Northshire)"
owner = "social-worker"
event = "entered-care"
offset = "20 working days"
completed_by = ["pep"]
source = "Northshire virtual school 2025"
[kpi.groups.peps]
prefixes = ["ms.pep-northshire"]
source = "Northshire virtual school 2025"
'''


@pytest.fixture
def figures_store(cli, tmp_path):
    profile = tmp_path / "northshire.toml"
    profile.write_text(NORTHSHIRE)
    cli("init", "--profile", str(profile))
    for child, iro in [("V1", "A. Khan"), ("V2", "A. Khan"), ("V3", "B. Okafor"), ("V4", "B. Okafor"),
                       ("V5", "B. Okafor")]:
        cli("child", "add", child, "--name", f"Child {child}", "--dob", "2012-05-01", "--iro", iro)
    for child, kind, day in [
        ("V1", "entered-care", "2025-01-06"), ("V1", "iro-notified", "2025-01-07"), ("V1", "sw-visit", "2025-01-10"),
        ("V1", "pep", "2025-01-30"), ("V1", "health-assessment", "2025-02-10"), ("V1", "sw-visit", "2025-02-28"),
        ("V2", "entered-care", "2024-12-02"), ("V2", "sw-visit", "2024-12-05"),
        ("V2", "placement-change", "2025-02-17"), ("V2", "sw-visit", "2025-02-21"),
        ("V2", "iro-notified", "2025-02-26"),
        ("V3", "iro-notified", "2025-02-28"), ("V3", "entered-care", "2025-03-03"),
        ("V4", "entered-care", "2023-06-01"), ("V4", "health-assessment", "2024-02-15"),
        ("V4", "sdq", "2024-03-10"), ("V4", "sw-visit", "2025-01-20"), ("V4", "health-assessment", "2025-02-14"),
        ("V4", "sw-visit", "2025-03-03"), ("V4", "sdq", "2025-03-12"),
        ("V5", "entered-care", "2025-03-17"),
    ]:
        cli("event", "add", child, kind, day)
    return cli


def figures(report: dict) -> dict:
    return {r["group"]: (r["due_in_period"], r["pending"], r["due"], r["on_time"], r["late"], r["missed_or_overdue"],
                         r["percent_on_time"]) for r in report["timeliness"]}


def test_figures_inspectors_ask_for_worked_by_hand(figures_store):
    report = json.loads(figures_store("report", "kpi", *AS_OF_0320, "--format", "json").stdout)
    # (due in period, pending, counted, on time, late, missed or overdue, % on time): see the table above
    assert figures(report) == {
        "visits": (7, 1, 6, 3, 1, 2, 50.0),
        "health-assessments": (4, 1, 3, 1, 1, 1, 33.3),
        "sdq": (1, 0, 1, 0, 1, 0, 0.0),
        "peps": (3, 1, 2, 1, 0, 1, 50.0),
        "iro-notified": (5, 1, 4, 2, 2, 0, 50.0),
    }
    rows = {r["group"]: r for r in report["timeliness"]}
    assert [r["group"] for r in report["timeliness"]] == ["visits", "health-assessments", "sdq", "peps",
                                                           "iro-notified"]
    assert (rows["visits"]["prefixes"], rows["visits"]["rules"]) == (
        "visit.", "visit.adoptive, visit.sw-care-order-home, visit.sw-first, visit.sw-interval, "
                  "visit.sw-long-term-foster, visit.sw-reg19, visit.sw-reg24")
    assert rows["health-assessments"]["rules"] == "health.iha, health.rha"
    assert (rows["sdq"]["rules"], rows["iro-notified"]["rules"]) == ("health.sdq",
                                                                       "notify.placement-end, notify.placement-iro")
    # the authority's own figure keeps the national title and carries its own source
    assert (rows["peps"]["rules"], rows["peps"]["source"]) == ("ms.pep-northshire", "Northshire virtual school 2025")
    assert rows["peps"]["title"] == "Personal Education Plans"
    assert rows["visits"]["source"] == "REG reg 28; RULES §7"
    assert rows["visits"]["definition"] == (
        "obligations of rules whose id starts with visit. due 2025-01-01 to 2025-03-31; in time = met on or before "
        "the due date; late, missed, or not met and due before 2025-03-20 are not in time; pending (due on or after "
        "2025-03-20, not met) not counted")
    # the review figures are measured as before (their keys unchanged)
    assert {"reviews", "children", "tasks", "caseload", "escalations", "monthly", "settings"} <= set(report)


def test_figures_follow_the_iro_filter(figures_store):
    # A. Khan: V1, V2. visits on time V1, V2; late V1; missed V2 = 2 of 4; notify on time V1, late V2 twice
    # (the new placement and the old one's end) = 1 of 3
    report = json.loads(figures_store("report", "kpi", *AS_OF_0320, "--iro", "A. Khan", "--format", "json").stdout)
    got = figures(report)
    assert got["visits"] == (4, 0, 4, 2, 1, 1, 50.0)
    assert got["iro-notified"] == (3, 0, 3, 1, 2, 0, 33.3)
    # B. Okafor: V3 overdue, V4 on time, V5 pending = 1 of 2
    report = json.loads(figures_store("report", "kpi", *AS_OF_0320, "--iro", "B. Okafor", "--format", "json").stdout)
    assert figures(report)["visits"] == (3, 1, 2, 1, 0, 1, 50.0)


def test_a_later_as_of_judges_the_pending_ones(figures_store):
    # as of 2025-04-01 nothing in Q1 is pending: V5's visit (03-24) and notification (03-24), V3's IHA and
    # PEP (03-31) are overdue. visits 3 of 7 = 42.9%; health 1 of 4 = 25.0%; peps 1 of 3 = 33.3%;
    # notified 2 of 5 = 40.0%
    report = json.loads(figures_store("report", "kpi", "--from", "2025-01-01", "--to", "2025-03-31",
                                      "--as-of", "2025-04-01", "--format", "json").stdout)
    got = figures(report)
    assert got["visits"] == (7, 0, 7, 3, 1, 3, 42.9)
    assert got["health-assessments"] == (4, 0, 4, 1, 1, 2, 25.0)
    assert got["peps"] == (3, 0, 3, 1, 0, 2, 33.3)
    assert got["iro-notified"] == (5, 0, 5, 2, 2, 1, 40.0)


def test_figures_in_every_view(figures_store, tmp_path):
    page = tmp_path / "kpi.html"
    table = figures_store("report", "kpi", *AS_OF_0320, "--html", str(page)).stdout
    flat = " ".join(table.split())
    assert "Figures inspectors ask for" in flat
    assert "Figures in time: each counts the obligations due in the period" in flat
    for needle in ("Social worker visits", "50.0%", "33.3%", "ms.pep-northshire"):
        assert needle in flat, needle
    html = page.read_text()
    assert "Figures inspectors ask for: in time, due in the period" in html
    assert "<td>health.iha, health.rha</td>" in html and "<td>33.3%</td>" in html
    rows = list(csv.DictReader(io.StringIO(figures_store("report", "kpi", *AS_OF_0320, "--format", "csv").stdout)))
    by = {(r["section"], r["key"], r["measure"]): r["value"] for r in rows}
    assert (by[("timeliness", "visits", "on_time")], by[("timeliness", "visits", "percent_on_time")]) == ("3", "50.0")
    assert by[("timeliness", "sdq", "late")] == "1"


def test_a_figure_whose_rules_the_profile_lacks_says_so(cli, tmp_path):
    # a profile may name prefixes no rule of it has: the figure is empty and says so in the table
    profile = tmp_path / "southshire.toml"
    profile.write_text('extends = "england"\n[kpi.groups.peps]\nprefixes = ["ms.pep-southshire"]\n'
                       'source = "Southshire 2025"\n')
    cli("init", "--profile", str(profile))
    report = kpi_json(cli)
    peps = next(r for r in report["timeliness"] if r["group"] == "peps")
    assert (peps["rules"], peps["due_in_period"], peps["percent_on_time"]) == ("", 0, None)
    assert "none in this profile" in cli("report", "kpi", *PERIOD).stdout
