"""`irocli caseload`: one row per child, checked against `irocli due` (they must agree), by hand (reviews, visits,
escalations, child protection, data problems), in its order, and in JSON, CSV and the table.

Dates are worked out in the comments under the england profile: a first review 20 working days after entering
care, the second 3 months after the first, then 6-monthly; a review's decisions 5 working days after it, its record
20 working days after it. The as-of day is Monday 2025-06-02 unless a test says otherwise.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

AS_OF = "2025-06-02"

# The review rules a child of these stores can have open (the test's own list, not the code's).
REVIEWS = {"review.first", "review.second", "review.subsequent"}

FIELDS = ["child_id", "initials", "iro", "team", "looked_after", "review_due", "review_booked", "review_days",
          "own", "own_overdue", "to_chase", "to_chase_overdue", "last_visit", "last_contact", "escalation_stage",
          "escalations_open", "cp_status", "problems", "cover"]


@pytest.fixture
def service(cli):
    """Six children of two IROs under england, as of 2025-06-02 (see each child's comments)."""
    cli("init", "--profile", "england")
    for child, name, dob, iro, team in [
        ("S001", "Sam Jones", "2012-05-01", "A. Khan", "North"),
        ("S002", "Ava Smith", "1900-01-01", "A. Khan", "North"),  # the placeholder: date of birth unknown
        ("S003", "Leo Brown", "2007-01-15", "B. Okafor", "South"),  # 18 on 2025-01-15
        ("S004", "Mia Green", "2014-03-03", "B. Okafor", "South"),
        ("S005", "Noah White", "2013-07-07", "B. Okafor", "South"),
        ("S006", "Zoe Black", "2016-02-02", "A. Khan", "North"),
    ]:
        cli("child", "add", child, "--name", name, "--dob", dob, "--iro", iro, "--team", team)
    for args in [
        # S001: first review 2025-03-31 held; the second due 2025-06-30 (3 months), booked for 2025-06-02 (28 days
        # ahead of it); decisions due 2025-04-07 and the record due 2025-04-30 (20 working days, Easter's 18 and 21
        # April closed), neither done: the IRO's own, overdue
        ("S001", "entered-care", "2025-03-03"),
        ("S001", "review-held", "2025-03-31"),
        ("S001", "review-booked", "2025-06-02"),
        ("S001", "iro-visit", "2025-04-10"),
        ("S001", "iro-contact", "2025-05-20"),  # after the visit: the last contact
        ("S001", "iro-visit", "2025-07-01"),  # after the as-of day: not yet known
        # S002: first review due 2025-02-03 (20 working days from 2025-01-06), never held: 119 days late on
        # 2025-06-02 (to 3 March 28 days, to 3 April 59, to 3 May 89, to 2 June 119)
        ("S002", "entered-care", "2025-01-06"),
        ("S002", "strategy-discussion", "2025-01-10"),
        ("S002", "icpc-held", "2025-01-30"),  # a child protection plan from 2025-01-30
        ("S002", "iro-contact", "2025-01-20"),  # a contact, no visit
        # S003: looked after since 2024-06-03, 18 on 2025-01-15 with no left-care: an open episode past 18; reviews
        # held 2024-07-01 and 2024-10-01, the next (2025-04-01) falls after the 18th birthday, so none is open
        ("S003", "entered-care", "2024-06-03"),
        ("S003", "review-held", "2024-07-01"),
        ("S003", "review-held", "2024-10-01"),
        ("S003", "icpc-held", "2024-08-01"),
        ("S003", "cp-plan-ended", "2024-12-01"),  # the plan ended: none
        # S004: history before 2025-04-01 unknown (an imported return's window); an enquiry awaiting its ICPC. The
        # first review was due 2024-10-29, the second 2025-01-29, both before the window: reviews may have been held
        # up to 2025-03-31, so the next is the 6-monthly one from then, due 2025-09-30 (120 days ahead)
        ("S004", "entered-care", "2024-10-01"),
        ("S004", "history-known-from", "2025-04-01"),
        ("S004", "strategy-discussion", "2025-05-20"),
        # S005: in care 2024-01-08 to 2024-01-09 only, nothing else: no row
        ("S005", "entered-care", "2024-01-08"),
        ("S005", "left-care", "2024-01-09"),
        # S006: first review due 2025-06-30 (20 working days from 2025-06-02)
        ("S006", "entered-care", "2025-06-02"),
        ("S006", "iro-visit", "2025-06-02"),
    ]:
        cli("event", "add", *args)
    # S001: one escalation at stage 1 (opened informal, escalated), one opened and resolved
    first = cli("escalation", "open", "S001", "--reason", "drift", "--date", "2025-04-01").stdout.strip()
    cli("escalation", "escalate", first, "--to-stage", "1", "--date", "2025-04-15")
    second = cli("escalation", "open", "S001", "--reason", "placement", "--date", "2025-04-02").stdout.strip()
    cli("escalation", "resolve", second, "--date", "2025-04-20", "--outcome", "placement agreed")
    # S006: two open, at informal and at stage 2: the furthest is 2
    cli("escalation", "open", "S006", "--reason", "drift", "--date", "2025-06-02")
    cli("escalation", "open", "S006", "--reason", "statutory", "--stage", "2", "--date", "2025-06-02")
    return cli


def caseload(cli, *args: str) -> list[dict]:
    return json.loads(cli("caseload", *args, "--format", "json").stdout)


def by_child(rows: list[dict]) -> dict[str, dict]:
    return {r["child_id"]: r for r in rows}


@pytest.mark.parametrize("as_of", [["--as-of", AS_OF], []], ids=["2025-06-02 (derived live)", "today (the table)"])
def test_caseload_agrees_with_due_for_every_child(service, as_of):
    """(a) Each child's outstanding counts are those of `irocli due` (the default 28 days), split by owner, and its
    next review due is the review row `due` lists when asked far enough ahead. On 2025-06-02 every child is derived
    live (child add's allocation is dated today, after it); today the obligation table answers."""
    rows = by_child(caseload(service, *as_of))
    due = json.loads(service("due", *as_of, "--format", "json").stdout)
    ahead = json.loads(service("due", *as_of, "--within", "3660", "--format", "json").stdout)
    assert set(rows) == {"S001", "S002", "S003", "S004", "S006"}  # S005 left care with nothing open
    assert {r["child_id"] for r in due} <= set(rows)
    for child_id, row in rows.items():
        listed = [r for r in due if r["child_id"] == child_id]
        own = [r for r in listed if r["owner"] == "iro"]
        chase = [r for r in listed if r["owner"] != "iro"]
        counts = (len(own), sum(r["status"] == "overdue" for r in own),
                  len(chase), sum(r["status"] == "overdue" for r in chase))
        assert (row["own"], row["own_overdue"], row["to_chase"], row["to_chase_overdue"]) == counts, child_id
        reviews = [r for r in ahead if r["child_id"] == child_id and r["obligation"] in REVIEWS]
        assert len(reviews) <= 1, child_id
        assert row["review_due"] == (reviews[0]["due"] if reviews else None), child_id
        assert row["review_days"] == (reviews[0]["days"] if reviews else None), child_id
    # the store is not so quiet that agreement means little: both kinds of owner, overdue, on several children
    assert sum(r["own_overdue"] for r in rows.values()) >= 3 and sum(r["to_chase_overdue"] for r in rows.values()) >= 3
    assert sum(1 for r in rows.values() if r["own"] + r["to_chase"]) >= 3


def test_hand_checked_values(service):
    """(c) Next review due, booked and days; last visit and contact; escalation stage; CP status; each data problem."""
    rows = by_child(caseload(service, "--as-of", AS_OF))
    picked = {k: {f: r[f] for f in ("review_due", "review_booked", "review_days", "last_visit", "last_contact",
                                    "escalation_stage", "escalations_open", "cp_status", "problems", "looked_after")}
              for k, r in rows.items()}
    assert picked == {
        "S001": {"review_due": "2025-06-30", "review_booked": "2025-06-02", "review_days": 28,
                 "last_visit": "2025-04-10", "last_contact": "2025-05-20", "escalation_stage": "1",
                 "escalations_open": 1, "cp_status": "none", "problems": [], "looked_after": True},
        "S002": {"review_due": "2025-02-03", "review_booked": None, "review_days": -119,
                 "last_visit": None, "last_contact": "2025-01-20", "escalation_stage": None,
                 "escalations_open": 0, "cp_status": "CP plan", "problems": ["no date of birth"], "looked_after": True},
        "S003": {"review_due": None, "review_booked": None, "review_days": None,
                 "last_visit": None, "last_contact": None, "escalation_stage": None,
                 "escalations_open": 0, "cp_status": "none", "problems": ["open episode past 18"],
                 "looked_after": True},
        "S004": {"review_due": "2025-09-30", "review_booked": None, "review_days": 120,
                 "last_visit": None, "last_contact": None, "escalation_stage": None,
                 "escalations_open": 0, "cp_status": "ICPC awaited", "problems": ["history unknown"],
                 "looked_after": True},
        "S006": {"review_due": "2025-06-30", "review_booked": None, "review_days": 28,
                 "last_visit": "2025-06-02", "last_contact": "2025-06-02", "escalation_stage": "2",
                 "escalations_open": 2, "cp_status": "none", "problems": [], "looked_after": True},
    }
    # S001's own: decisions (due 2025-04-07) and record (due 2025-04-30), both overdue, and the review (2025-06-30,
    # 28 days ahead: in the window); the contact before the booked day (due 2025-06-01) was met on 2025-05-20
    assert (rows["S001"]["own"], rows["S001"]["own_overdue"]) == (3, 2)


@pytest.fixture
def order(cli):
    """Six children of one IRO, each pair of neighbours in the expected order told apart by one sort key.
    Ids run against the order, so that the id (the last key) never decides a pair it should not."""
    cli("init", "--profile", "england")
    for child in ("K0", "K1", "K2", "K3", "K4", "K5"):
        cli("child", "add", child, "--name", "Kim Test", "--dob", "2012-05-01", "--iro", "C. Order", "--team", "East")
    for args in [
        # K5: first review due 2025-02-03, not held: overdue; the contact before it done, so the review alone is
        # the IRO's own overdue task (1)
        ("K5", "entered-care", "2025-01-06"), ("K5", "iro-contact", "2025-01-20"),
        # K4: first review held 2025-03-31, its decisions (due 2025-04-07) and record (due 2025-04-30) not done:
        # 2 own overdue; next review 2025-06-30
        ("K4", "entered-care", "2025-03-03"), ("K4", "review-held", "2025-03-31"),
        # K3: first review held 2025-03-03, decisions done, the record (due 2025-03-31) not: 1 own overdue; next
        # review 2025-06-03 (in 1 day); the contact before it due 2025-06-02, today: not overdue
        ("K3", "entered-care", "2025-02-03"), ("K3", "review-held", "2025-03-03"),
        ("K3", "decisions-circulated", "2025-03-05"),
        # K1 and K2: as K4 with the decisions done: 1 own overdue (the record), next review 2025-06-30
        ("K1", "entered-care", "2025-03-03"), ("K1", "review-held", "2025-03-31"),
        ("K1", "decisions-circulated", "2025-04-02"),
        ("K2", "entered-care", "2025-03-03"), ("K2", "review-held", "2025-03-31"),
        ("K2", "decisions-circulated", "2025-04-02"),
        # K0: not looked after; an enquiry's ICPC open (the local authority's): no review, nothing of the IRO's
        ("K0", "strategy-discussion", "2025-05-20"),
    ]:
        cli("event", "add", *args)
    return cli


def test_the_order_puts_what_needs_attention_first(order):
    """(b) K5 before K4: an overdue review first, though K4 has more of the IRO's own tasks overdue (2 to 1).
    K4 before K3: more own tasks overdue, though K3's review is sooner (2025-06-03 to 2025-06-30).
    K3 before K1: the review due sooner, though K1's id comes first. K1 before K2: all else equal, the id.
    K2 before K0: K0 has no open review (and an id before every other)."""
    rows = caseload(order, "--as-of", AS_OF)
    keys = [(r["child_id"], r["review_days"], r["own_overdue"]) for r in rows]
    assert keys == [("K5", -119, 1), ("K4", 28, 2), ("K3", 1, 1), ("K1", 28, 1), ("K2", 28, 1), ("K0", None, 0)]
    table = order("caseload", "--as-of", AS_OF).stdout
    assert [line.split()[0] for line in table.splitlines() if line[:1] == "K"] == ["K5", "K4", "K3", "K1", "K2", "K0"]


def test_json_and_csv_fields(service):
    """(d) JSON: the fields in order, problems a list; CSV: the same header, problems joined, None empty."""
    rows = caseload(service, "--as-of", AS_OF)
    assert [list(r) for r in rows] == [FIELDS] * len(rows)
    text = service("caseload", "--as-of", AS_OF, "--format", "csv").stdout
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == FIELDS
    assert [line[0] for line in parsed[1:]] == [r["child_id"] for r in rows]
    s002 = dict(zip(FIELDS, next(line for line in parsed if line[0] == "S002"), strict=True))
    assert s002 == {"child_id": "S002", "initials": "AS", "iro": "A. Khan", "team": "North", "looked_after": "True",
                    "review_due": "2025-02-03", "review_booked": "", "review_days": "-119",
                    "own": s002["own"], "own_overdue": s002["own_overdue"], "to_chase": s002["to_chase"],
                    "to_chase_overdue": s002["to_chase_overdue"], "last_visit": "", "last_contact": "2025-01-20",
                    "escalation_stage": "", "escalations_open": "0", "cp_status": "CP plan",
                    "problems": "no date of birth", "cover": ""}
    s001 = next(r for r in rows if r["child_id"] == "S001")
    assert [s001[f] for f in ("own", "own_overdue")] == [3, 2]


def test_two_problems_are_joined_in_csv(cli):
    cli("init", "--profile", "england")
    cli("child", "add", "P001", "--name", "Pat Old", "--dob", "1900-01-01", "--iro", "A. Khan")
    cli("event", "add", "P001", "entered-care", "2024-10-01")
    cli("event", "add", "P001", "history-known-from", "2025-04-01")
    text = cli("caseload", "--as-of", AS_OF, "--format", "csv").stdout
    row = dict(zip(FIELDS, list(csv.reader(io.StringIO(text)))[1], strict=True))
    assert row["problems"] == "history unknown; no date of birth"


def test_iro_and_team_filters(service):
    """(e) --iro keeps that IRO's children (any case, spaces trimmed); --team likewise. S002's review is overdue;
    S001 has two of the IRO's own tasks overdue, S006 none."""
    assert [r["child_id"] for r in caseload(service, "--as-of", AS_OF, "--iro", "  a. KHAN ")] == \
        ["S002", "S001", "S006"]
    assert {r["child_id"] for r in caseload(service, "--as-of", AS_OF, "--team", "south")} == {"S003", "S004"}


def test_an_unknown_iro_is_one_line_exit_2(service):
    before = service.digest()
    result = service("caseload", "--iro", "Nobody", ok=False)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "Error: no child in the store has IRO 'Nobody' (known: A. Khan, B. Okafor)\n"
    assert service.digest() == before


@pytest.mark.parametrize("args, message", [
    (["--format", "xml"], "Error: --format must be one of table, json, csv (got 'xml')\n"),
    (["--as-of", "2025-02-30"], "Error: --as-of '2025-02-30' is not a date (expected YYYY-MM-DD)\n"),
    (["--bogus"], "Error: No such option: --bogus\n"),
    (["bogus"], "Error: no command \"bogus\"; see 'irocli caseload --help'\n"),
])
def test_bad_usage_is_one_line_exit_2(service, args, message):
    result = service("caseload", *args, ok=False)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_help_describes_the_listing(service):
    text = service("caseload", "--help").stdout
    assert "One row per child of a caseload" in text and "Example: irocli caseload" in text
    assert "--iro" in text and "--team" in text and "--as-of" in text and "--format" in text


def test_the_table(service):
    """The table as an IRO reads it at 160 columns: A. Khan's children, most urgent first."""
    table = "\n".join(line.rstrip() for line in service("caseload", "--as-of", AS_OF, "--iro", "A. Khan").stdout
                      .splitlines())
    s001, s002 = (by_child(caseload(service, "--as-of", AS_OF))[c] for c in ("S001", "S002"))
    assert table.splitlines()[0] == "Caseload for A. Khan as of 2025-06-02"
    assert table.splitlines()[-1] == "3 children"
    lines = table.splitlines()
    s002_line = next(i for i, line in enumerate(lines) if line.startswith("S002 AS"))
    assert lines[s002_line].split()[:4] == ["S002", "AS", "2025-02-03", "119d"]
    assert "CP plan" in lines[s002_line] or "CP plan" in lines[s002_line + 1]
    s001_line = next(i for i, line in enumerate(lines) if line.startswith("S001 SJ"))
    assert lines[s001_line].split()[:5] == ["S001", "SJ", "2025-06-30", "in", "28d"]
    assert lines[s001_line + 1].split()[:1] == ["2025-06-02"]  # booked, under the due date
    assert f"{s001['own_overdue']} late" in lines[s001_line + 1] and s002["own_overdue"] >= 1


def test_nothing_to_list_is_one_sentence(cli):
    cli("init", "--profile", "england")
    cli("child", "add", "E001", "--name", "Eve Empty", "--dob", "2012-05-01", "--iro", "A. Khan")
    result = cli("caseload", "--as-of", AS_OF)
    assert result.stdout == "No children on the caseload as of 2025-06-02.\n"
    assert caseload(cli, "--as-of", AS_OF) == []


@pytest.mark.parametrize("columns", [80, 120])
def test_the_table_fits_80_and_120_columns_with_every_date_whole(service, columns):
    """The whole service (IROs under each child): no line wider than the terminal, nothing cut short ("…"), every
    date whole, and each child's id, initials and review due date on the first line of its row."""
    from typer.testing import CliRunner

    from irocli.cli import app

    runner = CliRunner(env={"IROCLI_DB": service.url, "IROCLI_PROFILE": None, "COLUMNS": str(columns),
                            "NO_COLOR": "1", "FORCE_COLOR": None})
    result = runner.invoke(app, ["caseload", "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert max(len(line) for line in lines) <= columns
    assert "…" not in result.stdout
    words = result.stdout.split()
    for row in caseload(service, "--as-of", AS_OF):
        for field in ("review_due", "review_booked", "last_visit", "last_contact"):
            assert row[field] is None or row[field] in words, (row["child_id"], field)
        first = next(line for line in lines if line.startswith(row["child_id"]))
        assert first.split()[:3] == [row["child_id"], row["initials"], row["review_due"] or "-"]
    assert "B. Okafor" in result.stdout or ("B." in words and "Okafor" in words)
