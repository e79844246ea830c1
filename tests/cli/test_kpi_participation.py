"""report kpi: participation (SSDA903 PN codes) of the reviews held, overall, by IRO and by team, and each
team's month-by-month trend (reviews held, on time, took part), worked out by hand; every view shows them."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest

PERIOD = ("--from", "2025-01-01", "--to", "2025-03-31", "--as-of", "2025-03-31")


@pytest.fixture
def service(cli):
    """Eleven children in three teams under four IROs (england); the period is 2025 Q1, as at 2025-03-31.

    Each child's first review (R1) was held before the period, so its second falls due 3 months after
    R1 (review.second, REG reg 33(2)(b)), on a weekday that is no bank holiday:

      child  team   IRO        R1          second due   held        verdict        code
      N1     North  A. Khan    2024-10-02  2025-01-02   2025-01-02  on time        PN1
      N2     North  A. Khan    2024-10-15  2025-01-15   2025-02-04  late (Feb)     PN5
      N3     North  D. Evans   2024-11-05  2025-02-05   2025-02-03  on time        none recorded
      N4     North  D. Evans   2024-12-10  2025-03-10   2025-03-10  on time        PN0 (born 2023)
      S1     South  B. Okafor  2024-10-10  2025-01-10   2025-01-09  on time        PN7
      S2     South  B. Okafor  2024-11-20  2025-02-20   -           overdue        -
      S3     South  B. Okafor  2024-12-03  2025-03-03   2025-03-05  late           PN2
      E1     East   C. Diaz    2024-10-20  2025-01-20   2025-01-20  on time        PN6
      E2     East   C. Diaz    2024-11-03  2025-02-03   2025-02-10  late           PN4
      E3     East   A. Khan    2024-12-13  2025-03-13   2025-03-13  on time        PN3
      E4     East   C. Diaz    2024-10-08  2025-01-08   2025-01-08  on time        PN1
    """
    cli("init", "--profile", "england")
    children = [
        # child, team, IRO, entered care, R1, held in the period, participation
        ("N1", "North", "A. Khan", "2024-09-02", "2024-10-02", "2025-01-02", "PN1"),
        ("N2", "North", "A. Khan", "2024-09-02", "2024-10-15", "2025-02-04", "pn5"),  # any case
        ("N3", "North", "D. Evans", "2024-10-01", "2024-11-05", "2025-02-03", None),
        ("N4", "North", "D. Evans", "2024-10-01", "2024-12-10", "2025-03-10", "PN0"),
        ("S1", "South", "B. Okafor", "2024-09-02", "2024-10-10", "2025-01-09", "PN7"),
        ("S2", "South", "B. Okafor", "2024-09-02", "2024-11-20", None, None),
        ("S3", "South", "B. Okafor", "2024-10-01", "2024-12-03", "2025-03-05", "PN2"),
        ("E1", "East", "C. Diaz", "2024-09-02", "2024-10-20", "2025-01-20", "PN6"),
        ("E2", "East", "C. Diaz", "2024-09-02", "2024-11-03", "2025-02-10", "PN4"),
        ("E3", "East", "A. Khan", "2024-10-01", "2024-12-13", "2025-03-13", "PN3"),
        ("E4", "East", "C. Diaz", "2024-09-02", "2024-10-08", "2025-01-08", "PN1"),
    ]
    for child, team, iro, entered, first, held, code in children:
        dob = "2023-06-01" if child == "N4" else "2012-05-01"
        cli("child", "add", child, "--name", f"Child {child}", "--dob", dob, "--iro", iro, "--team", team)
        cli("event", "add", child, "entered-care", entered)
        first_code = "PN0" if child == "N4" else "PN1"  # N4 is under 4; before the period: not counted
        cli("event", "add", child, "review-held", first, "--participation", first_code)
        if held:
            cli("event", "add", child, "review-held", held, *(("--participation", code) if code else ()))
    return cli


def kpi_json(cli, *extra) -> dict:
    return json.loads(cli("report", "kpi", *PERIOD, *extra, "--format", "json").stdout)



def code_counts(row: dict) -> tuple:
    return tuple(row[k] for k in ("pn0", "pn1", "pn2", "pn3", "pn4", "pn5", "pn6", "pn7", "not_recorded", "held"))


def test_participation_overall_counts_and_shares(service):
    part = kpi_json(service)["participation"]
    # held in Q1: N1 PN1, N2 PN5, N3 none, N4 PN0, S1 PN7, S3 PN2, E1 PN6, E2 PN4, E3 PN3, E4 PN1 = 10
    # (the eleven R1s before the period, each PN1, are not counted; S2 held none)
    overall = part["all"]
    assert code_counts(overall) == (1, 2, 1, 1, 1, 1, 1, 1, 1, 10)
    # shares of the 10 held: PN1 2/10 = 20.0%, every other code and "none" 1/10 = 10.0%
    assert [overall[f"percent_{c}"] for c in ("pn0", "pn1", "pn2", "pn3", "pn4", "pn5", "pn6", "pn7")] == [
        10.0, 20.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0]
    assert overall["percent_not_recorded"] == 10.0
    # took part: PN1-PN6 = 2 + 1 + 1 + 1 + 1 + 1 = 7 of aged 4+ (PN1-PN7) = 8: 87.5%
    # (PN0 and the review with no code are in neither count)
    assert (overall["participated"], overall["aged_4_plus"], overall["percent_participated"]) == (7, 8, 87.5)
    assert "PN1-PN4" in part["definition"] and "held 2025-01-01 to 2025-03-31" in part["definition"]


def test_participation_by_iro_and_by_team(service):
    part = kpi_json(service)["participation"]
    # A. Khan: N1 PN1, N2 PN5, E3 PN3 (a child in East: the IRO on the child record) -> 3 of 3 = 100.0%
    # B. Okafor: S1 PN7, S3 PN2 -> 1 of 2 = 50.0%; C. Diaz: E1 PN6, E2 PN4, E4 PN1 -> 3 of 3
    # D. Evans: N3 none, N4 PN0 -> nobody aged 4+ with a code: n/a; shares 1/2 = 50.0% each
    assert [(r["iro"], code_counts(r), r["participated"], r["aged_4_plus"], r["percent_participated"])
            for r in part["by_iro"]] == [
        ("A. Khan", (0, 1, 0, 1, 0, 1, 0, 0, 0, 3), 3, 3, 100.0),
        ("B. Okafor", (0, 0, 1, 0, 0, 0, 0, 1, 0, 2), 1, 2, 50.0),
        ("C. Diaz", (0, 1, 0, 0, 1, 0, 1, 0, 0, 3), 3, 3, 100.0),
        ("D. Evans", (1, 0, 0, 0, 0, 0, 0, 0, 1, 2), 0, 0, None),
    ]
    evans = part["by_iro"][3]
    assert (evans["percent_pn0"], evans["percent_not_recorded"], evans["percent_pn1"]) == (50.0, 50.0, 0.0)
    # East: E1 PN6, E2 PN4, E3 PN3, E4 PN1 -> 4 of 4; North: N1 PN1, N2 PN5, N3 none, N4 PN0 -> 2 of 2;
    # South: S1 PN7, S3 PN2 -> 1 of 2 (PN7 1/2 = 50.0% of held)
    assert [(r["team"], code_counts(r), r["participated"], r["aged_4_plus"], r["percent_participated"])
            for r in part["by_team"]] == [
        ("East", (0, 1, 0, 1, 1, 0, 1, 0, 0, 4), 4, 4, 100.0),
        ("North", (1, 1, 0, 0, 0, 1, 0, 0, 1, 4), 2, 2, 100.0),
        ("South", (0, 0, 1, 0, 0, 0, 0, 1, 0, 2), 1, 2, 50.0),
    ]
    assert part["by_team"][2]["percent_pn7"] == 50.0 and part["by_team"][1]["percent_not_recorded"] == 25.0


def test_each_teams_months(service):
    rows = kpi_json(service)["team_monthly"]
    got = [(r["team"], r["month"], r["held"], r["participated"], r["aged_4_plus"], r["percent_participated"],
            r["not_recorded"], r["due"], r["on_time"], r["late"], r["overdue"], r["percent_on_time"]) for r in rows]
    assert got == [
        # team    month     held part 4+  %took  none  due on-time late overdue %on time
        # East held: Jan E1 PN6, E4 PN1; Feb E2 PN4; Mar E3 PN3.
        # East due: Jan E1 01-20 held that day, E4 01-08 held that day; Feb E2 02-03 held 02-10 (late);
        # Mar E3 03-13 held that day
        ("East", "2025-01", 2, 2, 2, 100.0, 0, 2, 2, 0, 0, 100.0),
        ("East", "2025-02", 1, 1, 1, 100.0, 0, 1, 0, 1, 0, 0.0),
        ("East", "2025-03", 1, 1, 1, 100.0, 0, 1, 1, 0, 0, 100.0),
        # North held: Jan N1 PN1; Feb N2 PN5 (due in January), N3 none; Mar N4 PN0 (under 4: n/a).
        # North due: Jan N1 on time, N2 held 02-04 for 01-15 (late) = 1 of 2; Feb N3 02-05 held 02-03;
        # Mar N4 03-10 held that day
        ("North", "2025-01", 1, 1, 1, 100.0, 0, 2, 1, 1, 0, 50.0),
        ("North", "2025-02", 2, 1, 1, 100.0, 1, 1, 1, 0, 0, 100.0),
        ("North", "2025-03", 1, 0, 0, None, 0, 1, 1, 0, 0, 100.0),
        # South held: Jan S1 PN7 (0 of 1); Feb none; Mar S3 PN2.
        # South due: Jan S1 01-10 held 01-09; Feb S2 02-20 never held (overdue); Mar S3 03-03 held 03-05 (late)
        ("South", "2025-01", 1, 0, 1, 0.0, 0, 1, 1, 0, 0, 100.0),
        ("South", "2025-02", 0, 0, 0, None, 0, 1, 0, 0, 1, 0.0),
        ("South", "2025-03", 1, 1, 1, 100.0, 0, 1, 0, 1, 0, 0.0),
    ]
    # the service-wide monthly figures are unchanged in shape: Jan N1, N2, S1, E1, E4 due, 4 on time = 80.0%
    assert kpi_json(service)["monthly"][0] == {"month": "2025-01", "due": 5, "on_time": 4, "late": 1, "overdue": 0,
                                               "pending": 0, "percent_on_time": 80.0}


def test_a_team_filter_keeps_that_teams_reviews(service):
    report = kpi_json(service, "--team", "south")
    # South alone: S1 PN7, S3 PN2 -> 2 held, 1 of 2 took part; the one IRO is B. Okafor
    assert code_counts(report["participation"]["all"]) == (0, 0, 1, 0, 0, 0, 0, 1, 0, 2)
    assert [r["iro"] for r in report["participation"]["by_iro"]] == ["B. Okafor"]
    assert {r["team"] for r in report["team_monthly"]} == {"South"}


def test_an_earlier_as_of_knows_only_the_reviews_held_by_then(service):
    # as of 2025-02-05 the period's held reviews known are January's and N3 (02-03), N2 (02-04):
    # N1 PN1, N2 PN5, N3 none, S1 PN7, E1 PN6, E4 PN1 -> 6 held, took part 4 of 5 = 80.0%
    report = json.loads(service("report", "kpi", "--from", "2025-01-01", "--to", "2025-03-31", "--as-of",
                                "2025-02-05", "--format", "json").stdout)
    overall = report["participation"]["all"]
    assert code_counts(overall) == (0, 2, 0, 0, 0, 1, 1, 1, 1, 6)
    assert (overall["participated"], overall["aged_4_plus"], overall["percent_participated"]) == (4, 5, 80.0)
    # March has neither a review held nor one judged: E3 and N4 are due later (pending), S3 too
    march = [r for r in report["team_monthly"] if r["month"] == "2025-03"]
    assert [(r["team"], r["held"], r["due"], r["pending"]) for r in march] == [
        ("East", 0, 0, 1), ("North", 0, 0, 1), ("South", 0, 0, 1)]


def test_a_voided_review_is_not_counted(service):
    [(event_id,)] = service.rows("SELECT id FROM event WHERE child_id = 'S1' AND date = '2025-01-09'")
    service("event", "void", str(event_id), "--reason", "wrong child")
    # South: S3 PN2 alone now -> 1 held, 1 of 1; S1 due 01-10 now not held (overdue)
    south = kpi_json(service)["participation"]["by_team"][2]
    assert (south["team"], code_counts(south), south["percent_participated"]) == (
        "South", (0, 0, 1, 0, 0, 0, 0, 0, 0, 1), 100.0)


def test_csv_carries_the_participation_and_trend_rows(service):
    rows = list(csv.DictReader(io.StringIO(service("report", "kpi", *PERIOD, "--format", "csv").stdout)))
    by = {(r["section"], r["key"], r["measure"]): r["value"] for r in rows}
    assert by[("participation", "all", "pn1")] == "2" and by[("participation", "all", "percent_participated")] == "87.5"
    assert by[("participation_iro", "D. Evans", "percent_participated")] == ""  # nothing to divide by
    assert by[("participation_team", "South", "pn7")] == "1"
    assert by[("team_monthly", "North 2025-02", "not_recorded")] == "1"
    assert by[("team_monthly", "South 2025-02", "overdue")] == "1"
    # 3 teams x 3 months, each with the same 19 measures
    measures = ["held", "pn0", "pn1", "pn2", "pn3", "pn4", "pn5", "pn6", "pn7", "not_recorded", "participated",
                "aged_4_plus", "percent_participated", "due", "on_time", "late", "overdue", "pending",
                "percent_on_time"]
    assert [r["measure"] for r in rows if r["key"] == "East 2025-01"] == measures
    assert len([k for k in by if k[0] == "team_monthly"]) == 9 * 19


def test_the_terminal_shows_participation_and_each_teams_trend_at_80_columns(service):
    service.runner.env["COLUMNS"] = "80"
    text = service("report", "kpi", *PERIOD).stdout
    lines = [line.rstrip() for line in text.splitlines()]
    assert max(len(line) for line in lines) <= 80
    assert ("Children took part in 7 of 8 reviews held of children aged 4 or over (87.5%): attended (PN1-PN4) or "
            "had their views conveyed (PN5, PN6). Not counted: 1 under 4 (PN0), 1 with no code recorded (of 10 "
            "held).") in " ".join(text.split())
    assert "│ PN1  │ attends and speaks for self                     │ 2       │ 20.0%     │" in lines
    # 80 columns: PN1-PN6 counted together by IRO and by team
    assert "│ B. Okafor │ 2    │ 0           │ 1         │ 1           │ 0    │ 50.0%      │" in lines
    # sparklines, one character a month (Jan, Feb, Mar): on time, then took part; ▅ = 50% (4 eighths)
    i = lines.index("Trend by team, month by month, 2025-01 to 2025-03")
    assert lines[i + 4:i + 8] == [
        " Team   On time       Took part",
        " East   █▁█      3/4  ███        4/4",
        " North  ▅██      3/4  ██·        2/2",
        " South  █▁▁      1/3  ▁·█        1/2",
    ]


def test_the_terminal_shows_each_code_by_iro_where_it_has_room(service):
    lines = [line.rstrip() for line in service("report", "kpi", *PERIOD).stdout.splitlines()]  # 160 columns
    assert "┃ IRO       ┃ PN0 ┃ PN1 ┃ PN2 ┃ PN3 ┃ PN4 ┃ PN5 ┃ PN6 ┃ PN7 ┃ None ┃ Held ┃ % took part ┃" in lines
    assert "│ D. Evans  │ 1   │ 0   │ 0   │ 0   │ 0   │ 0   │ 0   │ 0   │ 1    │ 2    │ n/a         │" in lines


def test_the_html_trend_per_team_renders_in_headless_chromium(service, tmp_path):
    from test_kpi import _chromium

    page = tmp_path / "kpi.html"
    service("report", "kpi", *PERIOD, "--html", str(page))
    text = page.read_text()
    trend = text[text.index('<section id="team-trend">'):text.index("</section>")]
    # one chart per team, in order; a point per month with something to count, its figures in a tooltip
    assert [t for t in ("<h3>East</h3>", "<h3>North</h3>", "<h3>South</h3>") if t in trend] == [
        "<h3>East</h3>", "<h3>North</h3>", "<h3>South</h3>"]
    assert trend.count("<svg") == 3 and "<script" not in text
    assert "<title>North 2025-01: on time 50.0% (1 of 2)</title>" in trend
    assert "<title>South 2025-01: took part 0.0% (0 of 1)</title>" in trend
    assert "North 2025-03: took part" not in trend  # under 4 only: no point
    assert "<td>PN7</td><td>does not attend and views not conveyed</td><td>1</td><td>10.0%</td>" in text
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed, and cannot be installed here (needs root and apt-get)")
    shot = tmp_path / "kpi.png"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,1400",
         f"{page.as_uri()}#team-trend"],
        capture_output=True, timeout=120, check=False,
    )
    assert shot.exists(), "chromium wrote no screenshot"
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1200, 1400)
    assert len(data) > 10_000, len(data)  # a blank page compresses to well under 10 KB


def test_a_stored_code_is_read_in_any_case_and_one_that_is_no_pn_code_is_not_recorded(service):
    from clirunner import execute

    # as a store written before imports checked the detail may hold them: N1's "pn1", E4's "XX"
    execute(service.url,
            "UPDATE event SET details = '{\"participation\": \"pn1\"}' WHERE child_id = 'N1' AND date = '2025-01-02'",
            "UPDATE event SET details = '{\"participation\": \"XX\"}' WHERE child_id = 'E4' AND date = '2025-01-08'")
    overall = kpi_json(service)["participation"]["all"]
    # PN1: N1 only (E4's no longer); not recorded: N3 and E4 = 2 of 10; took part 6 of 7
    assert code_counts(overall) == (1, 1, 1, 1, 1, 1, 1, 1, 2, 10)
    assert (overall["participated"], overall["aged_4_plus"], overall["percent_participated"]) == (6, 7, 85.7)
