"""Names as people type them (--iro, --team), on each backend.

Hand-checked against the caseload fixture (tests/cli/conftest.py, england profile): on 2025-03-25
thirteen obligations are overdue, all A. Khan's (North): C001 visit.sw-first 2024-12-27 (2024-12-20 + 7 days),
ms.placement-plan and notify.placement-iro 2024-12-31 (2024-12-20 + 5 working days: Mon 23, Tue 24, Fri 27,
Mon 30, Tue 31; Christmas and Boxing Day closed), ms.care-plan 2025-01-08, health.iha 2025-01-22
(2024-12-20 + 20 working days), task.record-distributed 2025-02-19 (2025-01-22 + 20 working days); C002
visit.sw-first 2025-03-10, ms.placement-plan and notify.placement-iro 2025-03-10 (Mon 2025-03-03 + 5
working days), ms.care-plan 2025-03-17; the Personal Education Plans (both of school age, DfE PEP guidance
2018): C001 ms.pep-start 2025-01-08 (2024-12-20 + 10 working days, as ms.care-plan) and ms.pep 2025-01-22 (+ 20,
as health.iha), C002 ms.pep-start 2025-03-17 (+ 10, as its care plan).
(C001's IRO appointment is met by the first review an IRO chaired on 2025-01-22.) B. Okafor (South) has
nothing overdue that day.
"""

from __future__ import annotations

import json

import pytest

from clirunner import execute

AS_OF = ("--as-of", "2025-03-25")
KHAN_OVERDUE = [("C001", "visit.sw-first", "2024-12-27"), ("C001", "ms.placement-plan", "2024-12-31"),
                ("C001", "notify.placement-iro", "2024-12-31"), ("C001", "ms.care-plan", "2025-01-08"),
                ("C001", "ms.pep-start", "2025-01-08"), ("C001", "health.iha", "2025-01-22"),
                ("C001", "ms.pep", "2025-01-22"), ("C001", "task.record-distributed", "2025-02-19"),
                ("C002", "ms.placement-plan", "2025-03-10"), ("C002", "notify.placement-iro", "2025-03-10"),
                ("C002", "visit.sw-first", "2025-03-10"), ("C002", "ms.care-plan", "2025-03-17"),
                ("C002", "ms.pep-start", "2025-03-17")]  # a day by id
UNKNOWN_IRO = "Error: no child in the store has IRO 'A. Kahn' (known: A. Khan, B. Okafor)\n"


def overdue(cli, *args):
    return [(r["child_id"], r["obligation"], r["due"]) for r in cli.json("overdue", *AS_OF, *args)]


def test_names_are_stored_trimmed_with_inner_spaces_collapsed(cli):
    cli("init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01", "--iro", "  A.   Khan ",
        "--team", "\u00a0North  ", "--social-worker", " K.  Doyle ")
    cli("child", "add", "C002", "--name", "Ava Smith", "--dob", "2012-05-01", "--iro", "B. Okafor")
    cli("child", "update", "C002", "--iro", " B.  Okafor  ", "--team", " South ")
    assert cli.rows("SELECT id, iro, social_worker, team FROM child ORDER BY id") == [
        ("C001", "A. Khan", "K. Doyle", "North"), ("C002", "B. Okafor", None, "South")]


@pytest.mark.parametrize("iro", ["A. Khan", "a. khan", "  A. KHAN ", "a.  Khan", "\tA. Khan\n"])
def test_iro_matches_whatever_the_case_and_spacing(caseload, iro):
    assert overdue(caseload, "--iro", iro) == KHAN_OVERDUE
    assert [c["id"] for c in caseload.json("child", "list", "--iro", iro)] == ["C001", "C002"]
    due = {(r["child_id"], r["obligation"]) for r in caseload.json("due", *AS_OF, "--within", "40", "--iro", iro)}
    assert {c for c, _ in due} == {"C001", "C002"} and ("C001", "review.second") in due  # due 2025-04-22


@pytest.mark.parametrize("team", ["North", "north", " NORTH  "])
def test_team_matches_whatever_the_case_and_spacing(caseload, team):
    assert overdue(caseload, "--team", team) == KHAN_OVERDUE
    assert [c["id"] for c in caseload.json("child", "list", "--team", team)] == ["C001", "C002"]
    assert overdue(caseload, "--team", team, "--iro", "b. okafor") == []  # both known: truly nobody


def test_a_name_stored_untidy_before_this_release_still_matches(caseload):
    """Rows another tool wrote untidy (or an older irocli): --iro finds them all the same."""
    execute(caseload.url, "UPDATE child SET iro = 'a. khan  ' WHERE id = 'C002'")
    assert overdue(caseload, "--iro", "A. KHAN") == KHAN_OVERDUE
    result = caseload("overdue", *AS_OF, "--iro", "Nobody", ok=False)
    assert result.stderr == "Error: no child in the store has IRO 'Nobody' (known: A. Khan, B. Okafor)\n"


def test_a_genuinely_empty_caseload_is_still_exit_0(caseload):
    result = caseload("overdue", *AS_OF, "--iro", " b. OKAFOR", "--fail-on-overdue", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_calendar_matches_the_name_as_typed(caseload, tmp_path):
    def unstamped(text: str) -> str:  # DTSTAMP and SEQUENCE say when each export ran
        return "\n".join(line for line in text.splitlines() if not line.startswith(("DTSTAMP:", "SEQUENCE:")))

    exact = unstamped(caseload("calendar", *AS_OF, "--within", "40", "--iro", "A. Khan").stdout)
    typed = unstamped(caseload("calendar", *AS_OF, "--within", "40", "--iro", " a. khan ").stdout)
    assert typed == exact and "C001" in typed and "C002" in typed and "C003" not in typed


@pytest.mark.parametrize("args", [
    ("due", *AS_OF),
    ("overdue", *AS_OF),
    ("overdue", *AS_OF, "--fail-on-overdue"),  # a typo must never say "all clear" (0) either
    ("overdue", *AS_OF, "--format", "json"),
    ("child", "list"),
    ("calendar", *AS_OF),
    ("escalation", "list", *AS_OF),
    ("report", "kpi", "--from", "2025-01-01", "--to", "2025-03-31"),
], ids=lambda a: " ".join(x for x in a if not x.startswith("20")))
def test_an_unknown_iro_is_exit_2_listing_the_known_ones(caseload, args):
    result = caseload(*args, "--iro", "A. Kahn", ok=False)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", UNKNOWN_IRO)


@pytest.mark.parametrize("args", [("due", *AS_OF), ("child", "list"), ("calendar", *AS_OF)],
                         ids=["due", "child list", "calendar"])
def test_an_unknown_team_is_exit_2_listing_the_known_ones(caseload, args):
    result = caseload(*args, "--team", "Nroth", ok=False)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: no child in the store has team 'Nroth' (known: North, South)\n"


def test_a_name_in_a_store_with_no_iro_recorded_says_so(cli):
    cli("init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    result = cli("due", "--iro", "A. Khan", ok=False)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: no child in the store has IRO 'A. Khan' (none is recorded)\n"
