"""Between-reviews obligations (RULES §7) in every view, on both backends: overdue, due, explain, child
show, calendar and the --owner filter. One child, hand-checked:

Mia, born 2021-01-10 (5 on 2026-01-10), looked after from Mon 2025-03-03; social worker visits 03-07 and
04-25, health assessment 03-28. As of 2025-06-20:
- visit.sw-first: 03-03 + 1 week = 03-10, met 03-07;
- visit.sw-interval: 03-07 + 6 weeks = 04-18, met late 04-25; 04-25 + 6 weeks (5 to 30 Apr, 31 in May,
  6 in June) = 06-06, overdue 14 days;
- health.iha: 03-03 + 20 working days = 03-31, met 03-28; health.rha: 03-28 + 6 months = 09-28, before the
  5th birthday, due in 100 days;
- health.sdq: 4 on 2025-01-10, before care began: 03-03 + 12 months = 2026-03-03.
"""

from __future__ import annotations

import pytest
from icalendar import Calendar

AS_OF = ("--as-of", "2025-06-20")


@pytest.fixture
def mia(cli):
    cli("init", "--profile", "england")
    cli("child", "add", "C010", "--name", "Mia Reed", "--dob", "2021-01-10", "--iro", "A. Khan")
    for kind, day in [("entered-care", "2025-03-03"), ("sw-visit", "2025-03-07"), ("health-assessment", "2025-03-28"),
                      ("sw-visit", "2025-04-25")]:
        cli("event", "add", "C010", kind, day)
    return cli


def test_an_overdue_visit_is_in_overdue_with_whom_to_chase(mia):
    rows = {r["obligation"]: r for r in mia.json("overdue", *AS_OF)}
    row = rows["visit.sw-interval"]
    assert (row["due"], row["days"], row["owner"], row["source"], row["anchor"]) == (
        "2025-06-06", -14, "social-worker", "REG reg 28(2)(b)-(c)", {"kind": "sw-visit", "date": "2025-04-25"})
    assert "health.rha" not in rows and "visit.sw-first" not in rows


def test_due_shows_the_next_health_assessment_and_sdq(mia):
    rows = {r["obligation"]: (r["due"], r["status"], r["days"], r["owner"])
            for r in mia.json("due", *AS_OF, "--within", "300")}
    assert rows["health.rha"] == ("2025-09-28", "due", 100, "local-authority")
    assert rows["health.sdq"] == ("2026-03-03", "due", 256, "social-worker")
    assert "health.iha" not in rows  # met on 03-28


def test_owner_filter_gives_the_social_workers_rows(mia):
    rows = mia.json("due", *AS_OF, "--within", "300", "--owner", "social-worker")
    assert {r["owner"] for r in rows} == {"social-worker"}
    assert {"visit.sw-interval", "health.sdq"} <= {r["obligation"] for r in rows}


def test_explain_cites_the_regulation_and_the_arithmetic(mia):
    rows = [r for r in mia.json("explain", "C010", *AS_OF) if r["obligation"].startswith(("visit.", "health."))]
    assert [(r["obligation"], r["due"], r["status"], r.get("met_on")) for r in rows] == [
        ("visit.sw-first", "2025-03-10", "met", "2025-03-07"),
        ("health.iha", "2025-03-31", "met", "2025-03-28"),
        ("visit.sw-interval", "2025-04-18", "met-late", "2025-04-25"),
        ("visit.sw-interval", "2025-06-06", "overdue", None),
        ("health.rha", "2025-09-28", "due", None),
        ("health.sdq", "2026-03-03", "due", None),
    ]
    assert rows[3]["arithmetic"] == ("placement from 2025-03-03; visit 2025-04-25 before 2026-03-03 (1 year from its "
                                     "start); 2025-04-25 + 6 weeks = 2025-06-06")
    assert rows[4]["arithmetic"].endswith("2025-03-28 + 6 months = 2025-09-28")
    table = mia("explain", "C010", *AS_OF).stdout
    assert "REG reg 28(2)(a)" in table and "REG reg 7" in table


def test_child_show_has_the_visits_history(mia):
    page = mia.json("child", "show", "C010", *AS_OF)
    visits = [(o["obligation"], o["due"], o["status"]) for o in page["obligations"]
              if o["obligation"].startswith("visit.")]
    assert visits == [("visit.sw-first", "2025-03-10", "met"), ("visit.sw-interval", "2025-04-18", "met-late"),
                      ("visit.sw-interval", "2025-06-06", "overdue")]


def test_calendar_has_the_overdue_visit(mia):
    cal = Calendar.from_ical(mia("calendar", *AS_OF, "--within", "120").stdout_bytes)
    found = {str(ev["DESCRIPTION"]).splitlines()[0]: ev.decoded("DTSTART").isoformat() for ev in cal.walk("VEVENT")}
    assert found["Rule: visit.sw-interval"] == "2025-06-06"
    assert found["Rule: health.rha"] == "2025-09-28"
